"""``care-plan-update``: who holds a copy (from what the sender's outbox recorded), what goes to each
(the consent asked again, minimised as the handover was, what changed named), and what a receiver does
with it (a new version of the plan it holds; refused for a plan it does not hold). Seed 003: the care
co-ordinator advises other professionals involved of changes in the service user's circumstances."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from handover_cases import Keys, at, fixture_data

from adapter.clock import FixedClock
from adapter.handover import Acknowledgement, HandoverReason, QueuedMessage, build_handover, receive_handover
from adapter.handover.codes import HANDOVER_EVENT_SYSTEM, HandoverEvent
from adapter.handover.decision import DecisionReceived
from adapter.handover.errors import HandoverRefused
from adapter.handover.update import build_updates, changed_elements, copies_held
from adapter.model import ClientRecord, load_record
from adapter.store import Store, open_store
from adapter.types import FhirJson
from adapter.wire import read_json, write_json

CARAT, CJIT, GP = "NTI", "Y02345", "B82017"

SENT_AT = "2026-11-25T10:30:00+00:00"


def data() -> dict[str, Any]:
    return fixture_data("02-carat-release.json")


def clock(text: str) -> FixedClock:
    return at(text)


def build(client: ClientRecord, keys: Keys, *, at: str, to: str = CJIT) -> FhirJson:
    """Fixture 02's prison-release handover, through JSON on the wire."""
    message = build_handover(
        client,
        destination=to,
        reason=HandoverReason.PRISON_RELEASE,
        sender=CARAT,
        clock=clock(at),
        signer=keys.signer(CARAT),
    )
    return read_json(write_json(message))


def receive(message: FhirJson, store: Store, keys: Keys, *, at: str) -> Acknowledgement:
    return receive_handover(
        message, store=store, trust=keys.trust(CARAT), clock=clock(at), as_organisation=CJIT
    )


def issues(ack: Acknowledgement) -> list[tuple[str, list[str]]]:
    return [
        (str(issue["details"]["coding"][0]["code"]), list(issue.get("expression", [])))
        for issue in ack.outcome["issue"]
    ]


CHANGED_AT = "2026-11-25T12:00:00+00:00"


def _changed(**plan: Any) -> ClientRecord:
    """Fixture 02 as the CARAT team changed it at noon: the methadone dose raised to 50 mg."""
    client = data()
    client["recorded_at"] = CHANGED_AT
    client["plan"]["interventions"][0]["prescribing"]["daily_dose"]["value"] = "50"
    client["plan"].update(plan)
    return load_record(client)


def _queued(
    message: FhirJson, status: str = "delivered", decision: DecisionReceived | None = None
) -> QueuedMessage:
    header = message["entry"][0]["resource"]
    return QueuedMessage(header["id"], "https://example.org/fhir", status, "1 attempts", message, decision)


def _sent(keys: Keys, to: str = CJIT) -> FhirJson:
    return build(load_record(data()), keys, at=SENT_AT, to=to)


def _decision(message: FhirJson, status: str) -> DecisionReceived:
    at = datetime.fromisoformat("2026-11-25T11:00:00+00:00")
    return DecisionReceived(
        message["entry"][0]["resource"]["id"], "d", "x", status, "no capacity", CJIT, at, at, {}
    )


def test_the_holders_are_the_organisations_the_plan_was_delivered_to() -> None:
    keys = Keys()
    to_cjit, to_gp = _sent(keys), _sent(keys, to=GP)
    copies, not_held = copies_held(_changed(), [_queued(to_cjit), _queued(to_gp)], sender=CARAT)
    assert [(c.organisation, c.reason, c.handover_id) for c in copies] == [
        (CJIT, HandoverReason.PRISON_RELEASE, to_cjit["entry"][0]["resource"]["id"]),
        (GP, HandoverReason.PRISON_RELEASE, to_gp["entry"][0]["resource"]["id"]),
    ]
    assert not_held == []


@pytest.mark.parametrize("status", ["pending", "failed", "rejected"])
def test_a_handover_not_delivered_put_no_copy_there(status: str) -> None:
    keys = Keys()
    copies, not_held = copies_held(_changed(), [_queued(_sent(keys), status)], sender=CARAT)
    assert copies == []
    [(ods, outcome)] = not_held
    assert ods == CJIT and status in str(outcome) and outcome.issues[0].message_id == "update.not-sent"
    assert outcome.issues[0].severity == ("warning" if status == "pending" else "information")


def test_a_team_that_declined_the_client_is_not_sent_the_change() -> None:
    keys = Keys()
    sent = _sent(keys)
    copies, not_held = copies_held(
        _changed(), [_queued(sent, decision=_decision(sent, "rejected"))], sender=CARAT
    )
    assert copies == [] and "declined the client (no capacity)" in str(not_held[0][1])
    accepted, _ = copies_held(_changed(), [_queued(sent, decision=_decision(sent, "accepted"))], sender=CARAT)
    assert [c.organisation for c in accepted] == [CJIT]


def test_another_plan_or_another_senders_handover_is_no_copy_of_this_plan() -> None:
    keys = Keys()
    other = data()
    other["plan"]["id"] = "plan-another"
    copies, _ = copies_held(load_record(other), [_queued(_sent(keys))], sender=CARAT)
    assert copies == []
    copies, _ = copies_held(_changed(), [_queued(_sent(keys))], sender="EMI")
    assert copies == []


def test_an_update_names_what_changed_and_carries_the_update_event() -> None:
    keys = Keys()
    copies, _ = copies_held(_changed(), [_queued(_sent(keys))], sender=CARAT)
    updates = build_updates(
        _changed(), copies, sender=CARAT, clock=clock("2026-11-25T12:05:00+00:00"), signer=keys.signer(CARAT)
    )
    [update] = updates.messages
    assert update.changed == ("plan.interventions",)
    header, task = (update.message["entry"][i]["resource"] for i in (0, 1))
    assert header["eventCoding"] == {"system": HANDOVER_EVENT_SYSTEM, "code": "care-plan-update"}
    assert task["code"]["coding"][0]["code"] == "care-plan-update"
    assert task["reasonCode"]["coding"][0]["code"] == "prison-release"
    assert any(
        "Changed since the copy you hold" in n["text"] and "plan.interventions" in n["text"]
        for n in task["note"]
    )
    assert header["id"] != _sent(keys)["entry"][0]["resource"]["id"]


def test_a_change_the_destination_is_not_sent_is_no_news_to_it() -> None:
    """The GP is sent no actions (minimisation): a changed action is not sent to it."""
    keys = Keys()
    client = data()
    client["recorded_at"] = CHANGED_AT
    original = load_record(data())
    client["plan"]["actions"][0]["status"] = "completed"
    changed = load_record(client)
    copies, _ = copies_held(changed, [_queued(build(original, keys, at=SENT_AT, to=GP))], sender=CARAT)
    updates = build_updates(
        changed, copies, sender=CARAT, clock=clock("2026-11-25T12:05:00+00:00"), signer=keys.signer(CARAT)
    )
    assert updates.messages == []
    [(ods, outcome)] = updates.skipped
    assert ods == GP and "nothing it was sent has changed" in str(outcome)


def test_a_plan_not_later_than_the_copy_held_is_refused_naming_recorded_at() -> None:
    keys = Keys()
    copies, _ = copies_held(_changed(), [_queued(_sent(keys))], sender=CARAT)
    same_time = data()
    same_time["plan"]["interventions"][0]["prescribing"]["daily_dose"]["value"] = "50"
    with pytest.raises(HandoverRefused) as refused:
        build_updates(
            load_record(same_time), copies, sender=CARAT, clock=clock(CHANGED_AT), signer=keys.signer(CARAT)
        )
    assert [(i.message_id, i.expression) for i in refused.value.outcome.issues] == [
        ("update.not-newer", "recorded_at")
    ]
    unrecorded = data()
    del unrecorded["recorded_at"]
    with pytest.raises(HandoverRefused) as refused:
        build_updates(
            load_record(unrecorded), copies, sender=CARAT, clock=clock(CHANGED_AT), signer=keys.signer(CARAT)
        )
    assert [(i.message_id, i.expression) for i in refused.value.outcome.issues] == [
        ("update.recorded-at-missing", "recorded_at")
    ]


def test_changed_elements_compares_element_by_element() -> None:
    before = load_record(data())
    assert changed_elements(before, before) == ()
    assert changed_elements(before, _changed(next_review_due="2026-12-20")) == (
        "plan.interventions",
        "plan.next_review_due",
    )


def _update(keys: Keys, changed: ClientRecord, at: str = "2026-11-25T12:05:00+00:00") -> FhirJson:
    copies, _ = copies_held(changed, [_queued(_sent(keys))], sender=CARAT)
    [update] = build_updates(
        changed, copies, sender=CARAT, clock=clock(at), signer=keys.signer(CARAT)
    ).messages
    return read_json(write_json(update.message))


def test_the_receiver_applies_an_update_as_a_new_version_and_acknowledges_it() -> None:
    keys, store = Keys(), open_store(":memory:")
    assert receive(_sent(keys), store, keys, at="2026-11-25T11:00:00+00:00").code == "ok"
    ack = receive(_update(keys, _changed()), store, keys, at="2026-11-25T12:10:00+00:00")
    assert ack.code == "ok" and ack.task_status is not None and ack.task_status.value == "received"
    assert ack.header["eventCoding"]["code"] == HandoverEvent.CARE_PLAN_UPDATE.value
    assert ("handover.update-applied", []) in issues(ack)
    versions = store.plan_versions(CJIT, "plan-nti-a4821kd")
    assert [(v.standing.value, v.recorded_at.isoformat()) for v in versions] == [
        ("current", "2026-11-25T10:15:00+00:00"),
        ("current", "2026-11-25T12:00:00+00:00"),
    ]
    held = store.get_plan(CJIT, "plan-nti-a4821kd")
    assert held is not None and str(held.plan.interventions[0].prescribing.daily_dose.value) == "50"  # type: ignore[union-attr]


def test_an_update_for_a_plan_the_receiver_does_not_hold_is_refused() -> None:
    keys, store = Keys(), open_store(":memory:")
    ack = receive(_update(keys, _changed()), store, keys, at="2026-11-25T12:10:00+00:00")
    assert ack.code == "fatal-error"
    [(message_id, expressions)] = issues(ack)
    assert message_id == "handover.update-not-held"
    assert (
        expressions and expressions[0].startswith("Bundle.entry[") and expressions[0].endswith("].resource")
    )
    assert store.list_plans(CJIT) == []


def test_an_update_received_is_due_for_review_not_a_decision() -> None:
    from adapter.handover import due_items

    keys, store = Keys(), open_store(":memory:")
    first = receive(_sent(keys), store, keys, at="2026-11-25T11:00:00+00:00")
    update = _update(keys, _changed())
    receive_handover(
        update,
        store=store,
        trust=keys.trust(CARAT),
        clock=clock("2026-11-25T12:10:00+00:00"),
        as_organisation=CJIT,
    )
    items = {
        (i.what, i.about) for i in due_items(store, [], holder=CJIT, clock=clock("2026-11-25T12:20:00+00:00"))
    }
    assert ("awaiting decision", first.message_id) in items
    assert ("update to review", update["entry"][0]["resource"]["id"]) in items


def test_the_copy_held_is_the_latest_version_delivered_whatever_order_it_was_queued_in() -> None:
    keys = Keys()
    handover = _sent(keys)
    update = _update(keys, _changed())
    copies, _ = copies_held(_changed(), [_queued(update), _queued(handover)], sender=CARAT)
    [copy] = copies
    assert copy.handover_id == handover["entry"][0]["resource"]["id"]
    assert copy.last_sent.recorded_at is not None and copy.last_sent.recorded_at.isoformat() == CHANGED_AT
    pending_update, _ = copies_held(_changed(), [_queued(handover), _queued(update, "pending")], sender=CARAT)
    assert pending_update[0].last_sent.recorded_at is not None
    assert pending_update[0].last_sent.recorded_at.isoformat() == "2026-11-25T10:15:00+00:00"


def test_the_receiving_team_marks_an_update_reviewed_by_accepting_it() -> None:
    from adapter.handover import decide, due_items

    keys, store = Keys(), open_store(":memory:")
    receive(_sent(keys), store, keys, at="2026-11-25T11:00:00+00:00")
    update = _update(keys, _changed())
    receive(update, store, keys, at="2026-11-25T12:10:00+00:00")
    update_id = update["entry"][0]["resource"]["id"]
    decision = decide(
        store,
        update_id,
        accept=True,
        clock=clock("2026-11-25T12:30:00+00:00"),
        as_organisation=CJIT,
        signer=keys.signer(CJIT),
    )
    assert decision.task.status == "accepted"
    items = {
        (i.what, i.about) for i in due_items(store, [], holder=CJIT, clock=clock("2026-11-25T12:40:00+00:00"))
    }
    assert ("update to review", update_id) not in items


def test_an_update_and_its_acknowledgement_validate_against_the_handover_profiles() -> None:
    from adapter.handover.codes import ACKNOWLEDGEMENT_HEADER_PROFILE, MESSAGE_PROFILE
    from adapter.validation import validate

    keys, store = Keys(), open_store(":memory:")
    receive(_sent(keys), store, keys, at="2026-11-25T11:00:00+00:00")
    update = _update(keys, _changed())
    assert [(i.message_id, i.expression) for i in validate(update, profiles=(MESSAGE_PROFILE,)).errors] == []
    ack = receive(update, store, keys, at="2026-11-25T12:10:00+00:00")
    header = ack.bundle["entry"][0]["resource"]
    assert not validate(header, profiles=(ACKNOWLEDGEMENT_HEADER_PROFILE,)).errors
