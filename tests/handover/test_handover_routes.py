"""Every route of the issue, end to end: build on the sender's side, over the wire (JSON, and XML for
one), receive on the destination's side into a real SQLite store; the plan imported is exactly the
minimised record, the Task is received (for the team to decide), and re-delivery answers the same
with no duplicate plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from handover_cases import ROUTES, Keys, Route, built_message, recorded_clock

from adapter.handover import (
    HandoverReason,
    TaskStatus,
    covering_consent,
    minimise,
    receive_handover,
    rule_for,
)
from adapter.handover.codes import HANDOVER_REASON_SYSTEM
from adapter.model import ClientRecord
from adapter.store import open_store
from adapter.types import FhirJson
from adapter.wire import read_json, read_resource, write_json, write_resource


def _build(route: Route, keys: Keys) -> tuple[ClientRecord, FhirJson]:
    return built_message(route, keys)


def _expected(record: ClientRecord, route: Route) -> ClientRecord:
    kind = next(o.kind for o in record.organisations if o.ods_code == route.destination)
    rule = rule_for(kind)
    assert rule is not None
    consent = covering_consent(record, route.destination, route.reason, recorded_clock(record).today())
    return minimise(record, rule, consent)


def _ods(message: FhirJson, reference: FhirJson) -> str:
    entry = next(e for e in message["entry"] if e["fullUrl"] == reference["reference"])
    return str(entry["resource"]["identifier"][0]["value"])


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_route_is_received_and_imported(route: Route, tmp_path: Path) -> None:
    keys = Keys()
    record, message = _build(route, keys)
    store = open_store(tmp_path / "receiver.db")
    clock = recorded_clock(record)
    wire = read_json(write_json(message))

    ack = receive_handover(
        wire, store=store, trust=keys.trust(route.sender), clock=clock, as_organisation=route.destination
    )

    assert (ack.code, ack.task_status, ack.message_id) == (
        "ok",
        TaskStatus.RECEIVED,
        message["entry"][0]["resource"]["id"],
    )
    assert [i["severity"] for i in ack.outcome["issue"]] == ["information"]
    assert store.list_plans(route.destination) == [_expected(record, route)]
    task = message["entry"][1]["resource"]
    stored = store.get_task(task["id"])
    assert stored is not None and stored.status == "received"
    assert _ods(message, task["requester"]) == route.sender
    assert _ods(message, task["owner"]) == route.destination
    assert task["reasonCode"]["coding"] == [{"system": HANDOVER_REASON_SYSTEM, "code": route.reason.value}]


@pytest.mark.parametrize("route", ROUTES[:2], ids=[r.name for r in ROUTES[:2]])
def test_redelivery_gives_the_same_answer_and_no_duplicate_plan(route: Route, tmp_path: Path) -> None:
    keys = Keys()
    record, message = _build(route, keys)
    store = open_store(tmp_path / "receiver.db")
    trust = keys.trust(route.sender)
    first = receive_handover(
        message, store=store, trust=trust, clock=recorded_clock(record), as_organisation=route.destination
    )
    again = receive_handover(
        read_json(write_json(message)),
        store=store,
        trust=trust,
        clock=recorded_clock(record),
        as_organisation=route.destination,
    )
    assert (first.replayed, again.replayed) == (False, True)
    assert write_json(again.bundle) == write_json(first.bundle)
    assert len(store.list_plans(route.destination)) == 1


def test_a_message_through_fhir_xml_still_verifies_and_imports(tmp_path: Path) -> None:
    keys = Keys()
    route = ROUTES[0]
    record, message = _build(route, keys)
    from_xml = read_resource(write_resource(message, "xml"))
    ack = receive_handover(
        from_xml,
        store=open_store(tmp_path / "r.db"),
        trust=keys.trust(route.sender),
        clock=recorded_clock(record),
        as_organisation=route.destination,
    )
    assert (ack.code, ack.task_status) == ("ok", TaskStatus.RECEIVED)


def test_the_message_is_shaped_as_a_fhir_message() -> None:
    route = ROUTES[0]
    _, message = _build(route, Keys())
    header, task, provenance = (message["entry"][i]["resource"] for i in range(3))
    assert (message["type"], header["resourceType"], task["resourceType"], provenance["resourceType"]) == (
        "message",
        "MessageHeader",
        "Task",
        "Provenance",
    )
    assert header["focus"] == [{"reference": message["entry"][1]["fullUrl"]}]
    assert header["destination"][0]["endpoint"] == "urn:ods:Y02345"
    plan_url = next(e["fullUrl"] for e in message["entry"] if e["resource"]["resourceType"] == "CarePlan")
    assert task["focus"] == {"reference": plan_url}
    assert (task["status"], task["intent"], task["authoredOn"]) == (
        "requested",
        "order",
        "2026-11-25T10:15:00+00:00",
    )
    # The receiving team's single point of contact (seed 002, 5.3.4).
    assert task["owner"]["display"].startswith("CJIT duty desk")
    assert provenance["signature"][0]["sigFormat"] == "application/jose"
    assert [t["reference"] for t in provenance["target"]] == [message["entry"][1]["fullUrl"], plan_url]
    # Only the consent that permits this handover travels.
    consents = [e["resource"] for e in message["entry"] if e["resource"]["resourceType"] == "Consent"]
    assert [c["identifier"][0]["value"] for c in consents] == ["consent-release-cjit"]


def test_building_twice_at_the_same_instant_gives_the_same_message_ids() -> None:
    keys = Keys()
    _, first = _build(ROUTES[0], keys)
    _, second = _build(ROUTES[0], keys)
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]


def test_custody_referral_to_treatment_is_its_own_reason(tmp_path: Path) -> None:
    keys = Keys()
    route = Route(
        "custody-referral", "01-custody-triage.json", "Y02345", "Y03456", HandoverReason.CUSTODY_REFERRAL
    )
    record, message = _build(route, keys)
    ack = receive_handover(
        message,
        store=open_store(tmp_path / "r.db"),
        trust=keys.trust("Y02345"),
        clock=recorded_clock(record),
        as_organisation="Y03456",
    )
    assert ack.code == "ok"
    assert message["entry"][1]["resource"]["reasonCode"]["coding"][0]["code"] == "custody-referral"
