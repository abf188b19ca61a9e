"""The handover gate: paperwork travels and never blocks (H-05); prescribing that fails its checks
refuses (H-09); a stale last dose is a warning in the message and its narrative (H-10); current
prescribing closed by the sending prison still travels (H-08); a release to a place the plan does not
name is refused unless confirmed with a reason (H-11)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from adapter.cli import app as careplan
from adapter.errors import AdapterError
from adapter.handover import HandoverInput, HandoverReason
from adapter.model import load_record
from adapter.store import open_store
from safety.safety_cases import CJIT, Keys, build, data, of_type, receive


def _refusal(client: dict[str, Any], *, at: str, to: str = CJIT) -> list[tuple[str, str | None]]:
    with pytest.raises(AdapterError) as refused:
        build(load_record(client), Keys(), at=at, to=to)
    return [(issue.message_id, issue.expression) for issue in refused.value.outcome.issues]


def test_h05_an_overdue_review_and_an_unsigned_plan_travel_as_findings_and_the_handover_goes() -> None:
    client = data()
    client["plan"]["agreement"]["signed_by_service_user"] = False
    client["plan"]["agreement"]["service_user_signed_on"] = None
    client["plan"]["next_review_due"] = "2026-11-20"  # overdue on the day before release
    message = build(load_record(client), Keys(), at="2026-12-08T10:00:00+00:00")
    codes = {issue["code"]["coding"][0]["code"] for issue in of_type(message, "DetectedIssue")}
    assert {"review-overdue", "plan-not-signed"} <= codes
    task = message["entry"][1]["resource"]
    notes = " ".join(note["text"] for note in task["note"])
    assert "plan.next_review_due" in notes and "plan.agreement" in notes
    assert "plan.next_review_due" in task["text"]["div"]


@pytest.mark.parametrize(
    ("change", "message_id", "expression"),
    [
        ({"last_dose_at": "2026-11-26T08:10:00+00:00"}, "prescribing.last-dose-future", "last_dose_at"),
        ({"last_dose_at": "2026-07-01T08:10:00+00:00"}, "prescribing.last-dose-before-start", "last_dose_at"),
        ({"daily_dose": {"value": "450", "unit": "mg"}}, "prescribing.dose-implausible", "daily_dose.value"),
        (
            {"daily_dose": {"value": "45", "unit": "mL"}},
            "prescribing.strength-missing",
            "daily_dose.strength",
        ),
        (
            {"daily_dose": {"value": "450", "unit": "mL", "strength": {"value": "1", "unit": "mg/mL"}}},
            "prescribing.dose-implausible",
            "daily_dose.value",
        ),
        (
            {"daily_dose": {"value": "45", "unit": "mL", "strength": {"value": "1", "unit": "mg"}}},
            "prescribing.strength-unit",
            "daily_dose.strength.unit",
        ),
        ({"daily_dose": {"value": "45", "unit": "tablets"}}, "prescribing.unit-ambiguous", "daily_dose.unit"),
    ],
    ids=[
        "future",
        "before-start",
        "450-mg",
        "millilitres",
        "450-ml-of-1-mg",
        "strength-not-per-volume",
        "tablets",
    ],
)
def test_h09_implausible_prescribing_refuses_the_handover_naming_the_field(
    change: dict[str, Any], message_id: str, expression: str
) -> None:
    client = data()
    client["plan"]["interventions"][0]["prescribing"].update(change)
    found = _refusal(client, at="2026-11-25T10:30:00+00:00")
    assert found == [(message_id, f"plan.interventions[0].prescribing.{expression}")]


def test_h09_a_liquid_dose_with_its_strength_travels_as_written_with_the_strength_beside_it() -> None:
    """Methadone oral solution 1 mg/mL, 45 mL a day: checked as 45 mg, and the message carries the
    volume and the strength as structured quantities - in the plan, the Task input and the narrative."""
    client = data()
    dose = {"value": "45", "unit": "mL", "strength": {"value": "1", "unit": "mg/mL"}}
    client["plan"]["interventions"][0]["prescribing"]["daily_dose"] = dose
    message = build(load_record(client), Keys(), at="2026-11-25T10:30:00+00:00")
    plan = next(e["resource"] for e in message["entry"] if e["resource"]["resourceType"] == "CarePlan")
    detail = next(a["detail"] for a in plan["activity"] if "dailyAmount" in a["detail"])
    assert (detail["dailyAmount"]["value"], detail["dailyAmount"]["unit"]) == (45, "mL")
    [strength] = [e["valueRatio"] for e in detail["extension"] if e["url"].endswith("/dose-strength")]
    assert (strength["numerator"]["value"], strength["numerator"]["code"]) == (1, "mg")
    assert (strength["denominator"]["value"], strength["denominator"]["code"]) == (1, "mL")
    task = message["entry"][1]["resource"]
    prescribing = [i for i in task["input"] if i["type"]["coding"][0]["code"] == "current-prescribing"]
    parts = {e["url"] for e in prescribing[0]["extension"][0]["extension"]}
    assert {"dailyDose", "strength"} <= parts
    assert "45 mL of 1 mg/mL daily" in plan["text"]["div"]


def test_h10_a_last_dose_days_old_on_a_release_handover_is_a_warning_in_the_message_and_narrative() -> None:
    message = build(load_record(data()), Keys(), at="2026-12-03T10:30:00+00:00")  # last dose 25 Nov
    task = message["entry"][1]["resource"]
    stale = [note["text"] for note in task["note"] if "last dose" in note["text"]]
    assert len(stale) == 1 and "more than 48 hours" in stale[0]
    assert "plan.interventions[0].prescribing.last_dose_at" in stale[0]
    assert "more than 48 hours" in task["text"]["div"]
    plan_text = of_type(message, "CarePlan")[0]["text"]["div"]
    assert "last dose 2026-11-25T08:10+00:00" in plan_text
    assert "supervised consumption" in plan_text
    assert "Overdose risk on release: high" in plan_text


def test_h08_prescribing_the_sending_prison_closed_at_transfer_still_travels_as_current() -> None:
    transfer = load_record(data("11-prison-transfer.json"))
    message = build(
        transfer, Keys(), at="2026-10-21T16:30:00+01:00", to="EMI", reason=HandoverReason.PRISON_TRANSFER
    )
    inputs = message["entry"][1]["resource"]["input"]
    current = [i for i in inputs if i["type"]["coding"][0]["code"] == HandoverInput.CURRENT_PRESCRIBING]
    assert [i["valueString"] for i in current] == ["Methadone hydrochloride 1 mg/mL oral solution"]


def _with_another_cjit() -> dict[str, Any]:
    client = data()
    client["organisations"].append(
        {
            "ods_code": "Y07777",
            "name": "Southtown CJIT",
            "kind": "cjit",
            "single_point_of_contact": "Duty worker",
        }
    )
    client["consents"][0]["organisations"].append("Y07777")
    return client


def test_h11_a_release_handover_to_a_cjit_the_plan_does_not_name_is_refused() -> None:
    found = _refusal(_with_another_cjit(), at="2026-11-25T10:30:00+00:00", to="Y07777")
    assert found == [("handover.release-wrong-place", "plan.custody.receiving_cjit")]


def test_h11_a_confirmed_destination_goes_with_the_reason_recorded_in_the_message() -> None:
    reason = "client now housed with his sister in Southtown; Northtown CJIT agreed by phone"
    message = build(
        load_record(_with_another_cjit()),
        Keys(),
        at="2026-11-25T10:30:00+00:00",
        to="Y07777",
        confirmed=reason,
    )
    task = message["entry"][1]["resource"]
    assert any(reason in note["text"] and "Y07777" in note["text"] for note in task["note"])
    assert reason in task["text"]["div"]


def test_h09_careplan_check_reports_implausible_prescribing_at_export(tmp_path: Path) -> None:
    client = data()
    client["plan"]["interventions"][0]["prescribing"]["daily_dose"] = {"value": "450", "unit": "mg"}
    source = tmp_path / "plan.json"
    source.write_bytes(orjson.dumps(client))
    result = CliRunner().invoke(careplan, ["check", str(source), "--today", "2026-11-25"])
    assert result.exit_code == 1
    assert "prescribing error: plan.interventions[0].prescribing.daily_dose.value" in result.output


def test_h09_receipt_refuses_prescribing_that_fails_its_checks_and_stores_nothing() -> None:
    keys, store = Keys(), open_store(":memory:")
    message = build(load_record(data()), keys, at="2026-11-25T10:30:00+00:00")
    # Read by a receiver whose day is before the recorded last dose (08:10): the dose is "in the future".
    ack = receive(message, store, keys, at="2026-11-25T07:00:00+00:00")
    assert ack.code == "fatal-error"
    assert [i["details"]["coding"][0]["code"] for i in ack.outcome["issue"]] == [
        "prescribing.last-dose-future"
    ]
    assert ack.outcome["issue"][0]["expression"] == ["plan.interventions[0].prescribing.last_dose_at"]
    assert store.list_plans(CJIT) == []
