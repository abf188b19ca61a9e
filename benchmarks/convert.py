"""Each system's records -> FHIR bundle, side by side with fhir.resources (R4B) parsing the output.

    .venv/bin/python benchmarks/convert.py                         # 10,000 records per system
    .venv/bin/python benchmarks/convert.py --records 2000 --systems carat cjit-dir

For each system a batch is generated from one of its golden records (fixtures/systems), each copy
with its own plan id, and streamed one record at a time through the whole pipeline: parse the
system's bytes, map to the canonical record, validate it, build the FHIR Bundle, serialise it to
JSON. In the same run fhir.resources' R4B Bundle model parses every bundle produced, for scale. The
process's peak resident memory is read after the first tenth of the batch and at the end: when the
pipeline streams, the two stay close however large the batch. Not a test: figures, as a table.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fhir.resources.R4B.bundle import Bundle

from adapter.dialects import load_system, read, systems
from adapter.fhir import to_fhir
from adapter.fhir.terminology import Terminology
from adapter.wire import write_resource

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "systems"


def peak_rss_mib() -> float:
    """The process's peak resident set size so far (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def template(system: str) -> bytes:
    """The largest golden record the system holds (the most work per record)."""
    extension = load_system(system).extension
    files = sorted(FIXTURES.joinpath(system).glob(f"*.{extension}"), key=lambda p: p.stat().st_size)
    return files[-1].read_bytes()


def batch(system: str, size: int) -> Iterator[bytes]:
    """``size`` copies of the template, each with its own plan id; generated one at a time."""
    source = template(system)
    plan_id = read(system, source).record.plan.id.encode()
    for index in range(size):
        yield source.replace(plan_id, plan_id + b"-%d" % index)


def run(system: str, size: int, terminology: Terminology) -> dict[str, float]:
    reading = building = parsing = 0.0
    out_bytes = 0
    early_peak = 0.0
    for index, data in enumerate(batch(system, size)):
        started = time.perf_counter()
        record = read(system, data).record
        read_done = time.perf_counter()
        bundle = write_resource(to_fhir(record, terminology), "json")
        built = time.perf_counter()
        Bundle.model_validate_json(bundle)
        reading += read_done - started
        building += built - read_done
        parsing += time.perf_counter() - built
        out_bytes += len(bundle)
        if index + 1 == max(1, size // 10):
            early_peak = peak_rss_mib()
    return {
        "read": size / reading,
        "build": size / building,
        "total": size / (reading + building),
        "peers": size / parsing,
        "kib": out_bytes / size / 1024,
        "early": early_peak,
        "peak": peak_rss_mib(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--systems", nargs="*", default=[info.name for info in systems()])
    args = parser.parse_args()
    print(f"{args.records:,} records per system, streamed one at a time; Python {sys.version.split()[0]}")
    header = (
        f"{'system':<16}{'read rec/s':>12}{'to FHIR rec/s':>15}{'end to end':>12}{'R4B parse':>11}"
        f"{'bundle KiB':>12}{'peak RSS @10%':>15}{'@100%':>9}"
    )
    print(header)
    print("-" * len(header))
    terminology = Terminology.default()
    for system in args.systems:
        figures = run(system, args.records, terminology)
        print(
            f"{system:<16}{figures['read']:>12,.0f}{figures['build']:>15,.0f}{figures['total']:>12,.0f}"
            f"{figures['peers']:>11,.0f}{figures['kib']:>12.1f}{figures['early']:>13.0f}Mi"
            f"{figures['peak']:>7.0f}Mi",
            flush=True,
        )
    print(
        "read = parse + map + validate (adapter.dialects); to FHIR = to_fhir + JSON (adapter.fhir);\n"
        "R4B parse = fhir.resources R4B Bundle.model_validate_json on the same bundles (rec/s)."
    )


if __name__ == "__main__":
    main()
