"""The CarePlan: the plan's own facts as extensions, its actions and interventions as activities."""

from __future__ import annotations

from adapter.fhir.narrative import narrative
from adapter.fhir.to_fhir.context import (
    Context,
    complex_extension,
    day,
    extension,
    extensions,
    instant,
    local_identifier,
    part,
    period,
    resource,
)
from adapter.model.record import Action, CarePlan, DailyDose, Intervention
from adapter.types import FhirJson

MODALITY_MAP = "intervention-modality-to-snomed"


def care_plan(ctx: Context) -> FhirJson:
    """CarePlan (DrugTreatmentCarePlan) with its narrative."""
    plan = ctx.record.plan
    return resource(
        "CarePlan",
        ctx,
        text={"status": "generated", "div": narrative(ctx.record)},
        extension=plan_extensions(ctx, plan),
        identifier=[local_identifier("CarePlan", plan.id)],
        status=plan.status.value,
        intent="plan",
        category=[{"coding": [ctx.terminology.fixed("care-plan-category")]}],
        title=plan.title,
        subject=ctx.ref("Patient"),
        period=period(plan.start, plan.end),
        created=day(plan.created),
        author=ctx.member_role(plan.author),
        careTeam=[ctx.ref("CareTeam")] if ctx.record.care_team else None,
        addresses=[ctx.ref("Condition", need.id) for need in plan.needs],
        supportingInfo=[ctx.ref("EpisodeOfCare", ctx.record.episode.id)] if ctx.record.episode else None,
        goal=[ctx.ref("Goal", goal.id) for goal in plan.goals],
        activity=[action_activity(ctx, a) for a in plan.actions]
        + [intervention_activity(ctx, i) for i in plan.interventions],
        note=[{"text": note} for note in plan.notes],
    )


def plan_extensions(ctx: Context, plan: CarePlan) -> list[FhirJson]:
    """The extensions of docs/fhir-mapping.md, in its order."""
    coding = ctx.terminology.coding
    agreement = plan.agreement
    risk = plan.risk
    concern = plan.child_protection
    coordination = plan.external_coordination
    closure = plan.closure
    return extensions(
        extension("care-plan-kind", "valueCoding", coding(plan.kind)),
        *(extension("treatment-phase", "valueCoding", coding(phase)) for phase in plan.phases),
        extension("treatment-tier", "valueCoding", coding(plan.tier)),
        None
        if agreement == type(agreement)()
        else complex_extension(
            "service-user-agreement",
            [
                part("agreed", "valueDate", day(agreement.agreed_on)),
                part("signedByServiceUser", "valueBoolean", agreement.signed_by_service_user),
                part("serviceUserSigned", "valueDate", day(agreement.service_user_signed_on)),
                part("signedByKeyworker", "valueBoolean", agreement.signed_by_keyworker),
                part("keyworkerSigned", "valueDate", day(agreement.keyworker_signed_on)),
            ],
        ),
        extension("next-review-due", "valueDate", day(plan.next_review_due)),
        *(
            complex_extension(
                "domain-assessment",
                [
                    part("domain", "valueCoding", coding(assessment.domain)),
                    part("assessed", "valueDate", day(assessment.assessed_on)),
                    part("summary", "valueString", assessment.summary),
                ],
            )
            for assessment in plan.assessments
        ),
        None
        if risk is None
        else complex_extension(
            "risk-assessment",
            [
                part("assessed", "valueDate", day(risk.assessed_on)),
                part("level", "valueCoding", coding(risk.level)),
                *(part("area", "valueCoding", coding(area)) for area in risk.areas),
                part("summary", "valueString", risk.summary),
                part("significantImmediateRisk", "valueBoolean", risk.significant_immediate_risk),
                part(
                    "overdoseRiskOnRelease",
                    "valueCoding",
                    coding(risk.overdose_risk_on_release) if risk.overdose_risk_on_release else None,
                ),
            ],
        ),
        extension("risk-management-plan", "valueString", plan.risk_management_plan),
        extension("complex-needs", "valueBoolean", plan.complex_needs),
        extension("contingency-plan", "valueString", plan.contingency_plan),
        extension("crisis-plan", "valueString", plan.crisis_plan),
        None
        if concern is None
        else complex_extension(
            "child-protection-concern",
            [
                part("raised", "valueDate", day(concern.raised_on)),
                part("summary", "valueString", concern.summary),
                part("inRiskManagementPlan", "valueBoolean", concern.in_risk_management_plan),
                part("forumAttendedBy", "valueReference", ctx.member_role(concern.forum_attended_by)),
            ],
        ),
        None
        if coordination is None
        else complex_extension(
            "external-coordination",
            [
                part(
                    "cpaLevel",
                    "valueCoding",
                    coding(coordination.cpa_level) if coordination.cpa_level else None,
                ),
                part("drr", "valueCoding", coding(coordination.drr) if coordination.drr else None),
                part("drrPeriod", "valuePeriod", period(coordination.drr_start, coordination.drr_end)),
                part("communityCareFunded", "valueBoolean", coordination.community_care_funded),
                part("careManagerCriteriaMet", "valueBoolean", coordination.care_manager_criteria_met),
                part("dipClient", "valueBoolean", coordination.dip_client),
                part("note", "valueString", coordination.note),
            ],
        ),
        *(
            complex_extension(
                "care-plan-review",
                [
                    part("date", "valueDate", day(review.date)),
                    part("topCompleted", "valueBoolean", review.top_completed),
                    part("outcome", "valueString", review.outcome),
                    part("changesAgreed", "valueString", review.changes_agreed),
                    part("reviewer", "valueReference", ctx.member_role(review.reviewer)),
                ],
            )
            for review in plan.reviews
        ),
        *(
            complex_extension(
                "engagement-event",
                [
                    part("date", "valueDate", day(event.date)),
                    part("event", "valueCoding", coding(event.event)),
                    part("note", "valueString", event.note),
                    part("reEngagementAction", "valueString", event.re_engagement_action),
                ],
            )
            for event in plan.engagement
        ),
        None
        if closure is None
        else complex_extension(
            "closure",
            [
                part("kind", "valueCoding", coding(closure.kind)),
                part("reason", "valueCoding", coding(closure.reason)),
                part("date", "valueDate", day(closure.date)),
                part(
                    "destination",
                    "valueReference",
                    ctx.ref("Organization", closure.destination) if closure.destination else None,
                ),
                part("evidenceOnFile", "valueBoolean", closure.evidence_on_file),
                part("note", "valueString", closure.note),
            ],
        ),
    )


def action_activity(ctx: Context, action: Action) -> FhirJson:
    """An action of the plan: its domain as detail.code, the responsible organisation and member as
    performers, the responsible role as an extension, the due date as the end of scheduledPeriod."""
    performers = [ctx.ref("Organization", action.responsible_organisation)]
    if action.responsible_member:
        performers.append(ctx.ref("PractitionerRole", action.responsible_member))
    detail = {
        "extension": extensions(
            extension("activity-type", "valueCode", "action"),
            extension("responsible-role", "valueCoding", ctx.terminology.coding(action.responsible_role)),
        ),
        "code": {"coding": [ctx.terminology.coding(action.domain)]},
        "status": action.status.value,
        "goal": [ctx.ref("Goal", goal) for goal in action.goals] or None,
        "performer": performers,
        "scheduledPeriod": period(None, action.due),
        "description": action.description,
    }
    return {"id": action.id, "detail": {k: v for k, v in detail.items() if v is not None}}


def daily_amount(dose: DailyDose) -> FhirJson:
    """The daily dose as a SimpleQuantity; the unit doubles as its UCUM code when it can be one
    (a UCUM code holds no whitespace; a unit written in words stays in ``unit`` alone)."""
    amount: FhirJson = {"value": dose.value, "unit": dose.unit}
    if not any(char.isspace() for char in dose.unit):
        amount.update(system="http://unitsofmeasure.org", code=dose.unit)
    return amount


def intervention_activity(ctx: Context, intervention: Intervention) -> FhirJson:
    """A treatment intervention: modality (with SNOMED CT), tier, provider and keyworker, prescribing."""
    prescribing = intervention.prescribing
    performers = [ctx.ref("Organization", intervention.provider)]
    if intervention.keyworker:
        performers.append(ctx.ref("PractitionerRole", intervention.keyworker))
    medicine = {"medicine": prescribing.medicine} if prescribing else {}
    detail = {
        "extension": extensions(
            extension("activity-type", "valueCode", "intervention"),
            extension("treatment-tier", "valueCoding", ctx.terminology.coding(intervention.tier)),
            extension("referred-on", "valueDate", day(intervention.referred_on)),
            *(
                (
                    extension("last-dose", "valueDateTime", instant(prescribing.last_dose_at)),
                    extension("supervised-consumption", "valueBoolean", prescribing.supervised_consumption),
                    extension("prescriber", "valueReference", ctx.member_role(prescribing.prescriber)),
                )
                if prescribing
                else ()
            ),
        ),
        "code": ctx.terminology.concept(intervention.modality, MODALITY_MAP, **medicine),
        "status": intervention.status.value,
        "goal": [ctx.ref("Goal", goal) for goal in intervention.goals] or None,
        "performer": performers,
        "scheduledPeriod": period(intervention.start, intervention.end),
        "productCodeableConcept": {"text": prescribing.medicine} if prescribing else None,
        "dailyAmount": daily_amount(prescribing.daily_dose) if prescribing else None,
        "description": intervention.description,
    }
    return {"id": intervention.id, "detail": {k: v for k, v in detail.items() if v is not None}}
