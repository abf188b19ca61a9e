"""Validation speed and memory, side by side with fhir.resources (R4B) parsing the same resources.

    .venv/bin/python benchmarks/validation.py /tmp/fhirpkg/package [--rounds 5]

The folder is the unpacked hl7.fhir.r4.examples 4.0.1 package; the official CarePlan, CareTeam,
Goal, Consent and Provenance examples are read from it. Figures printed:

- cold start: a fresh Validator's first validation of one resource (load + compile), and the
  import and first parse of fhir.resources, each in its own subprocess so neither warms the other;
- warm: microseconds per resource and resources per second over all examples (best of the rounds),
  for full validation and for fhir.resources' ``model_validate``;
- peak memory (tracemalloc) of one pass of each.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson

TYPES = ("CarePlan", "CareTeam", "Goal", "Consent", "Provenance")

COLD_OURS = """
import time, orjson, sys
start = time.perf_counter()
from adapter.validation import Validator
Validator().validate(orjson.loads(open(sys.argv[1], 'rb').read()))
print(time.perf_counter() - start)
"""

COLD_THEIRS = """
import time, orjson, sys
start = time.perf_counter()
from fhir.resources.R4B import get_fhir_model_class
data = orjson.loads(open(sys.argv[1], 'rb').read())
get_fhir_model_class(data['resourceType']).model_validate(data)
print(time.perf_counter() - start)
"""


def examples(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    found = []
    for kind in TYPES:
        for path in sorted(folder.glob(f"{kind}-*.json")):
            data = orjson.loads(path.read_bytes())
            if isinstance(data, dict) and data.get("resourceType") == kind:
                found.append((path, data))
    return found


def best_pass(run: Callable[[], None], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(run: Callable[[], None]) -> int:
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def cold(script: str, sample: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", script, str(sample)], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="unpacked hl7.fhir.r4.examples 4.0.1 (its package/ folder)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    from fhir.resources.R4B import get_fhir_model_class

    from adapter.validation import Validator

    resources = examples(args.folder)
    if not resources:
        raise SystemExit(f"no {', '.join(TYPES)} examples in {args.folder}")
    validator = Validator()
    models = {kind: get_fhir_model_class(kind) for kind in TYPES}

    def ours() -> None:
        for _, data in resources:
            validator.validate(data)

    def theirs() -> None:
        for _, data in resources:
            models[data["resourceType"]].model_validate(data)

    ours()  # warm the compiled cache: the warm figures are about the walk, cold start is below
    theirs()
    errors = sum(len(validator.validate(data).errors) for _, data in resources)
    ours_time = best_pass(ours, args.rounds)
    theirs_time = best_pass(theirs, args.rounds)
    count = len(resources)
    sample = resources[0][0]
    print(f"{count} official R4 examples ({', '.join(TYPES)}); best of {args.rounds} rounds")
    print(f"errors our validator reports in them: {errors}")
    print(f"{'':34}{'adapter.validation':>20}{'fhir.resources R4B':>20}")
    print(f"{'what it does':34}{'full validation':>20}{'model_validate':>20}")
    print(f"{'us per resource':34}{ours_time / count * 1e6:>20.0f}{theirs_time / count * 1e6:>20.0f}")
    print(f"{'resources per second':34}{count / ours_time:>20.0f}{count / theirs_time:>20.0f}")
    print(f"{'ratio (ours / theirs)':34}{ours_time / theirs_time:>20.2f}")
    ours_peak, theirs_peak = peak_memory(ours) // 1024, peak_memory(theirs) // 1024
    print(f"{'peak memory, one pass (KiB)':34}{ours_peak:>20}{theirs_peak:>20}")
    print(
        f"{'cold start, 1st resource (ms)':34}{cold(COLD_OURS, sample) * 1e3:>20.0f}"
        f"{cold(COLD_THEIRS, sample) * 1e3:>20.0f}"
    )


if __name__ == "__main__":
    main()
