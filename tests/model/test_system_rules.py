"""The rules over what the source systems hold beyond the drug plan (adapter/model/system_rules.py),
each with inputs written from the rule, asserted on the record's JSON path of every problem."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest

from adapter.errors import InvalidRecord
from adapter.model import load_record

CLIENTS = Path(__file__).resolve().parents[2] / "fixtures" / "clients"
CPA_CLIENT = CLIENTS / "15-cpa-psychiatric-medication.json"


def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads(CPA_CLIENT.read_bytes())
    return copy.deepcopy(loaded)


def _expressions(data: dict[str, Any]) -> list[str | None]:
    with pytest.raises(InvalidRecord) as caught:
        load_record(data)
    return [issue.expression for issue in caught.value.outcome.issues]


def test_the_fixture_meets_every_rule() -> None:
    assert load_record(_data()).plan.contacts


def test_a_worker_offender_manager_or_prescriber_must_be_a_member_of_the_care_team() -> None:
    data = _data()
    data["plan"]["contacts"][1]["worker"] = "nobody"
    data["plan"]["offender_management"]["offender_manager"] = "om-unknown"
    data["plan"]["psychiatric_medication"][0]["prescriber"] = "dr-unknown"
    assert _expressions(data) == [
        "plan.contacts[1].worker",
        "plan.offender_management.offender_manager",
        "plan.psychiatric_medication[0].prescriber",
    ]


def test_a_contact_s_time_falls_on_its_date() -> None:
    data = _data()
    data["plan"]["contacts"][0]["time"] = "2026-11-04T10:00:00+00:00"
    assert _expressions(data) == ["plan.contacts[0].time"]


def test_a_risk_of_serious_harm_level_needs_the_date_probation_assessed_it() -> None:
    data = _data()
    del data["plan"]["offender_management"]["risk_assessed_on"]
    assert _expressions(data) == ["plan.offender_management.risk_assessed_on"]


def test_a_licence_cannot_end_before_release() -> None:
    data = _data()
    data["plan"]["offender_management"]["licence_end"] = "2026-08-02"
    assert _expressions(data) == ["plan.offender_management.licence_end"]


def test_not_stated_codes_only_in_a_plan_imported_for_review() -> None:
    data = _data()
    data["plan"]["contacts"][0]["kind"] = "not-stated"
    data["plan"]["offender_management"]["risk_of_serious_harm"] = "not-stated"
    data["plan"]["mental_health_act"]["status"] = "not-stated"
    data["episode"]["criminal_justice_referral"]["dir_form"] = "not-stated"
    assert _expressions(data) == [
        "plan.contacts[0].kind",
        "plan.offender_management.risk_of_serious_harm",
        "plan.mental_health_act.status",
        "episode.criminal_justice_referral.dir_form",
    ]
    data["plan"]["import_review"] = {"findings": ["codes not stated by the source"]}
    assert load_record(data).plan.mental_health_act is not None


def test_a_contact_s_duration_is_a_plausible_number_of_minutes() -> None:
    data = _data()
    data["plan"]["contacts"][0]["duration_minutes"] = 0
    assert _expressions(data) == ["plan.contacts[0].duration_minutes"]
