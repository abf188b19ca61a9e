"""The compiled IG against its two contracts: the model's code enums (adapter/model/codes.py) and the
canonical <-> FHIR table (docs/fhir-mapping.md): code systems, value sets, extensions, profiles,
concept maps. Invariants are in test_ig_invariants.py."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml
from compiled_guide import CM_BASE, CS_BASE, IG_FOLDER, ROOT, SD_BASE, VS_BASE, CompiledGuide

from adapter.coordination.codes import FindingCode
from adapter.model.codes import CODE_SYSTEMS, DOMAIN_OF_AREA, Domain, DomainArea, Modality, Role
from adapter.types import FhirJson

MAPPING_DOC = ROOT / "docs" / "fhir-mapping.md"
CORE_SD = "http://hl7.org/fhir/StructureDefinition/"
SNOMED = "http://snomed.info/sct"

# ---- code systems and value sets ----

MODEL_CODE_SYSTEMS = sorted(set(CODE_SYSTEMS.values()))
OWN_CODE_SYSTEMS = {
    "handover-reason": {
        "prison-release",
        "prison-transfer",
        "custody-referral",
        "referral-to-treatment",
        "shared-care",
        "cpa-coordination",
        "discharge-aftercare",
        "prison-reception",
        "offender-management",
        "safeguarding",
    },
    "activity-type": {"intervention", "action"},
    "coordination-finding": {code.value for code in FindingCode},
    "handover-event": {"care-plan-handover", "consent-withdrawn", "care-plan-update"},
    "handover-input": {
        "consent",
        "release-date",
        "release-area",
        "receiving-cjit",
        "first-community-appointment",
        "current-prescribing",
        "overdose-risk-on-release",
        "open-risk",
        "keyworker-contact",
        "reception-date",
        "community-dose-to-confirm",
    },
}


def flatten(concepts: list[FhirJson], parent: str | None = None) -> dict[str, tuple[str | None, FhirJson]]:
    """Every concept of a CodeSystem, nested or not, with the code of its parent."""
    found: dict[str, tuple[str | None, FhirJson]] = {}
    for concept in concepts:
        found[concept["code"]] = (parent, concept)
        found.update(flatten(concept.get("concept", []), concept["code"]))
    return found


def model_codes(name: str) -> set[str]:
    return {member.value for enum, cs_name in CODE_SYSTEMS.items() if cs_name == name for member in enum}


@pytest.mark.parametrize("name", MODEL_CODE_SYSTEMS)
def test_each_model_code_system_holds_exactly_its_enums_codes(ig: CompiledGuide, name: str) -> None:
    code_system = ig.get(CS_BASE + name)
    concepts = flatten(code_system["concept"])
    assert set(concepts) == model_codes(name)
    assert (code_system["id"], code_system["content"], code_system["caseSensitive"]) == (
        name,
        "complete",
        True,
    )
    for code, (_, concept) in concepts.items():
        assert concept.get("display") and concept.get("definition"), (
            f"{name}#{code} needs display and definition"
        )


@pytest.mark.parametrize(("name", "codes"), sorted(OWN_CODE_SYSTEMS.items()))
def test_the_igs_own_code_systems_hold_their_codes(ig: CompiledGuide, name: str, codes: set[str]) -> None:
    assert set(flatten(ig.get(CS_BASE + name)["concept"])) == codes


def test_areas_are_child_concepts_of_their_domain(ig: CompiledGuide) -> None:
    concepts = flatten(ig.get(CS_BASE + "care-plan-domain")["concept"])
    assert {area.value: concepts[area.value][0] for area in DomainArea} == {
        area.value: domain.value for area, domain in DOMAIN_OF_AREA.items()
    }
    assert {domain.value: concepts[domain.value][0] for domain in Domain} == dict.fromkeys(
        (d.value for d in Domain), None
    )


def test_maintenance_is_a_child_of_delivery(ig: CompiledGuide) -> None:
    concepts = flatten(ig.get(CS_BASE + "treatment-phase")["concept"])
    assert {code: parent for code, (parent, _) in concepts.items() if parent} == {"maintenance": "delivery"}


def test_every_code_system_has_a_value_set_of_the_same_name_with_all_its_codes(ig: CompiledGuide) -> None:
    code_systems = ig.of_type("CodeSystem")
    assert {cs["id"] for cs in code_systems} == set(MODEL_CODE_SYSTEMS) | set(OWN_CODE_SYSTEMS)
    for code_system in code_systems:
        value_set = ig.get(VS_BASE + code_system["id"])
        assert value_set["compose"] == {"include": [{"system": code_system["url"]}]}


@pytest.mark.parametrize(
    ("value_set", "codes"),
    [
        ("care-plan-key-domain", {d.value for d in Domain}),
        ("care-plan-domain-area", {a.value for a in DomainArea}),
    ],
)
def test_domain_value_sets_list_their_codes(ig: CompiledGuide, value_set: str, codes: set[str]) -> None:
    (include,) = ig.get(VS_BASE + value_set)["compose"]["include"]
    assert include["system"] == CS_BASE + "care-plan-domain"
    assert {c["code"] for c in include["concept"]} == codes


# ---- extensions ----


@dataclass(frozen=True)
class DocumentedExtension:
    """One extension as docs/fhir-mapping.md states it: a value type, or named sub-extensions."""

    value: str | None
    repeats: bool
    parts: dict[str, tuple[str, bool]] = field(default_factory=dict)


_EXTENSION = re.compile(
    r"`(?P<id>[a-z][a-z0-9-]*)`\s*(?P<many>\(0\.\.\*\)\s*)?(?:\|\s*)?"
    r"(?:(?P<value>value[A-Za-z]+(?:\([A-Za-z]+\))?)|complex:(?P<parts>(?:\s*`\w+`\s+[A-Za-z]+"
    r"(?:\([A-Za-z-]+\))?(?:\s*\(0\.\.\*\))?,?)+))"
)
_PART = re.compile(r"`(\w+)`\s+([A-Za-z]+(?:\([A-Za-z-]+\))?)(\s*\(0\.\.\*\))?")


def documented_extensions() -> dict[str, DocumentedExtension]:
    """Every extension the mapping doc names with its value (`id` valueX, or `id` complex: ...)."""
    text = " ".join(MAPPING_DOC.read_text("utf-8").split())
    found: dict[str, DocumentedExtension] = {}
    for match in _EXTENSION.finditer(text):
        parts = {name: (kind, bool(many)) for name, kind, many in _PART.findall(match["parts"] or "")}
        found[match["id"]] = DocumentedExtension(match["value"], bool(match["many"]), parts)
    return found


DOCUMENTED = documented_extensions()

# Where each extension may be used (the doc's "On CarePlan", "On CarePlan.activity.detail" ... headings).
DETAIL = "CarePlan.activity.detail"


def used_on(contexts: set[str], *extension_ids: str) -> dict[str, set[str]]:
    return {extension_id: set(contexts) for extension_id in extension_ids}


EXTENSION_CONTEXTS: dict[str, set[str]] = {
    **used_on(
        {"CarePlan"},
        "care-plan-kind",
        "treatment-phase",
        "service-user-agreement",
        "next-review-due",
        "domain-assessment",
        "risk-assessment",
        "risk-management-plan",
        "complex-needs",
        "contingency-plan",
        "crisis-plan",
        "child-protection-concern",
        "external-coordination",
        "care-plan-review",
        "substance-use",
        "engagement-event",
        "closure",
        "custody",
        "coordination-agreement",
        "waiting-duty-of-care",
        "imported-for-review",
    ),
    # What the source systems hold beyond the drug plan (issue 11): the contact log, offender
    # management, the Mental Health Act status.
    **used_on({"CarePlan"}, "keyworker-contact", "offender-management", "mental-health-act"),
    **used_on({"CarePlan", DETAIL}, "treatment-tier"),
    **used_on(
        {DETAIL},
        "referred-on",
        "responsible-role",
        "dose-strength",
        "last-dose",
        "supervised-consumption",
        "activity-type",
        "prescriber",
        "dispensing-pharmacy",
    ),
    **used_on({"Goal"}, "goal-milestone"),
    **used_on({"Condition"}, "immediate-need"),
    **used_on({"EpisodeOfCare"}, "referral-source", "triage-date", "criminal-justice-referral"),
    # Nested in care-plan-review: its context is that extension, not an element (checked below).
    **used_on(
        set(), "top-outcome", "care-manager-criteria", "care-manager-criterion", "post-discharge-follow-up"
    ),
    **used_on({"Organization"}, "single-point-of-contact"),
    # The client's own record (issue 11, circumstances.fsh).
    **used_on({"Patient"}, "sex-at-birth", "sexual-orientation", "religion", "disability"),
    **used_on(
        {"CarePlan"}, "social-circumstances", "pregnancy", "injecting-status", "blood-borne-virus-status"
    ),
    **used_on(
        {"EpisodeOfCare"},
        "referral-received",
        "first-appointment-offered",
        "treatment-start",
        "treatment-history",
    ),
    **used_on(set(), "hepatitis-b-vaccination", "hepatitis-c-test", "hiv-test", "previous-treatment"),
    **used_on({"DetectedIssue"}, "finding-expression", "finding-source"),
}

# The ValueSet each coded value is bound to (required): (extension id, sub-extension or None) -> id.
CODED_BINDINGS: dict[tuple[str, str | None], str] = {
    ("care-plan-kind", None): "care-plan-kind",
    ("treatment-phase", None): "treatment-phase",
    ("treatment-tier", None): "treatment-tier",
    ("responsible-role", None): "care-team-role",
    ("activity-type", None): "activity-type",
    ("domain-assessment", "domain"): "care-plan-key-domain",
    ("risk-assessment", "level"): "risk-level",
    ("risk-assessment", "area"): "risk-area",
    ("risk-assessment", "overdoseRiskOnRelease"): "risk-level",
    ("external-coordination", "cpaLevel"): "cpa-level",
    ("external-coordination", "drr"): "drr-kind",
    ("engagement-event", "event"): "engagement-event",
    ("closure", "kind"): "closure-kind",
    ("closure", "reason"): "closure-reason",
    ("substance-use", "substance"): "substance",
    ("substance-use", "route"): "route-of-use",
    ("criminal-justice-referral", "setting"): "referral-setting",
    ("criminal-justice-referral", "drugTest"): "drug-test-result",
    ("top-outcome", "stage"): "top-stage",
    ("care-manager-criterion", "limb"): "care-manager-criterion",
    ("sex-at-birth", None): "sex-at-birth",
    ("sexual-orientation", None): "sexual-orientation",
    ("religion", None): "religion",
    ("disability", None): "disability",
    ("social-circumstances", "accommodation"): "accommodation-status",
    ("social-circumstances", "employment"): "employment-status",
    ("social-circumstances", "childrenLivingWithClient"): "children-living-with-client",
    ("injecting-status", "status"): "injecting-status",
    ("hepatitis-b-vaccination", "status"): "hepatitis-b-vaccination",
    ("hepatitis-c-test", "testing"): "virus-testing",
    ("hepatitis-c-test", "result"): "virus-test-result",
    ("hiv-test", "testing"): "virus-testing",
    ("hiv-test", "result"): "virus-test-result",
    ("previous-treatment", "modality"): "intervention-modality",
    ("criminal-justice-referral", "dirForm"): "dir-form",
    ("keyworker-contact", "kind"): "contact-kind",
    ("keyworker-contact", "attendance"): "contact-attendance",
    ("offender-management", "requirement"): "sentence-requirement",
    ("offender-management", "riskOfSeriousHarm"): "risk-of-serious-harm",
    ("mental-health-act", "status"): "mental-health-act-status",
}

_PRIMITIVES = {"date", "dateTime", "string", "boolean", "code", "integer", "decimal"}


def expected_type(documented: str) -> list[FhirJson]:
    """The ElementDefinition.type the doc's `valueDate` / `Reference(Organization)` / `Coding` means."""
    name = documented.removeprefix("value")
    name, _, target = name.partition("(")
    lowered = name[0].lower() + name[1:]
    code = lowered if lowered in _PRIMITIVES else name
    if target:
        return [{"code": code, "targetProfile": [CORE_SD + target.rstrip(")")]}]
    return [{"code": code}]


def differential(definition: FhirJson) -> dict[str, FhirJson]:
    return {e["id"]: e for e in definition["differential"]["element"]}


def test_the_doc_and_this_test_name_the_same_extensions() -> None:
    assert set(DOCUMENTED) == set(EXTENSION_CONTEXTS)


@pytest.mark.parametrize("extension_id", sorted(DOCUMENTED))
def test_each_documented_extension_exists_with_its_value_and_context(
    ig: CompiledGuide, extension_id: str
) -> None:
    documented = DOCUMENTED[extension_id]
    definition = ig.get(SD_BASE + extension_id)
    assert (definition["id"], definition["type"], definition["derivation"]) == (
        extension_id,
        "Extension",
        "constraint",
    )
    assert {c["expression"] for c in definition["context"] if c["type"] == "element"} == EXTENSION_CONTEXTS[
        extension_id
    ]
    elements = differential(definition)
    if documented.value is not None:
        value = elements["Extension.value[x]"]
        assert (value["type"], value["min"]) == (expected_type(documented.value), 1)
        return
    assert elements["Extension.value[x]"]["max"] == "0", "a complex extension has no value of its own"
    slices = {
        e["sliceName"]: e
        for e in elements.values()
        if e["path"] == "Extension.extension" and "sliceName" in e
    }
    assert set(slices) == set(documented.parts)
    for name, (kind, repeats) in documented.parts.items():
        assert slices[name]["max"] == ("*" if repeats else "1"), name
        if kind.startswith("Extension("):  # a separate complex extension nested as this part
            nested = SD_BASE + kind.removeprefix("Extension(").rstrip(")")
            assert slices[name]["type"] == [{"code": "Extension", "profile": [nested]}], name
            continue
        assert elements[f"Extension.extension:{name}.value[x]"]["type"] == expected_type(kind), name


def test_the_top_outcome_is_used_inside_the_care_plan_review(ig: CompiledGuide) -> None:
    definition = ig.get(SD_BASE + "top-outcome")
    assert definition["context"] == [{"type": "extension", "expression": SD_BASE + "care-plan-review"}]
    assert DOCUMENTED["care-plan-review"].parts["top"] == ("Extension(top-outcome)", False)


@pytest.mark.parametrize(
    ("extension_id", "part", "low", "high"),
    [
        ("top-outcome", "alcoholDays", 0, 28),
        ("top-outcome", "injectingDays", 0, 28),
        ("top-outcome", "qualityOfLife", 0, 20),
        ("substance-use", "daysUsedLast28", 0, 28),
        ("substance-use", "ageFirstUsed", 5, 99),
        ("substance-use", "rank", 1, None),
    ],
)
def test_counts_and_ratings_carry_their_ranges(
    ig: CompiledGuide, extension_id: str, part: str, low: int, high: int | None
) -> None:
    value = differential(ig.get(SD_BASE + extension_id))[f"Extension.extension:{part}.value[x]"]
    assert (value.get("minValueInteger"), value.get("maxValueInteger")) == (low, high)


def test_every_coded_extension_value_is_bound_required_to_our_value_set(ig: CompiledGuide) -> None:
    bound: dict[tuple[str, str | None], str] = {}
    for extension_id in DOCUMENTED:
        for element in ig.get(SD_BASE + extension_id)["differential"]["element"]:
            if not element["path"].endswith("value[x]") or element.get("max") == "0":
                continue
            if element["type"][0]["code"] not in {"Coding", "code"}:
                continue
            part = element["id"].split(":")[1].split(".")[0] if ":" in element["id"] else None
            binding = element.get("binding", {})
            assert binding.get("strength") == "required", (extension_id, part)
            ig.get(binding["valueSet"])  # the bound ValueSet is part of the IG
            bound[extension_id, part] = binding["valueSet"].removeprefix(VS_BASE)
    assert bound == CODED_BINDINGS


@pytest.mark.parametrize(
    ("profile", "slice_path", "extension_id", "max_"),
    [
        ("DrugTreatmentCarePlan", "CarePlan.extension:carePlanKind", "care-plan-kind", "1"),
        ("DrugTreatmentCarePlan", "CarePlan.extension:treatmentPhase", "treatment-phase", "*"),
        ("DrugTreatmentCarePlan", "CarePlan.extension:review", "care-plan-review", "*"),
        ("DrugTreatmentCarePlan", f"{DETAIL}.extension:activityType", "activity-type", "1"),
        ("DrugTreatmentCarePlan", f"{DETAIL}.extension:prescriber", "prescriber", "1"),
        ("TreatmentGoal", "Goal.extension:milestone", "goal-milestone", "*"),
        ("TreatmentEpisodeOfCare", "EpisodeOfCare.extension:triageDate", "triage-date", "1"),
        ("DrugTreatmentCarePlan", "CarePlan.extension:substanceUse", "substance-use", "*"),
        (
            "TreatmentEpisodeOfCare",
            "EpisodeOfCare.extension:criminalJusticeReferral",
            "criminal-justice-referral",
            "1",
        ),
        (
            "CarePlanOrganization",
            "Organization.extension:singlePointOfContact",
            "single-point-of-contact",
            "1",
        ),
    ],
)
def test_profiles_slice_in_the_extensions_with_the_documented_cardinality(
    ig: CompiledGuide, profile: str, slice_path: str, extension_id: str, max_: str
) -> None:
    element = ig.element(profile, slice_path)
    assert element["type"] == [{"code": "Extension", "profile": [SD_BASE + extension_id]}]
    assert element["max"] == max_


def test_every_extension_is_used_by_a_profile(ig: CompiledGuide) -> None:
    """By a profile, or (top-outcome) by the extension it is nested in."""
    used = {
        profile_url
        for definition in ig.of_type("StructureDefinition")
        for element in definition["differential"]["element"]
        for type_ in element.get("type", [])
        if type_["code"] == "Extension"
        for profile_url in type_.get("profile", [])
    }
    # The extensions not ours a profile uses: R4 core's patient-interpreterRequired (UK Core's way) and
    # UK Core's ethnic category (its definitions shipped in ig/input/ukcore).
    others = {
        "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired",
        "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory",
    }
    assert {SD_BASE + extension_id for extension_id in DOCUMENTED} | others == used


# ---- profiles ----


def documented_profiles() -> list[tuple[str, str]]:
    """(FHIR resource, profile Name) from the doc's "Resources and profiles" table."""
    rows = re.findall(
        r"^\|[^|]*\|\s*([A-Z]\w+)[^|]*\|\s*([A-Z]\w+)\s*\|$", MAPPING_DOC.read_text("utf-8"), re.M
    )
    return [(resource, name) for resource, name in rows]


def test_the_doc_names_thirteen_profiles() -> None:
    assert len(documented_profiles()) == 13


@pytest.mark.parametrize(("resource", "name"), documented_profiles())
def test_each_profile_has_its_url_and_type(ig: CompiledGuide, resource: str, name: str) -> None:
    definition = ig.get(SD_BASE + name)
    assert (definition["id"], definition["name"], definition["type"], definition["kind"]) == (
        name,
        name,
        resource,
        "resource",
    )
    assert (definition["baseDefinition"], definition["derivation"]) == (CORE_SD + resource, "constraint")
    assert definition["fhirVersion"] == "4.0.1"


def pattern(system: str, code: str) -> FhirJson:
    return {"coding": [{"system": system, "code": code}]}


def required(value_set: str) -> FhirJson:
    return {"strength": "required", "valueSet": VS_BASE + value_set}


# (profile, element id, ElementDefinition field, expected value): the constraints the guidance asks for.
PROFILE_RULES: list[tuple[str, str, str, Any]] = [
    ("DrugTreatmentCarePlan", "CarePlan.intent", "fixedCode", "plan"),
    (
        "DrugTreatmentCarePlan",
        "CarePlan.category:carePlan",
        "patternCodeableConcept",
        pattern(SNOMED, "734163000"),
    ),
    ("DrugTreatmentCarePlan", "CarePlan.category:carePlan", "min", 1),
    ("DrugTreatmentCarePlan", "CarePlan.careTeam", "min", 1),
    ("DrugTreatmentCarePlan", "CarePlan.goal", "min", 1),
    ("DrugTreatmentCarePlan", "CarePlan.extension:carePlanKind", "min", 1),
    (
        "DrugTreatmentCarePlan",
        "CarePlan.subject",
        "type",
        [{"code": "Reference", "targetProfile": [SD_BASE + "ServiceUserPatient"]}],
    ),
    (
        "DrugTreatmentCarePlan",
        "CarePlan.careTeam",
        "type",
        [{"code": "Reference", "targetProfile": [SD_BASE + "CareCoordinationTeam"]}],
    ),
    (
        "DrugTreatmentCarePlan",
        "CarePlan.goal",
        "type",
        [{"code": "Reference", "targetProfile": [SD_BASE + "TreatmentGoal"]}],
    ),
    (
        "CareCoordinationTeam",
        "CareTeam.category:longitudinal",
        "patternCodeableConcept",
        pattern("http://loinc.org", "LA28865-6"),
    ),
    ("CareCoordinationTeam", "CareTeam.participant", "min", 1),
    (
        "CareCoordinationTeam",
        "CareTeam.participant.role",
        "binding",
        {"strength": "preferred", "valueSet": VS_BASE + "care-team-role"},
    ),
    (
        "CarePlanPractitionerRole",
        "PractitionerRole.code",
        "binding",
        {"strength": "extensible", "valueSet": VS_BASE + "care-team-role"},
    ),
    ("TreatmentGoal", "Goal.category", "min", 1),
    (
        "TreatmentGoal",
        "Goal.category",
        "slicing",
        {
            "discriminator": [{"type": "value", "path": "$this"}],
            "rules": "open",
            "description": "The goal's key domain, and the area of that domain when given.",
        },
    ),
    ("TreatmentGoal", "Goal.category:domain", "binding", required("care-plan-key-domain")),
    ("TreatmentGoal", "Goal.category:domain", "min", 1),
    ("TreatmentGoal", "Goal.category:domain", "max", "1"),
    ("TreatmentGoal", "Goal.category:area", "binding", required("care-plan-domain-area")),
    ("TreatmentGoal", "Goal.lifecycleStatus", "mustSupport", True),
    ("TreatmentGoal", "Goal.description", "mustSupport", True),
    ("AssessedNeed", "Condition.category:domain", "binding", required("care-plan-key-domain")),
    (
        "AssessedNeed",
        "Condition.category:healthConcern",
        "patternCodeableConcept",
        pattern("http://hl7.org/fhir/us/core/CodeSystem/condition-category", "health-concern"),
    ),
    (
        "ServiceUserPatient",
        "Patient.identifier",
        "slicing",
        {
            "discriminator": [{"type": "value", "path": "system"}],
            "rules": "open",
        },
    ),
    (
        "ServiceUserPatient",
        "Patient.identifier:nhsNumber.system",
        "fixedUri",
        "https://fhir.nhs.uk/Id/nhs-number",
    ),
    ("ServiceUserPatient", "Patient.identifier:nhsNumber.value", "min", 1),
    (
        "CarePlanOrganization",
        "Organization.identifier:odsOrganisationCode.system",
        "fixedUri",
        "https://fhir.nhs.uk/Id/ods-organization-code",
    ),
    ("CarePlanOrganization", "Organization.identifier:odsOrganisationCode", "min", 1),
    (
        "ConsentToShare",
        "Consent.scope",
        "patternCodeableConcept",
        pattern("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
    ),
    (
        "ConsentToShare",
        "Consent.category:informationAccess",
        "patternCodeableConcept",
        pattern("http://terminology.hl7.org/CodeSystem/v3-ActCode", "INFA"),
    ),
    ("ConsentToShare", "Consent.provision", "min", 1),
    ("ConsentToShare", "Consent.provision.period", "min", 1),
    ("ConsentToShare", "Consent.provision.actor:recipient", "min", 1),
    (
        "ConsentToShare",
        "Consent.provision.actor:recipient.role",
        "patternCodeableConcept",
        pattern("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP"),
    ),
    (
        "ConsentToShare",
        "Consent.provision.actor:recipient.reference",
        "type",
        [{"code": "Reference", "targetProfile": [SD_BASE + "CarePlanOrganization"]}],
    ),
]


@pytest.mark.parametrize(("profile", "element_id", "key", "expected"), PROFILE_RULES)
def test_profiles_carry_the_guidances_constraints(
    ig: CompiledGuide, profile: str, element_id: str, key: str, expected: Any
) -> None:
    assert ig.element(profile, element_id).get(key) == expected


def test_every_profile_reference_points_at_one_of_ours_or_core(ig: CompiledGuide) -> None:
    for definition in ig.of_type("StructureDefinition"):
        for element in definition["differential"]["element"]:
            for type_ in element.get("type", []):
                for target in type_.get("targetProfile", []):
                    assert target.startswith(CORE_SD) or target in ig.by_url, (definition["id"], target)


# ---- concept maps ----


def concept_map_targets(ig: CompiledGuide, map_id: str) -> dict[str, list[FhirJson]]:
    (group,) = ig.get(CM_BASE + map_id)["group"]
    assert group["target"] == SNOMED
    return {element["code"]: element["target"] for element in group["element"]}


@pytest.mark.parametrize(
    ("map_id", "source"),
    [
        ("care-team-role-to-snomed", "care-team-role"),
        ("intervention-modality-to-snomed", "intervention-modality"),
    ],
)
def test_concept_maps_list_every_source_code_and_explain_inexact_targets(
    ig: CompiledGuide, map_id: str, source: str
) -> None:
    concept_map = ig.get(CM_BASE + map_id)
    assert concept_map["sourceCanonical"] == VS_BASE + source
    assert concept_map["group"][0]["source"] == CS_BASE + source
    targets = concept_map_targets(ig, map_id)
    assert set(targets) == model_codes(source)
    for code, code_targets in targets.items():
        for target in code_targets:
            if target["equivalence"] in {"narrower", "inexact", "unmatched", "wider"}:
                assert target.get("comment"), f"{map_id}: {code} -> {target.get('code')} needs a comment"
            assert ("code" in target) == (target["equivalence"] != "unmatched")


@pytest.mark.parametrize(
    ("map_id", "source", "snomed", "equivalence"),
    [
        ("care-team-role-to-snomed", Role.CARE_COORDINATOR, "768820003", "equivalent"),
        ("care-team-role-to-snomed", Role.CMHT_CARE_COORDINATOR, "768820003", "wider"),
        ("care-team-role-to-snomed", Role.KEYWORKER, None, "unmatched"),
        ("intervention-modality-to-snomed", Modality.OPIOID_SUBSTITUTION, "266707007", "wider"),
        ("intervention-modality-to-snomed", Modality.OPIOID_SUBSTITUTION, "310653000", "narrower"),
        ("intervention-modality-to-snomed", Modality.OPIOID_SUBSTITUTION, "792901003", "narrower"),
        ("intervention-modality-to-snomed", Modality.HARM_REDUCTION, "720174008", "equivalent"),
        ("intervention-modality-to-snomed", Modality.RELAPSE_PREVENTION, "720177001", "equivalent"),
        ("intervention-modality-to-snomed", Modality.COMMUNITY_DETOXIFICATION, "56876005", "wider"),
        ("intervention-modality-to-snomed", Modality.INPATIENT_DETOXIFICATION, "56876005", "wider"),
    ],
)
def test_concept_maps_map_to_the_confirmed_snomed_concepts(
    ig: CompiledGuide, map_id: str, source: str, snomed: str | None, equivalence: str
) -> None:
    targets = {t.get("code"): t["equivalence"] for t in concept_map_targets(ig, map_id)[source]}
    assert targets[snomed] == equivalence


def test_methadone_and_buprenorphine_concepts_depend_on_the_medicine(ig: CompiledGuide) -> None:
    targets = concept_map_targets(ig, "intervention-modality-to-snomed")[Modality.OPIOID_SUBSTITUTION]
    depends = {t["code"]: t.get("dependsOn") for t in targets}
    assert depends == {
        "266707007": None,
        "310653000": [{"property": "medicine", "value": "methadone"}],
        "792901003": [{"property": "medicine", "value": "buprenorphine"}],
    }


# ---- the build itself ----


def test_sushi_config_is_r4_only_with_no_dependencies() -> None:
    config = yaml.safe_load((IG_FOLDER / "sushi-config.yaml").read_text("utf-8"))
    assert (config["id"], config["canonical"], config["fhirVersion"]) == (
        "careplan-adapter",
        "https://fhir.careplan-adapter.org",
        "4.0.1",
    )
    assert "dependencies" not in config


def test_only_resources_are_committed_and_the_guide_lists_each(ig: CompiledGuide) -> None:
    assert [p.name for p in (IG_FOLDER / "fsh-generated").iterdir()] == ["resources"]
    guide = ig.get("https://fhir.careplan-adapter.org/ImplementationGuide/careplan-adapter")
    listed = {r["reference"]["reference"] for r in guide["definition"]["resource"]}
    others = [r for r in ig.files.values() if r is not guide]
    assert listed == {f"{r['resourceType']}/{r['id']}" for r in others}


def references(node: Any) -> list[str]:
    """Every literal reference in a resource, anywhere in it."""
    if isinstance(node, dict):
        own = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return own + [ref for value in node.values() for ref in references(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in references(item)]
    return []


def test_every_profile_has_an_example_and_the_examples_reference_each_other(ig: CompiledGuide) -> None:
    examples = ig.examples()
    claimed = {profile for example in examples for profile in example["meta"]["profile"]}
    assert claimed == {SD_BASE + name for _, name in documented_profiles()}
    known = {f"{example['resourceType']}/{example['id']}" for example in examples}
    for example in examples:
        assert set(references(example)) <= known, example["id"]
