"""``careplan due --as ODS``: what needs a person now, most urgent first.

    $ careplan due --as Y02345 --db cjit.db
    $ careplan due --as NTI --db carat.db --at 2026-12-07T09:00:00+00:00

Handovers received and awaiting a decision (with the client's release date), handovers sent and
awaiting acknowledgement, handovers delivered and awaiting the receiver's decision or declined by it
(with its reason), deliveries the outbox gave up on, and reviews, TOPs and risk assessments overdue
on the plans held (adapter.handover.due), judged by the ``CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS``
and ``CAREPLAN_DISCHARGE_TOP_WINDOW_DAYS`` intervals as ``careplan check`` judges them.
Exit status: 0 nothing due; 1 something needs a person; 2 a wrong option or setting.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from adapter.cli.io import EXIT_REFUSED, coordination_settings, instant_clock, queued_messages, say


def command(
    as_organisation: Annotated[str, typer.Option("--as", help="ODS code of this organisation.")],
    db: Annotated[
        str,
        typer.Option("--db", envvar="CAREPLAN_DATABASE_URL", help="Store and outbox: SQLite path or URL."),
    ] = "careplan.db",
    at: Annotated[
        str | None, typer.Option("--at", help="As of this instant (ISO 8601 with offset; default: now).")
    ] = None,
) -> None:
    """What needs a person now: decisions, acknowledgements, given-up deliveries, overdue reviews."""
    from rich.console import Console
    from rich.table import Table

    from adapter.delivery.outbox import open_outbox
    from adapter.handover.due import due_items
    from adapter.store import open_store

    clock = instant_clock(at)
    settings = coordination_settings()
    outbox = open_outbox(db)
    queued = queued_messages(outbox)
    items = due_items(open_store(db), queued, holder=as_organisation, clock=clock, settings=settings)
    if not items:
        say(f"nothing due at {as_organisation} as of {clock.now().isoformat(timespec='minutes')}")
        return
    table = Table("what", "about", "release date", "detail")
    table.columns[1].no_wrap = True  # a message id is copied into `careplan decide`: never cut
    for item in items:
        table.add_row(
            item.what, item.about, item.release_date.isoformat() if item.release_date else "-", item.detail
        )
    # Piped (a log, a mail to the team) the table is not squeezed into 80 columns.
    console = Console(highlight=False) if sys.stdout.isatty() else Console(highlight=False, width=200)
    console.print(table)
    raise typer.Exit(EXIT_REFUSED)
