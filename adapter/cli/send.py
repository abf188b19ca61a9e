"""``careplan send FILE --to-url URL``: queue a handover message in the outbox and deliver it.

    $ export CAREPLAN_DELIVERY_TOKEN=...            # the bearer token the receiving service issued us
    $ careplan send handover.json --to-url https://cjit.example/fhir --db carat.db

The message goes into the outbox (the database at ``--db``, or ``CAREPLAN_DATABASE_URL``) before it
is sent, and the answer is recorded there; ``careplan outbox`` lists, delivers and retries. The token
comes from the environment, never the command line (where ``ps`` would show it). Exit status: 0
delivered (acknowledged ok); 1 rejected (fatal-error) or given up; 2 unreadable input or option.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adapter.cli.io import EXIT_REFUSED, fail, print_outcome, read_input, say
from adapter.cli.outbox import DbOption, consent_gate_for, delivery_client, describe
from adapter.delivery.deliverer import Deliverer, RetryPolicy
from adapter.delivery.outbox import OutboxStatus, message_id_of, open_outbox
from adapter.errors import AdapterError
from adapter.wire import read_resource


def command(
    file: Annotated[Path, typer.Argument(help="A handover message Bundle (FHIR JSON or XML).")],
    to_url: Annotated[str, typer.Option("--to-url", help="The receiving FHIR server's base URL.")],
    db: DbOption = "careplan.db",
    attempts: Annotated[
        int, typer.Option("--attempts", min=1, help="Attempts now (then `careplan outbox deliver` retries).")
    ] = 5,
    give_up_after: Annotated[
        float,
        typer.Option("--give-up-after", min=0, help="Hours after queueing before giving up (default 72)."),
    ] = 72.0,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds to wait per attempt.")] = 30.0,
) -> None:
    """Queue a handover message in the outbox and deliver it to POST {URL}/$process-message.

    The bearer token the receiving service issued is read from $CAREPLAN_DELIVERY_TOKEN."""
    if not to_url.startswith(("http://", "https://")):
        fail(f"--to-url: expected an http:// or https:// base URL, got {to_url!r}")
    data = read_input(file, what="handover message")
    try:
        message = read_resource(data)
        message_id = message_id_of(message)
    except AdapterError as error:
        print_outcome(error.outcome, file)
        fail(f"{file}: not a handover message we can send")
    queue = open_outbox(db)
    queued = queue.entry(message_id)
    if queued is not None and queued.destination != to_url:
        fail(
            f"message {message_id} is already in the outbox for {queued.destination} "
            f"({queued.status.value}); to send it to {to_url} instead: "
            f"careplan outbox retry {message_id} --to-url {to_url}"
        )
    if queued is not None and queued.status is OutboxStatus.FAILED:
        fail(f"{describe(queued)}; careplan outbox retry {message_id} tries again")
    with delivery_client(timeout) as client:
        deliverer = Deliverer(
            client,
            queue,
            policy=RetryPolicy(max_attempts=attempts, give_up_after=give_up_after * 3600),
            gate=consent_gate_for(db),
        )
        try:
            entry = deliverer.send(message, to_url)
        except AdapterError as refused:
            print_outcome(refused.outcome, file)
            raise typer.Exit(2) from None
    say(describe(entry))
    if entry.status is not OutboxStatus.DELIVERED:
        raise typer.Exit(EXIT_REFUSED)
