"""``careplan check FILE...``: who co-ordinates each client's care, and what is missing or due.

    $ careplan check fixtures/clients/*.json --today 2026-11-25
    $ careplan check record.json --format json      # a FHIR Bundle of OperationOutcomes

Exit status: 0 when no finding is an error, 1 when any is, 2 when any file cannot be read as a
canonical record (that file gets a one-line message naming the field; the others are still checked).
The command body lives here; ``adapter.cli`` registers it.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

from adapter.clock import Clock, FixedClock, SystemClock
from adapter.coordination.fhir import operation_outcome
from adapter.coordination.findings import CoordinationReport, check_coordination
from adapter.errors import InvalidRecord
from adapter.model import ClientRecord, load_record
from adapter.outcome import Issue, OperationOutcome
from adapter.types import FhirJson

EXIT_FINDING_ERROR = 1
EXIT_BAD_INPUT = 2

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SEVERITY_STYLE = {"fatal": "bold red", "error": "red", "warning": "yellow", "information": "cyan"}


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class _BadInput(Exception):
    """A file that is not a canonical record; carries the outcome and a one-line message."""

    def __init__(self, outcome: OperationOutcome, line: str) -> None:
        super().__init__(line)
        self.outcome = outcome
        self.line = line


def _clock(today: str | None) -> Clock:
    if today is None:
        return SystemClock()
    try:
        if not _ISO_DATE.match(today):
            raise ValueError(today)
        return FixedClock(date.fromisoformat(today))
    except ValueError:
        raise typer.BadParameter(f"expected a date YYYY-MM-DD, got {today!r}", param_hint="--today") from None


def _read(path: Path) -> ClientRecord:
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as error:
        issue = Issue.error("not-found", "coordination.unreadable", f"cannot read the file: {error.strerror}")
        raise _BadInput(OperationOutcome.of([issue]), issue.text) from None
    except orjson.JSONDecodeError as error:
        issue = Issue.error("structure", "coordination.not-json", f"not JSON: {error}")
        raise _BadInput(OperationOutcome.of([issue]), issue.text) from None
    try:
        return load_record(data)
    except InvalidRecord as error:
        first = error.outcome.issues[0]
        where = first.expression or "record"
        text = first.text if first.text.startswith(where) else f"{where}: {first.text}"
        more = len(error.outcome.issues) - 1
        raise _BadInput(
            error.outcome, f"invalid record: {text}" + (f" (+{more} more)" if more else "")
        ) from None


def _holder_names(report: CoordinationReport) -> str:
    return ", ".join(f"{' '.join(m.name.given)} {m.name.family} ({m.id})" for m in report.decision.holders)


def _print_report(console: Console, path: Path, record: ClientRecord, report: CoordinationReport) -> None:
    user, plan, decision = record.service_user, record.plan, report.decision
    console.rule(f"[bold]{' '.join(user.name.given)} {user.name.family}[/] · {path}")
    console.print(
        f"plan {plan.id}: {plan.kind} care plan, {plan.status}, {plan.tier} · judged on {report.today}"
    )
    if decision.role is None:
        console.print("[bold yellow]care co-ordination: a decision is needed[/]")
        for candidate in decision.candidates:
            console.print(f"  candidate: {candidate}")
    else:
        team = _holder_names(report) or "[red]nobody on the care team holds this role[/]"
        console.print(f"[bold]care co-ordination: {decision.role}[/] - {team}")
    console.print(f"  rule {decision.rule}: {decision.reason} ({decision.source})")
    if decision.overridden:
        console.print(f"  also applied, lower in precedence: {', '.join(decision.overridden)}")
    if not report.findings:
        console.print("[green]no findings[/]")
        return
    table = Table("severity", "code", "where", "finding", "source")
    for finding in report.findings:
        style = _SEVERITY_STYLE[finding.severity]
        table.add_row(
            f"[{style}]{finding.severity}[/]",
            str(finding.code),
            finding.expression,
            finding.text,
            str(finding.source),
        )
    console.print(table)


def check(
    files: Annotated[list[Path], typer.Argument(help="Canonical JSON client records.", show_default=False)],
    today: Annotated[
        str | None,
        typer.Option("--today", metavar="YYYY-MM-DD", help="Judge as of this day (default: today's date)."),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="text, or json: a FHIR Bundle of OperationOutcomes.")
    ] = OutputFormat.TEXT,
) -> None:
    """Who co-ordinates each client's care, and what is missing or due (exit 1 on any error)."""
    clock = _clock(today)
    out, err = Console(highlight=False), Console(stderr=True, highlight=False)
    entries: list[FhirJson] = []
    exit_code = 0
    for path in files:
        try:
            record = _read(path)
        except _BadInput as bad:
            err.print(f"{path}: {bad.line}", markup=False)
            entries.append({"fullUrl": path.resolve().as_uri(), "resource": bad.outcome.to_fhir()})
            exit_code = EXIT_BAD_INPUT
            continue
        report = check_coordination(record, today=clock)
        if report.has_errors:
            exit_code = max(exit_code, EXIT_FINDING_ERROR)
        if output_format == OutputFormat.JSON:
            entries.append({"fullUrl": path.resolve().as_uri(), "resource": operation_outcome(report)})
        else:
            _print_report(out, path, record, report)
    if output_format == OutputFormat.JSON:
        bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
        typer.echo(orjson.dumps(bundle, option=orjson.OPT_INDENT_2).decode())
    raise typer.Exit(exit_code)
