"""``careplan check FILE...``: who co-ordinates each client's care, and what is missing or due.

    $ careplan check fixtures/clients/*.json --today 2026-11-25
    $ careplan check plan.xml export.csv --from carat --format json   # a FHIR Bundle of OperationOutcomes

Any record format is read (canonical JSON, FHIR JSON or XML; a system's format with ``--from``).
The local protocol's intervals come from ``CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS`` (default 3) and
``CAREPLAN_DISCHARGE_TOP_WINDOW_DAYS`` (default 28); see :mod:`adapter.coordination.settings`.
Exit status: 0 when no finding is an error, 1 when any is, 2 when any file cannot be read as a
record (that file gets a one-line message naming the field; the others are still checked).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.markup import escape as escape_markup
from rich.table import Table

from adapter.cli.io import (
    EXIT_BAD_INPUT,
    CommandFailed,
    coordination_settings,
    escape,
    judged_on,
    read_record,
    say,
    summarise_unmapped,
)
from adapter.cli.io import day_clock as _clock
from adapter.coordination.fhir import operation_outcome
from adapter.coordination.findings import CoordinationReport, check_coordination
from adapter.errors import AdapterError
from adapter.fhir.narrative import person
from adapter.handover.prescribing import prescribing_issues
from adapter.model import ClientRecord
from adapter.model.record import given_and_family
from adapter.outcome import Issue, OperationOutcome
from adapter.types import FhirJson

EXIT_FINDING_ERROR = 1

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


def _read(path: Path, from_system: str | None) -> ClientRecord:
    try:
        read = read_record(path, from_system=from_system)
        summarise_unmapped(read.unmapped, path)
        if read.for_review:
            say(f"{path}: imported for review: the plan did not state everything (careplan import --report)")
        return read.record
    except AdapterError as error:
        first = error.outcome.issues[0]
        more = len(error.outcome.issues) - 1
        if first.expression:
            where = first.expression
            text = first.text if first.text.startswith(where) else f"{where}: {first.text}"
            line = f"invalid record: {text}"
        else:
            line = first.text
        raise _BadInput(error.outcome, line + (f" (+{more} more)" if more else "")) from None
    except CommandFailed as unreadable:
        issue = Issue.error("structure", "cli.unreadable", unreadable.line)
        raise _BadInput(OperationOutcome.of([issue]), unreadable.line) from None


def _holder_names(report: CoordinationReport) -> str:
    return markup(", ".join(f"{given_and_family(m.name)} ({m.id})" for m in report.decision.holders))


def markup(text: object) -> str:
    """Text from a record, safe inside rich markup ('[/]' in a name is shown, not obeyed) and escaped."""
    return escape_markup(escape(str(text)))


def _print_report(console: Console, path: Path, record: ClientRecord, report: CoordinationReport) -> None:
    user, plan, decision = record.service_user, record.plan, report.decision
    name = markup(person(user.name))
    console.rule(f"[bold]{name}[/] · {markup(path)}")
    console.print(
        f"plan {markup(plan.id)}: {plan.kind} care plan, {plan.status}, {plan.tier} "
        f"· judged on {report.today}"
    )
    if decision.role is None:
        console.print("[bold yellow]care co-ordination: a decision is needed[/]")
        for candidate in decision.candidates:
            console.print(f"  candidate: {markup(candidate)}")
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
            markup(finding.expression),
            markup(finding.text),
            str(finding.source),
        )
    console.print(table)


def command(
    files: Annotated[
        list[Path], typer.Argument(help="Client records in any format we read.", show_default=False)
    ],
    from_system: Annotated[
        str | None, typer.Option("--from", help="The files are in this system's format (careplan systems).")
    ] = None,
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
    settings = coordination_settings()
    out, err = Console(highlight=False), Console(stderr=True, highlight=False, soft_wrap=True)
    if today is None:
        err.print(judged_on(clock, today, "--today YYYY-MM-DD"), markup=False)
    entries: list[FhirJson] = []
    exit_code = 0
    for path in files:
        try:
            record = _read(path, from_system)
        except _BadInput as bad:
            line = bad.line if bad.line.startswith(str(path)) else f"{path}: {bad.line}"
            err.print(escape(line), markup=False)
            entries.append({"fullUrl": path.resolve().as_uri(), "resource": bad.outcome.to_fhir()})
            exit_code = EXIT_BAD_INPUT
            continue
        report = check_coordination(record, today=clock, settings=settings)
        # Prescribing is checked at export as at handover and receipt (hazard H-09): as of the end of
        # the day judged, so a dose recorded this morning is not "in the future".
        at = clock.now() if today is None else datetime.combine(clock.today(), time(23, 59, 59), UTC)
        prescribing = prescribing_issues(record, at)
        if report.has_errors or any(issue.severity == "error" for issue in prescribing):
            exit_code = max(exit_code, EXIT_FINDING_ERROR)
        if output_format == OutputFormat.JSON:
            outcome = operation_outcome(report)
            if prescribing:
                outcome["issue"] = (
                    outcome.get("issue", []) + OperationOutcome.of(prescribing).to_fhir()["issue"]
                )
            entries.append({"fullUrl": path.resolve().as_uri(), "resource": outcome})
        else:
            _print_report(out, path, record, report)
            for issue in prescribing:
                out.print(
                    escape(f"prescribing {issue.severity}: {issue.expression}: {issue.text}"), markup=False
                )
    if output_format == OutputFormat.JSON:
        bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
        typer.echo(orjson.dumps(bundle, option=orjson.OPT_INDENT_2).decode())
    raise typer.Exit(exit_code)
