"""``careplan receive FILE --as ODS``: verify, import, store and acknowledge a handover (or take in
the receiving team's decision on a handover this organisation sent: adapter.handover.decision).

    $ careplan receive handover.json --as Y02345 --trust keys/ --db cjit.db --out ack.json
    $ careplan receive handover.json --as Y02345 --trust keys/ --system cjit-dir --export plan.xml

Every option is checked before anything is stored (the trust folder, ``--system``, the output
folders), so a handover is never acknowledged and then reported as a failure. Exit status: 0
accepted; 1 refused (the acknowledgement is fatal-error), each problem on a line; 2 unreadable input
or a wrong option.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adapter.cli.io import (
    EXIT_REFUSED,
    emit,
    fail,
    instant_clock,
    prepare_output,
    print_outcome,
    read_input,
    say,
    write_output,
)
from adapter.errors import AdapterError
from adapter.handover.decision import SentMessages, is_decision, receive_message
from adapter.handover.receive import check_message_shape
from adapter.handover.signing import TrustList
from adapter.model import ClientRecord
from adapter.store import SqlStore, Store, open_store
from adapter.types import FhirJson, OdsCode
from adapter.wire import read_resource, write_resource


def _held(store: Store, holder: OdsCode, message: FhirJson) -> ClientRecord | None:
    """The plan now held for the message's client from its sender: by the store's key (source, client,
    plan id), never by the local plan id alone, which two prisons may both use (hazard H-02)."""
    from adapter.fhir import from_fhir
    from adapter.handover import sender_of

    sender = sender_of(message)
    if sender is None:
        return None
    try:
        sent = from_fhir(message).record
    except AdapterError:
        return None
    held = store.held_version(holder, sent, source=sender)
    return held[0] if held is not None else None


def _outbox(store: SqlStore) -> SentMessages:
    """What this organisation sent, in the same database (a decision answers one of those)."""
    from adapter.delivery.outbox import SqlOutbox

    return SqlOutbox(store.engine)


def command(
    file: Annotated[Path, typer.Argument(help="A handover message (FHIR JSON or XML).")],
    as_organisation: Annotated[str, typer.Option("--as", help="ODS code of the receiving organisation.")],
    trust: Annotated[
        Path, typer.Option("--trust", help="Folder of senders' public keys, <ODS>.pub.pem.")
    ] = Path("trust"),
    db: Annotated[str, typer.Option("--db", help="Store: a SQLite path, :memory: or a URL.")] = "careplan.db",
    out: Annotated[Path | None, typer.Option("--out", help="Write the acknowledgement here.")] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="Receive as of this instant (ISO 8601 with offset; default: now)."),
    ] = None,
    system: Annotated[
        str | None, typer.Option("--system", help="Also write the imported plan in this system's format.")
    ] = None,
    export: Annotated[Path | None, typer.Option("--export", help="Where --system writes the plan.")] = None,
) -> None:
    """Receive a handover: verify, import, store; print (or write) the acknowledgement message."""
    clock = instant_clock(at)
    if (system is None) != (export is None):
        fail("--system and --export go together: the system's format, and the file to write the plan to")
    if system is not None:
        from adapter.dialects import load_system

        try:
            load_system(system)
        except AdapterError as error:
            print_outcome(error.outcome, "--system")
            raise typer.Exit(2) from None
    for path in (out, export):
        if path is not None:
            prepare_output(path)
    try:
        trust_list = TrustList.from_directory(trust)
    except (OSError, ValueError) as error:
        fail(f"--trust {trust}: cannot load the senders' public keys: {error}")
    data = read_input(file, what="handover message")
    try:
        message = read_resource(data)
    except AdapterError as error:
        print_outcome(error.outcome, file)
        fail(f"{file}: not a FHIR message we can read")
    try:
        # Before the store is opened: a file that is not a handover message leaves no database behind.
        check_message_shape(message)
    except AdapterError as error:
        say(f"{file} refused (nothing was stored):")
        print_outcome(error.outcome)
        raise typer.Exit(EXIT_REFUSED) from None
    store = open_store(db)
    try:
        ack = receive_message(
            message,
            store=store,
            sent=_outbox(store),
            trust=trust_list,
            clock=clock,
            as_organisation=as_organisation,
        )
    except AdapterError as refused:
        say(f"{file} refused:")
        print_outcome(refused.outcome)
        raise typer.Exit(EXIT_REFUSED) from None
    emit(out, write_resource(ack.bundle, "json"))
    status = ack.task_status.value if ack.task_status else "not recorded"
    say(f"message {ack.message_id}: {ack.code} (Task {status}); acknowledgement {ack.header['id']}")
    if ack.code == "ok":
        # What the acknowledgement says besides "received": kept as history, a consent withdrawn ...
        for issue in ack.outcome["issue"]:
            codings = (issue.get("details") or {}).get("coding") or [{}]
            if codings[0].get("code") != "handover.received":
                say(f"  {issue['severity']}: {issue['diagnostics']}")
    if ack.code != "ok":
        for issue in ack.outcome["issue"]:
            where = ", ".join(issue.get("expression", []))
            say(f"  {issue['severity']}: {issue['diagnostics']}" + (f" @ {where}" if where else ""))
        raise typer.Exit(EXIT_REFUSED)
    if is_decision(message):
        for issue in ack.outcome["issue"]:
            say(f"  {issue['diagnostics']}")
        return
    record = _held(store, as_organisation, message)
    if record is not None:
        from adapter.fhir import care_plan_id

        say(f"plan {record.plan.id} held as CarePlan/{care_plan_id(record)}")
    if system is not None and export is not None:
        _export(record, system, export)


def _export(record: ClientRecord | None, system: str, export: Path) -> None:
    from adapter.dialects import write as write_system

    if record is None:
        fail("the plan received is not in the store", EXIT_REFUSED)
    try:
        written = write_system(system, record)
    except AdapterError as error:
        print_outcome(error.outcome, f"--system {system}")
        fail(f"the plan was received and stored, but cannot be written as {system}", EXIT_REFUSED)
    write_output(export, written.data)
    say(f"plan written as {system} to {export} ({len(written.losses)} fields it cannot carry)")
