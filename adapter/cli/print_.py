"""``careplan print PLAN``: the care plan on paper, for the client to read and sign.

    $ careplan print fixtures/clients/05-community-drr.json --out plan.pdf --today 2026-11-25
    $ careplan print plan.xml --out plan.html
    $ careplan print export.csv --from carat --out plan.pdf
    $ careplan print plan.json > plan.html                      # HTML on standard output

PLAN is any record the other commands read (canonical JSON, FHIR JSON or XML, a system's format with
``--from``). ``--out`` picks the format by its extension (``.pdf``; ``.html`` or ``.htm``); without
it the HTML page goes to standard output (a PDF is not sent to a terminal). The output folder is made,
or the command refused, before any work; the file is written whole or not at all. ``--today`` is the
day the copy is printed and judged on (a review overdue, a consent in force).

A plan imported for review prints with a notice that it has not been reviewed (also said on stderr);
a plan entered in error is refused (exit 1). Exit status: 0 printed; 1 refused; 2 the input or an
option is wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adapter.cli.io import (
    EXIT_BAD_INPUT,
    EXIT_REFUSED,
    day_clock,
    emit,
    judged_on,
    prepare_output,
    print_outcome,
    read_record,
    say,
    summarise_unmapped,
)
from adapter.errors import AdapterError, PrintRefused

FORMATS = {".pdf": "pdf", ".html": "html", ".htm": "html"}
"""--out's extension -> the format written."""


def command(
    plan: Annotated[
        Path,
        typer.Argument(
            metavar="PLAN", help="The client's record, in any format we read.", show_default=False
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write here: .pdf or .html (default: HTML on standard output)."),
    ] = None,
    from_system: Annotated[
        str | None, typer.Option("--from", help="PLAN is in this system's format (careplan systems).")
    ] = None,
    today: Annotated[
        str | None,
        typer.Option("--today", metavar="YYYY-MM-DD", help="Print as of this day (default: today's date)."),
    ] = None,
) -> None:
    """Print a care plan for the client to read and sign (PDF or HTML)."""
    from adapter.paper import PaperFormat, print_plan

    clock = day_clock(today)
    form = PaperFormat.HTML
    if out is not None:
        chosen = FORMATS.get(out.suffix.lower())
        if chosen is None:
            raise typer.BadParameter(
                f"expected a file name ending .pdf, .html or .htm, got {out.name!r}", param_hint="--out"
            )
        form = PaperFormat(chosen)
        prepare_output(out)
    if today is None:
        say(judged_on(clock, today, "--today YYYY-MM-DD"))
    try:
        read = read_record(plan, from_system=from_system)
    except AdapterError as error:
        print_outcome(error.outcome, plan)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    summarise_unmapped(read.unmapped, plan)
    if read.for_review:
        say(f"{plan}: imported for review: the copy says it has not been reviewed; review it before signing")
    try:
        data = print_plan(read.record, clock.today(), form)
    except PrintRefused as refused:
        print_outcome(refused.outcome, plan)
        raise typer.Exit(EXIT_REFUSED) from None
    emit(out, data)
    if out is not None:
        say(f"{plan} -> {out}: plan {read.record.plan.id} printed ({form.value})")
