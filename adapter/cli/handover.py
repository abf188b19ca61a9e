"""``careplan handover SRC --to ODS``: a signed DIR-style handover message, through the consent gate.

    $ careplan keygen NTI --out keys/
    $ careplan handover plan.json --to Y02345 --key keys/NTI.key.pem --out handover.json
    $ careplan handover export.csv --from carat --to Y02345 --reason prison-release --key ...
    $ careplan handover plan.json --to Y02345 --key ... --at 2026-11-25T10:30:00+00:00   # as of an instant
    $ careplan handover plan.json --to Y07777 --key ... --confirm-destination "client moving to sister's"

The co-ordination findings that travel with the plan are judged by the local protocol's intervals,
``CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS`` and ``CAREPLAN_DISCHARGE_TOP_WINDOW_DAYS``, as ``careplan
check`` judges them (adapter.coordination.settings).
Exit status: 0 written; 1 refused (each problem on a line with where it is); 2 unreadable input,
key or option. Everything is checked before the message is built; the output's folder is made first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adapter.cli.io import (
    EXIT_REFUSED,
    FromSystemOption,
    SenderKeyOption,
    SenderOption,
    coordination_settings,
    emit,
    fail,
    instant_clock,
    load_signer,
    prepare_output,
    print_outcome,
    read_plan_to_send,
    say,
    sender_of,
)
from adapter.errors import AdapterError
from adapter.handover.build import build_handover
from adapter.handover.codes import HandoverReason
from adapter.handover.rules import default_reasons
from adapter.model import ClientRecord
from adapter.store import open_store
from adapter.types import OdsCode
from adapter.wire import write_resource


def _reason(
    record: ClientRecord, sender: OdsCode, destination: OdsCode, given: HandoverReason | None
) -> HandoverReason:
    if given is not None:
        return given
    kinds = {o.ods_code: o.kind for o in record.organisations}
    if destination not in kinds:
        fail(
            f"--to: {destination} is not an organisation in this record; "
            f"expected one of {', '.join(sorted(kinds))}"
        )
    sender_kind, destination_kind = kinds.get(sender), kinds.get(destination)
    reason = (
        default_reasons().get((sender_kind, destination_kind)) if sender_kind and destination_kind else None
    )
    if reason is None:
        fail(
            f"--reason: no usual handover reason from {sender_kind or sender} to "
            f"{destination_kind or destination}; give one"
        )
    return reason


def command(
    src: Annotated[
        Path, typer.Argument(help="The plan: canonical JSON, FHIR JSON/XML, or a system's format.")
    ],
    to: Annotated[str, typer.Option("--to", help="ODS code of the receiving organisation.")],
    key: SenderKeyOption = None,
    reason: Annotated[
        HandoverReason | None, typer.Option("--reason", help="Why (default: the usual one for the pair).")
    ] = None,
    from_system: FromSystemOption = None,
    sender: SenderOption = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the message here (.json or .xml).")] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="Store (path or URL) to record a refusal in.")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="Build as of this instant (ISO 8601 with offset; default: now)."),
    ] = None,
    confirm_destination: Annotated[
        str | None,
        typer.Option(
            "--confirm-destination",
            help="REASON: send a prison-release handover to an organisation the plan does not name as "
            "its receiving CJIT or GP (the reason is recorded in the message).",
        ),
    ] = None,
) -> None:
    """Hand a care plan over to another service as a signed FHIR message (consent gate, minimisation)."""
    clock = instant_clock(at)
    settings = coordination_settings()
    if out is not None:
        prepare_output(out)
    read = read_plan_to_send(src, from_system)
    record = read.record
    if read.for_review:
        say(f"{src}: the plan was imported for review; the handover's plan says so")
    from_ods = sender_of(record, sender)
    signer = load_signer(key, from_ods)
    try:
        message = build_handover(
            record,
            destination=to,
            reason=_reason(record, from_ods, to, reason),
            sender=from_ods,
            clock=clock,
            signer=signer,
            store=open_store(db) if db else None,
            confirmed_destination=confirm_destination,
            settings=settings,
        )
    except AdapterError as refused:
        say(f"handover to {to} refused:")
        print_outcome(refused.outcome)
        if at is None:
            say(f"(built as of {clock.now().isoformat()}; give --at to build as of another instant)")
        raise typer.Exit(EXIT_REFUSED) from None
    as_xml = out is not None and out.suffix.lower() == ".xml"
    data = write_resource(message, "xml" if as_xml else "json")
    message_id = message["entry"][0]["resource"]["id"]
    emit(out, data)
    if out is not None:
        say(f"handover {message_id} to {to} written to {out}")
    # What travels as a warning (co-ordination findings, a stale last dose, a confirmed destination).
    for note in message["entry"][1]["resource"].get("note") or []:
        say(f"  {note['text']}")
