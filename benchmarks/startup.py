"""The whole ``careplan validate FILE`` process for one resource, beside importing fhir.resources.

    .venv/bin/python benchmarks/startup.py /tmp/fhirpkg/package/CarePlan-example.json [--runs 9]

Each run is a fresh process (interpreter start, imports, definitions, validation, the printed
report), timed from outside; the two commands alternate run by run so that the machine's load
falls on both alike. Printed: the median and the fastest of each, and the ratio of medians. The
goal is a median under 0.6 s for ``careplan validate``.

Both run with Python's bytecode cache allowed (PYTHONDONTWRITEBYTECODE is dropped from their
environment) and after one unmeasured run of each, as an installed wheel runs: pip compiles an
installed package's bytecode, so a user never pays for compiling the sources at each start.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

GOAL_SECONDS = 0.6


def timed(command: Sequence[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: the file has errors, still a full run
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="one FHIR resource (JSON or XML)")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)

    careplan = shutil.which("careplan", path=str(Path(sys.executable).parent)) or "careplan"
    commands = {
        "careplan validate FILE": [careplan, "validate", str(args.file)],
        "import fhir.resources.R4B.careplan": [sys.executable, "-c", "import fhir.resources.R4B.careplan"],
    }
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for command in commands.values():
        timed(command, env)  # bytecode written, files in the page cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(timed(command, env))
    print(f"whole process, {args.runs} runs each, alternating ({args.file.name})")
    print(f"{'':38}{'median s':>10}{'fastest s':>10}")
    for name, found in times.items():
        print(f"{name:38}{statistics.median(found):>10.3f}{min(found):>10.3f}")
    ours, theirs = (statistics.median(t) for t in times.values())
    print(f"{'ratio of medians (ours / import)':38}{ours / theirs:>10.2f}")
    verdict = "met" if ours < GOAL_SECONDS else "NOT met"
    print(f"{'goal: careplan validate under (s)':38}{GOAL_SECONDS:>10.1f}  {verdict}")


if __name__ == "__main__":
    main()
