"""H-03: a plan whose client contradicts the client of a plan held under the same identifiers is
refused, naming both records, and nothing is stored."""

from __future__ import annotations

from adapter.model import load_record
from adapter.store import open_store
from safety.safety_cases import CJIT, Keys, build, data, issues, receive


def test_h03_a_conflicting_identity_refuses_the_message_naming_both_records() -> None:
    keys, store = Keys(), open_store(":memory:")
    assert (
        receive(
            build(load_record(data()), keys, at="2026-11-25T10:30:00+00:00"),
            store,
            keys,
            at="2026-11-25T11:00:00+00:00",
        ).code
        == "ok"
    )
    impostor = data()
    impostor["plan"]["id"] = "plan-nti-other"
    # The same prison number, but another person: another NHS number, name and date of birth.
    impostor["service_user"].update({"nhs_number": "9992819383", "birth_date": "1979-05-02"})
    impostor["service_user"]["name"] = {"given": ["Dean"], "family": "Holt"}
    message = build(load_record(impostor), keys, at="2026-11-25T10:40:00+00:00")
    ack = receive(message, store, keys, at="2026-11-25T11:10:00+00:00")
    assert ack.code == "fatal-error" and ack.task_status is None
    patient = next(i for i, e in enumerate(message["entry"]) if e["resource"]["resourceType"] == "Patient")
    assert issues(ack) == [("handover.identity-conflict", [f"Bundle.entry[{patient}].resource.identifier"])]
    text = ack.outcome["issue"][0]["diagnostics"]
    assert "plan-nti-a4821kd" in text and "Dean Holt" in text and "Tomasz Wiśniewski" in text
    assert "NHS number, date of birth, family name, given name" in text
    assert [p.plan.id for p in store.list_plans(CJIT)] == ["plan-nti-a4821kd"]
    assert store.find_answer(message["entry"][0]["resource"]["id"]) is None
