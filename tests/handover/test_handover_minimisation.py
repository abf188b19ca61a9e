"""Each destination gets only what it needs: what is left out, asserted on the record sent and on the
message itself (what is not sent must not be in the Bundle at all)."""

from __future__ import annotations

from handover_cases import ROUTES, Keys, Route, fixture, recorded_clock

from adapter.handover import (
    HandoverInput,
    build_handover,
    covering_consent,
    minimisation_table,
    minimise,
    rule_for,
)
from adapter.model import ClientRecord
from adapter.model.codes import OrganisationKind
from adapter.types import FhirJson

EXTENSION = "https://fhir.careplan-adapter.org/StructureDefinition/"
ROUTE = {route.name: route for route in ROUTES}


def _sent(route: Route) -> tuple[ClientRecord, ClientRecord, FhirJson]:
    record = route.record()
    clock = recorded_clock(record)
    kind = next(o.kind for o in record.organisations if o.ods_code == route.destination)
    rule = rule_for(kind)
    assert rule is not None
    sent = minimise(record, rule, covering_consent(record, route.destination, route.reason, clock.today()))
    message = build_handover(
        record,
        destination=route.destination,
        reason=route.reason,
        sender=route.sender,
        clock=clock,
        signer=Keys().signer(route.sender),
    )
    return record, sent, message


def _types(message: FhirJson) -> list[str]:
    return [e["resource"]["resourceType"] for e in message["entry"]]


def _plan(message: FhirJson) -> FhirJson:
    plan: FhirJson = next(
        e["resource"] for e in message["entry"] if e["resource"]["resourceType"] == "CarePlan"
    )
    return plan


def _extensions(resource: FhirJson) -> set[str]:
    return {e["url"].removeprefix(EXTENSION) for e in resource.get("extension", [])}


def _inputs(message: FhirJson) -> list[str]:
    return [i["type"]["coding"][0]["code"] for i in message["entry"][1]["resource"].get("input", [])]


def test_gp_shared_care_gets_prescribing_risk_goals_reviews_and_contacts_only() -> None:
    record, sent, message = _sent(ROUTE["provider-to-gp-shared-care"])
    plan = sent.plan
    assert [i.id for i in plan.interventions] == ["iv-buprenorphine"]
    assert [g.id for g in plan.goals] == [g.id for g in record.plan.goals]
    assert len(plan.reviews) == len(record.plan.reviews) == 3
    assert sent.care_team == record.care_team
    # Left out: needs and actions, and links to the needs not sent. The prescriber gets the risk and the
    # domain assessments (hazard H-04; seed 003, no duplicate assessment).
    assert (plan.needs, plan.actions) == ([], [])
    assert (plan.risk, plan.assessments) == (record.plan.risk, record.plan.assessments)
    assert all(goal.addresses == [] for goal in plan.goals)
    assert [c.id for c in sent.consents] == [record.consents[0].id]
    # ... and absent from the wire.
    assert "Condition" not in _types(message)
    fhir_plan = _plan(message)
    assert "addresses" not in fhir_plan
    assert {"risk-assessment", "domain-assessment", "care-plan-review"} <= _extensions(fhir_plan)
    assert [a["detail"]["productCodeableConcept"]["text"] for a in fhir_plan["activity"]] == [
        record.plan.interventions[0].prescribing.medicine  # type: ignore[union-attr]
    ]
    assert HandoverInput.CURRENT_PRESCRIBING in _inputs(message)
    assert HandoverInput.OPEN_RISK in _inputs(message)


def test_cjit_gets_the_continuity_of_care_set() -> None:
    record, sent, message = _sent(ROUTE["carat-to-cjit-release"])
    plan = sent.plan
    assert (plan.needs, plan.goals, plan.actions, plan.interventions) == (
        record.plan.needs,
        record.plan.goals,
        record.plan.actions,
        record.plan.interventions,
    )
    assert plan.risk == record.plan.risk and plan.risk_management_plan == record.plan.risk_management_plan
    # Left out: the free-text notes of the holding service; the domain assessments, the drug-use profile
    # and the reviews travel (seed 003: no duplicate assessment; the review schedule continues).
    assert plan.notes == []
    assert (plan.assessments, plan.substance_use) == (record.plan.assessments, record.plan.substance_use)
    assert plan.reviews == record.plan.reviews
    fhir_plan = _plan(message)
    assert "note" not in fhir_plan
    assert "domain-assessment" in _extensions(fhir_plan)
    assert plan.custody == record.plan.custody is not None
    assert _inputs(message) == [
        "consent",
        "release-date",
        "release-area",
        "receiving-cjit",
        "first-community-appointment",
        "current-prescribing",
        "overdose-risk-on-release",
        "open-risk",
        "keyworker-contact",
        "keyworker-contact",
    ]


def test_cmht_gets_the_substance_misuse_element_with_risk_and_crisis_plans() -> None:
    record, sent, message = _sent(ROUTE["provider-to-cmht-cpa"])
    plan = sent.plan
    assert [n.id for n in plan.needs] == ["need-crack"]
    assert [g.id for g in plan.goals] == ["goal-cut-crack"]
    assert [a.id for a in plan.actions] == ["act-psychosocial"]
    assert [i.id for i in plan.interventions] == ["iv-dual-diagnosis"]
    assert (plan.crisis_plan, plan.contingency_plan, plan.risk) == (
        record.plan.crisis_plan,
        record.plan.contingency_plan,
        record.plan.risk,
    )
    assert plan.crisis_plan is not None and plan.contingency_plan is not None
    assert plan.assessments == record.plan.assessments
    goals = [e["resource"] for e in message["entry"] if e["resource"]["resourceType"] == "Goal"]
    assert [g["description"]["text"] for g in goals] == [plan.goals[0].description]
    assert _types(message).count("Condition") == 1


def test_carat_team_at_transfer_gets_everything_but_other_consents() -> None:
    record, sent, _ = _sent(ROUTE["carat-to-carat-transfer"])
    assert sent.plan == record.plan
    assert sent.model_copy(update={"consents": record.consents}) == record


def test_recovery_service_at_discharge_gets_the_aftercare_set_and_the_last_prescribing() -> None:
    record, sent, _ = _sent(ROUTE["provider-to-aftercare"])
    # The finished psychosocial work stays behind; the detox prescribing travels, with its last dose:
    # tolerance is lost after a detox, the overdose risk the recovery service must know (hazard H-04).
    assert [i.id for i in sent.plan.interventions] == [
        i.id for i in record.plan.interventions if i.prescribing is not None
    ]
    assert sent.plan.interventions and len(sent.plan.interventions) < len(record.plan.interventions)
    assert sent.plan.closure == record.plan.closure is not None
    assert [g.id for g in sent.plan.goals] == [g.id for g in record.plan.goals]
    assert (sent.plan.assessments, sent.plan.reviews) == ([], [])


def test_a_destination_kind_with_no_rule_gets_nothing() -> None:
    for kind in ("local-authority", "police-custody", "court", "pharmacy"):
        assert rule_for(OrganisationKind(kind)) is None, kind
    assert set(minimisation_table()) <= set(OrganisationKind)
    # Every kind a route in the issue hands to has a rule.
    for route in ROUTES:
        kind = next(o.kind for o in fixture(route.fixture).organisations if o.ods_code == route.destination)
        assert rule_for(kind) is not None, route.name
