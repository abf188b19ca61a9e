"""H-57: the ethnic category travels in UK Core's extension, whose value set holds two code systems
that use the same letters for different categories (UK Core's CodeSystem UKCore-EthnicCategoryEngland:
B "White - Irish"; UKCore-EthnicCategoryWales: B "Gypsy or Irish Traveller"). A code is read only
together with its system: a Wales code is never taken for the England code of the same letter."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from adapter.definitions import Definitions
from adapter.fhir import from_fhir, to_fhir
from adapter.fhir.extensions import UK_CORE_ETHNIC_CATEGORY_EXTENSION
from adapter.model import load_record
from adapter.model.circumstance_codes import UK_CORE_ETHNIC_CATEGORY
from safety.safety_cases import data

WALES = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryWales"


def _concepts(system: str) -> dict[str, str]:
    return {c["code"]: c["display"] for c in Definitions.default().require(system)["concept"]}


SHARED = sorted(set(_concepts(UK_CORE_ETHNIC_CATEGORY)) & set(_concepts(WALES)))
"""The letters both code systems use (A, B, D-S, Z), each meaning something else in each but Z."""


@pytest.fixture(scope="module")
def exported() -> dict[str, Any]:
    bundle: dict[str, Any] = to_fhir(load_record(data("02-carat-release.json")))
    return bundle


def _with_codings(bundle: dict[str, Any], codings: list[dict[str, str]]) -> tuple[dict[str, Any], str]:
    changed = copy.deepcopy(bundle)
    entry = next(i for i, e in enumerate(changed["entry"]) if e["resource"]["resourceType"] == "Patient")
    extensions = changed["entry"][entry]["resource"]["extension"]
    at = next(i for i, e in enumerate(extensions) if e["url"] == UK_CORE_ETHNIC_CATEGORY_EXTENSION)
    extensions[at]["valueCodeableConcept"] = {"coding": codings}
    return changed, f"Bundle.entry[{entry}].resource.extension[{at}].valueCodeableConcept"


@pytest.mark.parametrize("code", SHARED)
def test_h57_a_wales_code_is_never_read_as_the_england_code_of_the_same_letter(
    exported: dict[str, Any], code: str
) -> None:
    bundle, where = _with_codings(exported, [{"system": WALES, "code": code}])
    result = from_fhir(bundle)
    assert result.record.service_user.ethnic_category is None
    assert [issue.expression for issue in result.unmapped] == [where]


def test_h57_beside_a_wales_coding_the_england_coding_is_read_and_the_wales_one_reported(
    exported: dict[str, Any],
) -> None:
    bundle, where = _with_codings(
        exported, [{"system": WALES, "code": "B"}, {"system": UK_CORE_ETHNIC_CATEGORY, "code": "S"}]
    )
    result = from_fhir(bundle)
    assert result.record.service_user.ethnic_category == "S"
    assert [issue.expression for issue in result.unmapped] == [f"{where}.coding[0]"]


def test_h57_the_written_category_names_its_code_system_and_england_s_display(
    exported: dict[str, Any],
) -> None:
    england = _concepts(UK_CORE_ETHNIC_CATEGORY)
    patient = next(e["resource"] for e in exported["entry"] if e["resource"]["resourceType"] == "Patient")
    (ethnic,) = [e for e in patient["extension"] if e["url"] == UK_CORE_ETHNIC_CATEGORY_EXTENSION]
    (coding,) = ethnic["valueCodeableConcept"]["coding"]
    assert coding["system"] == UK_CORE_ETHNIC_CATEGORY
    assert coding["display"] == england[coding["code"]]
