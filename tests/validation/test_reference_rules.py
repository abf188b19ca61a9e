"""Rules the HL7 reference validator applies that the fhir-test-cases comparison brought to light,
each shown with a small instance of its own and the issue's ``expression``."""

from __future__ import annotations

from typing import Any

from validation_builders import BASE, TEST, profile, validator

from adapter.definitions import Definitions, MemorySource
from adapter.validation import Validator

XHTML = 'xmlns="http://www.w3.org/1999/xhtml"'


def test_narrative_source_control_wants_every_piece_of_text_labelled() -> None:
    control = {
        "url": "http://hl7.org/fhir/StructureDefinition/narrative-source-control",
        "valueCode": "error",
    }
    sourced = profile(
        "sourced", "Patient", [{"id": "Patient.text", "path": "Patient.text", "extension": [control]}]
    )
    checker = validator(sourced)

    def found(div: str) -> list[tuple[str, str | None, str]]:
        patient = {"resourceType": "Patient", "text": {"status": "generated", "div": div}}
        outcome = checker.validate(patient, profiles=[sourced["url"]])
        return [(i.message_id, i.expression, i.text) for i in outcome.errors]

    labelled = (
        f'<div {XHTML}><h1 class="boilerplate">Plan</h1><table><tr><td class="generated">Ann</td></tr>'
        '</table><p class="additional">Seen</p></div>'
    )
    assert found(labelled) == []
    bare = f'<div {XHTML}>Loose words<p class="generated">Ann</p><ul><li>No <b>source</b></li></ul></div>'
    issues = found(bare)
    assert [(m, e) for m, e, _ in issues] == [("xhtml.source-unlabelled", "Patient.text")] * 2
    assert "'Loose words'" in issues[0][2] and "'No source'" in issues[1][2]
    # Without the profile the same narrative is fine.
    assert not checker.validate(
        {"resourceType": "Patient", "text": {"status": "generated", "div": bare}}
    ).errors


def obligation_profile(name: str, base: str, *, marked: bool = True) -> dict[str, Any]:
    made = profile(name, "Patient", [{"id": "Patient.active", "path": "Patient.active", "mustSupport": True}])
    made["baseDefinition"] = base
    if marked:
        made["extension"] = [
            {"url": "http://hl7.org/fhir/StructureDefinition/obligation-profile", "valueBoolean": True}
        ]
    return made


def test_inherited_obligations_come_from_obligation_profiles_on_the_same_base() -> None:
    same_base = obligation_profile("op-same", BASE + "Patient")
    other_base = obligation_profile("op-other", TEST + "op-same")
    unmarked = obligation_profile("op-unmarked", BASE + "Patient", marked=False)
    checker = validator(same_base, other_base, unmarked)
    inheriting = profile(
        "inheriting", "Patient", [{"id": "Patient.active", "path": "Patient.active", "min": 1}]
    )
    inheriting["extension"] = [
        {"url": "http://hl7.org/fhir/StructureDefinition/inherit-obligations", "valueCanonical": p["url"]}
        for p in (same_base, unmarked, other_base)
    ]
    found = {(i.message_id, i.expression) for i in checker.validate(inheriting).errors}
    assert found == {
        ("obligations.not-obligation-profile", "StructureDefinition.extension[1]"),
        ("obligations.different-base", "StructureDefinition.extension[2]"),
    }


def parameters_profile(name: str, slices: list[tuple[str, int, str, list[dict[str, Any]]]]) -> dict[str, Any]:
    """A Parameters profile with one slice per (parameter name, min, max, value[x] types)."""
    elements: list[dict[str, Any]] = [
        {
            "id": "Parameters.parameter",
            "path": "Parameters.parameter",
            "slicing": {"discriminator": [{"type": "value", "path": "name"}], "rules": "open"},
        }
    ]
    for slice_name, low, high, types in slices:
        at = f"Parameters.parameter:{slice_name}"
        elements += [
            {"id": at, "path": "Parameters.parameter", "sliceName": slice_name, "min": low, "max": high},
            {"id": f"{at}.name", "path": "Parameters.parameter.name", "fixedString": slice_name},
            {"id": f"{at}.value[x]", "path": "Parameters.parameter.value[x]", "type": types},
            {"id": f"{at}.resource", "path": "Parameters.parameter.resource", "max": "0"},
        ]
    return profile(name, "Parameters", elements)


def test_an_operations_input_profile_agrees_with_its_parameters() -> None:
    target = BASE + "Patient"
    inputs = parameters_profile(
        "plan-in",
        [
            ("plan", 1, "1", [{"code": "Reference", "targetProfile": [target]}]),
            ("since", 0, "1", [{"code": "date"}]),
            ("extra", 0, "1", [{"code": "string"}]),
        ],
    )
    operation = {
        "resourceType": "OperationDefinition",
        "url": "https://example.test/OperationDefinition/plan-summary",
        "name": "PlanSummary",
        "status": "draft",
        "kind": "operation",
        "code": "plan-summary",
        "system": False,
        "type": True,
        "instance": False,
        "resource": ["CarePlan"],
        "inputProfile": inputs["url"],
        "parameter": [
            {"name": "plan", "use": "in", "min": 0, "max": "1", "type": "Reference"},
            {"name": "since", "use": "in", "min": 0, "max": "1", "type": "dateTime"},
            {"name": "format", "use": "in", "min": 0, "max": "1", "type": "code"},
            {"name": "summary", "use": "out", "min": 1, "max": "1", "type": "CarePlan"},
        ],
    }
    outcome = validator(inputs).validate(operation)
    found = sorted((i.message_id, i.expression) for i in outcome.errors)
    assert found == [
        ("operation.profile-min", "OperationDefinition.inputProfile.parameter[0]"),
        ("operation.profile-target-extra", "OperationDefinition.inputProfile.parameter[0]"),
        ("operation.profile-type-extra", "OperationDefinition.inputProfile.parameter[1]"),
        ("operation.profile-type-missing", "OperationDefinition.inputProfile.parameter[1]"),
    ]
    warnings = sorted((i.message_id, i.expression) for i in outcome.issues if i.severity == "warning")
    assert ("operation.profile-extra-parameter", "OperationDefinition.inputProfile") in warnings
    assert (
        "operation.profile-missing-parameter",
        "OperationDefinition.inputProfile.parameter[2]",
    ) in warnings


def test_opd_3_lets_a_resource_typed_parameter_name_a_target_profile() -> None:
    def parameter(kind: str) -> dict[str, Any]:
        return {
            "name": "p",
            "use": "in",
            "min": 0,
            "max": "1",
            "type": kind,
            "targetProfile": [BASE + "Patient"],
        }

    operation = {
        "resourceType": "OperationDefinition",
        "name": "Check",
        "status": "draft",
        "kind": "operation",
        "code": "check",
        "system": True,
        "type": False,
        "instance": False,
        "parameter": [parameter("Patient"), parameter("Reference"), parameter("string")],
    }
    found = {(i.message_id, i.expression) for i in validator().validate(operation).errors}
    assert found == {("invariant.opd-3", "OperationDefinition.parameter[2]")}


def observation(system: str, code: str, **more: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "vital-signs",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": system, "code": code}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2024-05-01T09:00:00Z",
        **more,
    }


def test_a_vital_sign_code_puts_the_observation_under_its_vital_signs_profile() -> None:
    temperature = {"value": 36.6, "unit": "Cel", "system": "http://unitsofmeasure.org", "code": "Cel"}
    checker = validator()
    by_loinc = checker.validate(observation("http://loinc.org", "8310-5", valueQuantity=temperature))
    assert not by_loinc.errors
    notes = [(i.message_id, i.expression) for i in by_loinc.issues if i.severity == "information"]
    assert ("vital-signs.profile-applied", "Observation") in notes
    # SNOMED CT's body temperature concept calls for the same profile, whose slice wants LOINC 8310-5.
    by_snomed = checker.validate(
        observation("http://snomed.info/sct", "276885007", valueQuantity=temperature)
    )
    found = {(i.message_id, i.expression) for i in by_snomed.errors}
    assert found == {("slicing.min", "Observation.code")}
    assert "bodytemp" in next(
        i.text for i in by_snomed.issues if i.message_id == "vital-signs.profile-applied"
    )
    # A code outside the table asks for no profile.
    other = checker.validate(observation("http://loinc.org", "2339-0", valueQuantity=temperature))
    assert not [i for i in other.issues if i.message_id == "vital-signs.profile-applied"]


def _applied(outcome: Any) -> list[str]:
    return [
        i.text.split("(")[1].split(")")[0]
        for i in outcome.issues
        if i.message_id == "vital-signs.profile-applied"
    ]


def test_which_vital_signs_profile_follows_the_reference_validators_code_groups() -> None:
    # ObservationValidator: LOINC groups are tried before SNOMED CT groups, whatever the coding order;
    # its lists go beyond the specification's one code per profile (8480-6 systolic -> bp).
    both = observation("http://snomed.info/sct", "276885007")
    both["code"]["coding"].append({"system": "http://loinc.org", "code": "8867-4"})
    assert _applied(validator().validate(both)) == ["http://hl7.org/fhir/StructureDefinition/heartrate"]
    systolic = observation("http://loinc.org", "8480-6")
    assert _applied(validator().validate(systolic)) == ["http://hl7.org/fhir/StructureDefinition/bp"]
    # SNOMED CT respiratory rate codes: the reference names no profile for them, so none applies
    assert _applied(validator().validate(observation("http://snomed.info/sct", "86290005"))) == []
    # an Observation already claiming the profile (or one derived from it) is not told again
    claimed = observation("http://loinc.org", "8867-4")
    claimed["meta"] = {"profile": ["http://hl7.org/fhir/StructureDefinition/heartrate"]}
    assert _applied(validator().validate(claimed)) == []


def test_blood_pressure_components_find_their_slices_by_the_code_in_a_required_coding_slice() -> None:
    def component(code: str, value: int) -> dict[str, Any]:
        return {
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
            "valueQuantity": {
                "value": value,
                "unit": "mmHg",
                "system": "http://unitsofmeasure.org",
                "code": "mm[Hg]",
            },
        }

    pressure = observation(
        "http://loinc.org", "85354-9", component=[component("8480-6", 120), component("8462-4", 80)]
    )
    assert not validator().validate(pressure).errors
    systolic_only = observation("http://loinc.org", "85354-9", component=[component("8480-6", 120)])
    found = {(i.message_id, i.expression) for i in validator().validate(systolic_only).errors}
    # One component: the DiastolicBP slice is missing (and bp wants two components).
    assert found == {("slicing.min", "Observation"), ("cardinality.min", "Observation")}
    diastolic = [i.text for i in validator().validate(systolic_only).errors if i.message_id == "slicing.min"]
    assert ["DiastolicBP" in text for text in diastolic] == [True]


def test_vital_signs_component_units_are_an_extensible_binding() -> None:
    flow = {"value": 2, "unit": "L/min", "system": "http://unitsofmeasure.org", "code": "L/min"}
    saturation = {"value": 97, "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"}
    oxygen = observation(
        "http://loinc.org",
        "2708-6",
        valueQuantity=saturation,
        component=[
            {"code": {"coding": [{"system": "http://loinc.org", "code": "3151-8"}]}, "valueQuantity": flow}
        ],
    )
    outcome = validator().validate(oxygen)
    assert not outcome.errors
    units = [i for i in outcome.issues if "ucum-vitals-common" in i.text]
    assert [(i.severity, i.expression) for i in units][:1] == [
        ("warning", "Observation.component[0].value.ofType(Quantity)")
    ]


def test_a_core_profile_as_target_profile_names_the_type_it_profiles() -> None:
    # vitalsigns profiles Observation: a reference to an Observation fits Reference(vitalsigns).
    derived = observation(
        "http://loinc.org",
        "8867-4",
        valueQuantity={"value": 60, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"},
        derivedFrom=[{"reference": "#source"}],
        contained=[
            {**observation("http://loinc.org", "8867-4"), "id": "source", "dataAbsentReason": {"text": "no"}}
        ],
    )
    found = {(i.message_id, i.expression) for i in validator().validate(derived).errors}
    assert not {f for f in found if f[0] == "reference.target-type"}


def test_a_transaction_entry_with_relative_references_needs_a_full_url() -> None:
    patient = {"resourceType": "Patient", "id": "p1"}
    plan = {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "plan",
        "subject": {"reference": "Patient/p1"},
    }
    request = {"method": "POST", "url": "CarePlan"}
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"resource": patient, "request": {"method": "PUT", "url": "Patient/p1"}},
            {"resource": plan, "request": request},
        ],
    }
    found = {(i.message_id, i.expression) for i in validator().validate(bundle).errors}
    assert found == {
        ("bundle.fullurl-needed", "Bundle.entry[1]"),
        ("bundle.relative-without-fullurl", "Bundle.entry[1].resource.subject"),
    }
    bundle["entry"][0]["fullUrl"] = "https://example.test/fhir/Patient/p1"
    bundle["entry"][1]["fullUrl"] = "urn:uuid:0b6e3c52-8b1b-4c0e-9d55-0c3b2f0e6a11"
    with_urls = {i.message_id for i in validator().validate(bundle).errors}
    assert not with_urls & {"bundle.fullurl-needed", "bundle.relative-without-fullurl"}


def test_inside_a_bundle_a_relative_reference_names_a_type_and_an_id() -> None:
    listing = {
        "resourceType": "List",
        "status": "current",
        "mode": "working",
        "entry": [{"item": {"reference": "p1"}}, {"item": {"reference": "Patient/p1"}}],
    }
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "https://example.test/fhir/List/l1", "resource": {**listing, "id": "l1"}},
            {
                "fullUrl": "https://example.test/fhir/Patient/p1",
                "resource": {"resourceType": "Patient", "id": "p1"},
            },
        ],
    }
    found = {(i.message_id, i.expression) for i in validator().validate(bundle).errors}
    assert found == {("reference.relative-format", "Bundle.entry[0].resource.entry[0].item")}
    # Outside a Bundle the same reference is only suspicious.
    alone = validator().validate(listing)
    assert not alone.errors
    assert ("reference.syntax", "List.entry[0].item") in {(i.message_id, i.expression) for i in alone.issues}


def test_an_unresolved_references_url_names_its_type_only_when_urls_are_trusted() -> None:
    patients_only = profile(
        "patients-only",
        "Observation",
        [
            {
                "id": "Observation.subject",
                "path": "Observation.subject",
                "type": [{"code": "Reference", "targetProfile": [BASE + "Patient"]}],
            }
        ],
    )
    group_subject = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "weight"},
        "subject": {"reference": "Group/12345"},
    }
    definitions = Definitions.core_only().with_source(MemorySource([patients_only], name="test"))

    def found(trust: bool) -> set[tuple[str, str | None]]:
        checker = Validator(definitions, assume_valid_rest_references=trust)
        outcome = checker.validate(group_subject, profiles=[patients_only["url"]])
        return {(i.message_id, i.expression) for i in outcome.errors}

    assert found(True) == {("reference.target-type", "Observation.subject")}
    assert found(False) == set()
    # A target that resolves is checked whatever the setting: its own type is known.
    contained = {
        **group_subject,
        "contained": [{"resourceType": "Group", "id": "g", "type": "person", "actual": True}],
        "subject": {"reference": "#g"},
    }
    checker = Validator(definitions, assume_valid_rest_references=False)
    outcome = checker.validate(contained, profiles=[patients_only["url"]])
    assert ("reference.target-type", "Observation.subject") in {
        (i.message_id, i.expression) for i in outcome.errors
    }


def test_extensions_from_an_allowed_domain_need_no_definition() -> None:
    plan = {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "plan",
        "subject": {"reference": "Patient/p1"},
        "extension": [
            {"url": "https://fhir.example-trust.test/StructureDefinition/keyworker-band", "valueString": "B"},
            {"url": "https://elsewhere.test/StructureDefinition/unknown", "valueString": "x"},
        ],
    }
    strict = {(i.message_id, i.expression) for i in Validator().validate(plan).errors}
    assert strict == {
        ("extension.unknown", "CarePlan.extension[0]"),
        ("extension.unknown", "CarePlan.extension[1]"),
    }
    trusting = Validator(allowed_extension_domains=["https://fhir.example-trust.test/StructureDefinition"])
    outcome = trusting.validate(plan)
    assert {(i.message_id, i.expression) for i in outcome.errors} == {
        ("extension.unknown", "CarePlan.extension[1]")
    }
    notes = {(i.message_id, i.expression) for i in outcome.issues if i.severity == "information"}
    assert ("extension.unknown-allowed", "CarePlan.extension[0]") in notes
