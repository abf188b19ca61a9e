"""``careplan decide MESSAGE_ID --accept | --decline --reason TEXT``: the receiving team's decision on
a handover it received, sent back to the sender as a message of its own.

    $ careplan decide 4539ea4c-... --as Y02345 --db cjit.db --key keys/Y02345.key.pem --accept
    $ careplan decide 4539ea4c-... --as Y02345 --db cjit.db --decline --reason "not our area"
    $ careplan decide 4539ea4c-... --as Y02345 --db cjit.db --accept --send https://carat.example/fhir

Receipt leaves the handover Task ``received``: seed 002, 5.3.4, the CJIT decides whether to take the
client on. The decision message is signed with the deciding organisation's key (``--key``, default
$CAREPLAN_SIGNING_KEY), as a handover is, so the sender can verify it. It goes to ``--out`` (or
stdout) and, with ``--send``, into the outbox
(same database) and to the sender's ``$process-message``. Exit status: 0 decided; 1 refused (no such
handover, already decided, a decline without a reason); 2 a wrong option or no signing key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adapter.cli.io import (
    EXIT_REFUSED,
    SIGNING_KEY_ENV,
    emit,
    fail,
    instant_clock,
    load_signer,
    prepare_output,
    print_outcome,
    say,
)
from adapter.errors import AdapterError
from adapter.handover.decision import decide
from adapter.store import open_store
from adapter.wire import write_resource


def command(
    message_id: Annotated[str, typer.Argument(help="The id of the handover message received.")],
    as_organisation: Annotated[str, typer.Option("--as", help="ODS code of the receiving organisation.")],
    accept: Annotated[bool, typer.Option("--accept", help="Take the client on.")] = False,
    decline: Annotated[
        bool, typer.Option("--decline", help="Do not take the client on (give --reason).")
    ] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (required with --decline).")] = None,
    key: Annotated[
        Path | None,
        typer.Option(
            "--key",
            help=f"The deciding organisation's Ed25519 private key (PEM); default ${SIGNING_KEY_ENV}.",
        ),
    ] = None,
    db: Annotated[str, typer.Option("--db", help="Store: a SQLite path, :memory: or a URL.")] = "careplan.db",
    out: Annotated[Path | None, typer.Option("--out", help="Write the decision message here.")] = None,
    send: Annotated[
        str | None, typer.Option("--send", help="Also deliver it to the sender's FHIR base URL (outbox).")
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Decide as of this instant (ISO 8601 with offset).")
    ] = None,
) -> None:
    """Accept or decline a handover received; the decision goes back to the sender as a message."""
    if accept == decline:
        fail("give one of --accept or --decline")
    if decline and not (reason or "").strip():
        fail("--decline needs --reason: the sender is told why")
    clock = instant_clock(at)
    signer = load_signer(key, as_organisation)
    if out is not None:
        prepare_output(out)
    store = open_store(db)
    try:
        decision = decide(
            store,
            message_id,
            accept=accept,
            reason=reason,
            clock=clock,
            as_organisation=as_organisation,
            signer=signer,
        )
    except AdapterError as refused:
        say(f"no decision recorded for {message_id}:")
        print_outcome(refused.outcome)
        raise typer.Exit(EXIT_REFUSED) from None
    emit(out, write_resource(decision.message, "json"))
    say(
        f"handover {message_id}: Task {decision.task.status}; decision message "
        f"{decision.message['entry'][0]['resource']['id']} for {decision.sender_endpoint}"
    )
    if send is not None:
        from adapter.cli.outbox import delivery_client
        from adapter.delivery.deliverer import Deliverer
        from adapter.delivery.outbox import open_outbox

        with delivery_client(30.0) as client:
            entry = Deliverer(client, open_outbox(db), clock=clock).send(decision.message, send)
        say(f"decision {entry.message_id} -> {send}: {entry.status.value}")
