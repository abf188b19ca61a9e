"""Small canonical records for the co-ordination tests: one clean tier 3 client, changed per test.

:data:`CLEAN` draws no finding on :data:`TODAY`: a comprehensive plan, agreed and signed, four
domains assessed, one opioid substitution intervention with its named keyworker, a start TOP at
assessment and a recent review with its TOP, a low risk assessed at that review.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

from adapter.clock import FixedClock
from adapter.coordination import CoordinationReport, check_coordination
from adapter.model import ClientRecord, load_record

TODAY = date(2026, 5, 1)
CLOCK = FixedClock(TODAY)

Data = dict[str, Any]


def _member(member_id: str, roles: list[str], organisation: str, family: str) -> Data:
    return {
        "id": member_id,
        "name": {"given": ["Alex"], "family": family},
        "roles": roles,
        "organisation": organisation,
        "start": "2026-01-05",
    }


def intervention(iv_id: str, **fields: Any) -> Data:
    """A tier 3 intervention at the community drug service, in progress unless told otherwise."""
    base: Data = {
        "id": iv_id,
        "tier": "tier-3",
        "modality": "psychosocial",
        "provider": "Y03456",
        "status": "in-progress",
        "start": "2026-01-10",
    }
    return base | fields


def top(stage: str, **fields: Any) -> Data:
    """A Treatment Outcomes Profile of ``stage`` with the items the TOP always asks."""
    base: Data = {
        "stage": stage,
        "injecting_days": 0,
        "psychological_health": 12,
        "physical_health": 12,
        "quality_of_life": 12,
        "acute_housing_problem": False,
        "at_risk_of_eviction": False,
    }
    return base | fields


CRITERIA_MET: Data = {
    "assessed_on": "2026-01-05",
    "limbs": [
        {"limb": "willing-to-address-misuse", "met": True, "evidence": "asked for residential treatment"},
        {"limb": "serious-or-prolonged-hazardous-misuse", "met": True, "evidence": "ten years of injecting"},
        {
            "limb": "previous-interventions-did-not-meet-needs",
            "met": True,
            "evidence": "three community episodes",
        },
    ],
}
"""All three limbs of seed 003's criteria for care manager involvement, met with evidence."""


def member(member_id: str, *roles: str, organisation: str = "Y03456") -> Data:
    return _member(member_id, list(roles), organisation, member_id.title())


CLEAN: Data = {
    "service_user": {
        "nhs_number": "9434765919",
        "name": {"given": ["Dana"], "family": "Okafor"},
        "birth_date": "1986-03-14",
        "gender": "female",
    },
    "organisations": [
        {"ods_code": "Y03456", "name": "Northtown Community Drug Service", "kind": "treatment-provider"},
        {"ods_code": "Y04567", "name": "Eastgate Day Programme", "kind": "treatment-provider"},
        {"ods_code": "Y02345", "name": "Northtown CJIT", "kind": "cjit"},
        {"ods_code": "Y05678", "name": "Northtown Probation", "kind": "probation"},
        {"ods_code": "Y06789", "name": "Northtown CMHT", "kind": "cmht"},
        {"ods_code": "Y07890", "name": "Northtown Adult Social Care", "kind": "local-authority"},
    ],
    "care_team": [_member("kw1", ["keyworker"], "Y03456", "Reid")],
    "plan": {
        "id": "plan-1",
        "kind": "comprehensive",
        "status": "active",
        "tier": "tier-3",
        "created": "2026-01-05",
        "start": "2026-01-05",
        "agreement": {
            "agreed_on": "2026-01-05",
            "signed_by_service_user": True,
            "service_user_signed_on": "2026-01-05",
            "signed_by_keyworker": True,
            "keyworker_signed_on": "2026-01-05",
        },
        "next_review_due": "2026-06-01",
        "author": "kw1",
        "assessments": [
            {"domain": domain, "assessed_on": "2026-01-05", "summary": "assessed"}
            for domain in ("drug-alcohol-misuse", "health", "offending", "social-functioning")
        ],
        "goals": [
            {
                "id": "g1",
                "domain": "drug-alcohol-misuse",
                "description": "Stop using heroin",
                "status": "active",
            },
            {
                "id": "g2",
                "domain": "social-functioning",
                "description": "Keep the tenancy",
                "status": "active",
            },
        ],
        "interventions": [
            intervention("iv1", modality="opioid-substitution", keyworker="kw1", goals=["g1"]),
        ],
        "risk": {"assessed_on": "2026-04-01", "level": "low", "summary": "no current risk"},
        "reviews": [
            {
                "date": "2026-01-05",
                "top_completed": True,
                "top": top("start"),
                "outcome": "TOP at comprehensive assessment",
            },
            {
                "date": "2026-04-01",
                "top_completed": True,
                "top": top("review"),
                "outcome": "stable",
                "reviewer": "kw1",
            },
        ],
    },
}


def build(change: Callable[[Data], object] | None = None) -> ClientRecord:
    """:data:`CLEAN`, changed in place by ``change`` (a function of the JSON), then loaded."""
    data = copy.deepcopy(CLEAN)
    if change is not None:
        change(data)
    return load_record(data)


def report(change: Callable[[Data], object] | None = None) -> CoordinationReport:
    return check_coordination(build(change), today=CLOCK)


def found(change: Callable[[Data], object] | None = None) -> list[tuple[str, str]]:
    """(code, expression) of every finding, in order."""
    return [(str(f.code), f.expression) for f in report(change).findings]
