"""JSON -> FHIR XML: definition order, value attributes, _element, wrappers, narrative; bad JSON named."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from adapter.errors import InvalidFhir
from adapter.outcome import Issue
from adapter.wire import FhirDecimal, json_to_xml, read_json

FHIR = 'xmlns="http://hl7.org/fhir"'


def body(resource: dict[str, Any]) -> str:
    """The XML without its declaration, on one line."""
    return json_to_xml(resource, indent=False).decode().split("\n", 1)[1]


def refused(resource: dict[str, Any]) -> list[Issue]:
    with pytest.raises(InvalidFhir) as caught:
        json_to_xml(resource)
    return list(caught.value.outcome.issues)


def test_elements_are_written_in_definition_order_whatever_the_json_order() -> None:
    patient = {
        "gender": "female",
        "name": [{"given": ["Dana"], "family": "Okafor", "use": "official"}],
        "id": "p1",
        "resourceType": "Patient",
        "active": True,
    }
    assert body(patient) == (
        f'<Patient {FHIR}><id value="p1"/><active value="true"/>'
        '<name><use value="official"/><family value="Okafor"/><given value="Dana"/></name>'
        '<gender value="female"/></Patient>'
    )


def test_primitives_keep_their_lexical_form() -> None:
    observation = read_json(
        b'{"resourceType": "Observation", "status": "final", "code": {"text": "w"},'
        b' "effectiveDateTime": "2024-02-29T23:59:59.123-05:00",'
        b' "valueQuantity": {"value": 0.010, "unit": "g"},'
        b' "component": [{"code": {"text": "n"}, "valueInteger": 7}, {"code": {"text": "e"}, "valueQuantity":'
        b' {"value": 1E-22}}]}'
    )
    xml = body(observation)
    assert '<effectiveDateTime value="2024-02-29T23:59:59.123-05:00"/>' in xml
    assert '<valueQuantity><value value="0.010"/><unit value="g"/></valueQuantity>' in xml
    assert '<valueInteger value="7"/>' in xml
    assert '<value value="1E-22"/>' in xml


def test_plain_python_numbers_are_written_as_valid_decimals() -> None:
    xml = body(
        {
            "resourceType": "Observation",
            "status": "final",
            "code": {"text": "w"},
            "valueQuantity": {"value": 2.5},
            "referenceRange": [{"low": {"value": 3}, "high": {"value": FhirDecimal("4.00")}}],
        }
    )
    assert '<value value="2.5"/>' in xml and '<value value="3"/>' in xml and '<value value="4.00"/>' in xml


def test_underscore_properties_become_id_attributes_and_extensions() -> None:
    patient = {
        "resourceType": "Patient",
        "name": [
            {
                "given": ["Ann", None],
                "_given": [
                    {"id": "g1"},
                    {"extension": [{"url": "http://example.org/x", "valueCode": "UNK"}]},
                ],
            }
        ],
        "_birthDate": {"extension": [{"url": "http://example.org/absent", "valueBoolean": True}]},
    }
    assert body(patient) == (
        f'<Patient {FHIR}><name><given id="g1" value="Ann"/>'
        '<given><extension url="http://example.org/x"><valueCode value="UNK"/></extension></given></name>'
        '<birthDate><extension url="http://example.org/absent"><valueBoolean value="true"/></extension>'
        "</birthDate></Patient>"
    )


def test_element_ids_and_extension_urls_are_attributes() -> None:
    plan = {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "plan",
        "subject": {"id": "s", "reference": "Patient/p"},
        "extension": [{"url": "http://example.org/review", "valueDate": "2026-01-01", "id": "e1"}],
    }
    xml = body(plan)
    assert (
        '<extension id="e1" url="http://example.org/review"><valueDate value="2026-01-01"/></extension>'
        in xml
    )
    assert '<subject id="s"><reference value="Patient/p"/></subject>' in xml


def test_resources_inside_resources_are_wrapped() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "CareTeam",
                    "contained": [{"resourceType": "Practitioner", "id": "kw"}],
                    "participant": [{"member": {"reference": "#kw"}}],
                }
            }
        ],
    }
    assert body(bundle) == (
        f'<Bundle {FHIR}><type value="collection"/><entry><resource><CareTeam>'
        '<contained><Practitioner><id value="kw"/></Practitioner></contained>'
        '<participant><member><reference value="#kw"/></member></participant>'
        "</CareTeam></resource></entry></Bundle>"
    )


def test_narrative_is_real_xhtml_and_indentation_leaves_it_alone() -> None:
    div = '<div xmlns="http://www.w3.org/1999/xhtml"><p>Plan<br/>agreed</p><ul><li>a</li></ul></div>'
    xml = json_to_xml({"resourceType": "Patient", "text": {"status": "generated", "div": div}})
    root = etree.fromstring(xml)
    written = root.find("{http://hl7.org/fhir}text/{http://www.w3.org/1999/xhtml}div")
    assert written is not None
    assert etree.tostring(written, encoding="unicode", with_tail=False) == div
    assert b"\n  <text>\n    <status" in xml


def test_every_misfit_is_collected_with_its_fhirpath() -> None:
    issues = refused(
        {
            "resourceType": "Patient",
            "gender": ["female"],
            "name": {"family": "X"},
            "active": "true",
            "birthDate": 19860314,
            "nickname": "D",
            "telecom": [{"system": "phone", "value": "1", "rank": "1"}],
            "contact": [{}],
            "_gender": {"colour": "blue"},
        }
    )
    assert [(i.message_id, i.expression) for i in issues] == [
        ("fhir-json.unknown", "Patient.nickname"),
        ("fhir-json.type", "Patient.active"),
        ("fhir-json.array", "Patient.name"),
        ("fhir-json.type", "Patient.telecom[0].rank"),
        ("fhir-json.array", "Patient.gender"),
        ("fhir-json.type", "Patient.birthDate"),
        ("fhir-json.type", "Patient.contact[0]"),
    ]


def test_primitive_arrays_must_align_and_nulls_need_an_extension() -> None:
    issues = refused(
        {
            "resourceType": "Patient",
            "name": [
                {"given": ["a", "b"], "_given": [None]},
                {"given": ["a", None]},
                {"_family": {"colour": "blue"}},
            ],
        }
    )
    assert [(i.message_id, i.expression) for i in issues] == [
        ("fhir-json.alignment", "Patient.name[0].given"),
        ("fhir-json.null", "Patient.name[1].given[1]"),
        ("fhir-json.primitive-extra", "Patient.name[2].family"),
        ("fhir-json.null", "Patient.name[2].family"),
    ]


def test_two_types_of_one_choice_are_refused() -> None:
    [issue] = refused({"resourceType": "Patient", "deceasedBoolean": True, "deceasedDateTime": "2020"})
    assert issue.message_id == "fhir-json.choice"
    assert issue.expression in ("Patient.deceasedBoolean", "Patient.deceasedDateTime")


def test_resource_type_must_be_known() -> None:
    [issue] = refused({"resourceType": "Nonsense"})
    assert (issue.message_id, issue.expression) == ("fhir-json.resource-type", "Nonsense")
    [issue] = refused({"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"id": "x"}}]})
    assert (issue.message_id, issue.expression) == ("fhir-json.resource-type", "Bundle.entry[0].resource")


def test_bad_narrative_and_unwritable_characters_are_issues() -> None:
    issues = refused(
        {
            "resourceType": "Patient",
            "text": {"status": "generated", "div": "<div>not xhtml namespace</div>"},
            "contained": [
                {
                    "resourceType": "Patient",
                    "text": {"status": "generated", "div": "<div xmlns='x'><p></div>"},
                }
            ],
            "name": [{"family": "nul\x00byte"}],
        }
    )
    assert [(i.message_id, i.expression) for i in issues] == [
        ("fhir-json.narrative", "Patient.text.div"),
        ("xml.syntax", "Patient.contained[0].text.div"),
        ("fhir-json.xml-char", "Patient.name[0].family"),
    ]
    assert issues[1].text.startswith("narrative div: malformed XML")
