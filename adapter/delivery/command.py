"""Command bodies: ``careplan send`` and ``careplan outbox`` (``adapter.cli`` registers them).

    $ export CAREPLAN_DELIVERY_TOKEN=...                  # the bearer token the receiver issued us
    $ careplan send handover.json --to-url https://cjit.example/fhir --db carat.db
    $ careplan outbox --db carat.db                       # every queued message and how it stands
    $ careplan outbox --db carat.db --deliver             # send what is still pending (after a crash)

The message goes into the outbox (in the database at ``--db``) before it is sent, and the answer is
recorded there. Exit status: 0 delivered (acknowledged ok; for ``outbox``, nothing failed); 1
rejected (fatal-error) or given up; 2 unreadable input.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.table import Table

from adapter.delivery.deliverer import Deliverer, RetryPolicy
from adapter.delivery.outbox import OutboxEntry, OutboxStatus, open_outbox
from adapter.errors import AdapterError
from adapter.wire import read_resource

EXIT_NOT_DELIVERED = 1
EXIT_BAD_INPUT = 2
TOKEN_ENV = "CAREPLAN_DELIVERY_TOKEN"
"""The bearer token comes from the environment, never the command line (where `ps` shows it)."""

_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[
    str, typer.Option("--db", envvar="CAREPLAN_DATABASE_URL", help="Outbox database: SQLite path or URL.")
]


def _client(timeout: float) -> httpx.Client:
    token = os.environ.get(TOKEN_ENV)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(headers=headers, timeout=timeout)


def _line(entry: OutboxEntry) -> str:
    said = f" ({entry.ack_code})" if entry.ack_code else ""
    text = f"message {entry.message_id} -> {entry.destination}: {entry.status.value}{said}"
    text += f" after {entry.attempts} attempt{'s' if entry.attempts != 1 else ''}"
    return text + (f"; {entry.last_error}" if entry.last_error and entry.ack_code != "ok" else "")


def send(
    file: Annotated[Path, typer.Argument(help="A handover message Bundle (FHIR JSON or XML).")],
    to_url: Annotated[str, typer.Option("--to-url", help="The receiving FHIR server's base URL.")],
    db: DbOption = "careplan.db",
    attempts: Annotated[int, typer.Option("--attempts", min=1, help="Give up after this many.")] = 5,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds to wait per attempt.")] = 30.0,
) -> None:
    """Queue a handover message in the outbox and deliver it to POST {URL}/$process-message."""
    try:
        message = read_resource(file.read_bytes())
    except OSError as error:
        _err.print(f"{file}: cannot read: {error.strerror}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except AdapterError as error:
        _err.print(f"{file}: not FHIR: {error}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    with _client(timeout) as client:
        deliverer = Deliverer(client, open_outbox(db), policy=RetryPolicy(max_attempts=attempts))
        try:
            entry = deliverer.send(message, to_url)
        except AdapterError as refused:
            for issue in refused.outcome.issues:
                _err.print(f"{file}: {issue}", markup=False)
            raise typer.Exit(EXIT_BAD_INPUT) from None
    _err.print(_line(entry), markup=False)
    if entry.status is not OutboxStatus.DELIVERED:
        raise typer.Exit(EXIT_NOT_DELIVERED)


def outbox(
    db: DbOption = "careplan.db",
    status: Annotated[
        OutboxStatus | None, typer.Option("--status", help="Only entries in this state.")
    ] = None,
    deliver: Annotated[bool, typer.Option("--deliver", help="First send every pending entry.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds to wait per attempt.")] = 30.0,
) -> None:
    """List the outbox: each message, where it goes, how it stands, the answer or the last error."""
    queue = open_outbox(db)
    if deliver:
        with _client(timeout) as client:
            for entry in Deliverer(client, queue).deliver_pending():
                _err.print(_line(entry), markup=False)
    entries = queue.entries(status)
    table = Table("message", "to", "status", "attempts", "last attempt", "answer / last error")
    for entry in entries:
        last = entry.last_attempt_at.isoformat(timespec="seconds") if entry.last_attempt_at else "-"
        table.add_row(
            entry.message_id,
            entry.destination,
            entry.status.value,
            str(entry.attempts),
            last,
            entry.ack_code or entry.last_error or "-",
        )
    _out.print(table)
    if any(entry.status in (OutboxStatus.FAILED, OutboxStatus.REJECTED) for entry in entries):
        raise typer.Exit(EXIT_NOT_DELIVERED)
