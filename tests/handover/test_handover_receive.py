"""Receiving bad input: each refused with an OperationOutcome naming the problem, nothing imported,
the refusal recorded; a Task whose status change is not allowed; the Task's later life."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest
from handover_cases import ROUTES, Keys, at, recorded_clock

from adapter.clock import FixedClock
from adapter.handover import (
    Acknowledgement,
    MessageRefused,
    TaskStatus,
    TransitionRefused,
    advance_task,
    build_handover,
    receive_handover,
    sign_message,
)
from adapter.store import SqlStore, open_store
from adapter.types import FhirJson
from adapter.wire import read_json, write_json

ROUTE = ROUTES[0]  # CARAT (NTI) -> CJIT (Y02345) at release
RECORD = ROUTE.record()
CLOCK = recorded_clock(RECORD)


@pytest.fixture
def keys() -> Keys:
    return Keys()


@pytest.fixture
def store(tmp_path: Path) -> SqlStore:
    return open_store(tmp_path / "cjit.db")


@pytest.fixture
def message(keys: Keys) -> FhirJson:
    built = build_handover(
        RECORD,
        destination=ROUTE.destination,
        reason=ROUTE.reason,
        sender=ROUTE.sender,
        clock=CLOCK,
        signer=keys.signer(ROUTE.sender),
    )
    return read_json(write_json(built))


def _receive(
    message: FhirJson, store: SqlStore, keys: Keys, *, us: str = "Y02345", clock: FixedClock = CLOCK
) -> Acknowledgement:
    return receive_handover(message, store=store, trust=keys.trust("NTI"), clock=clock, as_organisation=us)


def _issues(ack: Acknowledgement) -> list[tuple[str, list[str]]]:
    return [
        (issue["details"]["coding"][0]["code"], issue.get("expression", []))
        for issue in ack.outcome["issue"]
        if issue["severity"] in ("error", "fatal")
    ]


def _nothing_imported(store: SqlStore, message: FhirJson) -> None:
    assert store.list_plans("Y02345") == []
    assert store.find_answer(message["entry"][0]["resource"]["id"]) is None
    assert store.get_task(message["entry"][1]["resource"]["id"]) is None


def _refused(ack: Acknowledgement, store: SqlStore, message: FhirJson) -> None:
    assert (ack.code, ack.task_status) == ("fatal-error", None)
    assert ack.message_id == message["entry"][0]["resource"]["id"]
    _nothing_imported(store, message)
    assert [r.message_id for r in store.list_refusals()] == [ack.message_id]


def test_missing_messageheader_focus(message: FhirJson, store: SqlStore, keys: Keys) -> None:
    del message["entry"][0]["resource"]["focus"]
    sign_message(message, keys.signer("NTI"), CLOCK.now())  # a sender that signs what it got wrong
    ack = _receive(message, store, keys)
    assert _issues(ack) == [("handover.focus-missing", ["Bundle.entry[0].resource.focus"])]
    _refused(ack, store, message)


def test_mismatched_messageheader_focus(message: FhirJson, store: SqlStore, keys: Keys) -> None:
    plan_url = next(e["fullUrl"] for e in message["entry"] if e["resource"]["resourceType"] == "CarePlan")
    message["entry"][0]["resource"]["focus"] = [{"reference": plan_url}]
    sign_message(message, keys.signer("NTI"), CLOCK.now())
    ack = _receive(message, store, keys)
    assert _issues(ack) == [("handover.focus-mismatch", ["Bundle.entry[0].resource.focus[0]"])]
    _refused(ack, store, message)


def test_a_task_focus_that_is_not_the_care_plan(message: FhirJson, store: SqlStore, keys: Keys) -> None:
    message["entry"][1]["resource"]["focus"] = {"reference": "urn:uuid:00000000-0000-0000-0000-000000000000"}
    sign_message(message, keys.signer("NTI"), CLOCK.now())
    ack = _receive(message, store, keys)
    assert _issues(ack) == [("handover.task-focus-mismatch", ["Bundle.entry[1].resource.focus"])]
    _refused(ack, store, message)


def test_a_task_arriving_in_a_status_it_cannot_start_in(
    message: FhirJson, store: SqlStore, keys: Keys
) -> None:
    message["entry"][1]["resource"]["status"] = "completed"
    sign_message(message, keys.signer("NTI"), CLOCK.now())
    ack = _receive(message, store, keys)
    assert _issues(ack) == [("handover.task-transition", ["Bundle.entry[1].resource.status"])]
    _refused(ack, store, message)


def test_a_tampered_record(message: FhirJson, store: SqlStore, keys: Keys) -> None:
    plan = next(e["resource"] for e in message["entry"] if e["resource"]["resourceType"] == "CarePlan")
    dosed = next(a for a in plan["activity"] if "dailyAmount" in a["detail"])
    dosed["detail"]["dailyAmount"]["value"] = Decimal("90")  # doubled after signing
    ack = _receive(message, store, keys)
    assert _issues(ack) == [("handover.signature-mismatch", ["Bundle.entry[2].resource.signature[0].data"])]
    _refused(ack, store, message)


def test_a_signature_by_another_key(message: FhirJson, store: SqlStore, keys: Keys) -> None:
    sign_message(message, Keys().signer("NTI"), CLOCK.now())  # right name, wrong key
    ack = _receive(message, store, keys)
    assert _issues(ack) == [("handover.signature-mismatch", ["Bundle.entry[2].resource.signature[0].data"])]


def test_a_sender_not_on_the_trust_list(message: FhirJson, store: SqlStore) -> None:
    ack = receive_handover(
        message, store=store, trust=Keys().trust("Y09012"), clock=CLOCK, as_organisation="Y02345"
    )
    assert _issues(ack) == [("handover.untrusted-sender", ["Bundle.entry[0].resource.sender"])]
    _refused(ack, store, message)


def test_a_message_for_another_destination(message: FhirJson, store: SqlStore, keys: Keys) -> None:
    ack = _receive(message, store, keys, us="B82017")
    assert _issues(ack) == [
        ("handover.not-for-us", ["Bundle.entry[0].resource.destination"]),
        ("handover.task-not-ours", ["Bundle.entry[1].resource.owner"]),
    ]
    assert store.list_plans("B82017") == []


def test_what_is_not_a_message_cannot_be_answered(message: FhirJson, store: SqlStore, keys: Keys) -> None:
    for broken, expression in [
        ({"resourceType": "Patient"}, "Bundle"),
        ({**message, "type": "collection"}, "Bundle.type"),
        ({**message, "entry": message["entry"][1:]}, "Bundle.entry[0].resource"),
    ]:
        with pytest.raises(MessageRefused) as refused:
            _receive(broken, store, keys)
        assert refused.value.outcome.errors[0].expression == expression
    assert store.list_refusals() == []


def test_the_same_id_on_a_different_message_is_refused(
    message: FhirJson, store: SqlStore, keys: Keys
) -> None:
    assert _receive(copy.deepcopy(message), store, keys).code == "ok"
    message["entry"][1]["resource"]["owner"]["display"] = "someone else"
    sign_message(message, keys.signer("NTI"), CLOCK.now())
    ack = _receive(message, store, keys)
    assert _issues(ack) == [("handover.message-id-reused", ["Bundle.entry[0].resource.id"])]
    assert len(store.list_plans("Y02345")) == 1


def test_a_consent_lapsed_by_arrival_rejects_the_task_and_says_why(
    message: FhirJson, store: SqlStore, keys: Keys
) -> None:
    # The plan arrives after a day the consent no longer covers (here: before it began, a clock error).
    early = at("2026-11-01T09:00:00+00:00")
    ack = _receive(message, store, keys, clock=early)
    assert (ack.code, ack.task_status) == ("fatal-error", TaskStatus.REJECTED)
    assert _issues(ack) == [("handover.consent-not-yet", ["consents[0].start"])]
    task_id = message["entry"][1]["resource"]["id"]
    state = store.get_task(task_id)
    assert (
        state is not None
        and state.status == "rejected"
        and "in force only from" in (state.status_reason or "")
    )
    task = next(e["resource"] for e in ack.bundle["entry"] if e["resource"]["resourceType"] == "Task")
    assert "in force only from" in task["statusReason"]["text"]
    assert store.list_plans("Y02345") == []
    again = _receive(message, store, keys, clock=early)
    assert again.replayed and again.code == "fatal-error"


def test_the_acknowledgement_answers_the_original_header(
    message: FhirJson, store: SqlStore, keys: Keys
) -> None:
    ack = _receive(message, store, keys)
    header = ack.header
    assert header["response"]["identifier"] == message["entry"][0]["resource"]["id"]
    outcome_url = next(
        e["fullUrl"] for e in ack.bundle["entry"] if e["resource"]["resourceType"] == "OperationOutcome"
    )
    assert header["response"]["details"] == {"reference": outcome_url}
    assert header["destination"][0]["endpoint"] == "urn:ods:NTI"
    assert header["eventCoding"] == message["entry"][0]["resource"]["eventCoding"]
    assert ack.bundle["type"] == "message"


def test_the_task_moves_on_only_as_the_table_allows(message: FhirJson, store: SqlStore, keys: Keys) -> None:
    _receive(message, store, keys)
    task_id = message["entry"][1]["resource"]["id"]
    assert advance_task(store, task_id, TaskStatus.ACCEPTED, clock=CLOCK).status == "accepted"
    with pytest.raises(TransitionRefused) as refused:
        advance_task(store, task_id, TaskStatus.REJECTED, reason="changed our mind", clock=CLOCK)
    assert refused.value.outcome.errors[0].expression == "Task.status"
    assert "allowed: completed" in refused.value.outcome.errors[0].text
    done = advance_task(store, task_id, TaskStatus.COMPLETED, clock=CLOCK)
    assert done.status == "completed"
    with pytest.raises(TransitionRefused) as final:
        advance_task(store, task_id, TaskStatus.ACCEPTED, clock=CLOCK)
    assert "nothing: it is final" in final.value.outcome.errors[0].text
    with pytest.raises(TransitionRefused) as unknown:
        advance_task(store, "no-such-task", TaskStatus.COMPLETED, clock=CLOCK)
    assert unknown.value.outcome.errors[0].expression == "Task.id"


def test_a_rejection_needs_a_reason(store: SqlStore, keys: Keys) -> None:
    other = build_handover(
        ROUTE.record(),
        destination=ROUTE.destination,
        reason=ROUTE.reason,
        sender=ROUTE.sender,
        clock=at("2026-11-25T11:00:00+00:00"),
        signer=keys.signer("NTI"),
    )
    assert _receive(other, store, keys).task_status is TaskStatus.RECEIVED
    task_id = other["entry"][1]["resource"]["id"]
    state = store.get_task(task_id)
    assert state is not None
    # A received Task rejected without a reason is refused.
    with pytest.raises(TransitionRefused) as refused:
        advance_task(store, task_id, TaskStatus.REJECTED, clock=CLOCK)
    assert refused.value.outcome.errors[0].expression == "Task.statusReason"
    rejected = advance_task(store, task_id, TaskStatus.REJECTED, reason="not our area", clock=CLOCK)
    assert (rejected.status, rejected.status_reason) == ("rejected", "not our area")


def test_a_new_message_reusing_a_task_id_is_refused(message: FhirJson, store: SqlStore, keys: Keys) -> None:
    assert _receive(copy.deepcopy(message), store, keys).code == "ok"
    message["entry"][0]["resource"]["id"] = "another-message"
    sign_message(message, keys.signer("NTI"), CLOCK.now())
    ack = _receive(message, store, keys)
    assert _issues(ack)[0] == ("handover.task-id-reused", ["Bundle.entry[1].resource.id"])
    assert store.find_answer("another-message") is None
    assert len(store.list_plans("Y02345")) == 1
