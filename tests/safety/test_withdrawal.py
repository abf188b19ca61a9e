"""H-16: consent not checked again at delivery, and no withdrawal. A consent that expired, or that the
client withdrew, after a handover was built stops it in the outbox; a withdrawal reaches every
organisation the consent covered and makes their copy of the consent inactive."""

from __future__ import annotations

from pathlib import Path

import httpx
from typer.testing import CliRunner

from adapter.cli import app as careplan
from adapter.delivery import Deliverer, OutboxStatus, open_outbox
from adapter.delivery.deliverer import consent_gate
from adapter.handover.withdraw import withdraw_consent, withdrawal_message
from adapter.model import load_record
from adapter.model.codes import ConsentStatus
from adapter.server.routes.careplan import readable
from adapter.store import open_store
from adapter.wire import read_json, write_json
from safety.safety_cases import CARAT, CJIT, GP, Keys, build, clock, data, issues, receive, record

CONSENT = "consent-release-cjit"


class _Counting(httpx.BaseTransport):
    def __init__(self) -> None:
        self.requests = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return httpx.Response(503)


def test_h16_a_consent_withdrawn_after_the_handover_was_built_stops_it_in_the_outbox(tmp_path: Path) -> None:
    keys, db = Keys(), str(tmp_path / "carat.db")
    message = build(record(), keys, at="2026-11-25T10:30:00+00:00")
    outbox = open_outbox(db)
    outbox.enqueue(message, "https://cjit.example/fhir", at=clock("2026-11-25T10:30:00+00:00").now())
    store = open_store(db)
    store.record_withdrawal(CARAT, record(), CONSENT, clock("2026-11-25T10:45:00+00:00").now())
    transport = _Counting()
    with httpx.Client(transport=transport) as client:
        deliverer = Deliverer(
            client,
            outbox,
            clock=clock("2026-11-25T11:00:00+00:00"),
            gate=consent_gate(store.withdrawn_consents()),
        )
        entry = deliverer.deliver_pending()[0]
    assert transport.requests == 0
    assert entry.status is OutboxStatus.FAILED
    assert f"the client withdrew consent {CONSENT}" in (entry.last_error or "")


def test_h16_a_consent_that_expired_while_queued_stops_the_delivery() -> None:
    client_data = data()
    client_data["consents"][0]["end"] = "2026-11-30"
    keys = Keys()
    message = build(load_record(client_data), keys, at="2026-11-25T10:30:00+00:00")
    outbox = open_outbox(":memory:")
    outbox.enqueue(message, "https://cjit.example/fhir", at=clock("2026-11-25T10:30:00+00:00").now())
    transport = _Counting()
    with httpx.Client(transport=transport) as client:
        entry = Deliverer(client, outbox, clock=clock("2026-12-01T09:00:00+00:00")).deliver_pending()[0]
    assert (entry.status, transport.requests) == (OutboxStatus.FAILED, 0)
    assert "handover.consent-expired" not in (entry.last_error or "") and "expired" in (
        entry.last_error or ""
    )


def test_h16_a_withdrawal_makes_the_receivers_consent_inactive_and_stops_its_readers() -> None:
    keys, store = Keys(), open_store(":memory:")
    assert (
        receive(
            build(record(), keys, at="2026-11-25T10:30:00+00:00"), store, keys, at="2026-11-25T11:00:00+00:00"
        ).code
        == "ok"
    )
    at = clock("2026-11-26T09:00:00+00:00")
    withdrawn = withdraw_consent(record(), CONSENT, clock=at)
    message = read_json(
        write_json(
            withdrawal_message(
                withdrawn, CONSENT, sender=CARAT, destination=CJIT, clock=at, signer=keys.signer(CARAT)
            )
        )
    )
    ack = receive(message, store, keys, at="2026-11-26T09:05:00+00:00")
    assert ack.code == "ok"
    assert issues(ack) == [("handover.consent-withdrawn", [])]
    held = store.list_plans(CJIT)
    assert [c.status for c in held[0].consents] == [ConsentStatus.INACTIVE]
    assert readable(held[0], GP, CJIT, at.today()) is None


def test_h16_careplan_withdraw_records_it_and_writes_a_message_for_every_organisation(tmp_path: Path) -> None:
    keys = Keys()
    key = tmp_path / "NTI.key.pem"
    key.write_bytes(keys.signer(CARAT).private_pem())
    plan = Path(__file__).resolve().parents[2] / "fixtures" / "clients" / "02-carat-release.json"
    db = str(tmp_path / "carat.db")
    arguments = [
        "withdraw",
        str(plan),
        CONSENT,
        "--key",
        str(key),
        "--db",
        db,
        "--out-dir",
        str(tmp_path / "out"),
    ]
    result = CliRunner().invoke(careplan, [*arguments, "--at", "2026-11-26T09:00:00+00:00"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "plan.json",
        "withdrawal-B82017.json",
        "withdrawal-Y02345.json",
    ]
    written = load_record(read_json((tmp_path / "out" / "plan.json").read_bytes()))
    assert (written.consents[0].status, str(written.consents[0].end)) == (
        ConsentStatus.INACTIVE,
        "2026-11-26",
    )
    assert len(open_store(db).withdrawn_consents()) == 1
    again = CliRunner().invoke(
        careplan, [*arguments[:1], str(tmp_path / "out" / "plan.json"), *arguments[2:]]
    )
    assert again.exit_code == 1  # an inactive consent cannot be withdrawn twice
