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


# ---- substance use, the criminal justice referral, the Treatment Outcomes Profile ----

HEROIN = {"substance": "heroin", "rank": 1, "route": "injecting", "days_used_last_28": 20}
CRACK = {"substance": "crack-cocaine", "rank": 2, "route": "smoking", "days_used_last_28": 6}
TOP = {
    "opiates_days": 12,
    "injecting_days": 10,
    "psychological_health": 9,
    "physical_health": 11,
    "quality_of_life": 8,
    "acute_housing_problem": False,
    "at_risk_of_eviction": True,
}


def test_substance_use_loads_with_its_codes() -> None:
    loaded = load_record(record(plan__substance_use=[HEROIN, {**CRACK, "age_first_used": 23}]))
    main = loaded.plan.substance_use[0]
    assert (main.substance, main.route, main.days_used_last_28) == ("heroin", "injecting", 20)
    assert loaded.plan.substance_use[1].age_first_used == 23


def test_substance_ranks_are_unique_and_every_repeat_is_named() -> None:
    data = record(plan__substance_use=[HEROIN, {**CRACK, "rank": 1}, {**CRACK, "substance": "cannabis"}])
    assert expressions(data) == ["plan.substance_use[0].rank", "plan.substance_use[1].rank"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("days_used_last_28", 29), ("days_used_last_28", -1), ("age_first_used", 4), ("rank", 0)],
)
def test_substance_use_counts_out_of_range_are_named(field: str, value: int) -> None:
    data = record(plan__substance_use=[{**HEROIN, field: value}])
    assert expressions(data) == [f"plan.substance_use[0].{field}"]


def test_unknown_substance_and_route_are_named() -> None:
    data = record(plan__substance_use=[{**HEROIN, "substance": "spice", "route": "rectal"}])
    assert expressions(data) == ["plan.substance_use[0].substance", "plan.substance_use[0].route"]


def test_criminal_justice_referral_on_the_episode() -> None:
    referral = {
        "date": "2026-01-08",
        "setting": "police-custody",
        "trigger_offence": "Theft from a shop",
        "drug_test": "positive-opiates",
        "required_assessment": True,
    }
    episode = {"id": "ep1", "provider": "Y02345", "status": "active", "start": "2026-01-09"}
    loaded = load_record(record(episode={**episode, "criminal_justice_referral": referral}))
    assert loaded.episode is not None and loaded.episode.criminal_justice_referral is not None
    assert loaded.episode.criminal_justice_referral.drug_test == "positive-opiates"
    bad = record(episode={**episode, "criminal_justice_referral": {**referral, "drug_test": "positive"}})
    assert expressions(bad) == ["episode.criminal_justice_referral.drug_test"]


def test_a_review_holds_its_treatment_outcomes_profile() -> None:
    review = {"date": "2026-04-10", "top_completed": True, "outcome": "using less", "top": TOP}
    loaded = load_record(record(plan__reviews=[review]))
    top = loaded.plan.reviews[0].top
    assert top is not None
    assert (top.opiates_days, top.alcohol_days, top.quality_of_life, top.at_risk_of_eviction) == (
        12,
        None,
        8,
        True,
    )


def test_a_top_on_a_review_whose_top_was_not_completed_is_impossible() -> None:
    review = {"date": "2026-04-10", "top_completed": False, "outcome": "x", "top": TOP}
    assert expressions(record(plan__reviews=[review, {**review, "top": None}])) == ["plan.reviews[0].top"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("injecting_days", 29), ("alcohol_days", -1), ("quality_of_life", 21), ("physical_health", -1)],
)
def test_top_scores_out_of_range_are_named(field: str, value: int) -> None:
    review = {"date": "2026-04-10", "top_completed": True, "outcome": "x", "top": {**TOP, field: value}}
    assert expressions(record(plan__reviews=[review])) == [f"plan.reviews[0].top.{field}"]
