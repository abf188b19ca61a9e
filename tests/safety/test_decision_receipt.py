"""H-06 at the sender: the receiving team's decision comes back signed, the sending CARAT team takes it
in only from the handover's destination, and its outbox and ``careplan due`` show it."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from server.cases import TOKENS, bearer, cjit_app, handover_message
from server.cases import clock as plan_clock
from typer.testing import CliRunner

from adapter.cli import app as careplan
from adapter.delivery import Deliverer
from adapter.delivery.outbox import Attempt, OutboxStatus, SqlOutbox, open_outbox
from adapter.handover import Ed25519Signer, receive_message, sign_message
from adapter.handover.decision import decide
from adapter.handover.due import QueuedMessage, due_items
from adapter.server import Settings, create_app, get_clock
from adapter.store import open_store
from adapter.types import FhirJson
from adapter.validation import validate
from safety.safety_cases import CARAT, CJIT, GP, Keys, build, clock, receive, record

SENT, DECIDED = "2026-11-25T10:30:00+00:00", "2026-11-25T12:00:00+00:00"


def _carat_app(tmp_path: Path, deciders: dict[str, Ed25519Signer]) -> FastAPI:
    """The CARAT team's own server (NTI): its database holds the outbox it sent the handover from."""
    trust = tmp_path / "carat-trust"
    trust.mkdir(exist_ok=True)
    for ods, signer in deciders.items():
        (trust / f"{ods}.pub.pem").write_bytes(signer.verifier().public_pem())
    settings = Settings.model_validate(
        {"ods": CARAT, "database_url": str(tmp_path / "carat.db"), "trust_dir": trust, "tokens": TOKENS}
    )
    app = create_app(settings)
    app.dependency_overrides[get_clock] = plan_clock
    return app


def _queued(outbox: SqlOutbox) -> list[QueuedMessage]:
    return [
        QueuedMessage(
            e.message_id,
            e.destination,
            e.status.value,
            e.last_error or "",
            outbox.message(e.message_id),
            outbox.decision_on(e.message_id),
        )
        for e in outbox.entries()
    ]


def _sent_and_delivered(message: FhirJson, ack: FhirJson) -> SqlOutbox:
    """The CARAT team's outbox after the handover was delivered and acknowledged ok."""
    outbox = open_outbox(":memory:")
    entry = outbox.enqueue(message, "https://cjit.example/fhir", at=clock(SENT).now())
    delivered = Attempt(clock(SENT).now(), OutboxStatus.DELIVERED, None, "ok", ack)
    outbox.record_attempt(entry.message_id, delivered)
    return outbox


def _issue_places(ack: FhirJson) -> list[tuple[str, list[str]]]:
    outcome = next(e["resource"] for e in ack["entry"] if e["resource"]["resourceType"] == "OperationOutcome")
    return [
        (str(((i.get("details") or {}).get("coding") or [{}])[0].get("code")), i.get("expression", []))
        for i in outcome["issue"]
    ]


def test_h06_round_trip_carat_to_cjit_and_the_signed_acceptance_back_shows_in_outbox_and_due(
    tmp_path: Path,
) -> None:
    carat_key, cjit_key = Ed25519Signer.generate(CARAT), Ed25519Signer.generate(CJIT)
    (tmp_path / "cjit.key.pem").write_bytes(cjit_key.private_pem())
    message = handover_message(carat_key)
    handover_id = message["entry"][0]["resource"]["id"]
    runner = CliRunner(env={"COLUMNS": "250"})  # the tables unwrapped
    # 1. CARAT -> CJIT: queued in the CARAT outbox and delivered to the CJIT's $process-message.
    with TestClient(cjit_app(tmp_path, carat_key), headers=bearer("carat-token")) as cjit:
        sent = Deliverer(cjit, open_outbox(tmp_path / "carat.db")).send(message, "http://testserver")
    assert (sent.status, sent.ack_code) == (OutboxStatus.DELIVERED, "ok")
    due = runner.invoke(careplan, ["due", "--as", CARAT, "--db", str(tmp_path / "carat.db")])
    assert "awaiting their decision" in due.output and "2026-12-09" in due.output, due.output
    # 2. The CJIT decides, signed with its own key.
    decided = runner.invoke(
        careplan,
        [
            "decide",
            handover_id,
            "--as",
            CJIT,
            "--db",
            str(tmp_path / "cjit.db"),
            "--key",
            str(tmp_path / "cjit.key.pem"),
            "--accept",
            "--out",
            str(tmp_path / "decision.json"),
            "--at",
            plan_clock().now().isoformat(),
        ],
    )
    assert decided.exit_code == 0, decided.output
    from adapter.wire import read_json

    decision = read_json((tmp_path / "decision.json").read_bytes())
    assert decision["entry"][2]["resource"]["signature"][0]["sigFormat"] == "application/jose"
    # 3. The decision delivered to the CARAT team's own server, from the CJIT's outbox.
    with TestClient(_carat_app(tmp_path, {CJIT: cjit_key}), headers=bearer("cjit-token")) as carat:
        back = Deliverer(carat, open_outbox(tmp_path / "cjit.db")).send(decision, "http://testserver")
        assert (back.status, back.ack_code) == (OutboxStatus.DELIVERED, "ok"), back.last_error
        again = carat.post("/$process-message", json=decision)  # re-delivery: the same answer
        assert again.status_code == 200 and again.json() == back.answer
    # 4. At the CARAT team: the outbox shows the acceptance, and nothing awaits a decision any more.
    kept = open_outbox(tmp_path / "carat.db").decision_on(handover_id)
    assert kept is not None and (kept.status, kept.decided_by) == ("accepted", CJIT)
    listed = runner.invoke(careplan, ["outbox", "--db", str(tmp_path / "carat.db"), "list"])
    assert f"accepted by {CJIT}" in listed.output, listed.output
    due = runner.invoke(careplan, ["due", "--as", CARAT, "--db", str(tmp_path / "carat.db")])
    assert "awaiting their decision" not in due.output and "declined" not in due.output, due.output


def test_h06_a_decline_reaches_the_sender_with_its_reason_and_due_shows_it_needing_a_person() -> None:
    keys, cjit_store, carat_store = Keys(), open_store(":memory:"), open_store(":memory:")
    message = build(record(), keys, at=SENT)
    ack = receive(message, cjit_store, keys, at="2026-11-25T11:00:00+00:00")
    outbox = _sent_and_delivered(message, ack.bundle)
    before = due_items(carat_store, _queued(outbox), holder=CARAT, clock=clock(DECIDED))
    assert [(d.what, d.release_date) for d in before] == [("awaiting their decision", date(2026, 12, 9))]
    decision = decide(
        cjit_store,
        ack.message_id,
        accept=False,
        reason="the client is moving out of our area",
        clock=clock(DECIDED),
        as_organisation=CJIT,
        signer=keys.signer(CJIT),
    )
    assert validate(decision.message).errors == ()  # the acknowledgement header profile, signed Provenance
    taken = receive_message(
        decision.message,
        store=carat_store,
        sent=outbox,
        trust=keys.trust(CJIT, GP),
        clock=clock("2026-11-25T12:01:00+00:00"),
        as_organisation=CARAT,
    )
    assert taken.code == "ok", taken.outcome
    kept = outbox.decision_on(ack.message_id)
    assert kept is not None
    assert (kept.status, kept.reason, kept.decided_by) == (
        "rejected",
        "the client is moving out of our area",
        CJIT,
    )
    again = receive_message(
        decision.message,
        store=carat_store,
        sent=outbox,
        trust=keys.trust(CJIT, GP),
        clock=clock("2026-11-25T15:00:00+00:00"),
        as_organisation=CARAT,
    )
    assert again.replayed and again.bundle == taken.bundle
    after = due_items(carat_store, _queued(outbox), holder=CARAT, clock=clock(DECIDED))
    assert [(d.what, d.release_date) for d in after] == [("declined by the receiver", date(2026, 12, 9))]
    assert "moving out of our area" in after[0].detail


def _accepted(keys: Keys) -> tuple[FhirJson, SqlOutbox, str]:
    cjit_store = open_store(":memory:")
    message = build(record(), keys, at=SENT)
    ack = receive(message, cjit_store, keys, at="2026-11-25T11:00:00+00:00")
    decision = decide(
        cjit_store,
        ack.message_id,
        accept=False,
        reason="no capacity",
        clock=clock(DECIDED),
        as_organisation=CJIT,
        signer=keys.signer(CJIT),
    )
    return decision.message, _sent_and_delivered(message, ack.bundle), ack.message_id


def _at_carat(
    message: FhirJson, outbox: SqlOutbox, keys: Keys, trusted: tuple[str, ...] = (CJIT, GP)
) -> list[tuple[str, list[str]]]:
    ack = receive_message(
        message,
        store=open_store(":memory:"),
        sent=outbox,
        trust=keys.trust(*trusted),
        clock=clock("2026-11-25T12:01:00+00:00"),
        as_organisation=CARAT,
    )
    assert ack.code == "fatal-error"
    return _issue_places(ack.bundle)


def test_h06_a_forged_or_unsigned_decision_is_refused_naming_the_signature() -> None:
    keys = Keys()
    signed, outbox, handover_id = _accepted(keys)
    forged = copy.deepcopy(signed)
    forged["entry"][1]["resource"]["status"] = "accepted"  # "declined" turned into "accepted" on the way
    forged["entry"][1]["resource"].pop("statusReason")
    unsigned = copy.deepcopy(signed)
    unsigned["entry"][2]["resource"].pop("signature")
    other_key = copy.deepcopy(signed)
    sign_message(other_key, Ed25519Signer.generate(CJIT), clock(DECIDED).now())
    for refused in (forged, unsigned, other_key):
        assert _at_carat(refused, outbox, keys) == [
            ("handover.signature-mismatch", ["Bundle.entry[2].resource.signature[0].data"])
        ]
    assert outbox.decision_on(handover_id) is None  # nothing kept


def test_h06_a_decision_from_an_organisation_that_was_not_the_destination_is_refused() -> None:
    keys = Keys()
    signed, outbox, handover_id = _accepted(keys)
    # The GP (trusted by the CARAT team for its own handovers) answers the handover sent to the CJIT,
    # properly signed with the GP's key.
    impostor = copy.deepcopy(signed)
    impostor["entry"][3]["resource"]["identifier"][0]["value"] = GP
    sign_message(impostor, keys.signer(GP), clock(DECIDED).now())
    assert _at_carat(impostor, outbox, keys) == [
        ("decision.not-from-destination", ["Bundle.entry[0].resource.sender"])
    ]
    # A decider nobody trusts, and a decision on a message the CARAT team never sent.
    assert _at_carat(signed, outbox, keys, trusted=(GP,)) == [
        ("handover.untrusted-sender", ["Bundle.entry[0].resource.sender"])
    ]
    elsewhere = copy.deepcopy(signed)
    elsewhere["entry"][0]["resource"]["response"]["identifier"] = "not-a-message-we-sent"
    sign_message(elsewhere, keys.signer(CJIT), clock(DECIDED).now())
    assert _at_carat(elsewhere, outbox, keys) == [
        ("decision.unknown-handover", ["Bundle.entry[0].resource.response.identifier"])
    ]
    assert outbox.decision_on(handover_id) is None


def test_h06_rest_decide_without_a_signing_key_answers_503_naming_the_setting(tmp_path: Path) -> None:
    signer = Ed25519Signer.generate(CARAT)
    message = handover_message(signer)
    with TestClient(cjit_app(tmp_path, signer)) as client:
        assert (
            client.post("/$process-message", json=message, headers=bearer("carat-token")).status_code == 200
        )
        body = {
            "resourceType": "Parameters",
            "parameter": [
                {"name": "message", "valueString": message["entry"][0]["resource"]["id"]},
                {"name": "decision", "valueCode": "accept"},
            ],
        }
        answer = client.post("/$decide", json=body, headers=bearer("cjit-token"))
    assert answer.status_code == 503
    assert answer.json()["issue"][0]["expression"] == ["CAREPLAN_SIGNING_KEY_FILE"]
    assert open_store(tmp_path / "cjit.db").task_for_message(
        message["entry"][0]["resource"]["id"]
    ).status == (  # type: ignore[union-attr]
        "received"
    )


def test_h06_careplan_receive_takes_a_decline_in_and_outbox_and_due_show_the_reason(tmp_path: Path) -> None:
    keys, cjit_store = Keys(), open_store(":memory:")
    message = build(record(), keys, at=SENT)
    ack = receive(message, cjit_store, keys, at="2026-11-25T11:00:00+00:00")
    carat_db = tmp_path / "carat.db"
    outbox = open_outbox(carat_db)
    entry = outbox.enqueue(message, "https://cjit.example/fhir", at=clock(SENT).now())
    outbox.record_attempt(
        entry.message_id, Attempt(clock(SENT).now(), OutboxStatus.DELIVERED, None, "ok", ack.bundle)
    )
    decision = decide(
        cjit_store,
        ack.message_id,
        accept=False,
        reason="no capacity before the release date",
        clock=clock(DECIDED),
        as_organisation=CJIT,
        signer=keys.signer(CJIT),
    )
    from adapter.wire import write_json

    (tmp_path / "decision.json").write_bytes(write_json(decision.message))
    trust = tmp_path / "trust"
    trust.mkdir()
    (trust / f"{CJIT}.pub.pem").write_bytes(keys.signer(CJIT).verifier().public_pem())
    runner = CliRunner(env={"COLUMNS": "250"})
    args = ["receive", str(tmp_path / "decision.json"), "--as", CARAT, "--trust", str(trust)]
    taken = runner.invoke(careplan, [*args, "--db", str(carat_db), "--at", DECIDED])
    assert taken.exit_code == 0, taken.output
    assert f"{CJIT} declined: no capacity before the release date" in taken.output
    listed = runner.invoke(careplan, ["outbox", "--db", str(carat_db), "list"])
    assert f"declined by {CJIT}" in listed.output and "capacity before the release date" in listed.output
    due = runner.invoke(careplan, ["due", "--as", CARAT, "--db", str(carat_db), "--at", DECIDED])
    assert due.exit_code == 1 and "declined by the receiver" in due.output and "2026-12-09" in due.output
    # A decision on a handover this database never sent is refused, naming the element.
    stranger = tmp_path / "stranger.db"
    refused = runner.invoke(careplan, [*args, "--db", str(stranger), "--at", DECIDED])
    assert refused.exit_code == 1 and "Bundle.entry[0].resource.response.identifier" in refused.output
