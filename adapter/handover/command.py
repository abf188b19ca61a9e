"""Command bodies: ``careplan handover``, ``careplan receive`` and ``careplan keygen`` (``adapter.cli``
registers them), and the prison-release journey that ``careplan demo`` runs (adapter/handover/journey.py).

    $ careplan keygen NTI --out keys/                        # keys/NTI.key.pem, keys/NTI.pub.pem
    $ careplan handover plan.json --to Y02345 --key keys/NTI.key.pem --out handover.json
    $ careplan handover export.csv --from carat --to Y02345 --reason prison-release --key ...
    $ careplan receive handover.json --as Y02345 --trust keys/ --db cjit.db --out ack.json
    $ careplan receive handover.json --as Y02345 --trust keys/ --system cjit-dir --export plan.xml

Exit status: 0 sent / accepted; 1 refused (the handover is not built, or the acknowledgement is
fatal-error), each problem printed on a line with where it is; 2 unreadable input or keys.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console

from adapter.atomic import write_atomically
from adapter.clock import Clock, FixedClock, SystemClock
from adapter.dialects import read as read_system
from adapter.dialects import write as write_system
from adapter.errors import AdapterError
from adapter.fhir import from_fhir
from adapter.handover.build import build_handover
from adapter.handover.codes import HandoverReason
from adapter.handover.receive import receive_handover
from adapter.handover.rules import default_reasons
from adapter.handover.signing import Ed25519Signer, TrustList
from adapter.model import ClientRecord, load_record
from adapter.outcome import OperationOutcome
from adapter.store import Store, open_store
from adapter.types import FhirJson, OdsCode
from adapter.wire import read_resource, write_resource

EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2
KEY_ENV = "CAREPLAN_SIGNING_KEY"

_err = Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(text: str) -> typer.Exit:
    _err.print(text, markup=False)
    return typer.Exit(EXIT_BAD_INPUT)


def _print_outcome(outcome: OperationOutcome, what: str) -> None:
    _err.print(f"{what}:", markup=False)
    for issue in outcome.issues:
        _err.print(f"  {issue}", markup=False)


def _clock(at: str | None) -> Clock:
    if at is None:
        return SystemClock()
    try:
        return FixedClock(datetime.fromisoformat(at))
    except ValueError:
        raise typer.BadParameter(
            f"expected an instant with its offset, got {at!r}", param_hint="--at"
        ) from None


def _read_record(src: Path, system: str | None) -> ClientRecord:
    data = src.read_bytes()
    if system is not None:
        return read_system(system, data).record
    if data.lstrip().startswith(b"<"):
        return from_fhir(read_resource(data)).record
    parsed = orjson.loads(data)
    return (
        from_fhir(parsed).record
        if isinstance(parsed, dict) and "resourceType" in parsed
        else load_record(parsed)
    )


def _reason(
    record: ClientRecord, sender: OdsCode, destination: OdsCode, given: HandoverReason | None
) -> HandoverReason:
    if given is not None:
        return given
    kinds = {o.ods_code: o.kind for o in record.organisations}
    if destination not in kinds:
        raise typer.BadParameter(
            f"{destination} is not an organisation in this record; "
            f"expected one of {', '.join(sorted(kinds))}",
            param_hint="--to",
        )
    sender_kind, destination_kind = kinds.get(sender), kinds.get(destination)
    reason = (
        default_reasons().get((sender_kind, destination_kind)) if sender_kind and destination_kind else None
    )
    if reason is None:
        raise typer.BadParameter(
            f"no usual handover reason from {sender_kind or sender} to {destination_kind or destination}; "
            "give one",
            param_hint="--reason",
        )
    return reason


def handover(
    src: Annotated[
        Path, typer.Argument(help="The plan: canonical JSON, FHIR JSON/XML, or a system's format.")
    ],
    to: Annotated[str, typer.Option("--to", help="ODS code of the receiving organisation.")],
    key: Annotated[
        Path | None,
        typer.Option("--key", help=f"Sender's Ed25519 private key (PEM); default ${KEY_ENV}."),
    ] = None,
    reason: Annotated[
        HandoverReason | None, typer.Option("--reason", help="Why (default: the usual one for the pair).")
    ] = None,
    from_system: Annotated[
        str | None, typer.Option("--from", help="SRC is in this system's format (see careplan systems).")
    ] = None,
    sender: Annotated[
        str | None, typer.Option("--sender", help="ODS code of the sender (default: the episode's provider).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the message here (.json or .xml).")] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="Store (path or URL) to record a refusal in.")
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Build as of this instant (ISO 8601 with offset).")
    ] = None,
) -> None:
    """Hand a care plan over to another service as a signed FHIR message (consent gate, minimisation)."""
    try:
        record = _read_record(src, from_system)
    except OSError as error:
        raise _fail(f"{src}: cannot read: {error.strerror}") from None
    except (AdapterError, orjson.JSONDecodeError) as error:
        raise _fail(f"{src}: not a care-plan record: {error}") from None
    from_ods = sender or (record.episode.provider if record.episode else record.organisations[0].ods_code)
    key_path = key or (Path(os.environ[KEY_ENV]) if KEY_ENV in os.environ else None)
    if key_path is None:
        raise _fail(f"no signing key: give --key or set {KEY_ENV} (careplan keygen makes one)")
    try:
        signer = Ed25519Signer.from_pem(key_path, from_ods)
    except (OSError, ValueError) as error:
        raise _fail(f"{key_path}: not an Ed25519 private key: {error}") from None
    try:
        message = build_handover(
            record,
            destination=to,
            reason=_reason(record, from_ods, to, reason),
            sender=from_ods,
            clock=_clock(at),
            signer=signer,
            store=open_store(db) if db else None,
        )
    except AdapterError as refused:
        _print_outcome(refused.outcome, f"handover to {to} refused")
        raise typer.Exit(EXIT_REFUSED) from None
    as_xml = out is not None and out.suffix.lower() == ".xml"
    data = write_resource(message, "xml" if as_xml else "json")
    if out is None:
        typer.echo(data.decode())
    else:
        write_atomically(out, data)
        _err.print(f"handover {message['entry'][0]['resource']['id']} to {to} written to {out}", markup=False)


def receive(
    file: Annotated[Path, typer.Argument(help="A handover message (FHIR JSON or XML).")],
    as_organisation: Annotated[str, typer.Option("--as", help="ODS code of the receiving organisation.")],
    trust: Annotated[
        Path, typer.Option("--trust", help="Folder of senders' public keys, <ODS>.pub.pem.")
    ] = Path("trust"),
    db: Annotated[str, typer.Option("--db", help="Store: a SQLite path, :memory: or a URL.")] = "careplan.db",
    out: Annotated[Path | None, typer.Option("--out", help="Write the acknowledgement here.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="Receive as of this instant (ISO 8601).")] = None,
    system: Annotated[
        str | None, typer.Option("--system", help="Also write the imported plan in this system's format.")
    ] = None,
    export: Annotated[Path | None, typer.Option("--export", help="Where --system writes the plan.")] = None,
) -> None:
    """Receive a handover: check, import, store; print (or write) the acknowledgement message."""
    if (system is None) != (export is None):
        raise typer.BadParameter("--system and --export go together", param_hint="--system")
    try:
        message = read_resource(file.read_bytes())
    except OSError as error:
        raise _fail(f"{file}: cannot read: {error.strerror}") from None
    except AdapterError as error:
        raise _fail(f"{file}: not FHIR: {error}") from None
    try:
        trust_list = TrustList.from_directory(trust)
    except (OSError, ValueError) as error:
        raise _fail(f"{trust}: cannot load the trust list: {error}") from None
    store = open_store(db)
    try:
        ack = receive_handover(
            message, store=store, trust=trust_list, clock=_clock(at), as_organisation=as_organisation
        )
    except AdapterError as refused:
        _print_outcome(refused.outcome, f"{file} refused")
        raise typer.Exit(EXIT_REFUSED) from None
    data = write_resource(ack.bundle, "json")
    if out is None:
        typer.echo(data.decode())
    else:
        write_atomically(out, data)
    status = ack.task_status.value if ack.task_status else "not recorded"
    _err.print(f"message {ack.message_id}: {ack.code} (Task {status})", markup=False)
    if ack.code == "ok" and system is not None and export is not None:
        _export(store, message, as_organisation, system, export)
    if ack.code != "ok":
        for issue in ack.outcome["issue"]:
            where = ", ".join(issue.get("expression", []))
            _err.print(
                f"  {issue['severity']}: {issue['diagnostics']}" + (f" @ {where}" if where else ""),
                markup=False,
            )
        raise typer.Exit(EXIT_REFUSED)


def _export(store: Store, message: FhirJson, holder: OdsCode, system: str, export: Path) -> None:
    plan = next(e["resource"] for e in message["entry"] if e["resource"].get("resourceType") == "CarePlan")
    plan_id = next(
        (
            i["value"]
            for i in plan.get("identifier", [])
            if str(i.get("system", "")).endswith("/Id/care-plan")
        ),
        plan.get("id"),
    )
    record = store.get_plan(holder, str(plan_id))
    if record is None:
        raise _fail(f"the accepted plan {plan_id} is not in the store")
    try:
        written = write_system(system, record)
    except AdapterError as error:
        raise _fail(f"cannot write the plan as {system}: {error}") from None
    write_atomically(export, written.data)
    _err.print(
        f"plan written as {system} to {export} ({len(written.losses)} fields it cannot carry)", markup=False
    )


def keygen(
    ods: Annotated[str, typer.Argument(help="ODS code the key signs for.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for <ODS>.key.pem and <ODS>.pub.pem.")] = Path(
        "."
    ),
) -> None:
    """Make an Ed25519 key pair for an organisation (keep the .key.pem private; share the .pub.pem)."""
    signer = Ed25519Signer.generate(ods)
    private = out / f"{ods}.key.pem"
    if private.exists():
        raise _fail(f"{private} exists: not overwriting a private key")
    write_atomically(private, signer.private_pem())
    private.chmod(0o600)
    write_atomically(out / f"{ods}.pub.pem", signer.verifier().public_pem())
    _err.print(f"wrote {private} (private) and {out / f'{ods}.pub.pem'} (public)", markup=False)
