"""from_fhir on what other systems write: other bundle types, reference styles, contained resources,
foreign elements (reported, never dropped silently) and broken input (every problem at once)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from adapter.errors import InvalidFhir
from adapter.fhir import from_fhir, to_fhir
from adapter.model import ClientRecord, load_record
from adapter.types import FhirJson

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "clients" / "03-gp-shared-care.json"
SERVER = "http://server.example/fhir/"


@pytest.fixture(scope="module")
def record() -> ClientRecord:
    if not FIXTURE.exists():
        pytest.skip("fixture 03-gp-shared-care not present")
    return load_record(orjson.loads(FIXTURE.read_bytes()))


def _rewrite(node: Any, change: Callable[[str], str]) -> Any:
    if isinstance(node, dict):
        return {
            k: change(v) if k == "reference" and isinstance(v, str) else _rewrite(v, change)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rewrite(v, change) for v in node]
    return node


def _as(bundle: FhirJson, bundle_type: str, reference: Callable[[str, str], str]) -> FhirJson:
    """The exported bundle re-shaped as another server would write it (server-style fullUrls)."""
    types = {e["fullUrl"]: e["resource"]["resourceType"] for e in bundle["entry"]}
    ids = {e["fullUrl"]: e["resource"]["id"] for e in bundle["entry"]}
    reshaped = _rewrite(bundle, lambda ref: reference(types[ref], ids[ref]))
    reshaped["type"] = bundle_type
    for entry in reshaped["entry"]:
        resource = entry["resource"]
        entry["fullUrl"] = f"{SERVER}{resource['resourceType']}/{resource['id']}"
        del entry["request"]
        if bundle_type == "searchset":
            entry["search"] = {"mode": "match" if resource["resourceType"] == "CarePlan" else "include"}
    return reshaped


@pytest.mark.parametrize(
    ("bundle_type", "reference"),
    [
        ("collection", lambda t, i: f"{t}/{i}"),
        ("searchset", lambda t, i: f"{t}/{i}"),
        ("collection", lambda t, i: f"{SERVER}{t}/{i}"),
        ("document", lambda t, i: f"{SERVER}{t}/{i}/_history/3"),
    ],
    ids=["collection-relative", "searchset-relative", "collection-absolute", "document-versioned"],
)
def test_other_bundle_shapes_map_to_the_same_record(
    record: ClientRecord, bundle_type: str, reference: Callable[[str, str], str]
) -> None:
    result = from_fhir(_as(to_fhir(record), bundle_type, reference))
    assert result.unmapped == []
    assert result.record == record


def test_contained_resources(record: ClientRecord) -> None:
    bundle = to_fhir(record)
    plan = copy.deepcopy(bundle["entry"][0]["resource"])
    local = {e["fullUrl"]: f"#{e['resource']['id']}" for e in bundle["entry"][1:]}
    plan = _rewrite(plan, lambda ref: local[ref])
    plan["contained"] = [
        _rewrite(e["resource"], lambda ref: local.get(ref, "#")) for e in bundle["entry"][1:]
    ]
    result = from_fhir(plan)
    assert result.unmapped == []
    assert result.record == record


def _foreign() -> FhirJson:
    """A small collection as a system that knows nothing of our IG might write it."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": f"{SERVER}CarePlan/cp1",
                "resource": {
                    "resourceType": "CarePlan",
                    "id": "cp1",
                    "status": "active",
                    "intent": "plan",
                    "subject": {"reference": "Patient/p1"},
                    "created": "2026-02-01T09:30:00Z",
                    "period": {"start": "2026-02-01"},
                    "extension": [
                        {
                            "url": "https://fhir.careplan-adapter.org/StructureDefinition/care-plan-kind",
                            "valueCoding": {
                                "system": "https://fhir.careplan-adapter.org/CodeSystem/care-plan-kind",
                                "code": "initial",
                            },
                        },
                        {
                            "url": "https://fhir.careplan-adapter.org/StructureDefinition/treatment-tier",
                            "valueCoding": {
                                "system": "https://fhir.careplan-adapter.org/CodeSystem/treatment-tier",
                                "code": "tier-3",
                            },
                        },
                        {"url": "http://other.example/ext/ward", "valueString": "B2"},
                    ],
                    "addresses": [{"reference": "Condition/c1"}],
                    "goal": [{"reference": "Goal/g1"}],
                    "supportingInfo": [{"reference": "Observation/ob1"}],
                    "activity": [
                        {
                            "detail": {
                                "status": "in-progress",
                                "extension": [
                                    {
                                        "url": "https://fhir.careplan-adapter.org/StructureDefinition/treatment-tier",
                                        "valueCoding": {
                                            "system": "https://fhir.careplan-adapter.org/CodeSystem/treatment-tier",
                                            "code": "tier-2",
                                        },
                                    }
                                ],
                                "code": {
                                    "coding": [{"system": "http://snomed.info/sct", "code": "720174008"}]
                                },
                                "performer": [{"reference": "Organization/o1"}],
                            }
                        }
                    ],
                },
            },
            {
                "fullUrl": f"{SERVER}Patient/p1",
                "resource": {
                    "resourceType": "Patient",
                    "id": "p1",
                    "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}],
                    "name": [{"family": "Okafor", "given": ["Dana"]}],
                    "gender": "female",
                    "birthDate": "1986-03-14",
                    "maritalStatus": {"text": "single"},
                },
            },
            {
                "fullUrl": f"{SERVER}Organization/o1",
                "resource": {
                    "resourceType": "Organization",
                    "id": "o1",
                    "identifier": [
                        {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "Y02345"}
                    ],
                    "name": "Northtown CJIT",
                    "type": [
                        {
                            "coding": [
                                {
                                    "system": "https://fhir.careplan-adapter.org/CodeSystem/organisation-kind",
                                    "code": "cjit",
                                }
                            ]
                        }
                    ],
                },
            },
            {
                "fullUrl": f"{SERVER}Condition/c1",
                "resource": {
                    "resourceType": "Condition",
                    "id": "c1",
                    "subject": {"reference": "Patient/p1"},
                    "code": {
                        "coding": [
                            {
                                "system": "http://snomed.info/sct",
                                "code": "6525002",
                                "display": "Dependent drug abuse",
                            }
                        ]
                    },
                },
            },
            {
                "fullUrl": f"{SERVER}Goal/g1",
                "resource": {
                    "resourceType": "Goal",
                    "id": "g1",
                    "lifecycleStatus": "active",
                    "subject": {"reference": "Patient/p1"},
                    "description": {"text": "Stop injecting"},
                    "category": [
                        {
                            "coding": [
                                {
                                    "system": "https://fhir.careplan-adapter.org/CodeSystem/care-plan-domain",
                                    "code": "drug-alcohol-misuse",
                                }
                            ]
                        }
                    ],
                    "addresses": [{"reference": "Condition/c1"}],
                    "priority": {"text": "high"},
                },
            },
            {
                "fullUrl": f"{SERVER}Observation/ob1",
                "resource": {
                    "resourceType": "Observation",
                    "id": "ob1",
                    "status": "final",
                    "code": {"text": "x"},
                },
            },
        ],
    }


def test_foreign_bundle_maps_what_it_can_and_names_the_rest() -> None:
    result = from_fhir(_foreign())
    plan = result.record.plan
    assert result.record.service_user.nhs_number == "9434765919"
    assert plan.id == "cp1"
    assert plan.created.isoformat() == "2026-02-01"
    # A need coded only in SNOMED CT takes its domain from the ConceptMap; its words from the display.
    assert [(n.id, n.domain.value, n.description) for n in plan.needs] == [
        ("c1", "drug-alcohol-misuse", "Dependent drug abuse")
    ]
    assert [(g.id, g.addresses) for g in plan.goals] == [("g1", ["c1"])]
    # The intervention's modality is read back from its SNOMED CT code; no activity id: numbered.
    assert [(i.id, i.modality.value, i.provider) for i in plan.interventions] == [
        ("activity-1", "harm-reduction", "Y02345")
    ]
    assert [(issue.severity, issue.expression) for issue in result.unmapped] == [
        ("warning", "Bundle.entry[0].resource.created"),
        ("warning", "Bundle.entry[0].resource.extension[2]"),
        ("warning", "Bundle.entry[0].resource.supportingInfo"),
        ("warning", "Bundle.entry[1].resource.maritalStatus"),
        ("warning", "Bundle.entry[4].resource.priority"),
        ("warning", "Bundle.entry[5].resource"),
    ]


def _expressions(bundle: FhirJson) -> list[str | None]:
    with pytest.raises(InvalidFhir) as caught:
        from_fhir(bundle)
    outcome = caught.value.outcome.to_fhir()
    assert outcome["resourceType"] == "OperationOutcome"
    return sorted(issue["expression"][0] for issue in outcome["issue"])


def test_broken_input_reports_every_problem_at_once() -> None:
    bundle = _foreign()
    plan, patient, goal = (bundle["entry"][i]["resource"] for i in (0, 1, 4))
    plan["goal"].append({"reference": "Goal/missing"})
    goal["addresses"].append({"reference": "urn:uuid:0b9e7bb4-6d0c-4b53-9d2f-6f1c1f4e1f00"})
    del patient["birthDate"]
    del goal["description"]
    plan["activity"][0]["detail"]["status"] = "sleeping"
    assert _expressions(bundle) == [
        "Bundle.entry[0].resource.activity[0].detail.status",
        "Bundle.entry[0].resource.goal[1]",
        "Bundle.entry[1].resource.birthDate",
        "Bundle.entry[4].resource.addresses[1]",
        "Bundle.entry[4].resource.description",
    ]


def test_references_to_what_the_record_cannot_hold_are_reported_not_fatal() -> None:
    bundle = _foreign()
    plan = bundle["entry"][0]["resource"]
    plan["author"] = {"reference": "Patient/p1"}  # the client wrote it: the record names a worker
    plan["activity"][0]["detail"]["performer"].append({"identifier": {"value": "team-7"}})
    result = from_fhir(bundle)
    assert result.record.plan.author is None
    unmapped = [i.expression for i in result.unmapped]
    assert "Bundle.entry[0].resource.author" in unmapped
    assert "Bundle.entry[0].resource.activity[0].detail.performer[1]" in unmapped


def test_missing_care_plan_fields_point_into_the_care_plan() -> None:
    bundle = _foreign()
    plan = bundle["entry"][0]["resource"]
    del plan["period"]
    plan["extension"] = plan["extension"][2:]
    base = "https://fhir.careplan-adapter.org/StructureDefinition/"
    assert _expressions(bundle) == [
        f"Bundle.entry[0].resource.extension('{base}care-plan-kind')",
        f"Bundle.entry[0].resource.extension('{base}treatment-tier')",
        "Bundle.entry[0].resource.period.start",
    ]


def test_no_care_plan() -> None:
    bundle = _foreign()
    del bundle["entry"][0]
    assert _expressions(bundle) == ["Bundle.entry"]


def test_not_a_resource() -> None:
    with pytest.raises(InvalidFhir):
        from_fhir({"entry": []})


def test_care_team_naming_practitioners_finds_their_roles(record: ClientRecord) -> None:
    bundle = to_fhir(record)
    roles = {
        e["fullUrl"]: e["resource"]["practitioner"]["reference"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "PractitionerRole"
    }
    team = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CareTeam")
    for participant in team["participant"][1:]:
        participant["member"]["reference"] = roles[participant["member"]["reference"]]
    result = from_fhir(bundle)
    assert result.unmapped == []
    assert result.record == record


def test_practitioner_without_a_role_takes_the_participant_role_and_organisation() -> None:
    bundle = _foreign()
    bundle["entry"][0]["resource"]["careTeam"] = [{"reference": "CareTeam/t1"}]
    bundle["entry"] += [
        {
            "fullUrl": f"{SERVER}CareTeam/t1",
            "resource": {
                "resourceType": "CareTeam",
                "id": "t1",
                "participant": [
                    {
                        "role": [
                            {
                                "coding": [
                                    {"system": "http://snomed.info/sct", "code": "768820003"},
                                ]
                            }
                        ],
                        "member": {"reference": "Practitioner/pr1"},
                        "onBehalfOf": {"reference": "Organization/o1"},
                        "period": {"start": "2026-01-05"},
                    },
                    {"member": {"reference": "RelatedPerson/rp1"}},
                ],
            },
        },
        {
            "fullUrl": f"{SERVER}Practitioner/pr1",
            "resource": {
                "resourceType": "Practitioner",
                "id": "pr1",
                "name": [{"family": "Reid", "given": ["Sam"]}],
            },
        },
        {"fullUrl": f"{SERVER}RelatedPerson/rp1", "resource": {"resourceType": "RelatedPerson", "id": "rp1"}},
    ]
    result = from_fhir(bundle)
    # The related person is no care-team member of the record: reported, with its resource.
    assert [i.expression for i in result.unmapped][-2:] == [
        "Bundle.entry[6].resource.participant[1]",
        "Bundle.entry[8].resource",
    ]
    members = result.record.care_team
    assert [(m.id, m.roles, m.organisation, m.start, m.name.family) for m in members] == [
        ("pr1", ["care-coordinator"], "Y02345", date(2026, 1, 5), "Reid")
    ]


def test_a_second_care_plan_is_reported_not_merged() -> None:
    bundle = _foreign()
    other = copy.deepcopy(bundle["entry"][0])
    other["fullUrl"] = f"{SERVER}CarePlan/cp2"
    other["resource"]["id"] = "cp2"
    other["resource"]["status"] = "completed"
    bundle["entry"].insert(0, other)
    bundle["entry"].append(bundle["entry"].pop(1))
    result = from_fhir(bundle)
    assert result.record.plan.id == "cp1"  # the one active plan, not the first
    assert [
        (i.message_id, i.expression) for i in result.unmapped if i.message_id == "fhir.resource-unmapped"
    ] == [
        ("fhir.resource-unmapped", "Bundle.entry[0].resource"),
        ("fhir.resource-unmapped", "Bundle.entry[5].resource"),
    ]


def test_two_active_plans_are_refused_with_the_candidates() -> None:
    bundle = _foreign()
    other = copy.deepcopy(bundle["entry"][0])
    other["fullUrl"] = f"{SERVER}CarePlan/cp2"
    other["resource"]["id"] = "cp2"
    bundle["entry"].append(other)
    with pytest.raises(InvalidFhir) as caught:
        from_fhir(bundle)
    [issue] = caught.value.outcome.issues
    assert issue.expression == "Bundle.entry"
    assert "CarePlan cp1 (status active" in issue.text and "CarePlan cp2 (status active" in issue.text


def test_a_lone_resource_that_is_no_plan() -> None:
    patient = _foreign()["entry"][1]["resource"]
    assert _expressions(patient) == ["Patient"]
