"""Whole-process start-up of the ``careplan`` command, beside the validator's own import and
fhir.resources (R4B) importing and parsing the same file, each in the same run.

    .venv/bin/python benchmarks/startup.py [FILE] [--runs 11]

FILE is one FHIR JSON resource (default: the CarePlan of fixtures/golden/02-carat-release, written to
a temporary file). Every row is a fresh process, timed from launch to exit: the median and fastest
wall-clock time, and the median CPU time (user + system, from the kernel's account of the child),
in milliseconds. CPU time is the steadier figure on a machine shared with other work. Rows:

- ``python -c pass``: the interpreter alone, the floor under every other row;
- ``import adapter.validation``: the validator's own import;
- ``Validator().validate(FILE)`` through the API: import, load and one validation;
- ``careplan validate FILE``: the same through the command line (what a user runs);
- ``careplan --help``: the command's start with no room imported;
- ``import fhir.resources.R4B.careplan`` and its ``model_validate`` of FILE: the peer.

Shared machines are noisy: compare rows of one run, never runs of different days.
"""

from __future__ import annotations

import argparse
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


def _rows(file: Path) -> list[tuple[str, list[str]]]:
    python = sys.executable
    api = (
        "import sys, orjson; from adapter.validation import Validator; "
        "sys.exit(len(Validator().validate(orjson.loads(open(sys.argv[1], 'rb').read())).errors) > 0)"
    )
    peer = (
        "import sys, orjson; from fhir.resources.R4B import get_fhir_model_class; "
        "data = orjson.loads(open(sys.argv[1], 'rb').read()); "
        "get_fhir_model_class(data['resourceType']).model_validate(data)"
    )
    return [
        ("python -c pass", [python, "-c", "pass"]),
        ("import adapter.validation", [python, "-c", "import adapter.validation"]),
        ("Validator().validate(FILE) (API)", [python, "-c", api, str(file)]),
        ("careplan validate FILE", [CAREPLAN, "validate", str(file)]),
        ("careplan --help", [CAREPLAN, "--help"]),
        ("import fhir.resources.R4B.careplan", [python, "-c", "import fhir.resources.R4B.careplan"]),
        ("fhir.resources R4B model_validate(FILE)", [python, "-c", peer, str(file)]),
    ]


def _time(command: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each run."""
    wall, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, check=False)
        wall.append((time.perf_counter() - start) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
        if done.returncode != 0:
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
    parser.add_argument("file", nargs="?", type=Path, help="one FHIR JSON resource")
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        file = args.file or _default_file(Path(folder))
        print(f"{file.name}: {file.stat().st_size} bytes; {args.runs} runs of each, milliseconds")
        print(f"{'':42} {'wall med':>9} {'fastest':>8} {'CPU med':>8}")
        for label, command in _rows(file):
            wall, cpu = _time(command, args.runs)
            print(f"{label:42} {statistics.median(wall):9.0f} {min(wall):8.0f} {statistics.median(cpu):8.0f}")


if __name__ == "__main__":
    main()
