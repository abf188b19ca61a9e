"""Reading the CPA client's mental health back: the Conditions (MentalHealthDiagnosis) and
MedicationStatements (PsychiatricMedicationStatement) that CarePlan.supportingInfo names, as
adapter.fhir.to_fhir.mental_health writes them. In a plan another system made, only those that claim
our profiles are read: other supporting Conditions and MedicationStatements are not known to be a
mental health diagnosis or psychiatric medication, so they stay unread and are reported."""

from __future__ import annotations

from adapter.fhir.from_fhir.context import Import, concept_text, day, period_day
from adapter.fhir.from_fhir.node import Node
from adapter.fhir.from_fhir.parties import Parties
from adapter.fhir.references import Target
from adapter.types import FhirJson
from adapter.urls import MENTAL_HEALTH_DIAGNOSIS_PROFILE, STRUCTURE_DEFINITION_BASE, profile_url

_PROFILES = {
    "Condition": STRUCTURE_DEFINITION_BASE + MENTAL_HEALTH_DIAGNOSIS_PROFILE,
    "MedicationStatement": profile_url("MedicationStatement"),
}


def _ours(target: Target) -> bool:
    meta = target.resource.get("meta")
    profiles = meta.get("profile") if isinstance(meta, dict) else None
    return isinstance(profiles, list) and _PROFILES[target.resource_type] in profiles


def read_mental_health(imp: Import, parties: Parties, plan: Node, plan_target: Target) -> FhirJson:
    """``{"diagnoses": [...], "psychiatric_medication": [...]}`` (each only when there is one)."""
    out: FhirJson = {"diagnoses": [], "psychiatric_medication": []}
    for ref in plan.children("supportingInfo"):
        literal = ref.data.get("reference")
        found = imp.resolver.resolve(literal, plan_target) if isinstance(literal, str) else None
        if found is None or found.resource_type not in _PROFILES or (imp.foreign and not _ours(found)):
            continue
        ref.take()
        if found.resource_type == "Condition":
            out["diagnoses"].append(_diagnosis(imp, found, len(out["diagnoses"])))
        else:
            items = out["psychiatric_medication"]
            items.append(_medication(imp, parties, found, len(items)))
    return {key: value for key, value in out.items() if value}


def _diagnosis(imp: Import, target: Target, index: int) -> FhirJson:
    node = imp.node(target)
    canonical = f"plan.diagnoses[{index}]"
    imp.where[canonical] = node.path
    node.take("subject")
    imp.fixed(node.child("clinicalStatus"), "diagnosis-clinical-status")
    imp.fixed_all(node.children("category"), "diagnosis-category")
    out: FhirJson = {}
    imp.put(out, canonical, "description", concept_text(node.child("code")), f"{node.path}.code")
    imp.put(
        out,
        canonical,
        "diagnosed_on",
        day(node.value("recordedDate"), f"{node.path}.recordedDate", imp),
        f"{node.path}.recordedDate",
    )
    return out


def _medication(imp: Import, parties: Parties, target: Target, index: int) -> FhirJson:
    node = imp.node(target)
    canonical = f"plan.psychiatric_medication[{index}]"
    imp.where[canonical] = node.path
    node.take("subject")
    if node.data.get("status") == "active":
        node.take("status")
    out: FhirJson = {}
    imp.put(
        out,
        canonical,
        "medicine",
        concept_text(node.child("medicationCodeableConcept")),
        f"{node.path}.medicationCodeableConcept",
    )
    dosages = node.children("dosage")
    if dosages:
        imp.put(out, canonical, "dose", dosages[0].value("text"), f"{dosages[0].path}.text")
    imp.put(
        out,
        canonical,
        "prescriber",
        parties.member_ref(node.child("informationSource"), target),
        f"{node.path}.informationSource",
    )
    imp.put(
        out,
        canonical,
        "start",
        period_day(node.child("effectivePeriod"), "start", imp),
        f"{node.path}.effectivePeriod.start",
    )
    return out
