"""Every invariant of the IG: its FHIRPath compiles with fhirpathpy (R4 model) and holds on a small
conforming example, and fails, at the expected places, on examples that break it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from compiled_guide import CS_BASE, SD_BASE, CompiledGuide
from fhirpathpy import compile as compile_fhirpath
from fhirpathpy.models import models

from adapter.types import FhirJson

R4 = models["r4"]
ROLE_SYSTEM = CS_BASE + "care-team-role"


def ext(extension_id: str, **value: Any) -> FhirJson:
    return {"url": SD_BASE + extension_id, **value}


def coding(system: str, code: str) -> FhirJson:
    return {"system": CS_BASE + system, "code": code}


def activity(*, with_type: bool) -> FhirJson:
    extensions = [ext("activity-type", valueCode="intervention")] if with_type else []
    return {"detail": {"extension": extensions, "status": "in-progress"}}


def care_plan(
    *,
    status: str = "active",
    kind: str = "comprehensive",
    review_due: bool = True,
    agreement: list[FhirJson] | None = None,
    activities: tuple[bool, ...] = (True, True),
    closure: list[FhirJson] | None = None,
) -> FhirJson:
    """A small DrugTreatmentCarePlan; `agreement` is the service-user-agreement's parts (None: absent)."""
    extensions = [ext("care-plan-kind", valueCoding=coding("care-plan-kind", kind))]
    if review_due:
        extensions.append(ext("next-review-due", valueDate="2026-12-01"))
    if agreement is not None:
        extensions.append(ext("service-user-agreement", extension=agreement))
    if closure is not None:
        extensions.append(ext("closure", extension=closure))
    return {
        "resourceType": "CarePlan",
        "extension": extensions,
        "status": status,
        "intent": "plan",
        "activity": [activity(with_type=t) for t in activities],
    }


AGREED: list[FhirJson] = [
    {"url": "agreed", "valueDate": "2026-09-01"},
    {"url": "signedByServiceUser", "valueBoolean": True},
]
NOT_AGREED: list[FhirJson] = [{"url": "signedByServiceUser", "valueBoolean": False}]
AGREED_NOT_SIGNED: list[FhirJson] = [{"url": "agreed", "valueDate": "2026-09-01"}]
AGREED_SIGNED_FALSE: list[FhirJson] = [
    {"url": "agreed", "valueDate": "2026-09-01"},
    {"url": "signedByServiceUser", "valueBoolean": False},
]


def closure(evidence: bool | None) -> list[FhirJson]:
    """The closure extension's parts, with evidenceOnFile as given (None: absent)."""
    parts: list[FhirJson] = [
        {"url": "kind", "valueCoding": coding("closure-kind", "transfer")},
        {"url": "date", "valueDate": "2026-10-21"},
    ]
    if evidence is not None:
        parts.append({"url": "evidenceOnFile", "valueBoolean": evidence})
    return parts


SERVICE_USER = {
    "role": [{"coding": [{"system": "http://snomed.info/sct", "code": "116154003"}]}],
    "member": {"reference": "Patient/su"},
}


def member(role: str, *, system: str = ROLE_SYSTEM, named: bool = True) -> FhirJson:
    participant: FhirJson = {"role": [{"coding": [{"system": system, "code": role}]}]}
    if named:
        participant["member"] = {"reference": "PractitionerRole/pr1"}
    return participant


def care_team(*participants: FhirJson) -> FhirJson:
    return {"resourceType": "CareTeam", "status": "active", "participant": [SERVICE_USER, *participants]}


def patient(*identifiers: tuple[str, str]) -> FhirJson:
    return {
        "resourceType": "Patient",
        "identifier": [{"system": system, "value": value} for system, value in identifiers],
    }


NHS = "https://fhir.nhs.uk/Id/nhs-number"
PRISON = "https://fhir.careplan-adapter.org/Id/prison-number"


@dataclass(frozen=True)
class Case:
    """Where the invariant sits, examples it holds on, and examples with the places it fails."""

    element: str
    holds: list[FhirJson]
    breaks: list[tuple[FhirJson, list[str]]]
    severity: str = "error"


CASES: dict[str, Case] = {
    "cp-review-due": Case(
        "CarePlan",
        holds=[care_plan(), care_plan(status="draft", review_due=False)],
        breaks=[(care_plan(review_due=False, agreement=AGREED), ["CarePlan"])],
    ),
    "cp-agreement": Case(
        "CarePlan",
        holds=[
            care_plan(agreement=AGREED),
            care_plan(kind="initial"),
            care_plan(status="draft"),
        ],
        breaks=[
            (care_plan(), ["CarePlan"]),
            (care_plan(agreement=NOT_AGREED), ["CarePlan"]),
        ],
    ),
    # Seed 003, aims: "a written care plan, which is agreed with and signed by the service user"; a
    # warning (paperwork never blocks continuity, hazard H-05).
    "cp-signed": Case(
        "CarePlan",
        holds=[
            care_plan(agreement=AGREED),
            care_plan(kind="initial", agreement=AGREED_NOT_SIGNED),
            care_plan(status="completed", agreement=AGREED_SIGNED_FALSE),
        ],
        breaks=[
            (care_plan(agreement=AGREED_NOT_SIGNED), ["CarePlan"]),
            (care_plan(agreement=AGREED_SIGNED_FALSE), ["CarePlan"]),
            (care_plan(), ["CarePlan"]),
        ],
        severity="warning",
    ),
    # Seed 003, closures and transfers: "Evidence of this process must be contained within the client
    # file"; a warning (a transfer's plan still travels, hazard H-05).
    "cp-closure-evidence": Case(
        "CarePlan",
        holds=[care_plan(agreement=AGREED), care_plan(agreement=AGREED, closure=closure(True))],
        breaks=[
            (care_plan(agreement=AGREED, closure=closure(False)), ["CarePlan"]),
            (care_plan(agreement=AGREED, closure=closure(None)), ["CarePlan"]),
        ],
        severity="warning",
    ),
    "cp-activity-type": Case(
        "CarePlan.activity",
        holds=[care_plan(), care_plan(activities=())],
        breaks=[
            (care_plan(activities=(True, False)), ["CarePlan.activity[1]"]),
            (care_plan(activities=(False, True, False)), ["CarePlan.activity[0]", "CarePlan.activity[2]"]),
        ],
    ),
    "ct-coordinator": Case(
        "CareTeam",
        holds=[
            care_team(member("keyworker")),
            care_team(member("gp-prescriber"), member("carat-worker")),
            care_team(member("probation-offender-manager")),
        ],
        breaks=[
            (care_team(member("gp-prescriber"), member("shared-care-worker")), ["CareTeam"]),
            (care_team(member("keyworker", named=False)), ["CareTeam"]),
            (care_team(member("keyworker", system="http://snomed.info/sct")), ["CareTeam"]),
            (care_team(), ["CareTeam"]),
        ],
    ),
    "nhs-number-format": Case(
        "Patient.identifier:nhsNumber",
        holds=[patient((NHS, "9434765919"), (PRISON, "A1234BC")), patient((PRISON, "A1234BC"))],
        breaks=[
            (patient((PRISON, "A1234BC"), (NHS, "943 476 5919")), ["Patient.identifier[1]"]),
            (patient((NHS, "94347659190")), ["Patient.identifier[0]"]),
        ],
    ),
}


def invariants(ig: CompiledGuide) -> dict[str, tuple[str, FhirJson]]:
    """Every constraint our StructureDefinitions add, by key: (element id, constraint)."""
    found: dict[str, tuple[str, FhirJson]] = {}
    for definition in ig.of_type("StructureDefinition"):
        for element in definition["differential"]["element"]:
            for constraint in element.get("constraint", []):
                assert constraint["key"] not in found, f"invariant {constraint['key']} is defined twice"
                found[constraint["key"]] = (element["id"], constraint)
    return found


def slice_system(ig: CompiledGuide, element_id: str) -> str:
    """The fixed identifier system that puts an identifier into a slice (Patient.identifier:nhsNumber)."""
    for definition in ig.of_type("StructureDefinition"):
        for element in definition["differential"]["element"]:
            if element["id"] == f"{element_id}.system":
                return str(element["fixedUri"])
    raise AssertionError(f"no fixed system for {element_id}")


def contexts(ig: CompiledGuide, resource: FhirJson, element_id: str) -> list[tuple[str, Any]]:
    """The nodes an element id (with slices) selects, each with its FHIRPath location."""
    first, *steps = element_id.split(".")
    found: list[tuple[str, Any]] = [(first, resource)]
    for depth, step in enumerate(steps, start=1):
        name, _, slice_name = step.partition(":")
        system = slice_system(ig, ".".join([first, *steps[:depth]])) if slice_name else None
        selected: list[tuple[str, Any]] = []
        for location, node in found:
            value = node.get(name)
            items = value if isinstance(value, list) else [] if value is None else [value]
            for index, item in enumerate(items):
                if system is None or item.get("system") == system:
                    where = f"{location}.{name}[{index}]" if isinstance(value, list) else f"{location}.{name}"
                    selected.append((where, item))
        found = selected
    return found


def failures(
    ig: CompiledGuide, evaluate: Callable[..., list[Any]], element_id: str, example: FhirJson
) -> list[str]:
    """Where the invariant does not hold; an expression that yields anything but one boolean is a bug."""
    failed = []
    for location, node in contexts(ig, example, element_id):
        result = evaluate(node)
        assert result in ([True], [False]), f"{location}: the invariant gave {result!r}, not a boolean"
        if result == [False]:
            failed.append(location)
    return failed


def test_every_invariant_has_examples(ig: CompiledGuide) -> None:
    assert set(invariants(ig)) == set(CASES)


@pytest.mark.parametrize("key", sorted(CASES))
def test_invariant_compiles_holds_and_breaks(ig: CompiledGuide, key: str) -> None:
    case = CASES[key]
    element_id, constraint = invariants(ig)[key]
    assert element_id == case.element
    assert (constraint["severity"], constraint["source"].rsplit("/", 1)[0]) == (
        case.severity,
        SD_BASE.rstrip("/"),
    )
    assert constraint["human"]
    evaluate = compile_fhirpath(constraint["expression"], model=R4)
    for example in case.holds:
        assert failures(ig, evaluate, element_id, copy.deepcopy(example)) == []
    for example, expected in case.breaks:
        assert failures(ig, evaluate, element_id, copy.deepcopy(example)) == expected


def test_breaking_examples_select_something(ig: CompiledGuide) -> None:
    # Guards the harness itself: a breaking example whose element selects nothing would pass vacuously.
    for case in CASES.values():
        for example, _ in case.breaks:
            assert contexts(ig, example, case.element)


def test_every_invariant_holds_on_the_igs_examples(ig: CompiledGuide) -> None:
    checked = set()
    for key, (element_id, constraint) in invariants(ig).items():
        profile = constraint["source"]
        evaluate = compile_fhirpath(constraint["expression"], model=R4)
        for example in ig.examples():
            if profile in example["meta"]["profile"]:
                assert failures(ig, evaluate, element_id, example) == [], (key, example["id"])
                checked.add(key)
    assert checked == set(CASES), "each invariant is checked on at least one example"
