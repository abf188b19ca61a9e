"""``careplan validate PATH... [--profile URL] [--ig DIR|package|FILE] [--tx URL] [--format text|json]``.

``--ig`` takes any FHIR package layout (see adapter.definitions.source_for_path); what it skips is
printed on stderr. ``--tx`` names a FHIR terminology server asked about codes from systems not held
here; without it, such codes are listed as unchecked (information issues in ``--format json``).

Exit status: 0 when no file has an error, 1 when any has, 2 when the command itself cannot run
(an --ig that is neither a folder nor a package). Folders are searched for .json, .ndjson and .xml
files, with a progress bar on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer
from rich.console import Console
from rich.markup import escape as escape_markup

from adapter.cli.io import EXIT_BAD_INPUT, escape, fail, print_outcome
from adapter.definitions import Definitions, source_for_path
from adapter.errors import AdapterError
from adapter.outcome import Issue, OperationOutcome
from adapter.validation.inputs import load_file
from adapter.validation.validator import Validator
from adapter.wire import shape_issues

if TYPE_CHECKING:
    from rich.table import Table

SUFFIXES = (".json", ".ndjson", ".xml")


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


@dataclass(frozen=True)
class FileOutcome:
    """The issues found in one file (all its resources together)."""

    path: Path
    resources: int
    outcome: OperationOutcome
    shown_as: str = ""


def instance_files(paths: Sequence[Path]) -> Iterator[tuple[Path, str]]:
    """Each file named, and every .json/.ndjson/.xml file under each folder named (sorted), with
    the name to show for it (relative to the folder it was found in)."""
    for path in paths:
        if path.is_dir():
            for found in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES):
                yield found, str(found.relative_to(path))
        else:
            yield path, str(path)


def validate_file(
    validator: Validator, path: Path, profiles: Sequence[str], shown_as: str = ""
) -> FileOutcome:
    """Read one file and validate every resource in it; reading problems are issues too."""
    loaded = load_file(path)
    issues: list[Issue] = list(loaded.issues)
    for resource in loaded.resources:
        # JSON that breaks the R4 shape is reported where it breaks; the validator walks only
        # resources whose shape it can trust (fuzzing found shapes that crash its later steps).
        broken = shape_issues(resource) if isinstance(resource, dict) and "resourceType" in resource else []
        issues.extend(broken or validator.validate(resource, profiles=profiles).issues)
    return FileOutcome(path, len(loaded.resources), OperationOutcome.of(issues), shown_as or str(path))


def _definitions(ig: Sequence[Path]) -> Definitions:
    definitions = Definitions.default()
    for source in ig:
        definitions = definitions.with_source(source_for_path(source))
    return definitions


def _summary(results: Sequence[FileOutcome]) -> Table:
    from rich.table import Table  # imported when a summary is printed: one file's run starts sooner

    table = Table(title="Validation summary")
    table.add_column("file", overflow="fold")
    table.add_column("resources", justify="right")
    table.add_column("errors", justify="right")
    table.add_column("warnings", justify="right")
    for result in results:
        issues = result.outcome.issues
        warnings = sum(1 for i in issues if i.severity == "warning")
        errors = len(result.outcome.errors)
        table.add_row(
            result.shown_as,
            str(result.resources),
            f"[red]{errors}[/red]" if errors else "0",
            str(warnings),
        )
    return table


def _print_text(console: Console, results: Sequence[FileOutcome]) -> None:
    for result in results:
        shown = [i for i in result.outcome.issues if i.severity != "information"]
        if not shown:
            continue
        console.print(f"[bold]{escape_markup(escape(str(result.shown_as)))}[/bold]")
        for issue in shown:
            colour = {"fatal": "red", "error": "red", "warning": "yellow"}.get(issue.severity, "white")
            where = f" @ {issue.expression}" if issue.expression else ""
            console.print(
                f"  [{colour}]{issue.severity}[/{colour}] {issue.message_id}: "
                + escape_markup(escape(f"{issue.text}{where}")),
                markup=True,
                highlight=False,
            )
    console.print(_summary(results))


def command(
    paths: Annotated[list[Path], typer.Argument(help="FHIR JSON/XML files or folders to validate")],
    profile: Annotated[
        list[str] | None, typer.Option("--profile", help="canonical URL of a profile to validate against")
    ] = None,
    ig: Annotated[
        list[Path] | None, typer.Option("--ig", help="extra definitions: a folder or a FHIR package .tgz")
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = OutputFormat.text,
    tx: Annotated[
        str | None,
        typer.Option(
            "--tx", help="base URL of a FHIR terminology server for SNOMED CT, LOINC, dm+d... codes"
        ),
    ] = None,
) -> None:
    """Validate FHIR R4 resources against the base spec, our IG and any profiles; exit 1 on errors."""
    err = Console(stderr=True)
    for path in paths:
        if not path.exists():
            fail(f"{path}: no such file or folder")
    try:
        definitions = _definitions(ig or [])
        validator = Validator(definitions, terminology_server=tx)
    except AdapterError as problem:
        print_outcome(problem.outcome, "--ig")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    print_outcome(OperationOutcome.of(definitions.issues), "--ig")
    files = list(instance_files(paths))
    results: list[FileOutcome] = []
    show_progress = any(p.is_dir() for p in paths) and fmt is OutputFormat.text
    if show_progress:
        from rich.progress import Progress  # only folders show progress

        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("validating", total=len(files))
            for path, shown_as in files:
                results.append(validate_file(validator, path, profile or [], shown_as))
                progress.advance(task)
    else:
        results.extend(validate_file(validator, path, profile or [], shown_as) for path, shown_as in files)
    if fmt is OutputFormat.json:
        report = [{"file": str(r.path), "outcome": r.outcome.to_fhir()} for r in results]
        sys.stdout.write(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        _print_text(Console(), results)
    if not files:
        err.print("[red]error[/red]: no .json, .ndjson or .xml files found")
    if not files or any(not r.outcome.ok for r in results):
        raise typer.Exit(1)
