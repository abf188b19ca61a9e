"""The CarePlan: the plan's own facts as extensions, its actions and interventions as activities."""

from __future__ import annotations

from adapter.fhir.extensions import PLAN_EXTENSIONS
from adapter.fhir.narrative import narrative
from adapter.fhir.to_fhir.context import (
    Context,
    day,
    extension,
    extensions,
    instant,
    local_identifier,
    period,
    resource,
)
from adapter.fhir.to_fhir.extensions import write
from adapter.fhir.to_fhir.mental_health import supporting_refs
from adapter.model.record import Action, DailyDose, Intervention
from adapter.types import FhirJson

MODALITY_MAP = "intervention-modality-to-snomed"


def care_plan(ctx: Context) -> FhirJson:
    """CarePlan (DrugTreatmentCarePlan) with its narrative."""
    plan = ctx.record.plan
    return resource(
        "CarePlan",
        ctx,
        text={"status": "generated", "div": narrative(ctx.record)},
        extension=write(ctx, PLAN_EXTENSIONS, plan),
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
        supportingInfo=([ctx.ref("EpisodeOfCare", ctx.record.episode.id)] if ctx.record.episode else [])
        + supporting_refs(ctx),
        goal=[ctx.ref("Goal", goal.id) for goal in plan.goals],
        activity=[action_activity(ctx, a) for a in plan.actions]
        + [intervention_activity(ctx, i) for i in plan.interventions],
        note=[{"text": note} for note in plan.notes],
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


def dose_strength(dose: DailyDose) -> FhirJson | None:
    """A dose given as a volume carries the liquid's strength (extension dose-strength on the
    activity's detail, a Ratio of mass to one unit of volume), so it is never read without it
    (hazard H-09)."""
    if dose.strength is None:
        return None
    mass, _, volume = dose.strength.unit.partition("/")
    return {"numerator": _ucum(dose.strength.value, mass), "denominator": _ucum(1, volume)}


def _ucum(value: object, unit: str) -> FhirJson:
    return {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}


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
                    extension("dose-strength", "valueRatio", dose_strength(prescribing.daily_dose)),
                    extension("last-dose", "valueDateTime", instant(prescribing.last_dose_at)),
                    extension("supervised-consumption", "valueBoolean", prescribing.supervised_consumption),
                    extension("prescriber", "valueReference", ctx.member_role(prescribing.prescriber)),
                    extension(
                        "dispensing-pharmacy",
                        "valueReference",
                        ctx.ref("Organization", prescribing.dispensing_pharmacy)
                        if prescribing.dispensing_pharmacy
                        else None,
                    ),
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
