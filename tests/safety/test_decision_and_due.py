"""H-06 ("accepted" before anyone decided) and H-07 (a handover nobody notices: given up silently, or
a release date approaching with no answer)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from server.cases import bearer, cjit_app, handover_message
from typer.testing import CliRunner

from adapter.cli import app as careplan
from adapter.delivery import Deliverer, RetryPolicy
from adapter.delivery.outbox import Attempt, OutboxStatus, open_outbox
from adapter.errors import AdapterError
from adapter.handover import Ed25519Signer, TaskStatus
from adapter.handover.decision import decide
from adapter.handover.due import QueuedMessage, due_items
from adapter.store import open_store
from safety.safety_cases import CJIT, Keys, build, clock, receive, record


def test_h06_receipt_leaves_the_task_received_and_the_decision_is_a_message_of_its_own() -> None:
    keys, store = Keys(), open_store(":memory:")
    message = build(record(), keys, at="2026-11-25T10:30:00+00:00")
    ack = receive(message, store, keys, at="2026-11-25T11:00:00+00:00")
    assert (ack.code, ack.task_status) == ("ok", TaskStatus.RECEIVED)
    with pytest.raises(AdapterError) as no_reason:
        decide(
            store,
            ack.message_id,
            accept=False,
            clock=clock("2026-11-25T12:00:00+00:00"),
            as_organisation=CJIT,
            signer=keys.signer(CJIT),
        )
    assert no_reason.value.outcome.issues[0].expression == "Task.statusReason"
    decision = decide(
        store,
        ack.message_id,
        accept=True,
        clock=clock("2026-11-25T12:00:00+00:00"),
        as_organisation=CJIT,
        signer=keys.signer(CJIT),
    )
    header, task = (entry["resource"] for entry in decision.message["entry"][:2])
    assert (header["response"]["identifier"], header["response"]["code"]) == (ack.message_id, "ok")
    assert header["destination"][0]["endpoint"] == "urn:ods:NTI"
    assert task["status"] == "accepted" and store.get_task(task["id"]).status == "accepted"  # type: ignore[union-attr]
    with pytest.raises(AdapterError):  # decided once: accepted is not undone by a second decision
        decide(
            store,
            ack.message_id,
            accept=False,
            reason="x",
            clock=clock("2026-11-25T12:05:00+00:00"),
            as_organisation=CJIT,
            signer=keys.signer(CJIT),
        )


def test_h06_careplan_decide_declines_with_a_reason(tmp_path: Path) -> None:
    keys, db = Keys(), tmp_path / "cjit.db"
    ack = receive(
        build(record(), keys, at="2026-11-25T10:30:00+00:00"),
        open_store(db),
        keys,
        at="2026-11-25T11:00:00+00:00",
    )
    out = tmp_path / "decision.json"
    key = tmp_path / "cjit.key.pem"
    key.write_bytes(keys.signer(CJIT).private_pem())
    result = CliRunner().invoke(
        careplan,
        [
            "decide",
            ack.message_id,
            "--as",
            CJIT,
            "--db",
            str(db),
            "--key",
            str(key),
            "--decline",
            "--reason",
            "not our area",
            "--out",
            str(out),
            "--at",
            "2026-11-25T12:00:00+00:00",
        ],
    )
    assert result.exit_code == 0, result.output
    assert '"status":"rejected"' in out.read_text().replace(" ", "")
    assert "not our area" in out.read_text()
    assert open_store(db).task_for_message(ack.message_id).status == "rejected"  # type: ignore[union-attr]


def test_h06_the_rest_facade_decides_too(tmp_path: Path) -> None:
    signer = Ed25519Signer.generate("NTI")
    message = handover_message(signer)
    key = tmp_path / "cjit.key.pem"
    key.write_bytes(Ed25519Signer.generate(CJIT).private_pem())
    with TestClient(cjit_app(tmp_path, signer, signing_key_file=key)) as client:
        ack = client.post("/$process-message", json=message, headers=bearer("carat-token"))
        assert ack.status_code == 200
        message_id = message["entry"][0]["resource"]["id"]
        body = {
            "resourceType": "Parameters",
            "parameter": [
                {"name": "message", "valueString": message_id},
                {"name": "decision", "valueCode": "accept"},
            ],
        }
        assert client.post("/$decide", json=body, headers=bearer("carat-token")).status_code == 403
        decided = client.post("/$decide", json=body, headers=bearer("cjit-token"))
        assert decided.status_code == 200
        assert decided.json()["entry"][1]["resource"]["status"] == "accepted"
        again = client.post("/$decide", json=body, headers=bearer("cjit-token"))
        assert again.status_code == 409


class _Down(httpx.BaseTransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, text="down for the weekend")


class _Clock:
    def __init__(self, at: str) -> None:
        self.at = clock(at).now()

    def now(self):  # type: ignore[no-untyped-def]
        return self.at

    def today(self) -> date:
        return self.at.date()


def test_h07_the_outbox_keeps_trying_over_a_weekend_then_gives_up_where_due_shows_it(tmp_path: Path) -> None:
    keys, db = Keys(), str(tmp_path / "carat.db")
    message = build(record(), keys, at="2026-11-27T17:30:00+00:00")  # a Friday evening
    friday = _Clock("2026-11-27T17:30:00+00:00")
    with httpx.Client(transport=_Down()) as client:
        deliverer = Deliverer(
            client, open_outbox(db), clock=friday, sleep=lambda _: None, policy=RetryPolicy()
        )
        entry = deliverer.send(message, "https://cjit.example/fhir")
        assert (entry.status, entry.attempts) == (OutboxStatus.PENDING, 5)
        friday.at += timedelta(hours=60)  # Monday morning: still trying
        assert deliverer.deliver_pending()[0].status is OutboxStatus.PENDING
        friday.at += timedelta(hours=13)  # 73 hours after queueing
        given_up = deliverer.deliver_pending()[0]
    assert given_up.status is OutboxStatus.FAILED and "gave up" in (given_up.last_error or "")
    outbox = open_outbox(db)
    queued = [
        QueuedMessage(
            e.message_id, e.destination, e.status.value, e.last_error or "", outbox.message(e.message_id)
        )
        for e in outbox.entries()
    ]
    due = due_items(open_store(db), queued, holder="NTI", clock=friday)
    assert [(d.what, d.release_date) for d in due] == [("delivery given up", date(2026, 12, 9))]


def test_h07_due_lists_handovers_awaiting_a_decision_soonest_release_first(tmp_path: Path) -> None:
    keys, store = Keys(), open_store(":memory:")
    later = record().model_dump(mode="json")
    later["plan"]["id"] = "plan-nti-later"
    later["plan"]["custody"]["release_date"] = "2027-01-15"
    from adapter.model import load_record

    for client in (load_record(later), record()):
        receive(
            build(client, keys, at="2026-11-25T10:30:00+00:00"), store, keys, at="2026-11-25T11:00:00+00:00"
        )
    due = due_items(store, [], holder=CJIT, clock=clock("2026-11-26T09:00:00+00:00"))
    assert [(d.what, d.release_date) for d in due if d.what == "awaiting decision"] == [
        ("awaiting decision", date(2026, 12, 9)),
        ("awaiting decision", date(2027, 1, 15)),
    ]


def test_h07_due_lists_a_handover_the_receiver_refused() -> None:
    keys = Keys()
    message = build(record(), keys, at="2026-11-25T10:30:00+00:00")
    outbox = open_outbox(":memory:")
    entry = outbox.enqueue(message, "https://cjit.example/fhir", at=clock("2026-11-25T10:30:00+00:00").now())
    refused = Attempt(
        clock("2026-11-25T10:31:00+00:00").now(), OutboxStatus.REJECTED, "acknowledged fatal-error"
    )
    outbox.record_attempt(entry.message_id, refused)
    queued = [
        QueuedMessage(
            e.message_id, e.destination, e.status.value, e.last_error or "", outbox.message(e.message_id)
        )
        for e in outbox.entries()
    ]
    due = due_items(open_store(":memory:"), queued, holder="NTI", clock=clock("2026-11-25T11:00:00+00:00"))
    assert [(d.what, d.release_date) for d in due] == [("refused by the receiver", date(2026, 12, 9))]
