"""The canonical model: what it accepts, and every impossible state it rejects with the field named."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from adapter.errors import InvalidRecord
from adapter.model import ClientRecord, is_valid_nhs_number, is_valid_pnc_id, load_record

MINIMAL: dict[str, Any] = {
    "service_user": {
        "nhs_number": "9434765919",
        "name": {"given": ["Dana"], "family": "Okafor"},
        "birth_date": "1986-03-14",
        "gender": "female",
    },
    "organisations": [{"ods_code": "Y02345", "name": "Northtown CJIT", "kind": "cjit"}],
    "care_team": [
        {
            "id": "kw1",
            "name": {"given": ["Sam"], "family": "Reid"},
            "roles": ["keyworker"],
            "organisation": "Y02345",
        }
    ],
    "plan": {
        "id": "plan-1",
        "kind": "initial",
        "status": "active",
        "tier": "tier-3",
        "created": "2026-01-10",
        "start": "2026-01-10",
        "goals": [
            {
                "id": "g1",
                "domain": "drug-alcohol-misuse",
                "description": "Reduce heroin use",
                "status": "active",
            }
        ],
    },
}


def record(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL)
    for dotted, value in changes.items():
        target = data
        *parents, last = dotted.split("__")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    return data


def expressions(data: dict[str, Any]) -> list[str | None]:
    with pytest.raises(InvalidRecord) as caught:
        load_record(data)
    return [issue.expression for issue in caught.value.outcome.issues]


def test_minimal_record_loads() -> None:
    loaded = load_record(MINIMAL)
    assert isinstance(loaded, ClientRecord)
    assert loaded.plan.goals[0].domain == "drug-alcohol-misuse"


@pytest.mark.parametrize(
    ("number", "valid"),
    [("9434765919", True), ("9434765918", False), ("943476591", False), ("94347659١9", False)],
)
def test_nhs_number_check_digit(number: str, valid: bool) -> None:
    assert is_valid_nhs_number(number) is valid


def test_pnc_check_letter() -> None:
    assert is_valid_pnc_id("2004/0046583U")
    assert not is_valid_pnc_id("2004/0046583A")


def test_invalid_nhs_number_is_named() -> None:
    assert expressions(record(service_user__nhs_number="9434765918")) == ["service_user.nhs_number"]


def test_goal_with_no_domain_is_named() -> None:
    data = record()
    del data["plan"]["goals"][0]["domain"]
    assert expressions(data) == ["plan.goals[0].domain"]


def test_review_before_plan_starts() -> None:
    data = record(plan__reviews=[{"date": "2025-12-01", "top_completed": True, "outcome": "stable"}])
    assert expressions(data) == ["plan.reviews[0].date"]


def test_signed_with_no_signature_date() -> None:
    data = record(plan__agreement={"agreed_on": "2026-01-10", "signed_by_service_user": True})
    assert expressions(data) == ["plan.agreement.service_user_signed_on"]


def test_every_problem_reported_at_once() -> None:
    data = record(
        plan__agreement={"signed_by_keyworker": True},
        plan__reviews=[{"date": "2025-01-01", "top_completed": False, "outcome": "x"}],
        plan__author="nobody",
    )
    assert sorted(e or "" for e in expressions(data)) == [
        "plan.agreement.keyworker_signed_on",
        "plan.author",
        "plan.reviews[0].date",
    ]


def test_field_errors_all_reported_with_paths() -> None:
    data = record(service_user__gender="f", plan__tier="tier-9", plan__surprise=True)
    assert sorted(e or "" for e in expressions(data)) == ["plan.surprise", "plan.tier", "service_user.gender"]


def test_area_must_belong_to_domain() -> None:
    data = record()
    data["plan"]["goals"][0]["area"] = "housing"
    assert expressions(data) == ["plan.goals[0].area"]


def test_unknown_organisation_reference() -> None:
    data = record()
    data["care_team"][0]["organisation"] = "ZZZ99"
    outcome_paths = expressions(data)
    assert outcome_paths == ["care_team[0].organisation"]


def test_outcome_is_fhir_operation_outcome() -> None:
    with pytest.raises(InvalidRecord) as caught:
        load_record(record(service_user__nhs_number="123"))
    fhir = caught.value.outcome.to_fhir()
    assert fhir["resourceType"] == "OperationOutcome"
    assert fhir["issue"][0]["severity"] == "error"
    assert fhir["issue"][0]["expression"] == ["service_user.nhs_number"]
