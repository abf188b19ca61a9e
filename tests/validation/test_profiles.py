"""Profiles: snapshot generation from differentials, meta.profile, fixed/pattern, slicing,
extensions, bindings, invariants, references and narrative - each with a tiny profile written here."""

from __future__ import annotations

from typing import Any

from adapter.definitions import Definitions, MemorySource
from adapter.validation import Validator

BASE = "http://hl7.org/fhir/StructureDefinition/"
NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
MARITAL = "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus"


def profile(url: str, kind: str, elements: list[dict[str, Any]], base: str | None = None) -> dict[str, Any]:
    """A differential-only StructureDefinition (snapshot left for the validator to generate)."""
    return {
        "resourceType": "StructureDefinition",
        "url": url,
        "name": url.rsplit("/", 1)[-1],
        "status": "draft",
        "kind": "resource" if kind[0].isupper() and kind != "Extension" else "complex-type",
        "abstract": False,
        "type": kind,
        "baseDefinition": base or BASE + kind,
        "derivation": "constraint",
        "differential": {"element": elements},
    }


SERVICE_USER = profile(
    "https://example.test/StructureDefinition/service-user",
    "Patient",
    [
        {
            "id": "Patient.extension:keyworkerNote",
            "path": "Patient.extension",
            "sliceName": "keyworkerNote",
            "max": "1",
            "type": [
                {"code": "Extension", "profile": ["https://example.test/StructureDefinition/keyworker-note"]}
            ],
        },
        {
            "id": "Patient.identifier",
            "path": "Patient.identifier",
            "min": 1,
            "slicing": {"discriminator": [{"type": "value", "path": "system"}], "rules": "open"},
        },
        {
            "id": "Patient.identifier:nhsNumber",
            "path": "Patient.identifier",
            "sliceName": "nhsNumber",
            "min": 1,
            "max": "1",
        },
        {
            "id": "Patient.identifier:nhsNumber.system",
            "path": "Patient.identifier.system",
            "min": 1,
            "fixedUri": NHS_NUMBER,
        },
        {
            "id": "Patient.identifier:nhsNumber.value",
            "path": "Patient.identifier.value",
            "min": 1,
            "maxLength": 10,
        },
        {"id": "Patient.name", "path": "Patient.name", "max": "0"},
        {"id": "Patient.gender", "path": "Patient.gender", "fixedCode": "female"},
        {
            "id": "Patient.maritalStatus",
            "path": "Patient.maritalStatus",
            "patternCodeableConcept": {"coding": [{"system": MARITAL, "code": "S"}]},
        },
    ],
)

KEYWORKER_NOTE = profile(
    "https://example.test/StructureDefinition/keyworker-note",
    "Extension",
    [
        {"id": "Extension", "path": "Extension", "short": "A note from the keyworker"},
        {
            "id": "Extension.url",
            "path": "Extension.url",
            "fixedUri": "https://example.test/StructureDefinition/keyworker-note",
        },
        {"id": "Extension.value[x]", "path": "Extension.value[x]", "min": 1, "type": [{"code": "string"}]},
    ],
    base=BASE + "Extension",
)
KEYWORKER_NOTE["context"] = [{"type": "element", "expression": "Patient"}]

CLOSED_PLAN = profile(
    "https://example.test/StructureDefinition/closed-plan",
    "CarePlan",
    [
        {
            "id": "CarePlan.category",
            "path": "CarePlan.category",
            "slicing": {
                "discriminator": [{"type": "pattern", "path": "$this"}],
                "rules": "closed",
                "ordered": True,
            },
        },
        {
            "id": "CarePlan.category:drugs",
            "path": "CarePlan.category",
            "sliceName": "drugs",
            "min": 1,
            "patternCodeableConcept": {"coding": [{"system": "http://example.test/domain", "code": "drugs"}]},
        },
        {
            "id": "CarePlan.category:health",
            "path": "CarePlan.category",
            "sliceName": "health",
            "patternCodeableConcept": {
                "coding": [{"system": "http://example.test/domain", "code": "health"}]
            },
        },
        {
            "id": "CarePlan.subject",
            "path": "CarePlan.subject",
            "type": [{"code": "Reference", "targetProfile": [BASE + "Patient"]}],
        },
        {
            "id": "CarePlan.description",
            "path": "CarePlan.description",
            "min": 1,
            "constraint": [
                {
                    "key": "cp-test-1",
                    "severity": "error",
                    "human": "Description is at least 5 long",
                    "expression": "length() >= 5",
                }
            ],
        },
        {"id": "CarePlan.valueQuantity", "path": "CarePlan.extension", "max": "0"},
    ],
)


def validator(*resources: dict[str, Any]) -> Validator:
    return Validator(Definitions.core_only().with_source(MemorySource(list(resources))))


def found(outcome_issues: Any) -> set[tuple[str, str | None]]:
    return {(i.message_id, i.expression) for i in outcome_issues if i.severity in ("error", "fatal")}


GOOD_PATIENT: dict[str, Any] = {
    "resourceType": "Patient",
    "meta": {"profile": [SERVICE_USER["url"]]},
    "text": {"status": "generated", "div": '<div xmlns="http://www.w3.org/1999/xhtml">Jo</div>'},
    "identifier": [{"system": NHS_NUMBER, "value": "9434765919"}],
    "gender": "female",
    "maritalStatus": {"coding": [{"system": MARITAL, "code": "S", "display": "Never Married"}]},
    "extension": [{"url": KEYWORKER_NOTE["url"], "valueString": "Seen weekly"}],
}


def test_snapshot_is_generated_and_a_good_instance_passes() -> None:
    checker = validator(SERVICE_USER, KEYWORKER_NOTE)
    structure = checker.context.library.structure(SERVICE_USER["url"])
    assert structure is not None and structure.problems == ()
    sliced = structure.by_id["Patient.identifier:nhsNumber.system"]
    assert sliced.fixed == NHS_NUMBER
    assert [i for i in checker.validate(GOOD_PATIENT).issues if i.severity != "information"] == []


def test_meta_profile_applies_cardinality_fixed_pattern_and_max_length() -> None:
    bad = {
        **GOOD_PATIENT,
        "identifier": [{"system": NHS_NUMBER, "value": "94347659190"}],
        "gender": "male",
        "maritalStatus": {"coding": [{"system": MARITAL, "code": "M"}]},
        "name": [{"family": "Smith"}],
    }
    assert found(validator(SERVICE_USER, KEYWORKER_NOTE).validate(bad).issues) == {
        ("value.max-length", "Patient.identifier[0].value"),
        ("value.fixed", "Patient.gender"),
        ("value.pattern", "Patient.maritalStatus"),
        ("cardinality.max", "Patient"),
    }


def test_required_slice_missing_and_slice_cardinality() -> None:
    other = {"system": "https://fhir.nhs.uk/Id/prison-number", "value": "A1234BC"}
    none = {**GOOD_PATIENT, "identifier": [other]}
    two = {**GOOD_PATIENT, "identifier": [*GOOD_PATIENT["identifier"], *GOOD_PATIENT["identifier"]]}
    checker = validator(SERVICE_USER, KEYWORKER_NOTE)
    assert found(checker.validate(none).issues) == {("slicing.min", "Patient")}
    assert found(checker.validate(two).issues) == {("slicing.max", "Patient")}


def test_extension_slice_checks_the_extension_definition() -> None:
    wrong_type = {**GOOD_PATIENT, "extension": [{"url": KEYWORKER_NOTE["url"], "valueInteger": 3}]}
    assert found(validator(SERVICE_USER, KEYWORKER_NOTE).validate(wrong_type).issues) == {
        ("choice.type-not-allowed", "Patient.extension[0].value.ofType(integer)"),
    }


def test_explicit_profile_and_unknown_profile() -> None:
    checker = validator(SERVICE_USER, KEYWORKER_NOTE)
    bare = {"resourceType": "Patient", "gender": "female"}
    assert ("slicing.min", "Patient") in found(checker.validate(bare, profiles=[SERVICE_USER["url"]]).issues)
    assert ("cardinality.min", "Patient") in found(
        checker.validate(bare, profiles=[SERVICE_USER["url"]]).issues
    )
    unknown = checker.validate(bare, profiles=["https://example.test/StructureDefinition/none"])
    assert [i.message_id for i in unknown.errors] == ["profile.unknown"]


def test_closed_ordered_pattern_slicing_reference_targets_and_profile_invariants() -> None:
    drugs = {"coding": [{"system": "http://example.test/domain", "code": "drugs"}]}
    health = {"coding": [{"system": "http://example.test/domain", "code": "health"}]}
    housing = {"coding": [{"system": "http://example.test/domain", "code": "housing"}]}
    plan = {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "plan",
        "subject": {"reference": "Group/1"},
        "description": "Dry",
        "category": [health, drugs, housing],
    }
    assert found(validator(CLOSED_PLAN).validate(plan, profiles=[CLOSED_PLAN["url"]]).issues) == {
        ("slicing.closed", "CarePlan.category[2]"),
        ("slicing.order", "CarePlan.category[1]"),
        ("reference.target-type", "CarePlan.subject"),
        ("invariant.cp-test-1", "CarePlan.description"),
    }


def test_required_and_extensible_bindings_and_unavailable_code_systems() -> None:
    condition = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/1"},
        "clinicalStatus": {"coding": [{"system": "http://example.test/other", "code": "x"}]},
        "verificationStatus": {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "nope"}
            ]
        },
        "severity": {"coding": [{"system": "http://snomed.info/sct", "code": "24484000"}]},
    }
    issues = validator().validate(condition).issues
    assert found(issues) == {
        ("binding.required", "Condition.clinicalStatus"),
        ("binding.required", "Condition.verificationStatus"),
        ("coding.unknown-code", "Condition.verificationStatus.coding[0]"),
    }
    problems = {
        "resourceType": "ValueSet",
        "url": "https://example.test/ValueSet/problems",
        "status": "draft",
        "compose": {
            "include": [
                {
                    "system": "http://snomed.info/sct",
                    "filter": [{"property": "concept", "op": "is-a", "value": "404684003"}],
                }
            ]
        },
    }
    bound = profile(
        "https://example.test/StructureDefinition/problem",
        "Condition",
        [
            {
                "id": "Condition.code",
                "path": "Condition.code",
                "binding": {"strength": "required", "valueSet": problems["url"]},
            }
        ],
    )
    checker = validator(problems, bound)
    snomed = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/1"},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "24484000"}]},
    }
    outcome = checker.validate(snomed, profiles=[bound["url"]])
    assert found(outcome.issues) == set()
    assert ("binding.unverifiable", "Condition.code") in {
        (i.message_id, i.expression) for i in outcome.issues
    }
    local = {**snomed, "code": {"coding": [{"system": "http://example.test/problems", "code": "x"}]}}
    assert found(checker.validate(local, profiles=[bound["url"]]).issues) == {
        ("binding.required", "Condition.code")
    }


def test_references_resolve_inside_bundles_and_contained() -> None:
    patient_url = "urn:uuid:7d2a5a3c-64b2-4b84-9d3a-0e0e4c7b5a11"
    plan = {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "plan",
        "subject": {"reference": patient_url},
        "author": {"reference": "#missing"},
        "careTeam": [{"reference": patient_url}],
    }
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": patient_url, "resource": {"resourceType": "Patient", "active": True}},
            {"fullUrl": "urn:uuid:7d2a5a3c-64b2-4b84-9d3a-0e0e4c7b5a12", "resource": plan},
        ],
    }
    assert found(validator().validate(bundle).issues) == {
        ("reference.contained-not-found", "Bundle.entry[1].resource.author"),
        ("invariant.ref-1", "Bundle.entry[1].resource.author"),
        ("reference.target-type", "Bundle.entry[1].resource.careTeam[0]"),
    }


def test_narrative_rules() -> None:
    patient = {
        "resourceType": "Patient",
        "text": {
            "status": "generated",
            "div": '<div xmlns="http://www.w3.org/1999/xhtml"><p onclick="x()">Hi</p>'
            "<script>x()</script></div>",
        },
    }
    assert found(validator().validate(patient).issues) == {
        ("xhtml.attribute", "Patient.text.div"),
        ("xhtml.element", "Patient.text.div"),
    }
    not_xhtml = {"resourceType": "Patient", "text": {"status": "generated", "div": "<div>Hi"}}
    assert found(validator().validate(not_xhtml).issues) == {("xhtml.syntax", "Patient.text.div")}


def test_extension_context_and_context_invariant() -> None:
    on_name_only = profile(
        "https://example.test/StructureDefinition/preferred-name-note",
        "Extension",
        [
            {
                "id": "Extension.url",
                "path": "Extension.url",
                "fixedUri": "https://example.test/StructureDefinition/preferred-name-note",
            },
            {"id": "Extension.value[x]", "path": "Extension.value[x]", "type": [{"code": "string"}]},
        ],
        base=BASE + "Extension",
    )
    on_name_only["context"] = [{"type": "element", "expression": "HumanName"}]
    inactive_only = {
        **on_name_only,
        "url": "https://example.test/StructureDefinition/inactive-reason",
        "context": [{"type": "element", "expression": "Patient"}],
        "contextInvariant": ["active.not()"],
    }
    inactive_only["differential"] = {
        "element": [
            {"id": "Extension.url", "path": "Extension.url", "fixedUri": inactive_only["url"]},
            {"id": "Extension.value[x]", "path": "Extension.value[x]", "type": [{"code": "string"}]},
        ]
    }
    checker = validator(on_name_only, inactive_only)
    note = {"url": on_name_only["url"], "valueString": "Jo"}
    reason = {"url": inactive_only["url"], "valueString": "moved away"}
    good = {
        "resourceType": "Patient",
        "active": False,
        "name": [{"family": "Smith", "extension": [note]}],
        "extension": [reason],
    }
    assert found(checker.validate(good).issues) == set()
    bad = {"resourceType": "Patient", "active": True, "extension": [note, reason]}
    assert found(checker.validate(bad).issues) == {
        ("extension.context", "Patient.extension[0]"),
        ("extension.context-invariant", "Patient.extension[1]"),
    }


def test_slicing_by_required_binding() -> None:
    key_domains = {
        "resourceType": "ValueSet",
        "url": "https://example.test/ValueSet/key-domain",
        "status": "draft",
        "compose": {"include": [{"system": "https://example.test/domain", "concept": [{"code": "drugs"}]}]},
    }
    areas = {
        "resourceType": "ValueSet",
        "url": "https://example.test/ValueSet/area",
        "status": "draft",
        "compose": {"include": [{"system": "https://example.test/domain", "concept": [{"code": "housing"}]}]},
    }
    need = profile(
        "https://example.test/StructureDefinition/need",
        "Condition",
        [
            {
                "id": "Condition.category",
                "path": "Condition.category",
                "slicing": {"discriminator": [{"type": "value", "path": "$this"}], "rules": "closed"},
            },
            {
                "id": "Condition.category:domain",
                "path": "Condition.category",
                "sliceName": "domain",
                "min": 1,
                "max": "1",
                "binding": {"strength": "required", "valueSet": key_domains["url"]},
            },
            {
                "id": "Condition.category:area",
                "path": "Condition.category",
                "sliceName": "area",
                "max": "1",
                "binding": {"strength": "required", "valueSet": areas["url"]},
            },
        ],
    )
    checker = validator(key_domains, areas, need)

    def category(code: str) -> dict[str, Any]:
        return {"coding": [{"system": "https://example.test/domain", "code": code}]}

    condition = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/1"},
        "category": [category("drugs"), category("housing")],
    }
    assert found(checker.validate(condition, profiles=[need["url"]]).issues) == set()
    stray = {**condition, "category": [category("housing"), category("offending")]}
    assert found(checker.validate(stray, profiles=[need["url"]]).issues) == {
        ("slicing.min", "Condition"),
        ("slicing.closed", "Condition.category[1]"),
    }


def test_complex_extension_sub_extensions() -> None:
    release = profile(
        "https://example.test/StructureDefinition/release-details",
        "Extension",
        [
            {
                "id": "Extension.extension",
                "path": "Extension.extension",
                "slicing": {"discriminator": [{"type": "value", "path": "url"}], "rules": "open"},
            },
            {
                "id": "Extension.extension:prison",
                "path": "Extension.extension",
                "sliceName": "prison",
                "min": 1,
                "max": "1",
            },
            {"id": "Extension.extension:prison.url", "path": "Extension.extension.url", "fixedUri": "prison"},
            {
                "id": "Extension.extension:prison.value[x]",
                "path": "Extension.extension.value[x]",
                "type": [{"code": "string"}],
            },
            {
                "id": "Extension.url",
                "path": "Extension.url",
                "fixedUri": "https://example.test/StructureDefinition/release-details",
            },
            {"id": "Extension.value[x]", "path": "Extension.value[x]", "max": "0"},
        ],
        base=BASE + "Extension",
    )
    checker = validator(release)
    good = {
        "resourceType": "Patient",
        "extension": [
            {"url": release["url"], "extension": [{"url": "prison", "valueString": "HMP Northtown"}]}
        ],
    }
    assert found(checker.validate(good).issues) == set()
    bad = {
        "resourceType": "Patient",
        "extension": [
            {"url": release["url"], "extension": [{"url": "prisn", "valueString": "HMP Northtown"}]}
        ],
    }
    assert found(checker.validate(bad).issues) == {
        ("extension.sub-unknown", "Patient.extension[0].extension[0]"),
        ("slicing.min", "Patient.extension[0]"),
    }


def test_a_type_with_several_profiles_must_meet_one() -> None:
    def city(name: str) -> dict[str, Any]:
        return profile(
            f"https://example.test/StructureDefinition/{name.lower()}-address",
            "Address",
            [{"id": "Address.city", "path": "Address.city", "fixedString": name}],
        )

    leeds, york = city("Leeds"), city("York")
    person = profile(
        "https://example.test/StructureDefinition/local-person",
        "Patient",
        [
            {
                "id": "Patient.address",
                "path": "Patient.address",
                "type": [{"code": "Address", "profile": [leeds["url"], york["url"]]}],
            }
        ],
    )
    checker = validator(leeds, york, person)
    at_york = {"resourceType": "Patient", "address": [{"city": "York"}]}
    assert found(checker.validate(at_york, profiles=[person["url"]]).issues) == set()
    at_hull = {"resourceType": "Patient", "address": [{"city": "Hull"}]}
    issues = checker.validate(at_hull, profiles=[person["url"]]).issues
    assert found(issues) == {
        ("type.profile-no-match", "Patient.address[0]"),
        ("value.fixed", "Patient.address[0].city"),
    }
    assert sum(1 for i in issues if i.message_id == "value.fixed") == 2


def test_a_structure_definitions_differential_is_checked() -> None:
    out_of_order = profile(
        "https://example.test/StructureDefinition/out-of-order",
        "Patient",
        [
            {"id": "Patient.birthDate", "path": "Patient.birthDate", "min": 1},
            {"id": "Patient.identifier", "path": "Patient.identifier", "min": 1},
            {"id": "Patient.nickname", "path": "Patient.nickname", "min": 1},
        ],
    )
    issues = validator().validate(out_of_order).issues
    assert found(issues) == {
        ("profile.differential", "StructureDefinition.differential.element[1]"),
        ("profile.differential", "StructureDefinition.differential.element[2]"),
        ("profile.differential-summary", "StructureDefinition"),
    }


def test_a_binding_on_an_element_that_cannot_carry_a_code() -> None:
    dated = profile(
        "https://example.test/StructureDefinition/dated",
        "Patient",
        [
            {
                "id": "Patient.birthDate",
                "path": "Patient.birthDate",
                "type": [{"code": "date"}],
                "binding": {
                    "strength": "required",
                    "valueSet": "http://hl7.org/fhir/ValueSet/administrative-gender",
                },
            }
        ],
    )
    assert found(validator().validate(dated).issues) == {
        ("profile.binding-irrelevant", "StructureDefinition.differential.element[0]")
    }


def test_unknown_discriminator_types_in_a_differential() -> None:
    sliced = profile(
        "https://example.test/StructureDefinition/sliced",
        "Patient",
        [
            {
                "id": "Patient.identifier",
                "path": "Patient.identifier",
                "slicing": {"discriminator": [{"type": "expression", "path": "system"}], "rules": "open"},
            }
        ],
    )
    assert ("profile.discriminator-unknown", "StructureDefinition") in found(
        validator().validate(sliced).issues
    )
