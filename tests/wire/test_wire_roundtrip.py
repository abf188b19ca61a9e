"""Round trips over official R4 examples (data/README.md): JSON -> XML -> JSON loses nothing.

Numbers are compared by their JSON text (so 1.50 must come back as 1.50, not 1.5) and narratives as
canonical XML (C14N 2.0): the XML form re-serialises XHTML, so ``&quot;`` may come back as ``"``.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from adapter.wire import FhirDecimal, json_to_xml, read_json, write_json, xml_to_json
from adapter.wire.fhir_decimal import DECIMAL_LEXICAL

DATA = Path(__file__).parent / "data"
EXAMPLES = sorted(DATA.glob("*.json"))


def canonical(value: Any, key: str = "") -> Any:
    """The value with numbers as their text and narrative as canonical XML; dict order ignored."""
    if isinstance(value, dict):
        return {name: canonical(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [canonical(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | FhirDecimal):
        return ("number", str(value))
    if key == "div":
        return etree.tostring(etree.fromstring(value), method="c14n2")
    assert isinstance(value, str), f"unexpected {type(value).__name__} in parsed FHIR JSON"
    return value


def test_the_examples_are_there() -> None:
    assert len(EXAMPLES) == 22
    kinds = {read_json(path.read_bytes())["resourceType"] for path in EXAMPLES}
    assert {"CarePlan", "CareTeam", "Goal", "Consent", "Provenance", "Patient", "Bundle"} <= kinds


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_json_to_xml_to_json_loses_nothing(path: Path) -> None:
    original = read_json(path.read_bytes())
    xml = json_to_xml(original)
    back = xml_to_json(xml)
    assert canonical(back) == canonical(original)
    assert json_to_xml(back) == xml


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_json_read_and_write_keeps_every_number_as_written(path: Path) -> None:
    data = path.read_bytes()
    written = write_json(read_json(data))
    assert json.loads(written, parse_float=str, parse_int=str) == json.loads(
        data, parse_float=str, parse_int=str
    )


def test_the_decimal_example_keeps_every_lexical_form() -> None:
    original = read_json((DATA / "Observation-decimal.json").read_bytes())
    back = xml_to_json(json_to_xml(original))
    values = [str(component["valueQuantity"]["value"]) for component in back["component"]]
    assert values == [
        "1.0",
        "1.00",
        "1.0",
        "1E-22",
        "1000000000000000000",
        "1.000000000000000000E-245",
        "-1.000000000000000000E+245",
    ]
    assert b"1.000000000000000000E-245" in write_json(back)


def test_primitive_extensions_in_arrays_survive_with_their_nulls() -> None:
    patient = read_json(
        b'{"resourceType": "Patient", "id": "su1", "name": [{"family": "Okafor",'
        b' "_family": {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/humanname-own-prefix",'
        b' "valueString": "van"}]}, "given": ["Dana", null, "Jo"],'
        b' "_given": [null, {"id": "g2", "extension": [{"url": "http://example.org/withheld",'
        b' "valueBoolean": true}]}, {"id": "g3"}]}]}'
    )
    xml = json_to_xml(patient, indent=False)
    assert b'<given id="g2"><extension url="http://example.org/withheld">' in xml
    assert b'<given id="g3" value="Jo"/>' in xml
    assert canonical(xml_to_json(xml)) == canonical(patient)


def test_parameters_with_a_resource_round_trip() -> None:
    parameters = {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "plan", "resource": {"resourceType": "CarePlan", "status": "draft", "intent": "plan",
                                          "subject": {"reference": "Patient/su1"}}},
            {"name": "review", "part": [{"name": "due", "valueDate": "2026-03-01"},
                                        {"name": "score", "valueDecimal": FhirDecimal("12.50")}]},
        ],
    }  # fmt: skip
    back = xml_to_json(json_to_xml(parameters))
    assert canonical(back) == canonical(parameters)


def test_hand_written_xml_comes_back_byte_for_byte() -> None:
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<CarePlan xmlns="http://hl7.org/fhir"><id value="plan-1"/>'
        b'<text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p>Care plan for '
        b"<b>Dana</b>: reduce use &amp; re-engage</p></div></text>"
        b'<contained><Goal><id value="g1"/><lifecycleStatus value="active"/><description>'
        b'<text value="Stable housing"/></description><subject><reference value="Patient/su1"/></subject>'
        b'<target><detailQuantity><value value="3.0"/><unit value="nights"/></detailQuantity>'
        b'<dueDate value="2026-06-30"/></target></Goal></contained>'
        b'<extension url="https://fhir.careplan-adapter.org/StructureDefinition/review-due">'
        b'<valueDate value="2026-02-01"/></extension>'
        b'<status value="active"/><intent value="plan"/><subject><reference value="Patient/su1"/></subject>'
        b'<period><start value="2025-11-01T09:30:00+00:00"/></period>'
        b'<goal><reference value="#g1"/></goal>'
        b'<activity><detail><kind value="ServiceRequest"/><status value="scheduled"/>'
        b'<doNotPerform value="false"/><scheduledTiming><repeat><frequency value="1"/><period value="1.5"/>'
        b'<periodUnit value="wk"/></repeat></scheduledTiming></detail></activity></CarePlan>'
    )
    resource = xml_to_json(xml)
    assert resource["contained"][0]["target"][0]["detailQuantity"]["value"].lexeme == "3.0"
    assert resource["activity"][0]["detail"]["scheduledTiming"]["repeat"]["period"].lexeme == "1.5"
    assert json_to_xml(resource, indent=False) == xml


def test_comments_inside_the_narrative_survive_and_comments_elsewhere_are_dropped() -> None:
    div = '<div xmlns="http://www.w3.org/1999/xhtml"><!-- keyworker note --><p>Plan</p></div>'
    xml = json_to_xml({"resourceType": "Patient", "text": {"status": "generated", "div": div}})
    assert xml_to_json(xml)["text"]["div"] == div
    commented = xml.replace(b"<text>", b"<!-- a comment --><text><!-- another -->")
    assert xml_to_json(commented) == xml_to_json(xml)


# Text the policy (adapter.text) lets in: no control characters but tab, LF and CR.
XML_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="\ufffe\uffff")
    | st.sampled_from("\t\n\r"),
    min_size=1,
)


@settings(max_examples=200, deadline=None)
@given(family=XML_TEXT, given_names=st.lists(XML_TEXT, min_size=1, max_size=3))
def test_any_string_xml_can_carry_survives_the_round_trip(family: str, given_names: list[str]) -> None:
    patient = {"resourceType": "Patient", "name": [{"family": family, "given": given_names}]}
    assert xml_to_json(json_to_xml(patient)) == patient
    assert xml_to_json(json_to_xml(patient, indent=False)) == patient


def holdable(lexeme: str) -> bool:
    """Decimal holds exponents up to about 10**18; beyond, reading refuses them (test_wire_json)."""
    try:
        Decimal(lexeme)
    except InvalidOperation:
        return False
    return True


@settings(max_examples=200, deadline=None)
@given(lexeme=st.from_regex(DECIMAL_LEXICAL, fullmatch=True))
def test_any_decimal_lexeme_survives_json_and_xml(lexeme: str) -> None:
    assume(holdable(lexeme))
    data = b'{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":'
    data += lexeme.encode() + b"}}"
    resource = read_json(data)
    assert write_json(resource, indent=False) == data
    back = xml_to_json(json_to_xml(resource))
    assert str(back["valueQuantity"]["value"]) == lexeme
    assert write_json(back, indent=False) == data
