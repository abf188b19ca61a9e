"""``careplan outbox``: the durable outbox of handover messages.

    $ careplan outbox --db carat.db                          # every entry: where, how it stands, the answer,
                                                             # the receiver's decision (accepted / declined)
    $ careplan outbox list --status failed
    $ careplan outbox deliver                                # send what is still pending (after a crash)
    $ careplan outbox retry MESSAGE_ID [--to-url URL]        # a failed entry again, to a corrected URL

Exit status: 0 nothing failed; 1 an entry failed or was rejected; 2 a wrong option or message id.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from adapter.cli.io import EXIT_REFUSED, fail, say

if TYPE_CHECKING:
    import httpx

    from adapter.delivery.deliverer import Gate
    from adapter.delivery.outbox import OutboxEntry, SqlOutbox
    from adapter.handover.decision import DecisionReceived

TOKEN_ENV = "CAREPLAN_DELIVERY_TOKEN"
"""The bearer token the receiving service issued us: from the environment, never the command line."""

DbOption = Annotated[
    str, typer.Option("--db", envvar="CAREPLAN_DATABASE_URL", help="Outbox database: SQLite path or URL.")
]
StatusOption = Annotated[
    str | None,
    typer.Option("--status", help="Only entries in this state: pending, delivered, rejected, failed."),
]
TimeoutOption = Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds to wait per attempt.")]


def delivery_client(timeout: float) -> httpx.Client:
    """An httpx client that presents ${CAREPLAN_DELIVERY_TOKEN} as its bearer token."""
    import httpx

    token = os.environ.get(TOKEN_ENV)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(headers=headers, timeout=timeout)


def consent_gate_for(db: str) -> Gate:
    """The consent rule at delivery, knowing the withdrawals recorded in the same database."""
    from adapter.delivery.deliverer import consent_gate
    from adapter.store import open_store

    return consent_gate(open_store(db).withdrawn_consents())


def describe(entry: OutboxEntry) -> str:
    """One line: the message, where to, how it stands, and (for a refused token) what to set."""
    said = f" ({entry.ack_code})" if entry.ack_code else ""
    text = f"message {entry.message_id} -> {entry.destination}: {entry.status.value}{said}"
    text += f" after {entry.attempts} attempt{'s' if entry.attempts != 1 else ''}"
    if entry.last_error and entry.ack_code != "ok":
        text += f"; {entry.last_error}"
        if entry.last_error.startswith(("HTTP 401", "HTTP 403")) or " HTTP 401" in entry.last_error:
            text += (
                f" - the receiver refused our token: set {TOKEN_ENV} to the token it issued"
                if os.environ.get(TOKEN_ENV)
                else f" - no token was sent: set {TOKEN_ENV} to the token the receiver issued"
            )
    return text


def _queue(db: str) -> SqlOutbox:
    from adapter.delivery.outbox import open_outbox

    return open_outbox(db)


def _status(value: str | None) -> object:
    from adapter.delivery.outbox import OutboxStatus

    if value is None:
        return None
    try:
        return OutboxStatus(value)
    except ValueError:
        fail(f"--status: expected one of {', '.join(s.value for s in OutboxStatus)}, got {value!r}")


def _decision(decided: DecisionReceived) -> str:
    when = decided.decided_at.isoformat(timespec="minutes")
    if decided.status == "accepted":
        return f"accepted by {decided.decided_by} at {when}"
    return f"declined by {decided.decided_by} at {when}: {decided.reason}"


def _show(queue: SqlOutbox, status: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    from adapter.delivery.outbox import OutboxStatus

    entries = queue.entries(_status(status))  # type: ignore[arg-type]
    table = Table("message", "to", "status", "attempts", "last attempt", "answer / last error", "decision")
    for entry in entries:
        decided = queue.decision_on(entry.message_id)
        last = entry.last_attempt_at.isoformat(timespec="seconds") if entry.last_attempt_at else "-"
        table.add_row(
            entry.message_id,
            entry.destination,
            entry.status.value,
            str(entry.attempts),
            last,
            entry.ack_code or entry.last_error or "-",
            _decision(decided) if decided is not None else "-",
        )
    # Piped (a log, another program) the table is not wrapped to 80 columns: ids stay whole.
    console = Console(highlight=False) if sys.stdout.isatty() else Console(highlight=False, width=200)
    console.print(table)
    if any(entry.status in (OutboxStatus.FAILED, OutboxStatus.REJECTED) for entry in entries):
        raise typer.Exit(EXIT_REFUSED)


command = typer.Typer(
    help="The outbox: list entries, deliver what is pending, retry what failed.",
    invoke_without_command=True,
    add_completion=False,
    rich_markup_mode=None,
)


@command.callback()
def outbox(ctx: typer.Context, db: DbOption = "careplan.db", status: StatusOption = None) -> None:
    """The outbox: each message, where it goes, how it stands, the answer or the last error."""
    ctx.obj = db
    if ctx.invoked_subcommand is None:
        _show(_queue(db), status)


@command.command("list")
def list_entries(ctx: typer.Context, status: StatusOption = None) -> None:
    """Every entry (or those in one state), oldest first."""
    _show(_queue(ctx.obj), status)


@command.command("deliver")
def deliver(ctx: typer.Context, timeout: TimeoutOption = 30.0) -> None:
    """Send every pending entry now (after a crash, or from a timer)."""
    from adapter.delivery.deliverer import Deliverer

    queue = _queue(ctx.obj)
    with delivery_client(timeout) as client:
        for entry in Deliverer(client, queue, gate=consent_gate_for(ctx.obj)).deliver_pending():
            say(describe(entry))
    _show(queue, None)


@command.command("retry")
def retry(
    ctx: typer.Context,
    message_id: Annotated[str, typer.Argument(help="The MessageHeader id of a failed entry.")],
    to_url: Annotated[
        str | None, typer.Option("--to-url", help="Send to this base URL instead (a corrected address).")
    ] = None,
    timeout: TimeoutOption = 30.0,
) -> None:
    """Put a failed entry back in the queue (to a corrected URL if given) and deliver it now."""
    from adapter.delivery.deliverer import Deliverer
    from adapter.delivery.outbox import OutboxStatus
    from adapter.errors import AdapterError

    if to_url is not None and not to_url.startswith(("http://", "https://")):
        fail(f"--to-url: expected an http:// or https:// base URL, got {to_url!r}")
    queue = _queue(ctx.obj)
    try:
        queue.requeue(message_id, destination=to_url)
    except AdapterError as error:
        fail(error.outcome.issues[0].text)
    with delivery_client(timeout) as client:
        entry = Deliverer(client, queue, gate=consent_gate_for(ctx.obj)).deliver(message_id)
    say(describe(entry))
    if entry.status is not OutboxStatus.DELIVERED:
        raise typer.Exit(EXIT_REFUSED)
