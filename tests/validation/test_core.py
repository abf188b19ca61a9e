"""The core walk: unknown elements, cardinality, JSON shape, formats, choices, resources, bundles."""

from __future__ import annotations

from typing import Any

import pytest

import adapter.validation
from adapter.validation import Validator, validate
from adapter.validation.walker import MAX_DEPTH


def found(resource: Any, **options: Any) -> set[tuple[str, str | None]]:
    """(message id, expression) of every error and warning."""
    outcome = validate(resource, **options)
    return {(i.message_id, i.expression) for i in outcome.issues if i.severity != "information"}


def errors(resource: Any, **options: Any) -> set[tuple[str, str | None]]:
    return {(i.message_id, i.expression) for i in validate(resource, **options).errors}


CAREPLAN: dict[str, Any] = {
    "resourceType": "CarePlan",
    "status": "active",
    "intent": "plan",
    "subject": {"reference": "Patient/1"},
    "text": {"status": "generated", "div": '<div xmlns="http://www.w3.org/1999/xhtml">Plan</div>'},
}


def test_public_surface_is_listed() -> None:
    assert sorted(adapter.validation.__all__) == [
        "CodeAnswer",
        "CodeLookup",
        "CodeQuestion",
        "TerminologyServer",
        "Validator",
        "validate",
    ]


def test_a_valid_care_plan_has_no_issues() -> None:
    assert validate(CAREPLAN).issues == ()


def test_unknown_elements_are_errors_at_their_parent() -> None:
    bad = {**CAREPLAN, "keyworker": "x", "activity": [{"detail": {"status": "scheduled", "colour": 1}}]}
    assert errors(bad) == {
        ("type.unknown-element", "CarePlan"),
        ("type.unknown-element", "CarePlan.activity[0].detail"),
    }


def test_cardinality_min_and_max() -> None:
    missing = {k: v for k, v in CAREPLAN.items() if k != "status"}
    assert errors(missing) == {("cardinality.min", "CarePlan")}
    texts = [i.text for i in validate(missing).errors]
    assert texts == [
        "CarePlan.status: minimum required = 1, but only found 0 "
        "(from http://hl7.org/fhir/StructureDefinition/CarePlan)"
    ]


def test_json_shape_array_single_empty_and_null() -> None:
    patient = {
        "resourceType": "Patient",
        "name": {"family": "Smith"},
        "gender": ["male"],
        "telecom": [],
        "address": [None],
        "birthDate": None,
    }
    assert errors(patient) == {
        ("json.array-expected", "Patient.name"),
        ("json.array-unexpected", "Patient.gender"),
        ("json.empty-array", "Patient.telecom"),
        ("json.null", "Patient.address[0]"),
        ("json.null", "Patient.birthDate"),
    }


def test_primitive_json_types() -> None:
    patient = {
        "resourceType": "Patient",
        "active": "true",
        "multipleBirthInteger": "2",
        "name": [{"family": 7}],
    }
    assert errors(patient) == {
        ("json.primitive-type", "Patient.active"),
        ("json.primitive-type", "Patient.multipleBirth.ofType(integer)"),
        ("json.primitive-type", "Patient.name[0].family"),
    }


@pytest.mark.parametrize(
    ("field", "value", "message_id"),
    [
        ("birthDate", "2020-02-30", "format.date"),
        ("birthDate", "20-01-01", "format.date"),
        ("deceasedDateTime", "2020-01-01T10:00:00", "format.dateTime"),
        ("id", "has space", "format.id"),
        ("id", "a" * 65, "format.id"),
        ("implicitRules", "has space", "format.uri"),
        ("language", " en", "format.code"),
        ("multipleBirthInteger", 2**31, "format.integer"),
        ("gender", "", "format.empty"),
    ],
)
def test_primitive_formats(field: str, value: Any, message_id: str) -> None:
    expression = "Patient." + (
        field.replace("DateTime", ".ofType(dateTime)").replace("Integer", ".ofType(integer)")
    )
    assert (message_id, expression) in errors({"resourceType": "Patient", field: value})


def test_good_primitive_formats_pass() -> None:
    patient = {
        "resourceType": "Patient",
        "id": "a-1.b",
        "birthDate": "2000-02-29",
        "deceasedDateTime": "2020-01-01T10:00:00+01:00",
        "photo": [{"contentType": "image/png", "data": "aGVsbG8=", "size": 5}],
        "multipleBirthInteger": 2,
    }
    assert errors(patient) == set()


def test_base64_and_positive_int_and_decimal() -> None:
    media = {
        "resourceType": "Media",
        "status": "completed",
        "content": {"contentType": "text/plain", "data": "%%%2@()()", "size": -1},
        "height": 0,
    }
    assert errors(media) == {
        ("format.base64Binary", "Media.content.data"),
        ("format.unsignedInt", "Media.content.size"),
        ("format.positiveInt", "Media.height"),
    }


def test_primitive_extensions_are_walked() -> None:
    patient = {
        "resourceType": "Patient",
        "_birthDate": {
            "extension": [{"url": "https://fhir.nhs.test/StructureDefinition/unknown", "valueString": "x"}],
            "colour": 1,
        },
        "_gender": {},
    }
    assert errors(patient) == {
        ("extension.unknown", "Patient.birthDate.extension[0]"),
        ("type.unknown-element", "Patient.birthDate"),
        ("invariant.ele-1", "Patient.gender"),
    }


def test_choice_types() -> None:
    observation = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "weight"},
        "valueQuantity": {"value": 70},
        "valueString": "seventy",
        "effectiveBanana": "x",
    }
    found_here = errors(observation)
    assert ("choice.multiple", "Observation") in found_here
    assert ("type.unknown-element", "Observation") in found_here


def test_resource_type_problems_and_bad_roots() -> None:
    assert errors({"resourceType": "Nope"}) == {("resource.type-unknown", None)}
    assert errors({"status": "active"}) == {("resource.type-missing", None)}
    assert [i.severity for i in validate([1, 2]).issues] == ["fatal"]
    assert errors({"resourceType": "Patient", "contained": [{"resourceType": "Patient", "active": 1}]}) >= {
        ("json.primitive-type", "Patient.contained[0].active")
    }


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    nested: dict[str, Any] = {"url": "http://example.org/x", "valueString": "leaf"}
    for _ in range(MAX_DEPTH + 50):
        nested = {"url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace", "extension": [nested]}
    outcome = validate({"resourceType": "Patient", "extension": [nested]})
    assert any(i.message_id == "structure.too-deep" for i in outcome.errors)


def test_contained_resources_are_validated_and_must_be_referenced() -> None:
    plan = {
        **CAREPLAN,
        "contained": [{"resourceType": "Goal", "id": "g1", "lifecycleStatus": "bogus", "subject": {}}],
    }
    found_here = errors(plan)
    assert ("binding.required", "CarePlan.contained[0].lifecycleStatus") in found_here
    assert ("cardinality.min", "CarePlan.contained[0]") in found_here
    assert ("invariant.dom-3", "CarePlan.contained[0]") in found_here
    referenced = {**plan, "goal": [{"reference": "#g1"}]}
    assert ("invariant.dom-3", "CarePlan.contained[0]") not in errors(referenced)


def test_bundle_entries_are_validated_against_their_own_type() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a",
                "resource": {**CAREPLAN, "status": "x"},
            },
            {
                "fullUrl": "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0b",
                "resource": {"resourceType": "Nope"},
            },
        ],
    }
    assert errors(bundle) == {
        ("binding.required", "Bundle.entry[0].resource.status"),
        ("binding.code-system-undetermined", "Bundle.entry[0].resource.status"),
        ("resource.type-unknown", "Bundle.entry[1].resource"),
    }


def test_validator_reuses_its_compiled_cache() -> None:
    validator = Validator()
    first = validator.validate(CAREPLAN)
    structure = validator.context.library.structure("CarePlan")
    second = validator.validate(CAREPLAN)
    assert first == second
    assert validator.context.library.structure("CarePlan") is structure


def test_invariants_resolve_references_to_contained_resources() -> None:
    def team(member_type: str) -> dict[str, Any]:
        return {
            "resourceType": "CareTeam",
            "contained": [{"resourceType": member_type, "id": "m1"}],
            "participant": [{"member": {"reference": "#m1"}, "onBehalfOf": {"reference": "Organization/1"}}],
        }

    assert ("invariant.ctm-1", "CareTeam.participant[0]") in errors(team("Patient"))
    assert ("invariant.ctm-1", "CareTeam.participant[0]") not in errors(team("Practitioner"))


def test_attachment_size_must_match_its_data() -> None:
    def media(size: int) -> dict[str, Any]:
        return {
            "resourceType": "Media",
            "status": "completed",
            "content": {"contentType": "text/plain", "data": "aGVsbG8=", "size": size},
        }

    assert errors(media(5)) == set()
    assert errors(media(100)) == {("attachment.size", "Media.content")}
