"""``careplan import``: a care plan that another system made (any FHIR R4 bundle or resource holding a
CarePlan, JSON or XML) into the canonical record.

    $ careplan import gp-export.json --out plan.json --report import-report.json
    $ careplan import patient-bundle.json --plan 4c7b144d-63c8-475f-9695-dc018c6a307f
    $ careplan import patient-bundle.json --as-of 2016-01-01

What the record needs and the plan does not say is "not stated", each gap a review finding, and the
plan is marked imported-for-review (a handover of it says so). Meaning is never inverted: an element
that would (do-not-perform, a proposal, a deny, an unknown modifierExtension, entered-in-error) refuses
the import by name. Every element not carried is counted on stderr and listed with ``--report``.

Exit status: 0 imported (for review or not); 1 refused (the reasons on stderr); 2 the input or an
option is wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adapter.cli.io import (
    EXIT_REFUSED,
    fail,
    parse_day,
    prepare_output,
    print_outcome,
    read_record,
    report_json,
    say,
    summarise_unmapped,
    write_output,
)
from adapter.errors import AdapterError


def command(
    source: Annotated[Path, typer.Argument(help="FHIR R4 JSON or XML holding a CarePlan (any Bundle type)")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="choose the plan active on this day (YYYY-MM-DD)")
    ] = None,
    plan: Annotated[
        str | None,
        typer.Option("--plan", help="the CarePlan to import: its id, an identifier or its fullUrl"),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="write the canonical record (JSON) here")] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="write a JSON report: outcome, review findings, every element not carried"),
    ] = None,
) -> None:
    """Import a care plan another system made (any FHIR R4 bundle holding a CarePlan) for review."""
    day = parse_day(as_of, "--as-of") if as_of is not None else None
    for target in (out, report):
        if target is not None:
            prepare_output(target)
    if source.is_dir():
        fail(f"{source}: is a folder; expected a FHIR JSON or XML file")
    try:
        read = read_record(source, plan_id=plan, as_of=day)
    except AdapterError as error:
        print_outcome(error.outcome, source)
        if report is not None:
            write_output(
                report, report_json(error.outcome.issues, None, source=str(source), outcome="refused")
            )
        raise typer.Exit(EXIT_REFUSED) from None
    record = read.record
    if out is not None:
        import orjson

        from adapter.model import dump_record

        write_output(out, orjson.dumps(dump_record(record), option=orjson.OPT_INDENT_2) + b"\n")
    outcome = "imported for review" if read.for_review else "imported"
    if report is not None:
        write_output(
            report,
            report_json(
                read.unmapped,
                record,
                source=str(source),
                outcome=outcome.replace(" ", "-"),
                plan=record.plan.id,
            ),
        )
    review = record.plan.import_review
    if review is not None:
        say(f"{source}: {len(review.findings)} finding(s) a person must review:")
        for finding in review.findings:
            say(f"  {finding}")
    summarise_unmapped(read.unmapped, source)
    written = f" -> {out}" if out is not None else ""
    typer.echo(f"{source}{written}: plan {record.plan.id} {outcome}")
