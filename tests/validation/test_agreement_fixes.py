"""Rules found by comparing with the HL7 reference validator, each with a small instance of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from validation_builders import BASE, TEST, profile, validator

from adapter.definitions import Definitions, MemorySource
from adapter.validation import Validator, validate
from adapter.validation.inputs import load_file


def errors(resource: Any, **options: Any) -> set[tuple[str, str | None]]:
    return {(i.message_id, i.expression) for i in validate(resource, **options).errors}


def encounter(start: str, end: str) -> dict[str, Any]:
    return {
        "resourceType": "Encounter",
        "status": "unknown",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "period": {"start": start, "end": end},
    }


def test_per_1_a_date_and_a_time_on_that_day_cannot_be_ordered() -> None:
    same_day = encounter("2023-06-21", "2023-06-21T06:20:00Z")
    assert errors(same_day) == {("invariant.per-1", "Encounter.period")}
    assert errors(encounter("2023-06-20", "2023-06-21T06:20:00Z")) == set()
    assert errors(encounter("2023-06-21T05:00:00Z", "2023-06-21T06:20:00Z")) == set()


def test_example_urls_are_errors_only_when_examples_are_not_allowed() -> None:
    def reference(url: str) -> dict[str, Any]:
        return {
            "resourceType": "DocumentReference",
            "status": "current",
            "content": [{"attachment": {"url": url}}],
        }

    example = reference("http://repository.example.org/fhir/DocumentReference/1")
    assert errors(example) == set()
    strict = Validator(allow_example_urls=False)
    found = {(i.message_id, i.expression) for i in strict.validate(example).errors}
    assert found == {("url.example", "DocumentReference.content[0].attachment.url")}
    assert not strict.validate(reference("http://repository.exampleorg.net/1")).errors


def test_several_profiles_on_a_resource_element_are_alternatives() -> None:
    named = profile(
        "named-service-user", "Patient", [{"id": "Patient.name", "path": "Patient.name", "min": 1}]
    )
    born = profile(
        "born-service-user", "Patient", [{"id": "Patient.birthDate", "path": "Patient.birthDate", "min": 1}]
    )
    either = profile(
        "handover-parameters",
        "Parameters",
        [
            {
                "id": "Parameters.parameter.resource",
                "path": "Parameters.parameter.resource",
                "type": [{"code": "Resource", "profile": [named["url"], born["url"]]}],
            }
        ],
    )
    checker = validator(named, born, either)

    def parameters(patient: dict[str, Any]) -> set[tuple[str, str | None]]:
        resource = {"resourceType": "Parameters", "parameter": [{"name": "p", "resource": patient}]}
        outcome = checker.validate(resource, profiles=[either["url"]])
        return {(i.message_id, i.expression) for i in outcome.errors}

    assert parameters({"resourceType": "Patient", "birthDate": "1980-01-01"}) == set()
    assert parameters({"resourceType": "Patient", "name": [{"family": "Smith"}]}) == set()
    neither = parameters({"resourceType": "Patient", "gender": "female"})
    assert ("type.profile-no-match", "Parameters.parameter[0].resource") in neither
    assert ("cardinality.min", "Parameters.parameter[0].resource") in neither


def test_member_of_in_an_invariant_is_answered_from_local_value_sets() -> None:
    criticality = "http://hl7.org/fhir/allergy-intolerance-criticality"
    low_only = {
        "resourceType": "ValueSet",
        "url": "https://example.test/ValueSet/low-only",
        "status": "draft",
        "compose": {"include": [{"system": criticality, "concept": [{"code": "low"}]}]},
    }
    rule = {
        "key": "low-1",
        "severity": "error",
        "human": "must be in a value set",
        "expression": f"memberOf('{low_only['url']}')",
    }
    basic = profile(
        "low-criticality", "Basic", [{"id": "Basic.code", "path": "Basic.code", "constraint": [rule]}]
    )
    checker = validator(low_only, basic)

    def found(code: str) -> set[tuple[str, str | None]]:
        resource = {"resourceType": "Basic", "code": {"coding": [{"system": criticality, "code": code}]}}
        outcome = checker.validate(resource, profiles=[basic["url"]])
        return {(i.message_id, i.expression) for i in outcome.errors}

    assert found("low") == set()
    assert found("high") == {("invariant.low-1", "Basic.code")}


def test_duration_bounds_on_a_date_are_measured_from_now() -> None:
    century = {"value": 100, "unit": "a", "system": "http://unitsofmeasure.org", "code": "a"}
    decade = {"value": 10, "unit": "a", "system": "http://unitsofmeasure.org", "code": "a"}
    born = profile(
        "born-in-living-memory",
        "Patient",
        [{"id": "Patient.birthDate", "path": "Patient.birthDate", "minValueDuration": century}],
    )
    due = profile(
        "due-within-a-decade",
        "Patient",
        [{"id": "Patient.birthDate", "path": "Patient.birthDate", "maxValueDuration": decade}],
    )
    checker = validator(born, due)

    def found(birth_date: str, url: str) -> set[tuple[str, str | None]]:
        outcome = checker.validate({"resourceType": "Patient", "birthDate": birth_date}, profiles=[url])
        return {(i.message_id, i.expression) for i in outcome.errors}

    assert found("1850-01-01", born["url"]) == {("value.min", "Patient.birthDate")}
    assert found("1990-01-01", born["url"]) == set()
    assert found("2100-01-01", due["url"]) == {("value.max", "Patient.birthDate")}
    assert found("2020-01-01", due["url"]) == set()


def test_a_type_profile_the_definitions_do_not_hold_is_an_error_at_each_value() -> None:
    missing = TEST + "not-held-identifier"
    pharmacy = profile(
        "pharmacy",
        "Organization",
        [
            {
                "id": "Organization.identifier",
                "path": "Organization.identifier",
                "type": [{"code": "Identifier", "profile": [missing]}],
            }
        ],
    )
    outcome = validator(pharmacy).validate(
        {"resourceType": "Organization", "identifier": [{"value": "1"}, {"value": "2"}]},
        profiles=[pharmacy["url"]],
    )
    assert {(i.message_id, i.expression) for i in outcome.errors} == {
        ("type.profile-unknown", "Organization.identifier[0]"),
        ("type.profile-unknown", "Organization.identifier[1]"),
    }


def test_min_value_is_compared_across_metric_prefixes_of_one_unit() -> None:
    ucum = "http://unitsofmeasure.org"
    floor = profile(
        "weight",
        "Observation",
        [
            {
                "id": "Observation.value[x]",
                "path": "Observation.value[x]",
                "type": [{"code": "Quantity"}],
                "minValueQuantity": {"value": 1, "system": ucum, "code": "kg"},
            }
        ],
    )
    checker = validator(floor)

    def found(value: float, code: str) -> set[tuple[str, str | None]]:
        weight = {
            "resourceType": "Observation",
            "status": "final",
            "code": {"text": "weight"},
            "valueQuantity": {"value": value, "system": ucum, "code": code},
        }
        outcome = checker.validate(weight, profiles=[floor["url"]])
        return {(i.message_id, i.expression) for i in outcome.errors}

    assert found(500, "g") == {("value.min", "Observation.value.ofType(Quantity)")}
    assert found(1500, "g") == set()
    assert found(2_000_000, "mg") == set()
    # No conversion between different base units (g and L): not compared, not a false error.
    assert found(5, "mL") == set()


def test_the_runner_names_cases_out_of_reach_and_keeps_them_in_the_figures() -> None:
    from adapter.validation.conformance import UNREACHABLE, CaseResult, Step, report

    results = [
        CaseResult("uk-msg", "bundle", [Step(4, 0)]),
        CaseResult("plain", "general", [Step(1, 1)]),
    ]
    text = report(results)
    assert "ALL              2       1          1   exact 50.0%" in text
    assert "reachable        1       1          1   exact 100.0%" in text
    assert f"out of reach: {UNREACHABLE['uk-msg']}" in text
    assert "terminology server" in UNREACHABLE["uk-msg"]


def test_a_required_additional_binding_is_checked_beside_the_main_one() -> None:
    internal = {
        "resourceType": "ValueSet",
        "url": "https://example.test/ValueSet/internal",
        "status": "draft",
        "compose": {"include": [{"system": "http://loinc.org", "concept": [{"code": "100065-2"}]}]},
    }
    additional = {
        "url": "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.binding.additional",
        "extension": [
            {"url": "purpose", "valueCode": "required"},
            {"url": "valueSet", "valueCanonical": internal["url"]},
        ],
    }
    coded = profile(
        "coded-observation",
        "Observation",
        [
            {
                "id": "Observation.code",
                "path": "Observation.code",
                "binding": {
                    "strength": "example",
                    "valueSet": "http://hl7.org/fhir/ValueSet/observation-codes",
                    "extension": [additional],
                },
            }
        ],
    )
    checker = validator(internal, coded)

    def found(code: str) -> set[tuple[str, str | None]]:
        observation = {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        }
        outcome = checker.validate(observation, profiles=[coded["url"]])
        return {(i.message_id, i.expression) for i in outcome.errors}

    assert found("100065-2") == set()
    assert found("100066-0") == {("binding.additional-required", "Observation.code")}


def test_a_profile_walk_replaces_the_base_walk_and_its_own_value_set_names_displays() -> None:
    relationship = "http://terminology.hl7.org/CodeSystem/v2-0131"
    renamed = {
        "resourceType": "ValueSet",
        "id": "relationships",
        "status": "draft",
        "expansion": {
            "timestamp": "2019-05-23T10:18:03Z",
            "contains": [
                {"system": relationship, "code": "C", "display": "alt-display"},
                {"system": relationship, "code": "N", "designation": [{"value": "alt-designation"}]},
            ],
        },
    }
    translated = profile(
        "translated",
        "Patient",
        [
            {
                "id": "Patient.contact.relationship",
                "path": "Patient.contact.relationship",
                "binding": {"strength": "required", "valueSet": "#relationships"},
            }
        ],
    )
    translated["contained"] = [renamed]
    checker = validator(translated)
    patient = {
        "resourceType": "Patient",
        "contact": [
            {
                "relationship": [
                    {"coding": [{"system": relationship, "code": "C", "display": "alt-display"}]},
                    {"coding": [{"system": relationship, "code": "N", "display": "alt-designation"}]},
                ],
                "name": {"text": "Someone"},
            }
        ],
    }
    base = {(i.message_id, i.expression) for i in checker.validate(patient).errors}
    assert base == {
        ("coding.display", "Patient.contact[0].relationship[0].coding[0].display"),
        ("coding.display", "Patient.contact[0].relationship[1].coding[0].display"),
    }
    assert not checker.validate(patient, profiles=[translated["url"]]).errors
    # The profile's walk still holds every base rule: an unknown element is found once.
    patient["colour"] = "blue"
    found = [
        (i.message_id, i.expression) for i in checker.validate(patient, profiles=[translated["url"]]).errors
    ]
    assert found == [("type.unknown-element", "Patient")]


def test_a_documents_references_follow_the_full_url_rules_and_reach_every_entry() -> None:
    # BaseValidator.resolveInBundle, as BundleValidator applies it to documents: a relative reference
    # is read only against its entry's RESTful fullUrl; from an entry named by a URN it names nothing.
    organisation = "6d1f3a52-0c4e-4f7b-9a11-2b8e5c7d9f00"

    def document(composition_url: str, organisation_url: str) -> dict[str, Any]:
        composition = {
            "resourceType": "Composition",
            "id": "c1",
            "status": "final",
            "type": {"text": "care plan summary"},
            "date": "2023-11-11",
            "author": [{"reference": f"Organization/{organisation}"}],
            "title": "Summary",
        }
        return {
            "resourceType": "Bundle",
            "identifier": {"system": "https://example.test/documents", "value": "1"},
            "type": "document",
            "timestamp": "2023-11-11T12:16:44Z",
            "entry": [
                {"fullUrl": composition_url, "resource": composition},
                {
                    "fullUrl": organisation_url,
                    "resource": {"resourceType": "Organization", "id": organisation},
                },
            ],
        }

    from_urn = errors(document("urn:uuid:10a67a86-a9ec-427e-ba3f-f042cef21733", f"urn:uuid:{organisation}"))
    assert from_urn >= {
        ("reference.bundle-fullurl-rules", "Bundle.entry[0].resource.author[0]"),
        ("bundle.document-unreachable", "Bundle.entry[1]"),
    }
    restful = errors(
        document("http://a.example/fhir/Composition/c1", f"http://a.example/fhir/Organization/{organisation}")
    )
    assert not {m for m, _ in restful} & {"reference.bundle-fullurl-rules", "bundle.document-unreachable"}


def test_type_slicing_on_resolve_uses_the_slices_target_profiles() -> None:
    def item_slice(name: str, target: str, most: str) -> list[dict[str, Any]]:
        return [
            {"id": f"List.entry:{name}", "path": "List.entry", "sliceName": name, "min": 1, "max": most},
            {
                "id": f"List.entry:{name}.item",
                "path": "List.entry.item",
                "type": [{"code": "Reference", "targetProfile": [BASE + target]}],
            },
        ]

    problems_then_goals = profile(
        "problems-then-goals",
        "List",
        [
            {
                "id": "List.entry",
                "path": "List.entry",
                "slicing": {"discriminator": [{"type": "type", "path": "item.resolve()"}], "rules": "closed"},
            },
            *item_slice("problem", "Condition", "1"),
            *item_slice("goal", "Goal", "3"),
        ],
    )
    checker = validator(problems_then_goals)
    condition = {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/1"}}
    goal = {
        "resourceType": "Goal",
        "id": "g1",
        "lifecycleStatus": "active",
        "description": {"text": "stable script"},
        "subject": {"reference": "Patient/1"},
    }

    def found(*targets: str) -> set[tuple[str, str | None]]:
        plan_list = {
            "resourceType": "List",
            "status": "current",
            "mode": "working",
            "contained": [condition, goal],
            "entry": [{"item": {"reference": f"#{t}"}} for t in targets],
        }
        outcome = checker.validate(plan_list, profiles=[problems_then_goals["url"]])
        return {(i.message_id, i.expression) for i in outcome.errors}

    assert found("c1", "g1") == set()
    assert found("c1", "c1", "g1") == {("slicing.max", "List")}


def test_narrative_language_control_no_refuses_language_sections() -> None:
    control = {
        "url": "http://hl7.org/fhir/StructureDefinition/narrative-language-control",
        "valueCode": "_no",
    }
    one_language = profile(
        "one-language", "Patient", [{"id": "Patient.text", "path": "Patient.text", "extension": [control]}]
    )
    checker = validator(one_language)

    def found(div: str) -> set[tuple[str, str | None]]:
        patient = {"resourceType": "Patient", "text": {"status": "generated", "div": div}}
        outcome = checker.validate(patient, profiles=[one_language["url"]])
        return {(i.message_id, i.expression) for i in outcome.errors}

    xhtml = 'xmlns="http://www.w3.org/1999/xhtml"'
    assert found(f"<div {xhtml}><p>Plan</p></div>") == set()
    sections = f'<div {xhtml}><div lang="pt" xml:lang="pt">Plano</div><div lang="de">Plan</div></div>'
    assert found(sections) == {("xhtml.language-sections", "Patient.text")}


def test_the_caller_can_put_chosen_bundle_entries_under_a_profile() -> None:
    named = profile("named", "Patient", [{"id": "Patient.name", "path": "Patient.name", "min": 1}])
    definitions = Definitions.core_only().with_source(MemorySource([named], name="test"))
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": f"urn:uuid:6f1c2b9e-0d4e-4d52-9d0e-1d2f3a4b5c6{n}",
                "resource": {"resourceType": "Patient"},
            }
            for n in range(2)
        ],
    }

    def found(rule: str) -> set[tuple[str, str | None]]:
        checker = Validator(definitions, bundle_profiles=[(rule, named["url"])])
        return {(i.message_id, i.expression) for i in checker.validate(bundle).errors}

    assert found("Patient:1") == {("cardinality.min", "Bundle.entry[1].resource")}
    assert found("Patient") == {
        ("cardinality.min", "Bundle.entry[0].resource"),
        ("cardinality.min", "Bundle.entry[1].resource"),
    }
    assert found("Observation") == set()


def test_aggregation_modes_say_where_a_reference_target_may_be() -> None:
    def with_modes(*modes: str) -> dict[str, Any]:
        element = {
            "id": "Encounter.subject",
            "path": "Encounter.subject",
            "type": [{"code": "Reference", "targetProfile": [BASE + "Patient"], "aggregation": list(modes)}],
        }
        return profile("visit-" + "-".join(modes), "Encounter", [element])

    bundled, contained = with_modes("bundled"), with_modes("contained", "referenced")
    checker = validator(bundled, contained)
    encounter = {
        "resourceType": "Encounter",
        "status": "planned",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "subject": {"reference": "Patient/elsewhere"},
    }

    def found(url: str, *others: dict[str, Any]) -> set[tuple[str, str | None]]:
        entries = [{"fullUrl": "http://example.test/fhir/Encounter/1", "resource": {**encounter, "id": "1"}}]
        entries += [{"fullUrl": f"http://example.test/fhir/Patient/{o['id']}", "resource": o} for o in others]
        checker_with = Validator(checker.definitions, bundle_profiles=[("Encounter", url)])
        outcome = checker_with.validate({"resourceType": "Bundle", "type": "collection", "entry": entries})
        return {(i.message_id, i.expression) for i in outcome.errors}

    assert found(bundled["url"]) == {("reference.aggregation", "Bundle.entry[0].resource.subject")}
    assert found(bundled["url"], {"resourceType": "Patient", "id": "elsewhere"}) == set()
    assert found(contained["url"]) == set()
    # Outside a Bundle an external target cannot be told from a bundled one: not checked.
    assert not checker.validate(encounter, profiles=[bundled["url"]]).errors


def test_entries_sharing_a_full_url_need_a_versioned_reference_to_one_of_them() -> None:
    def goal(version: str) -> dict[str, Any]:
        return {
            "fullUrl": "http://example.test/fhir/Goal/g1",
            "resource": {
                "resourceType": "Goal",
                "id": "g1",
                "meta": {"versionId": version},
                "lifecycleStatus": "active",
                "description": {"text": "stable script"},
                "subject": {"reference": "Patient/p1"},
            },
        }

    def found(reference: str) -> set[tuple[str, str | None]]:
        plan = {
            "resourceType": "CarePlan",
            "id": "c1",
            "status": "active",
            "intent": "plan",
            "subject": {"reference": "Patient/p1"},
            "goal": [{"reference": reference}],
        }
        bundle = {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"fullUrl": "http://example.test/fhir/CarePlan/c1", "resource": plan},
                goal("1"),
                goal("2"),
                {
                    "fullUrl": "http://example.test/fhir/Patient/p1",
                    "resource": {"resourceType": "Patient", "id": "p1"},
                },
            ],
        }
        return {(m, e) for m, e in errors(bundle) if m.startswith("reference.")}

    assert found("Goal/g1/_history/2") == set()
    # A version no entry has names nothing: outside documents and messages that is not an error
    # (BaseValidator.getFromBundle warns of entries that look like it, and that is all).
    assert found("Goal/g1/_history/3") == set()
    assert found("Goal/g1") == {("reference.bundle-ambiguous", "Bundle.entry[0].resource.goal[0]")}


def test_value_alternatives_name_the_extensions_that_may_replace_a_value() -> None:
    absent = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
    alternatives = {
        "url": "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.valueAlternatives",
        "valueCanonical": absent,
    }
    active = profile(
        "active-or-absent",
        "Patient",
        [{"id": "Patient.active", "path": "Patient.active", "min": 1, "extension": [alternatives]}],
    )
    checker = validator(active)

    def found(extension: dict[str, Any]) -> set[tuple[str, str | None]]:
        patient = {"resourceType": "Patient", "_active": {"extension": [extension]}}
        outcome = checker.validate(patient, profiles=[active["url"]])
        return {(i.message_id, i.expression) for i in outcome.errors}

    assert found({"url": absent, "valueCode": "unknown"}) == set()
    masked = {"url": "http://hl7.org/fhir/StructureDefinition/iso21090-nullFlavor", "valueCode": "MSK"}
    assert found(masked) == {("value.alternative-missing", "Patient.active")}


def test_a_narrative_link_names_one_element_of_another_entrys_narrative() -> None:
    summary_url = "urn:uuid:8ce7db7b-9b9b-41ae-b1d7-3f2d1c728a13"
    xhtml = 'xmlns="http://www.w3.org/1999/xhtml"'
    summary = {
        "resourceType": "Composition",
        "status": "final",
        "type": {"text": "summary"},
        "date": "2024-01-01",
        "author": [{"display": "keyworker"}],
        "title": "Summary",
        "text": {
            "status": "generated",
            "div": f'<div {xhtml}><p id="goal-1">Goal</p><p id="twice">a</p></div>',
        },
        "section": [
            {
                "title": "Goals",
                "text": {"status": "generated", "div": f'<div {xhtml}><p id="twice">b</p></div>'},
            }
        ],
    }

    def found(fragment: str) -> set[tuple[str, str | None]]:
        link = {
            "url": "http://hl7.org/fhir/StructureDefinition/narrativeLink",
            "valueUrl": f"{summary_url}#{fragment}",
        }
        goal = {
            "resourceType": "Goal",
            "lifecycleStatus": "active",
            "description": {"text": "stable script"},
            "subject": {"display": "service user"},
            "extension": [link],
        }
        bundle = {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"fullUrl": summary_url, "resource": summary},
                {"fullUrl": "urn:uuid:edf25255-bfcd-4e29-a797-e89ea4ef000c", "resource": goal},
            ],
        }
        return {(m, e) for m, e in errors(bundle) if m.startswith("bundle.narrative-link")}

    assert found("goal-1") == set()
    assert found("goal-2") == {("bundle.narrative-link-unresolved", "Bundle")}
    assert found("twice") == {("bundle.narrative-link-ambiguous", "Bundle")}


def test_slicing_by_an_extension_value_reads_the_re_slice_of_each_slice() -> None:
    kind_url = TEST + "activity-kind"
    kind = {
        "resourceType": "StructureDefinition",
        "url": kind_url,
        "name": "ActivityKind",
        "status": "draft",
        "kind": "complex-type",
        "abstract": False,
        "context": [{"type": "element", "expression": "CarePlan.activity"}],
        "type": "Extension",
        "baseDefinition": BASE + "Extension",
        "derivation": "constraint",
        "differential": {
            "element": [
                {"id": "Extension", "path": "Extension"},
                {"id": "Extension.url", "path": "Extension.url", "fixedUri": kind_url},
                {"id": "Extension.value[x]", "path": "Extension.value[x]", "type": [{"code": "code"}]},
            ]
        },
    }

    def activity_slice(name: str, code: str, required: str) -> list[dict[str, Any]]:
        here = f"CarePlan.activity:{name}"
        return [
            {"id": here, "path": "CarePlan.activity", "sliceName": name, "min": 1},
            {
                "id": f"{here}.extension:kind/{code}",
                "path": "CarePlan.activity.extension",
                "sliceName": f"kind/{code}",
                "min": 1,
                "max": "1",
                "type": [{"code": "Extension", "profile": [kind_url]}],
            },
            {
                "id": f"{here}.extension:kind/{code}.valueCode",
                "path": "CarePlan.activity.extension.valueCode",
                "fixedCode": code,
            },
            {"id": f"{here}.{required}", "path": f"CarePlan.activity.{required}", "min": 1},
        ]

    plan = profile(
        "kinds-of-activity",
        "CarePlan",
        [
            {
                "id": "CarePlan.activity",
                "path": "CarePlan.activity",
                "slicing": {
                    "discriminator": [{"type": "value", "path": f"extension('{kind_url}').value"}],
                    "rules": "open",
                },
            },
            {
                "id": "CarePlan.activity.extension:kind",
                "path": "CarePlan.activity.extension",
                "sliceName": "kind",
                "type": [{"code": "Extension", "profile": [kind_url]}],
            },
            *activity_slice("prescribing", "prescribing", "detail"),
            *activity_slice("referral", "referral", "reference"),
        ],
    )
    checker = validator(kind, plan)

    def activity(code: str, **content: Any) -> dict[str, Any]:
        return {"extension": [{"url": kind_url, "valueCode": code}], **content}

    care_plan = {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "plan",
        "subject": {"reference": "Patient/1"},
        "activity": [
            activity("prescribing", detail={"status": "in-progress"}),
            activity("referral", reference={"reference": "ServiceRequest/1"}),
        ],
    }
    outcome = checker.validate(care_plan, profiles=[plan["url"]])
    assert {(i.message_id, i.expression) for i in outcome.errors} == set()
    care_plan["activity"] = [activity("prescribing", detail={"status": "in-progress"}), activity("referral")]
    outcome = checker.validate(care_plan, profiles=[plan["url"]])
    assert {(i.message_id, i.expression) for i in outcome.errors} == {
        ("cardinality.min", "CarePlan.activity[1]")
    }


def test_an_item_in_a_slice_meets_the_unsliced_elements_rules_too() -> None:
    no_extensions = profile(
        "plain-parameters",
        "Parameters",
        [
            {
                "id": "Parameters.parameter",
                "path": "Parameters.parameter",
                "slicing": {"discriminator": [{"type": "value", "path": "name"}], "rules": "open"},
            },
            {"id": "Parameters.parameter.extension", "path": "Parameters.parameter.extension", "max": "0"},
            {"id": "Parameters.parameter:dose", "path": "Parameters.parameter", "sliceName": "dose"},
            {
                "id": "Parameters.parameter:dose.name",
                "path": "Parameters.parameter.name",
                "fixedString": "dose",
            },
            {
                "id": "Parameters.parameter:dose.extension",
                "path": "Parameters.parameter.extension",
                "max": "0",
            },
        ],
    )
    note = {"url": "https://example.test/StructureDefinition/note", "valueString": "x"}
    parameters = {
        "resourceType": "Parameters",
        "parameter": [{"name": "dose", "valueString": "60mg", "extension": [note]}],
    }
    outcome = validator(no_extensions).validate(parameters, profiles=[no_extensions["url"]])
    found = {
        (i.message_id, i.expression, i.text.partition(": max allowed")[0])
        for i in outcome.errors
        if i.message_id.startswith("cardinality")
    }
    assert found == {
        ("cardinality.max", "Parameters.parameter[0]", "Parameters.parameter:dose.extension"),
        ("cardinality.max", "Parameters.parameter[0]", "Parameters.parameter.extension"),
    }


def test_a_slice_typed_by_one_element_of_another_profile_takes_its_rules() -> None:
    library = profile(
        "activity-library",
        "CarePlan",
        [
            {
                "id": "CarePlan.activity",
                "path": "CarePlan.activity",
                "slicing": {"discriminator": [{"type": "pattern", "path": "detail.kind"}], "rules": "open"},
            },
            {"id": "CarePlan.activity:prescribing", "path": "CarePlan.activity", "sliceName": "prescribing"},
            {"id": "CarePlan.activity:prescribing.detail", "path": "CarePlan.activity.detail"},
            {
                "id": "CarePlan.activity:prescribing.detail.kind",
                "path": "CarePlan.activity.detail.kind",
                "patternCode": "MedicationRequest",
            },
            {
                "id": "CarePlan.activity:prescribing.detail.description",
                "path": "CarePlan.activity.detail.description",
                "min": 1,
            },
        ],
    )
    element_of_library = {
        "url": "http://hl7.org/fhir/StructureDefinition/elementdefinition-profile-element",
        "valueString": "CarePlan.activity:prescribing",
    }
    plan = profile(
        "prescribing-plan",
        "CarePlan",
        [
            {
                "id": "CarePlan.activity",
                "path": "CarePlan.activity",
                "slicing": {"discriminator": [{"type": "pattern", "path": "detail.kind"}], "rules": "closed"},
            },
            {
                "id": "CarePlan.activity:prescribing",
                "path": "CarePlan.activity",
                "sliceName": "prescribing",
                "min": 1,
                "type": [
                    {
                        "code": "BackboneElement",
                        "profile": [library["url"]],
                        "_profile": [{"extension": [element_of_library]}],
                    }
                ],
            },
        ],
    )
    checker = validator(library, plan)

    def found(detail: dict[str, Any]) -> set[tuple[str, str | None]]:
        care_plan = {
            "resourceType": "CarePlan",
            "status": "active",
            "intent": "plan",
            "subject": {"reference": "Patient/1"},
            "activity": [{"detail": {"status": "in-progress", **detail}}],
        }
        outcome = checker.validate(care_plan, profiles=[plan["url"]])
        return {(i.message_id, i.expression) for i in outcome.errors}

    assert found({"kind": "MedicationRequest", "description": "methadone 60mg daily"}) == set()
    assert found({"kind": "MedicationRequest"}) == {("cardinality.min", "CarePlan.activity[0].detail")}


def test_a_slice_typed_by_an_abstract_resource_takes_every_resource_and_its_profile_decides() -> None:
    described = profile(
        "described-plan",
        "CarePlan",
        [{"id": "CarePlan.description", "path": "CarePlan.description", "min": 1}],
    )
    handover = {
        "resourceType": "StructureDefinition",
        "url": TEST + "handover",
        "name": "handover",
        "status": "draft",
        "kind": "resource",
        "abstract": False,
        "type": "Bundle",
        "baseDefinition": BASE + "Bundle",
        "derivation": "constraint",
        "differential": {
            "element": [
                {"id": "Bundle", "path": "Bundle"},
                {
                    "id": "Bundle.entry",
                    "path": "Bundle.entry",
                    "slicing": {"discriminator": [{"type": "type", "path": "resource"}], "rules": "open"},
                },
                {"id": "Bundle.entry:plan", "path": "Bundle.entry", "sliceName": "plan"},
                {
                    "id": "Bundle.entry:plan.resource",
                    "path": "Bundle.entry.resource",
                    "type": [{"code": "Resource", "profile": [described["url"]]}],
                },
            ]
        },
    }
    plan = {
        "resourceType": "CarePlan",
        "id": "1",
        "status": "active",
        "intent": "plan",
        "subject": {"reference": "Patient/1"},
    }
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "https://example.test/CarePlan/1", "resource": plan},
            {"fullUrl": "https://example.test/Patient/1", "resource": {"resourceType": "Patient", "id": "1"}},
        ],
    }
    outcome = validator(described, handover).validate(bundle, profiles=[handover["url"]])
    # The slice's type is Resource, so the Patient is in it too and fails the CarePlan profile.
    assert {(i.message_id, i.expression) for i in outcome.errors} == {
        ("cardinality.min", "Bundle.entry[0].resource"),
        ("profile.wrong-type", "Bundle.entry[1].resource"),
    }


def test_an_xml_files_codec_problems_are_errors_and_what_was_read_is_still_validated(tmp_path: Path) -> None:
    document = tmp_path / "endpoint.xml"
    document.write_text(
        '<Endpoint xmlns="http://hl7.org/fhir">[%loop%]<id value="[%count%]"/><status value="active"/>'
        '<connectionType><system value="http://terminology.hl7.org/CodeSystem/endpoint-connection-type"/>'
        '<code value="hl7-fhir-rest"/></connectionType><payloadType><text value="any"/></payloadType>'
        '<address value="https://example.test/fhir"/><bogus value="1"/></Endpoint>'
    )
    loaded = load_file(document)
    assert [(i.severity, i.message_id, i.expression) for i in loaded.issues] == [
        ("error", "xml.text", "Endpoint"),
        ("error", "xml.unknown-element", "Endpoint.bogus"),
    ]
    [endpoint] = loaded.resources
    assert errors(endpoint) == {("format.id", "Endpoint.id")}
    not_xml = tmp_path / "broken.xml"
    not_xml.write_text('<Endpoint xmlns="http://hl7.org/fhir"><id value="e"></Endpoint>')
    assert [(i.severity, i.message_id) for i in load_file(not_xml).issues] == [("fatal", "input.xml")]


def test_a_bound_concept_with_text_only_is_named_as_giving_no_code() -> None:
    condition = {
        "resourceType": "Condition",
        "clinicalStatus": {"text": "active"},
        "subject": {"reference": "Patient/1"},
    }
    [issue] = validate(condition).errors
    assert (issue.message_id, issue.expression) == ("binding.required", "Condition.clinicalStatus")
    assert issue.text.startswith("No code is given from the value set 'Condition Clinical Status Codes'")


def test_element_ids_are_unique_within_a_resource() -> None:
    patient = {
        "resourceType": "Patient",
        "identifier": [{"id": "2", "system": "https://example.test/mrn", "value": "1"}],
        "name": [{"id": "2", "family": "Muster"}, {"id": "3", "family": "Meier"}],
        "gender": "female",
        "_gender": {"id": "3"},
    }
    assert errors(patient) == {
        ("element.id-duplicate", "Patient.name[0]"),
        ("element.id-duplicate", "Patient.gender"),
    }
    # Each contained resource is a resource of its own, and a StructureDefinition's snapshot and
    # differential repeat their element ids by design.
    contained = {
        "resourceType": "Patient",
        "name": [{"id": "n", "family": "Muster"}],
        "contained": [{"resourceType": "Patient", "id": "p", "name": [{"id": "n", "family": "Meier"}]}],
        "link": [{"other": {"reference": "#p"}, "type": "seealso"}],
    }
    assert not {e for e in errors(contained) if e[0] == "element.id-duplicate"}
