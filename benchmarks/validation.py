"""Validation speed and memory, side by side with fhir.resources (R4B) parsing the same resources.

    .venv/bin/python benchmarks/validation.py /tmp/fhirpkg/package [--bundles fixtures/golden] [--rounds 5]

The folder is the unpacked hl7.fhir.r4.examples 4.0.1 package; the official CarePlan, CareTeam,
Goal, Consent and Provenance examples are read from it. Figures printed, for JSON input (the parsed
resource) and for XML input (the same resources written as FHIR XML by the wire codec; ours reads
them through the validator's XML reader and validates, fhir.resources runs ``model_validate_xml``):

- cold start: a fresh Validator's first validation of one resource (load + compile), and the
  import and first parse of fhir.resources, each in its own subprocess so neither warms the other;
- warm: the median over the resources of each one's time (best of the rounds), then microseconds
  per resource and resources per second over all examples (best of the rounds), for full validation
  and for fhir.resources' ``model_validate``; with ``--bundles DIR``, the same per Bundle over the
  Bundles in that folder (e.g. fixtures/golden);
- peak memory (tracemalloc) of one pass of each.
"""

from __future__ import annotations

import argparse
import statistics
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


def median_each(run: Callable[[Any], object], items: Sequence[Any], rounds: int) -> float:
    """The median over ``items`` of each one's best time over the rounds."""
    best = []
    for item in items:
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            run(item)
            times.append(time.perf_counter() - start)
        best.append(min(times))
    return statistics.median(best)


def compare(
    title: str, resources: list[tuple[Path, dict[str, Any]]], per: str, rounds: int, *, xml: bool = False
) -> None:
    """Print our full validation and fhir.resources' parse of the same resources (JSON already
    parsed, or XML bytes to read first)."""
    from fhir.resources.R4B import get_fhir_model_class

    from adapter.validation import Validator
    from adapter.validation.inputs import read_xml
    from adapter.wire import write_resource

    validator = Validator()
    models = {data["resourceType"]: get_fhir_model_class(data["resourceType"]) for _, data in resources}
    if xml:
        items: list[tuple[str, Any]] = [
            (data["resourceType"], write_resource(data, "xml")) for _, data in resources
        ]

        def ours_one(item: tuple[str, Any]) -> None:
            read, _problems = read_xml(item[1])
            validator.validate(read)

        def theirs_one(item: tuple[str, Any]) -> None:
            models[item[0]].model_validate_xml(item[1])
    else:
        items = [(data["resourceType"], data) for _, data in resources]

        def ours_one(item: tuple[str, Any]) -> None:
            validator.validate(item[1])

        def theirs_one(item: tuple[str, Any]) -> None:
            models[item[0]].model_validate(item[1])

    def ours() -> None:
        for item in items:
            ours_one(item)

    def theirs() -> None:
        for item in items:
            theirs_one(item)

    ours()  # warm the compiled cache: these figures are about the walk; cold start is separate
    theirs()
    errors = sum(len(validator.validate(data).errors) for _, data in resources)
    ours_median = median_each(ours_one, items, rounds)
    theirs_median = median_each(theirs_one, items, rounds)
    ours_time = best_pass(ours, rounds)
    theirs_time = best_pass(theirs, rounds)
    count = len(resources)
    parse = "model_validate_xml" if xml else "model_validate"
    print(f"{title}; {'FHIR XML' if xml else 'JSON'} input; best of {rounds} rounds")
    print(f"errors our validator reports in them: {errors}")
    print(f"{'':34}{'adapter.validation':>20}{'fhir.resources R4B':>20}")
    print(f"{'what it does':34}{'full validation':>20}{parse:>20}")
    print(f"{f'median us per {per}':34}{ours_median * 1e6:>20.0f}{theirs_median * 1e6:>20.0f}")
    print(f"{'median ratio (ours / theirs)':34}{ours_median / theirs_median:>20.2f}")
    print(f"{f'mean us per {per}':34}{ours_time / count * 1e6:>20.0f}{theirs_time / count * 1e6:>20.0f}")
    print(f"{f'{per}s per second':34}{count / ours_time:>20.0f}{count / theirs_time:>20.0f}")
    ours_peak, theirs_peak = peak_memory(ours) // 1024, peak_memory(theirs) // 1024
    print(f"{'peak memory, one pass (KiB)':34}{ours_peak:>20}{theirs_peak:>20}")
    print()


def bundles(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    found = []
    for path in sorted(folder.glob("*.json")):
        data = orjson.loads(path.read_bytes())
        if isinstance(data, dict) and data.get("resourceType") == "Bundle":
            found.append((path, data))
    return found


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="unpacked hl7.fhir.r4.examples 4.0.1 (its package/ folder)")
    parser.add_argument("--bundles", type=Path, help="also: a folder of Bundle .json files (fixtures/golden)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    resources = examples(args.folder)
    if not resources:
        raise SystemExit(f"no {', '.join(TYPES)} examples in {args.folder}")
    title = f"{len(resources)} official R4 examples ({', '.join(TYPES)})"
    compare(title, resources, "resource", args.rounds)
    compare(title, resources, "resource", args.rounds, xml=True)
    if args.bundles is not None:
        found = bundles(args.bundles)
        entries = sum(len(b.get("entry", [])) for _, b in found)
        compare(f"{len(found)} Bundles from {args.bundles} ({entries} entries)", found, "bundle", args.rounds)
    sample = resources[0][0]
    print(f"{'':34}{'adapter.validation':>20}{'fhir.resources R4B':>20}")
    print(
        f"{'cold start, 1st resource (ms)':34}{cold(COLD_OURS, sample) * 1e3:>20.0f}"
        f"{cold(COLD_THEIRS, sample) * 1e3:>20.0f}"
    )


if __name__ == "__main__":
    main()
