"""The prison-release journey of ``careplan demo``, step by step, on fixture client 02.

    >>> journey = prison_release_journey(Path("out/journey"))
    >>> [step.name for step in journey.steps]
    ['CARAT export', 'checked', 'validated', 'consent gate', 'handover to the CJIT', 'CJIT receives',
     'CJIT decides', 'handover to the GP', 'GP shared-care import', 'GP decides', 'acknowledgements',
     'decisions at the CARAT team']

Seed 002, 5.3.4: at release the CARAT team refers the client, with consent, to the single point of
contact of the CJIT of the release area, which decides whether to take them on; the GP continues the
prescribing. Each receiver's Task goes received -> decided (accepted) -> the decision, signed by the
receiver, goes back to the CARAT team as a message of its own, which takes it in against its outbox
(``carat.db``) and keeps it beside the handover it answers. Keys are made for the run and only the
CARAT team's public half is written (``trust/``), so the demo needs no private key on disk. The
instant is fixed (the morning the plan was recorded), so every run writes the same messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson
from rich.console import Console

from adapter.atomic import write_atomically
from adapter.clock import FixedClock
from adapter.coordination import CoordinationSettings, check_coordination
from adapter.dialects import read as read_system
from adapter.dialects import systems
from adapter.dialects import write as write_system
from adapter.errors import AdapterError
from adapter.fhir import to_fhir
from adapter.handover import (
    Acknowledgement,
    Ed25519Signer,
    HandoverReason,
    TrustList,
    build_handover,
    receive_handover,
)
from adapter.handover.decision import decide, receive_message
from adapter.model import ClientRecord, load_record
from adapter.model.record import given_and_family
from adapter.packaged import fixtures_folder
from adapter.store import Store, open_store
from adapter.types import FhirJson
from adapter.validation import validate
from adapter.wire import read_json, write_json

FIXTURES_AS_OF = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)
"""The instant the fixture clients are written as of (fixtures/README.md): the demo runs as of it, so
that it gives the same answers on any calendar day. Every date in the fixtures is relative to it."""
JOURNEY_INSTANT = FIXTURES_AS_OF
JOURNEY_SETTINGS = CoordinationSettings()
"""The demo judges co-ordination by the default intervals whatever ``CAREPLAN_*`` says: the story is
the same on every machine (its check and its handovers by the same settings, hazard H-56)."""
CARAT, CJIT, GP = "NTI", "Y02345", "B82017"


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    ok: bool
    detail: str


@dataclass
class Journey:
    """What each step did, and the files written."""

    steps: list[Step] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)


class _Run:
    def __init__(self, out_dir: Path, console: Console) -> None:
        self.out_dir, self.console, self.journey = out_dir, console, Journey()

    def step(self, name: str, ok: bool, detail: str) -> bool:
        self.journey.steps.append(Step(name, ok, detail))
        mark = "[green]ok[/]" if ok else "[bold red]FAILED[/]"
        self.console.print(f"{len(self.journey.steps)}. [bold]{name}[/] {mark}: {detail}")
        return ok

    def write(self, label: str, name: str, data: bytes) -> Path:
        path = self.out_dir / name
        write_atomically(path, data)
        self.journey.files[label] = path
        return path


def _carat_export(run: _Run) -> ClientRecord | None:
    fixtures = fixtures_folder()
    carat_export = fixtures / "systems" / "carat" / "02-carat-release.csv"
    canonical = fixtures / "clients" / "02-carat-release.json"
    if carat_export.exists():
        conversion = read_system("carat", carat_export.read_bytes())
        detail = f"{carat_export.name} read as plan {conversion.record.plan.id}"
        detail += f" ({len(conversion.unmapped)} source fields not mapped)"
        run.step("CARAT export", True, detail)
        return conversion.record
    record = load_record(orjson.loads(canonical.read_bytes()))
    run.step("CARAT export", True, f"{canonical.name} (canonical record) read as plan {record.plan.id}")
    return record


def _checked(run: _Run, record: ClientRecord, clock: FixedClock) -> bool:
    report = check_coordination(record, today=clock, settings=JOURNEY_SETTINGS)
    errors = [f for f in report.findings if f.is_error]
    detail = f"care co-ordination: {report.decision.role or 'a decision is needed'}; "
    detail += f"{len(report.findings)} findings, {len(errors)} errors" + "".join(
        f"\n   {f.severity}: {f.text} @ {f.expression}" for f in report.findings
    )
    if report.findings:
        detail += "\n   (findings travel with the handover; paperwork never stops it: hazard H-05)"
    return run.step("checked", True, detail)


def _validated(run: _Run, record: ClientRecord) -> bool:
    bundle = read_json(write_json(to_fhir(record)))
    outcome = validate(bundle)
    path = run.write("plan", "02-plan.json", write_json(bundle))
    detail = f"{len(bundle['entry'])} resources, {len(outcome.errors)} errors against the profiles -> {path}"
    detail += "".join(f"\n   {issue}" for issue in outcome.errors[:5])
    return run.step("validated", outcome.ok, detail)


def _consent_gate(run: _Run, record: ClientRecord, clock: FixedClock, signer: Ed25519Signer) -> None:
    try:
        build_handover(
            record,
            destination=GP,
            reason=HandoverReason.SHARED_CARE,
            sender=CARAT,
            clock=clock,
            signer=signer,
            settings=JOURNEY_SETTINGS,
        )
    except AdapterError as refused:
        first = refused.outcome.errors[0]
        run.step("consent gate", True, f"a shared-care handover to the GP is refused: {first.text}")
        return
    run.step("consent gate", False, "a shared-care handover to the GP was built without a consent for it")


def _send(
    run: _Run, record: ClientRecord, *, to: str, name: str, clock: FixedClock, signer: Ed25519Signer
) -> FhirJson | None:
    try:
        message = build_handover(
            record,
            destination=to,
            reason=HandoverReason.PRISON_RELEASE,
            sender=CARAT,
            clock=clock,
            signer=signer,
            settings=JOURNEY_SETTINGS,
        )
    except AdapterError as refused:
        run.step(f"handover to the {name}", False, str(refused.outcome))
        return None
    path = run.write(f"handover-{name}", f"handover-{name.lower()}.json", write_json(message))
    task = message["entry"][1]["resource"]
    inputs = [i["type"]["coding"][0]["code"] for i in task.get("input", [])]
    kinds = sorted({e["resource"]["resourceType"] for e in message["entry"][3:]})
    detail = f"message {message['entry'][0]['resource']['id']} -> {path}\n   Task inputs: {', '.join(inputs)}"
    detail += f"\n   plan resources sent: {', '.join(kinds)}"
    run.step(f"handover to the {name}", True, detail)
    return read_json(write_json(message))


def _receive(
    run: _Run,
    message: FhirJson,
    *,
    us: str,
    name: str,
    system: str,
    trust: TrustList,
    clock: FixedClock,
    step: str,
) -> tuple[Acknowledgement, Store]:
    store_path = run.out_dir / f"{name.lower()}.db"
    store_path.unlink(missing_ok=True)  # a fresh receiver each run (a second run would be a re-delivery)
    store = open_store(store_path)
    ack = receive_handover(message, store=store, trust=trust, clock=clock, as_organisation=us)
    run.write(f"ack-{name}", f"ack-{name.lower()}.json", write_json(ack.bundle))
    detail = f"{ack.code}, Task {ack.task_status}"
    plans = store.list_plans(us)
    if ack.code == "ok" and plans:
        written = write_system(system, plans[0])
        path = run.write(f"{system}", f"{name.lower()}-{system}.{_suffix(system)}", written.data)
        detail += f"; imported into {system} -> {path} ({len(written.losses)} fields it cannot carry)"
    else:
        detail += "".join(f"\n   {i['diagnostics']}" for i in ack.outcome["issue"])
    run.step(step, ack.code == "ok", detail)
    return ack, store


def _decide(
    run: _Run,
    ack: Acknowledgement,
    store: Store,
    *,
    us: str,
    name: str,
    clock: FixedClock,
    signer: Ed25519Signer,
) -> FhirJson | None:
    """The receiving team takes the client on: the Task goes received -> accepted, and the decision
    goes back to the sender as a message of its own, signed with the team's key."""
    try:
        decision = decide(store, ack.message_id, accept=True, clock=clock, as_organisation=us, signer=signer)
    except AdapterError as refused:
        run.step(f"{name} decides", False, str(refused.outcome))
        return None
    path = run.write(f"decision-{name}", f"decision-{name.lower()}.json", write_json(decision.message))
    detail = f"Task {ack.task_status} -> {decision.task.status}; decision message "
    detail += f"{decision.message['entry'][0]['resource']['id']} for {decision.sender_endpoint} -> {path}"
    ok = run.step(f"{name} decides", decision.task.status == "accepted", detail)
    return read_json(write_json(decision.message)) if ok else None


def _decisions_back(
    run: _Run,
    answered: list[tuple[FhirJson, Acknowledgement, FhirJson]],
    *,
    trust: TrustList,
    clock: FixedClock,
) -> None:
    """The CARAT team's outbox holds what it sent, acknowledged ok; each decision is delivered to it and
    kept beside the handover it answers (what ``careplan outbox list`` and ``careplan due`` show)."""
    from adapter.delivery.outbox import Attempt, OutboxStatus, SqlOutbox

    path = run.out_dir / "carat.db"
    path.unlink(missing_ok=True)
    store = open_store(path)
    outbox = SqlOutbox(store.engine)
    lines, ok = [], True
    for sent, ack, decision in answered:
        entry = outbox.enqueue(
            sent, sent["entry"][0]["resource"]["destination"][0]["endpoint"], at=clock.now()
        )
        outbox.record_attempt(
            entry.message_id, Attempt(clock.now(), OutboxStatus.DELIVERED, None, ack.code, ack.bundle)
        )
        taken = receive_message(
            decision, store=store, sent=outbox, trust=trust, clock=clock, as_organisation=CARAT
        )
        kept = outbox.decision_on(entry.message_id)
        ok = ok and taken.code == "ok" and kept is not None and kept.status == "accepted"
        said = f"{kept.status} by {kept.decided_by}" if kept is not None else "not kept"
        lines.append(f"handover {entry.message_id}: {taken.code}, {said}")
    run.step(
        "decisions at the CARAT team",
        ok,
        f"kept in {path} beside the outbox entries\n   " + "\n   ".join(lines),
    )


def _suffix(system: str) -> str:
    """The file suffix for a system's format (a FHIR system writes JSON)."""
    fmt = next((info.format for info in systems() if info.name == system), "txt")
    return "json" if fmt == "fhir" else fmt


def prison_release_journey(
    out_dir: Path, *, console: Console | None = None, at: datetime = JOURNEY_INSTANT
) -> Journey:
    """Run the prison-release journey on fixture 02, printing each step; files go to ``out_dir``.

    Stops at the first step that fails (the Journey says which)."""
    run = _Run(out_dir, console or Console(highlight=False))
    clock = FixedClock(at)
    carat_key = Ed25519Signer.generate(CARAT)
    run.write("trust", f"trust/{CARAT}.pub.pem", carat_key.verifier().public_pem())
    trust = TrustList({CARAT: carat_key.verifier()})
    record = _carat_export(run)
    if record is None or not _checked(run, record, clock) or not _validated(run, record):
        return run.journey
    _consent_gate(run, record, clock, carat_key)
    to_cjit = _send(run, record, to=CJIT, name="CJIT", clock=clock, signer=carat_key)
    if to_cjit is None:
        return run.journey
    cjit_ack, cjit_store = _receive(
        run, to_cjit, us=CJIT, name="CJIT", system="cjit-dir", trust=trust, clock=clock, step="CJIT receives"
    )
    cjit_key, gp_key = Ed25519Signer.generate(CJIT), Ed25519Signer.generate(GP)
    cjit_decision = (
        _decide(run, cjit_ack, cjit_store, us=CJIT, name="CJIT", clock=clock, signer=cjit_key)
        if cjit_ack.code == "ok"
        else None
    )
    if cjit_decision is None:
        return run.journey
    to_gp = _send(run, record, to=GP, name="GP", clock=clock, signer=carat_key)
    if to_gp is None:
        return run.journey
    gp_ack, gp_store = _receive(
        run,
        to_gp,
        us=GP,
        name="GP",
        system="gp-shared-care",
        trust=trust,
        clock=clock,
        step="GP shared-care import",
    )
    gp_decision = (
        _decide(run, gp_ack, gp_store, us=GP, name="GP", clock=clock, signer=gp_key)
        if gp_ack.code == "ok"
        else None
    )
    if gp_decision is None:
        return run.journey
    answered = [
        (ack.message_id == sent["entry"][0]["resource"]["id"], ack.code)
        for ack, sent in ((cjit_ack, to_cjit), (gp_ack, to_gp))
    ]
    run.step(
        "acknowledgements",
        all(matches and code == "ok" for matches, code in answered),
        f"back at {CARAT}: CJIT {answered[0][1]}, GP {answered[1][1]} (each answers its message's header "
        f"id), then each team's decision (accepted) as a message of its own",
    )
    _decisions_back(
        run,
        [(to_cjit, cjit_ack, cjit_decision), (to_gp, gp_ack, gp_decision)],
        trust=TrustList({CJIT: cjit_key.verifier(), GP: gp_key.verifier()}),
        clock=clock,
    )
    _paper_copy(run, record, clock)
    return run.journey


def _paper_copy(run: _Run, record: ClientRecord, clock: FixedClock) -> None:
    """The plan as the client reads and signs it with the keyworker before release (seed 001, 5.3.2:
    "a paper document which is available to the client"), from the same record as the handovers."""
    from adapter.paper import PaperFormat, print_plan

    pdf = print_plan(record, clock.today(), PaperFormat.PDF)
    path = run.write("paper copy", "plan-for-signing.pdf", pdf)
    user = record.service_user
    language = user.first_language
    interpreter = (
        f", to be read with an interpreter ({language})" if user.interpreter_required and language else ""
    )
    run.step(
        "paper copy",
        True,
        f"{path.name} ({len(pdf) // 1024} KB), for {given_and_family(user.name)} and the keyworker to read "
        f"and sign before release{interpreter}",
    )
