"""``careplan withdraw SRC CONSENT_ID --key KEY``: the client withdraws a consent to share.

    $ careplan withdraw plan.json consent-release-cjit --key keys/NTI.key.pem --db carat.db --out-dir out/
    $ careplan withdraw export.csv consent-release-cjit --from carat --key ... --db carat.db --deliver

The consent becomes inactive and ends today (the plan is written to ``OUT_DIR/plan.json``); the
withdrawal is recorded in the store, so the outbox never delivers a handover built under it (it is
failed with the reason, and ``careplan due`` shows it); and a signed withdrawal message is written for
every organisation the plan went to under that consent (``OUT_DIR/withdrawal-<ODS>.json``). With
``--deliver``, each goes into the outbox and to the address the handovers to that organisation used.
Exit status: 0 withdrawn; 1 refused (no such consent, not active); 2 unreadable input or key.
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
    instant_clock,
    load_signer,
    prepare_folder,
    print_outcome,
    read_plan_to_send,
    say,
    sender_of,
    write_output,
)
from adapter.cli.outbox import DbOption, delivery_client
from adapter.errors import AdapterError
from adapter.types import OdsCode
from adapter.wire import write_json


def _addresses(db: str) -> dict[OdsCode, str]:
    """Organisation -> the base URL the outbox sent its handovers to."""
    from adapter.delivery.outbox import open_outbox
    from adapter.handover.entries import ods_code, resolve

    outbox, found = open_outbox(db), {}
    for entry in outbox.entries():
        message = outbox.message(entry.message_id)
        header = message["entry"][0]["resource"]
        for destination in header.get("destination") or []:
            index = resolve(message, destination.get("receiver"))
            ods = ods_code(message["entry"][index]["resource"]) if index is not None else None
            if ods is not None:
                found[ods] = entry.destination
    return found


def command(
    src: Annotated[
        Path, typer.Argument(help="The plan: canonical JSON, FHIR JSON/XML, or a system's format.")
    ],
    consent_id: Annotated[str, typer.Argument(help="The id of the consent the client withdraws.")],
    key: SenderKeyOption = None,
    from_system: FromSystemOption = None,
    sender: SenderOption = None,
    db: DbOption = "careplan.db",
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Where the plan and the messages go.")] = Path(
        "."
    ),
    deliver: Annotated[bool, typer.Option("--deliver", help="Also deliver each message (outbox).")] = False,
    at: Annotated[str | None, typer.Option("--at", help="As of this instant (ISO 8601 with offset).")] = None,
) -> None:
    """Withdraw a consent to share: record it, stop what is queued, tell every organisation it covered."""
    from adapter.handover.withdraw import withdraw_consent, withdrawal_message
    from adapter.model import dump_record
    from adapter.store import open_store

    clock = instant_clock(at)
    prepare_folder(out_dir)
    record = read_plan_to_send(src, from_system).record
    from_ods = sender_of(record, sender)
    signer = load_signer(key, from_ods)
    try:
        withdrawn = withdraw_consent(record, consent_id, clock=clock)
    except AdapterError as refused:
        say(f"consent {consent_id} not withdrawn:")
        print_outcome(refused.outcome)
        raise typer.Exit(EXIT_REFUSED) from None
    open_store(db).record_withdrawal(from_ods, withdrawn, consent_id, clock.now())
    write_output(out_dir / "plan.json", write_json(dump_record(withdrawn)))
    say(f"consent {consent_id} withdrawn on {clock.today()}; plan written to {out_dir / 'plan.json'}")
    consent = next(c for c in withdrawn.consents if c.id == consent_id)
    addresses = _addresses(db)
    for ods in consent.organisations:
        if ods == from_ods:
            continue
        message = withdrawal_message(
            withdrawn, consent_id, sender=from_ods, destination=ods, clock=clock, signer=signer
        )
        path = out_dir / f"withdrawal-{ods}.json"
        write_output(path, write_json(message))
        say(f"withdrawal for {ods} -> {path}")
        if deliver and ods in addresses:
            from adapter.delivery.deliverer import Deliverer
            from adapter.delivery.outbox import open_outbox

            with delivery_client(30.0) as client:
                entry = Deliverer(client, open_outbox(db), clock=clock).send(message, addresses[ods])
            say(f"  delivered to {addresses[ods]}: {entry.status.value}")
        elif deliver:
            say(f"  no address for {ods} in the outbox: send {path} to it (careplan send --to-url URL)")
