"""The CPA client's mental health as the resources a FHIR receiver expects: each diagnosis a Condition
(MentalHealthDiagnosis, category problem-list-item), each psychiatric medicine a MedicationStatement
(PsychiatricMedicationStatement: the medicine, the dose as prescribed in Dosage.text, the prescriber
as informationSource), both named in CarePlan.supportingInfo ("information considered as part of the
plan", R4). The Mental Health Act status has no R4 element: it is the CarePlan extension
``mental-health-act`` (adapter.fhir.extensions)."""

from __future__ import annotations

from adapter.fhir.narrative import brief
from adapter.fhir.to_fhir.context import Context, day, resource
from adapter.model.mental_health import MentalHealthDiagnosis, PsychiatricMedication
from adapter.types import FhirJson
from adapter.urls import MENTAL_HEALTH_DIAGNOSIS_PROFILE, STRUCTURE_DEFINITION_BASE


def diagnosis_key(index: int) -> str:
    """The local key of the record's ``index``-th diagnosis: '/' is no LocalId character, so it never
    meets a need's id among the plan's Conditions."""
    return f"diagnosis/{index}"


def medication_key(index: int) -> str:
    return f"psychiatric-medication/{index}"


def supporting_refs(ctx: Context) -> list[FhirJson]:
    plan = ctx.record.plan
    return [ctx.ref("Condition", diagnosis_key(i)) for i in range(len(plan.diagnoses))] + [
        ctx.ref("MedicationStatement", medication_key(i)) for i in range(len(plan.psychiatric_medication))
    ]


def diagnosis(ctx: Context, index: int, item: MentalHealthDiagnosis) -> FhirJson:
    """Condition (MentalHealthDiagnosis): the diagnosis in the CMHT's words."""
    body = resource(
        "Condition",
        ctx,
        diagnosis_key(index),
        text=brief(f"Mental health diagnosis: {item.description}"),
        clinicalStatus={"coding": [ctx.terminology.fixed("diagnosis-clinical-status")]},
        category=[{"coding": [ctx.terminology.fixed("diagnosis-category")]}],
        code={"text": item.description},
        subject=ctx.ref("Patient"),
        recordedDate=day(item.diagnosed_on),
    )
    body["meta"] = {"profile": [STRUCTURE_DEFINITION_BASE + MENTAL_HEALTH_DIAGNOSIS_PROFILE]}
    return body


def medication(ctx: Context, index: int, item: PsychiatricMedication) -> FhirJson:
    """MedicationStatement (PsychiatricMedicationStatement): taken now, as the CMHT records it."""
    return resource(
        "MedicationStatement",
        ctx,
        medication_key(index),
        text=brief(f"Psychiatric medication: {item.medicine}" + (f", {item.dose}" if item.dose else "")),
        status="active",
        medicationCodeableConcept={"text": item.medicine},
        subject=ctx.ref("Patient"),
        effectivePeriod={"start": day(item.start)} if item.start else None,
        informationSource=ctx.member_role(item.prescriber),
        dosage=[{"text": item.dose}] if item.dose else None,
    )


def resources(ctx: Context) -> list[FhirJson]:
    """The diagnoses' Conditions, then the MedicationStatements, in the record's order."""
    plan = ctx.record.plan
    return [diagnosis(ctx, i, d) for i, d in enumerate(plan.diagnoses)] + [
        medication(ctx, i, m) for i, m in enumerate(plan.psychiatric_medication)
    ]
