"""Whole-process start-up of the ``careplan`` command, beside the interpreter alone, the validator's
own import, and fhir.resources (R4B) importing and parsing the same file, in one run.

    .venv/bin/python benchmarks/startup.py [FILE] [--runs 9]

FILE is one FHIR resource, JSON or XML (default: the CarePlan of fixtures/golden/02-carat-release,
written to a temporary file; the R4 examples' ``CarePlan-example.json`` is another). Each run is a
fresh process (interpreter start, imports, definitions, validation, the printed report) timed from
outside; the rows alternate run by run, so that the machine's load falls on all alike, after one
unmeasured run of each (bytecode written, files in the page cache - as an installed wheel runs:
pip compiles an installed package's bytecode). Printed in milliseconds: the median and fastest
wall-clock time, and the median CPU time (user + system, the kernel's account of the child) - the
steadier figure on a machine shared with other work. Rows:

- ``python -c pass``: the interpreter alone, the floor under every other row;
- ``import adapter.validation``: the validator's own import;
- ``Validator().validate(FILE)`` through the API: import, load and one validation;
- ``careplan validate FILE``: the same through the command line (what a user runs; goal < 0.6 s);
- ``careplan --help``: the command's start with no room imported;
- ``import fhir.resources.R4B.careplan`` and its ``model_validate`` of FILE (JSON only): the peer.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "fixtures" / "golden" / "02-carat-release.bundle.json"
CAREPLAN = str(Path(sys.executable).with_name("careplan"))
GOAL_MS = 600


def _rows(file: Path) -> dict[str, list[str]]:
    python = sys.executable
    api = (
        "import sys; from adapter.wire import read_resource; from adapter.validation import Validator; "
        "Validator().validate(read_resource(open(sys.argv[1], 'rb').read()))"
    )
    peer = (
        "import sys, orjson; from fhir.resources.R4B import get_fhir_model_class; "
        "data = orjson.loads(open(sys.argv[1], 'rb').read()); "
        "get_fhir_model_class(data['resourceType']).model_validate(data)"
    )
    rows = {
        "python -c pass": [python, "-c", "pass"],
        "import adapter.validation": [python, "-c", "import adapter.validation"],
        "Validator().validate(FILE) (API)": [python, "-c", api, str(file)],
        "careplan validate FILE": [CAREPLAN, "validate", str(file)],
        "careplan --help": [CAREPLAN, "--help"],
        "import fhir.resources.R4B.careplan": [python, "-c", "import fhir.resources.R4B.careplan"],
    }
    if file.suffix.lower() == ".json":
        rows["fhir.resources R4B model_validate(FILE)"] = [python, "-c", peer, str(file)]
    return rows


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, check=False)
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
    if done.returncode not in (0, 1):  # 1: the file has errors, still a whole run
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()[-300:]}")
    return wall, cpu


def _default_file(folder: Path) -> Path:
    bundle = orjson.loads(GOLDEN.read_bytes())
    plan = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CarePlan")
    path = folder / "careplan.json"
    path.write_bytes(orjson.dumps(plan))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, help="one FHIR resource (JSON or XML)")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as folder:
        file = args.file or _default_file(Path(folder))
        rows = _rows(file)
        for command in rows.values():
            _run(command, env)
        wall: dict[str, list[float]] = {name: [] for name in rows}
        cpu: dict[str, list[float]] = {name: [] for name in rows}
        for _ in range(args.runs):
            for name, command in rows.items():
                spent, used = _run(command, env)
                wall[name].append(spent)
                cpu[name].append(used)
        print(
            f"{file.name}: {file.stat().st_size} bytes; {args.runs} runs of each, alternating; milliseconds"
        )
        print(f"{'':42} {'wall med':>9} {'fastest':>8} {'CPU med':>8}")
        for name in rows:
            print(
                f"{name:42} {statistics.median(wall[name]):9.0f} {min(wall[name]):8.0f} "
                f"{statistics.median(cpu[name]):8.0f}"
            )
        ours = statistics.median(wall["careplan validate FILE"])
        print(
            f"goal: careplan validate FILE under {GOAL_MS} ms wall: {'met' if ours < GOAL_MS else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
