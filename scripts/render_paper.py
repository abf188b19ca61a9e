"""Render the paper care plan of each fixture client to PDF and to PNG pages, to look at.

    .venv/bin/python scripts/render_paper.py OUT_FOLDER [--today 2026-11-25] [FIXTURE ...]

Writes OUT_FOLDER/<fixture>.pdf, <fixture>.html and <fixture>-page<N>.png (150 dpi, by pypdfium2, a
dev dependency). For a person checking layout, page breaks and legibility; the tests read the text.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pypdfium2

from adapter.model import load_json_record
from adapter.packaged import fixtures_folder
from adapter.paper import PaperFormat, print_plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("fixtures", nargs="*", help="fixture file names (default: every client)")
    parser.add_argument("--today", default="2026-11-25")
    args = parser.parse_args()
    today = date.fromisoformat(args.today)
    args.out.mkdir(parents=True, exist_ok=True)
    clients = sorted((fixtures_folder() / "clients").glob("*.json"))
    for path in clients:
        if args.fixtures and path.name not in args.fixtures and path.stem not in args.fixtures:
            continue
        record = load_json_record(path.read_bytes())
        pdf = print_plan(record, today, PaperFormat.PDF)
        (args.out / f"{path.stem}.pdf").write_bytes(pdf)
        (args.out / f"{path.stem}.html").write_bytes(print_plan(record, today, PaperFormat.HTML))
        document = pypdfium2.PdfDocument(pdf)
        for number in range(len(document)):
            image = document[number].render(scale=150 / 72).to_pil()
            image.save(args.out / f"{path.stem}-page{number + 1}.png")
        print(f"{path.stem}: {len(document)} page(s)")


if __name__ == "__main__":
    main()
