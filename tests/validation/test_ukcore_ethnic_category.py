"""UK Core's ethnic category definitions ship with the adapter (ig/input/ukcore, UK Core 2.3.0) and
the validator uses them: a Patient carrying UK Core's Extension-UKCore-EthnicCategory is checked
against the extension (valueCodeableConcept) and its extensible binding to UKCore-EthnicCategory,
whose two code systems (England, Wales) are held here, so a code is checked, not passed over. Nothing
is loosened: an extension URL no definition names is still an error.

R4 rules applied (R4 terminologies.html, "extensible"; ValidationMessages of the reference validator):
a code that is not in the code system it names is an error whatever the binding's strength; a code of
another system under an extensible binding is a warning.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest

from adapter.definitions import Definitions, _core, _ig
from adapter.fhir import to_fhir
from adapter.fhir.extensions import UK_CORE_ETHNIC_CATEGORY_EXTENSION
from adapter.model import load_record
from adapter.model.circumstance_codes import ETHNIC_CATEGORY_DISPLAY, UK_CORE_ETHNIC_CATEGORY, EthnicCategory
from adapter.outcome import OperationOutcome
from adapter.validation import Validator, validate

CLIENT = Path(__file__).resolve().parents[2] / "fixtures" / "clients" / "02-carat-release.json"
VALUE_SET = "https://fhir.hl7.org.uk/ValueSet/UKCore-EthnicCategory"
WALES = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryWales"


@pytest.fixture(scope="module")
def exported() -> dict[str, Any]:
    bundle: dict[str, Any] = to_fhir(load_record(orjson.loads(CLIENT.read_bytes())))
    return bundle


def _patient_ethnic(bundle: dict[str, Any]) -> tuple[int, int, dict[str, Any]]:
    """The Patient's entry index, the extension's index in it, and the extension."""
    entry = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Patient")
    extensions = bundle["entry"][entry]["resource"]["extension"]
    at = next(i for i, e in enumerate(extensions) if e["url"] == UK_CORE_ETHNIC_CATEGORY_EXTENSION)
    return entry, at, extensions[at]


def _found(outcome: OperationOutcome, severity: str, prefix: str) -> list[tuple[str | None, str | None]]:
    return [
        (i.message_id, i.expression)
        for i in outcome.issues
        if i.severity == severity and (i.expression or "").startswith(prefix)
    ]


def test_the_shipped_definitions_are_uk_core_s_and_the_default_chain_holds_them() -> None:
    defs = Definitions.default()
    extension = defs.require(UK_CORE_ETHNIC_CATEGORY_EXTENSION)
    assert (extension["version"], extension["context"]) == (
        "2.3.0",
        [{"type": "element", "expression": "Patient"}],
    )
    (value,) = [e for e in extension["differential"]["element"] if e["id"] == "Extension.value[x]"]
    assert value["type"] == [{"code": "CodeableConcept"}]
    assert value["binding"]["strength"] == "extensible" and value["binding"]["valueSet"] == VALUE_SET
    includes = [i["system"] for i in defs.require(VALUE_SET)["compose"]["include"]]
    assert includes == [UK_CORE_ETHNIC_CATEGORY, WALES]
    # The model's codes, and the narrative's displays, are exactly the England code system's.
    england = {c["code"]: c["display"] for c in defs.require(UK_CORE_ETHNIC_CATEGORY)["concept"]}
    assert england == {member.value: ETHNIC_CATEGORY_DISPLAY[member] for member in EthnicCategory}
    assert defs.require(WALES)["content"] == "complete"
    assert "Apache License" in extension["copyright"]


def test_a_code_outside_the_value_set_is_refused_at_its_fhirpath(exported: dict[str, Any]) -> None:
    bundle = copy.deepcopy(exported)
    entry, at, ethnic = _patient_ethnic(bundle)
    assert validate(bundle).errors == ()
    ethnic["valueCodeableConcept"]["coding"][0] = {"system": UK_CORE_ETHNIC_CATEGORY, "code": "X"}
    outcome = validate(bundle)
    value = f"Bundle.entry[{entry}].resource.extension[{at}].value.ofType(CodeableConcept)"
    assert _found(outcome, "error", f"Bundle.entry[{entry}]") == [
        ("coding.unknown-code", f"{value}.coding[0]")
    ]
    assert ("binding.extensible", value) in _found(outcome, "warning", value)
    assert any(VALUE_SET in i.text for i in outcome.issues if i.expression == value)


def test_a_code_of_another_system_is_a_warning_as_uk_core_s_binding_is_extensible(
    exported: dict[str, Any],
) -> None:
    bundle = copy.deepcopy(exported)
    entry, at, ethnic = _patient_ethnic(bundle)
    ethnic["valueCodeableConcept"]["coding"][0] = {
        "system": "https://fhir.nhs.uk/CodeSystem/unheld",
        "code": "Q",
    }
    outcome = validate(bundle)
    value = f"Bundle.entry[{entry}].resource.extension[{at}].value.ofType(CodeableConcept)"
    assert _found(outcome, "error", f"Bundle.entry[{entry}]") == []
    assert ("binding.extensible", value) in _found(outcome, "warning", value)
    # A Wales code is in UK Core's value set: no binding issue at all.
    ethnic["valueCodeableConcept"]["coding"][0] = {"system": WALES, "code": "T"}
    assert _found(validate(bundle), "warning", value) == []


def test_a_wrong_display_for_the_england_code_is_an_error(exported: dict[str, Any]) -> None:
    bundle = copy.deepcopy(exported)
    entry, at, ethnic = _patient_ethnic(bundle)
    ethnic["valueCodeableConcept"]["coding"][0]["display"] = "White - British"  # code C's is another
    value = f"Bundle.entry[{entry}].resource.extension[{at}].value.ofType(CodeableConcept)"
    assert _found(validate(bundle), "error", f"Bundle.entry[{entry}]") == [
        ("coding.display", f"{value}.coding[0].display")
    ]


def test_an_unknown_extension_url_is_still_an_error(exported: dict[str, Any]) -> None:
    bundle = copy.deepcopy(exported)
    entry, at, ethnic = _patient_ethnic(bundle)
    where = f"Bundle.entry[{entry}].resource.extension[{at}]"
    for url in (
        UK_CORE_ETHNIC_CATEGORY_EXTENSION + "X",  # a UK Core-looking URL no definition names
        "https://fhir.careplan-adapter.org/StructureDefinition/ethnic-category",  # ours, now removed
    ):
        ethnic["url"] = url
        assert ("extension.unknown", where) in _found(validate(bundle), "error", where)


def test_without_the_shipped_definitions_uk_core_s_extension_would_be_unknown(
    exported: dict[str, Any],
) -> None:
    # The same chain less UK Core's folder: proves the validator above used the shipped definitions.
    entry, at, _ = _patient_ethnic(exported)
    where = f"Bundle.entry[{entry}].resource.extension[{at}]"
    outcome = Validator(Definitions([_core(), _ig()])).validate(copy.deepcopy(exported))
    assert ("extension.unknown", where) in _found(outcome, "error", where)
