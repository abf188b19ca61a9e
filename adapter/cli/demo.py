"""``careplan demo [--out DIR]``: the main job, on the embedded defaults (SQLite, the fixture clients).

Every fixture client goes through the mapping and the validator (a table; bundles to ``OUT`` in JSON
and XML), then the prison-release journey runs: CARAT export -> checked -> validated -> consent gate
-> CJIT and GP receive -> acknowledgements. It runs as of the day the fixtures are written for
(:data:`adapter.cli.journey.FIXTURES_AS_OF`), so it gives the same answers on any calendar day.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

from adapter.cli.io import prepare_folder, print_outcome, say, write_output
from adapter.cli.journey import FIXTURES_AS_OF, prison_release_journey
from adapter.errors import AdapterError
from adapter.fhir import from_fhir, to_fhir
from adapter.model import load_record
from adapter.packaged import fixtures_folder
from adapter.validation import Validator
from adapter.wire import read_resource, write_resource

DOMAIN_LABELS = {
    "drug-alcohol-misuse": "drugs",
    "health": "health",
    "offending": "offending",
    "social-functioning": "social",
}


def command(
    out: Annotated[Path, typer.Option(help="Folder for the bundles and the journey's files.")] = Path("out"),
    fixtures: Annotated[
        Path | None, typer.Option(help="Folder of canonical client records (default: the fixture clients).")
    ] = None,
) -> None:
    """Every fixture client through mapping and validation, then the prison-release journey."""
    console = Console() if sys.stdout.isatty() else Console(width=120)
    prepare_folder(out)
    folder = fixtures if fixtures is not None else fixtures_folder() / "clients"
    files = sorted(folder.glob("*.json"))
    if not files:
        say(f"no client records (*.json) in {folder}")
        raise typer.Exit(2)
    table = Table(title=f"Care plans through the adapter (as of {FIXTURES_AS_OF.date().isoformat()})")
    for column in ("client", "plan kind", "domains covered", "resources", "profile errors", "round trip"):
        table.add_column(column)
    failures = 0
    validator = Validator()
    for path in files:
        try:
            record = load_record(orjson.loads(path.read_bytes()))
            bundle = to_fhir(record)
            back = from_fhir(bundle).record
            xml_back = from_fhir(read_resource(write_resource(bundle, "xml"), "xml")).record
        except AdapterError as error:
            failures += 1
            print_outcome(error.outcome, path)
            continue
        same = back == record and xml_back == record
        errors = len(validator.validate(bundle).errors)
        failures += not same or errors > 0
        write_output(out / f"{path.stem}.bundle.json", write_resource(bundle, "json"))
        write_output(out / f"{path.stem}.bundle.xml", write_resource(bundle, "xml"))
        domains = sorted(
            {g.domain.value for g in record.plan.goals} | {n.domain.value for n in record.plan.needs}
        )
        table.add_row(
            path.stem,
            record.plan.kind.value,
            ", ".join(DOMAIN_LABELS.get(d, d) for d in domains),
            str(len(bundle["entry"])),
            str(errors),
            "ok" if same else "DIFFERS",
        )
    console.print(table)
    passed = len(files) - failures
    console.print(f"{passed} of {len(files)} clients round-tripped and met the profiles; bundles in {out}/")
    console.print(
        f"\n[bold]The prison-release journey[/bold] (fixture 02, as of {FIXTURES_AS_OF.isoformat()})"
    )
    journey = prison_release_journey(out / "journey", console=console)
    if failures or not journey.ok:
        raise typer.Exit(1)
