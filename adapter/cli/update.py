"""``careplan update PLAN --key KEY``: send a changed plan to every organisation that holds a copy.

    $ careplan update plan.json --key keys/Y02345.key.pem --db cjit.db --out-dir out/
    $ careplan update plan.json --key ... --db cjit.db --deliver --at 2026-11-26T09:00:00+00:00

Who holds a copy is what the outbox in ``--db`` recorded: the organisations this sender handed the plan
(same plan id, same client) to, the handover delivered and not declined. For each, the consent is
asked again today; the plan is minimised for its kind as the handover was, signed, and written to
``OUT_DIR/update-<ODS>.json`` (event ``care-plan-update``, a Task note naming what changed). An
organisation whose consent no longer covers it, or whose part did not change, gets nothing: each is
said with the reason. With ``--deliver`` each update goes into the outbox and to the address its
handover was delivered to (the consent asked once more at delivery). The co-ordination findings that
travel are judged by the ``CAREPLAN_*`` intervals, as ``careplan check`` judges them.
Exit status: 0 every update written (and delivered, with --deliver); 1 refused (the plan does not say
when it was recorded, or not later than a copy held) or a delivery not acknowledged ok; 2 unreadable
input or key.
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
    instant_clock,
    load_signer,
    prepare_folder,
    print_outcome,
    queued_messages,
    read_plan_to_send,
    say,
    sender_of,
    write_output,
)
from adapter.cli.outbox import DbOption, consent_gate_for, delivery_client
from adapter.errors import AdapterError
from adapter.wire import write_json


def command(
    src: Annotated[
        Path, typer.Argument(help="The changed plan: canonical JSON, FHIR JSON/XML, or a system's format.")
    ],
    key: SenderKeyOption = None,
    from_system: FromSystemOption = None,
    sender: SenderOption = None,
    db: DbOption = "careplan.db",
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Where the update messages go.")] = Path("."),
    deliver: Annotated[bool, typer.Option("--deliver", help="Also deliver each update (outbox).")] = False,
    at: Annotated[str | None, typer.Option("--at", help="As of this instant (ISO 8601 with offset).")] = None,
) -> None:
    """Send a changed plan to every organisation holding a consented copy (signed update messages)."""
    from adapter.delivery.outbox import OutboxStatus, open_outbox
    from adapter.handover.update import build_updates, copies_held

    clock = instant_clock(at)
    settings = coordination_settings()
    prepare_folder(out_dir)
    record = read_plan_to_send(src, from_system).record
    from_ods = sender_of(record, sender)
    signer = load_signer(key, from_ods)
    outbox = open_outbox(db)
    queued = queued_messages(outbox)
    copies, not_held = copies_held(record, queued, sender=from_ods)
    for ods, outcome in not_held:
        say(f"no update for {ods}:")
        print_outcome(outcome)
    if not copies:
        say(f"no organisation holds a copy of plan {record.plan.id} sent from {from_ods}: nothing sent")
        return
    try:
        updates = build_updates(
            record, copies, sender=from_ods, clock=clock, signer=signer, settings=settings
        )
    except AdapterError as refused:
        say(f"update of plan {record.plan.id} refused:")
        print_outcome(refused.outcome)
        raise typer.Exit(EXIT_REFUSED) from None
    for ods, outcome in updates.skipped:
        say(f"no update for {ods}:")
        print_outcome(outcome)
    undelivered = 0
    for update in updates.messages:
        ods = update.copy.organisation
        path = out_dir / f"update-{ods}.json"
        write_output(path, write_json(update.message))
        say(f"update for {ods} ({', '.join(update.changed)}) -> {path}")
        if deliver:
            from adapter.delivery.deliverer import Deliverer

            with delivery_client(30.0) as client:
                deliverer = Deliverer(client, outbox, clock=clock, gate=consent_gate_for(db))
                entry = deliverer.send(update.message, update.copy.address)
            say(f"  delivered to {update.copy.address}: {entry.status.value}")
            if entry.status is not OutboxStatus.DELIVERED:
                undelivered += 1
    if undelivered:
        raise typer.Exit(EXIT_REFUSED)
