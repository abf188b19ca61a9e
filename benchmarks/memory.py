"""Peak memory of reading a CARAT export of 1, 10 and 100 MB, per record, beside Python's csv module.

    .venv/bin/python benchmarks/memory.py                       # 1, 10 and 100 MB
    .venv/bin/python benchmarks/memory.py --sizes 1 10          # quicker
    .venv/bin/python benchmarks/memory.py --stage parse         # the CSV reader alone

Each export is generated from fixture 02 (fixtures/systems/carat/02-carat-release.csv), one client
copied with its own prison number and ids until the size is reached, record types grouped as a CARAT
export groups them. Each measurement runs in a fresh process and reports its peak resident memory
(ru_maxrss) above a process that imported the same modules and read the same bytes, so the figure is
what the reading itself cost:

- ``adapter``: ``load_system("carat").dialect.iter_records`` - parse, map, validate - with each
  record let go once converted, as ``careplan convert`` does (``--stage parse``: CsvReader.parse);
- ``csv module``: ``csv.reader`` over the decoded text, every row kept in a list (what any reader
  that keeps the rows must hold at least).

Limits are raised for the run (the adapter refuses more than 10 MB per CSV export by default, 50 MB
from the command line): the point is how memory grows, not where the limit sits. Not a test.

Measured on the development machine (2 shared cores; ``benchmarks/memory.py``, 7 December 2026):

       input  clients reader       peak MiB  KiB/client  bytes/input byte       s
       1.0MB      245 adapter          12.2        51.0             12.81     0.8
       1.0MB      245 csv module        8.3        34.6              8.68     0.0
      10.0MB     2450 adapter         131.2        54.8             13.79    12.9
      10.0MB     2450 csv module       90.4        37.8              9.49     0.2
      99.8MB    24509 adapter        1119.5        46.8             11.76   132.9
      99.8MB    24509 csv module      704.9        29.4              7.40     3.7

Flat per client (47-55 KiB, against the csv module's 29-38 KiB for the bare rows): the parsed rows
are held (a child row may follow every client row) and each client is let go once converted. Issue
14 measured 2.5 GB for a 9.5 MB export before.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIXTURE = ROOT / "fixtures" / "systems" / "carat" / "02-carat-release.csv"
PRISON_NUMBER, PLAN, EPISODE = "A4821KD", "plan-nti-a4821kd", "ep-nti-a4821kd"


def export_of(megabytes: float) -> tuple[bytes, int]:
    """A CARAT export of about ``megabytes`` MB, and how many clients it holds."""
    blocks: dict[str, list[str]] = {}
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            header = line
            blocks[header] = []
        elif line.strip():
            blocks[header].append(line)
    per_client = sum(len(row) + 2 for rows in blocks.values() for row in rows)
    clients = max(1, int(megabytes * 1_000_000 / per_client))
    out = io.StringIO()
    for header, rows in blocks.items():
        out.write(header + "\r\n")
        for index in range(clients):
            number = f"A{index // 676 % 10000:04d}{chr(65 + index // 26 % 26)}{chr(65 + index % 26)}"
            for row in rows:
                row = row.replace(PRISON_NUMBER, number).replace(PLAN, f"plan-{number.lower()}")
                out.write(row.replace(EPISODE, f"ep-{number.lower()}") + "\r\n")
    return out.getvalue().encode("utf-8"), clients


def child(kind: str, path: Path) -> None:
    """Runs in its own process: read ``path`` as ``kind``; print peak memory (KiB), records, seconds."""
    from adapter.dialects import Limits, load_system

    # Limits raised for the run: the point is how memory grows with the input, not where it stops.
    limits = Limits(max_bytes=1 << 34, max_field_bytes=1 << 20)
    dialect = load_system("carat", None, limits).dialect
    data = path.read_bytes()
    started = time.perf_counter()
    records = 0
    if kind == "adapter":
        for _ in dialect.iter_records(data):
            records += 1
    elif kind == "parse":
        records = len(dialect.reader.parse(data))  # type: ignore[attr-defined]  # a TableDialect
    elif kind == "csv module":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        records = sum(1 for row in rows if row and row[0] == "CLIENT")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_kib": peak, "records": records, "seconds": seconds}))


def measure(kind: str, path: Path) -> dict[str, float]:
    answer = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(answer.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 10, 100], help="MB of each export")
    parser.add_argument("--stage", choices=["convert", "parse"], default="convert")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, default=Path("/tmp"), help="where the exports are written")
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    ours = "adapter" if args.stage == "convert" else "parse"
    columns = f"{'input':>8} {'clients':>8} {'reader':<11} {'peak MiB':>9} {'KiB/client':>11}"
    print(f"{columns} {'bytes/input byte':>17} {'s':>7}")
    for megabytes in args.sizes:
        data, clients = export_of(megabytes)
        path = args.folder / f"careplan-memory-{megabytes:g}MB.csv"
        path.write_bytes(data)
        baseline = measure("baseline", path)["peak_kib"]
        for kind in (ours, "csv module"):
            result = measure(kind, path)
            above = max(result["peak_kib"] - baseline, 0)
            print(
                f"{len(data) / 1e6:>6.1f}MB {clients:>8} {kind:<11} {above / 1024:>9.1f} "
                f"{above / clients:>11.1f} {above * 1024 / len(data):>17.2f} {result['seconds']:>7.1f}"
            )
        path.unlink()


if __name__ == "__main__":
    main()
