"""FHIR XML -> JSON: the FHIR XML rules, and every problem reported with its FHIRPath."""

from __future__ import annotations

import pytest

from adapter.errors import InvalidFhir
from adapter.outcome import Issue
from adapter.wire import FhirDecimal, xml_to_json
from adapter.wire.xml_reader import read_xml_collecting

FHIR = 'xmlns="http://hl7.org/fhir"'


def read(body: str, root: str = "Patient") -> dict[str, object]:
    return xml_to_json(f"<{root} {FHIR}>{body}</{root}>".encode())


def refused(body: str, root: str = "Patient") -> list[Issue]:
    with pytest.raises(InvalidFhir) as caught:
        read(body, root)
    return list(caught.value.outcome.issues)


def test_primitives_become_json_values_with_their_exact_text() -> None:
    resource = read(
        '<id value="p1"/><active value="true"/><gender value="female"/><birthDate value="1986-03-14"/>'
        '<deceasedDateTime value="2020-01-02T03:04:05.678+01:00"/><multipleBirthInteger value="-2"/>'
    )
    assert resource == {
        "resourceType": "Patient",
        "id": "p1",
        "active": True,
        "gender": "female",
        "birthDate": "1986-03-14",
        "deceasedDateTime": "2020-01-02T03:04:05.678+01:00",
        "multipleBirthInteger": -2,
    }


def test_decimals_are_read_with_their_lexical_form() -> None:
    resource = read(
        '<status value="final"/><code><text value="w"/></code>'
        '<valueQuantity><value value="0.010"/><unit value="g"/></valueQuantity>'
        '<referenceRange><low><value value="1.50"/></low><high><value value="1e3"/></high></referenceRange>',
        root="Observation",
    )
    value = resource["valueQuantity"]["value"]  # type: ignore[index]
    assert isinstance(value, FhirDecimal) and value.lexeme == "0.010"
    low = resource["referenceRange"][0]["low"]["value"]  # type: ignore[index]
    high = resource["referenceRange"][0]["high"]["value"]  # type: ignore[index]
    assert (low.lexeme, high.lexeme) == ("1.50", "1e3")


def test_repeating_elements_are_arrays_and_single_ones_are_not() -> None:
    resource = read('<name><family value="Okafor"/><given value="Dana"/></name><gender value="female"/>')
    assert resource["name"] == [{"family": "Okafor", "given": ["Dana"]}]
    assert resource["gender"] == "female"


def test_primitive_ids_and_extensions_go_to_underscore_properties_aligned_with_nulls() -> None:
    resource = read(
        '<name id="n1"><given value="Ann"/>'
        '<given id="g2"><extension url="http://example.org/x"><valueString value="unknown"/>'
        "</extension></given>"
        '<given value="Bo"/></name>'
        '<birthDate value="1970"><extension url="http://example.org/t">'
        '<valueDateTime value="1970-06-01T10:00:00Z"/></extension></birthDate>'
    )
    assert resource["name"] == [
        {
            "id": "n1",
            "given": ["Ann", None, "Bo"],
            "_given": [
                None,
                {"id": "g2", "extension": [{"url": "http://example.org/x", "valueString": "unknown"}]},
                None,
            ],
        }
    ]
    assert resource["birthDate"] == "1970"
    assert resource["_birthDate"] == {
        "extension": [{"url": "http://example.org/t", "valueDateTime": "1970-06-01T10:00:00Z"}]
    }


def test_a_repeating_primitive_with_only_extensions_has_no_value_array() -> None:
    resource = read('<name><given id="a"/><given id="b"/></name>')
    assert resource["name"] == [{"_given": [{"id": "a"}, {"id": "b"}]}]


def test_narrative_is_kept_as_an_xhtml_string_without_foreign_namespaces() -> None:
    resource = xml_to_json(
        b'<Patient xmlns="http://hl7.org/fhir" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        b' xsi:schemaLocation="http://hl7.org/fhir patient.xsd"><text><status value="generated"/>'
        b'<div xmlns="http://www.w3.org/1999/xhtml"><p>Dana &amp; <b>Sam</b></p></div></text></Patient>'
    )
    assert resource["text"] == {
        "status": "generated",
        "div": '<div xmlns="http://www.w3.org/1999/xhtml"><p>Dana &amp; <b>Sam</b></p></div>',
    }


def test_contained_resources_bundle_entries_and_parameters_unwrap() -> None:
    bundle = read(
        '<type value="collection"/><entry><fullUrl value="urn:uuid:1"/><resource><Patient><id value="p"/>'
        '<contained><Organization><id value="o"/><name value="CJIT"/></Organization></contained>'
        "</Patient></resource></entry>",
        root="Bundle",
    )
    patient = bundle["entry"][0]["resource"]  # type: ignore[index]
    assert patient == {
        "resourceType": "Patient",
        "id": "p",
        "contained": [{"resourceType": "Organization", "id": "o", "name": "CJIT"}],
    }
    parameters = read(
        '<parameter><name value="plan"/><resource><CarePlan><status value="active"/>'
        '<intent value="plan"/><subject><reference value="Patient/p"/></subject></CarePlan></resource>'
        '</parameter><parameter><name value="n"/><valueDecimal value="2.50"/></parameter>',
        root="Parameters",
    )
    assert parameters["parameter"][0]["resource"]["resourceType"] == "CarePlan"  # type: ignore[index]
    assert parameters["parameter"][1]["valueDecimal"].lexeme == "2.50"  # type: ignore[index]


def test_nested_backbone_elements_through_content_reference() -> None:
    resource = read(
        '<status value="active"/><item><linkId value="1"/><type value="group"/>'
        '<item><linkId value="1.1"/><type value="string"/></item></item>',
        root="Questionnaire",
    )
    assert resource["item"] == [
        {"linkId": "1", "type": "group", "item": [{"linkId": "1.1", "type": "string"}]}
    ]


def test_comments_and_blank_text_are_ignored() -> None:
    assert read("<!-- a comment -->\n  <id value='p1'/>\n") == {"resourceType": "Patient", "id": "p1"}


def test_every_problem_is_collected_with_its_fhirpath() -> None:
    issues = refused(
        '<name><given value="a"/><family value="b"/><given value="c"/></name>'
        '<gender value="male"/><active value="yes"/><bogus value="1"/>'
        '<birthDate value="1980"/><birthDate value="1981"/>'
        '<deceasedBoolean value="false"/><deceasedDateTime value="2000"/>'
        '<contact><name value="x"><text value="t"/></name></contact>'
        '<communication><language><text value="en"/></language><preferred/></communication>'
    )
    assert [(i.message_id, i.expression) for i in issues] == [
        ("xml.order", "Patient.name[0].family"),
        ("xml.order", "Patient.active"),
        ("xml.lexical", "Patient.active"),
        ("xml.unknown-element", "Patient.bogus"),
        ("xml.repeats", "Patient.birthDate"),
        ("xml.choice", "Patient.deceasedDateTime"),
        ("xml.value-on-complex", "Patient.contact[0].name"),
        ("xml.empty", "Patient.communication[0].preferred"),
    ]
    assert all(i.code in ("structure", "value") for i in issues)
    assert "yes" in issues[2].text and "true|false" in issues[2].text


def test_indices_count_each_repeat() -> None:
    issues = refused('<name><given value="a"/><given value="b"><period/></given></name>')
    assert [(i.message_id, i.expression) for i in issues] == [
        ("xml.unknown-element", "Patient.name[0].given[1].period")
    ]


def test_a_choice_needs_its_type_suffix() -> None:
    [issue] = refused(
        '<status value="final"/><code><text value="x"/></code><value value="1"/>', "Observation"
    )
    assert issue.expression == "Observation.value"
    assert "<valueString>" in issue.text


def test_bad_numbers_and_booleans_are_value_issues() -> None:
    issues = refused(
        '<status value="final"/><code><text value="x"/></code>'
        '<valueQuantity><value value="1.5.0"/></valueQuantity>'
        '<component><code><text value="c"/></code><valueInteger value="007"/></component>'
        '<component><code><text value="d"/></code><valueQuantity><value value="1E1000000000000000000"/>'
        "</valueQuantity></component>",
        "Observation",
    )
    assert [(i.code, i.expression) for i in issues] == [
        ("value", "Observation.valueQuantity.value"),
        ("value", "Observation.component[0].valueInteger"),
        ("value", "Observation.component[1].valueQuantity.value"),
    ]
    assert "exponent is too large" in issues[2].text


def test_text_attributes_and_namespaces_outside_fhir_are_refused() -> None:
    issues = refused('<name foo="1">Ann<given value="a" lang="en"/></name><x:y xmlns:x="urn:other"/>')
    assert [(i.message_id, i.expression) for i in issues] == [
        ("xml.unknown-attribute", "Patient.name[0]"),
        ("xml.text", "Patient.name[0]"),
        ("xml.unknown-attribute", "Patient.name[0].given[0]"),
        ("xml.unknown-element", "Patient.y"),
    ]
    assert "urn:other" in issues[3].text


def test_the_root_must_be_a_fhir_resource() -> None:
    with pytest.raises(InvalidFhir) as caught:
        xml_to_json(b"<Patient><id value='x'/></Patient>")
    assert caught.value.outcome.issues[0].message_id == "xml.namespace"
    for root in ("HumanName", "Resource", "Nonsense"):
        with pytest.raises(InvalidFhir) as caught:
            xml_to_json(f"<{root} {FHIR}/>".encode())
        [issue] = caught.value.outcome.issues
        assert (issue.message_id, issue.expression) == ("xml.unknown-resource", root)


def test_a_resource_container_holds_exactly_one_resource() -> None:
    issues = refused("<contained/><contained><Patient><id value='a'/></Patient><Patient/></contained>")
    assert [(i.message_id, i.expression) for i in issues] == [
        ("xml.resource-container", "Patient.contained[0]"),
        ("xml.resource-container", "Patient.contained[1]"),
    ]


def test_an_element_in_the_wrong_namespace_is_named_with_the_right_one() -> None:
    issues = refused(
        '<text><status value="generated"/><div><p>no XHTML namespace</p></div></text>'
        '<active xmlns="urn:other" value="true"/>'
    )
    assert [(i.message_id, i.expression) for i in issues] == [
        ("xml.unknown-element", "Patient.text.div"),
        ("xml.unknown-element", "Patient.active"),
    ]
    assert "must be in the namespace http://www.w3.org/1999/xhtml, not in namespace http://hl7.org/fhir" in (
        issues[0].text
    )
    assert "must be in the namespace http://hl7.org/fhir, not in namespace urn:other" in issues[1].text


def test_collecting_keeps_what_was_read_beside_every_problem() -> None:
    reading = read_xml_collecting(
        b'<Endpoint xmlns="http://hl7.org/fhir" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        b' xsi:schemaLocation="http://hl7.org/fhir endpoint.xsd">[%loop%]<id value="e1"/>'
        b'<status value="active"/>[%end%]<connectionType><coding><code value="x"/></coding></connectionType>'
        b'<address value="https://example.test/fhir"/></Endpoint>',
        schema_location=False,
    )
    assert reading.resource == {
        "resourceType": "Endpoint",
        "id": "e1",
        "status": "active",
        "connectionType": {},
        "address": "https://example.test/fhir",
    }
    # One issue per piece of stray text; children that are all unknown are not also "empty".
    assert [(i.message_id, i.expression) for i in reading.issues] == [
        ("xml.unknown-attribute", "Endpoint"),
        ("xml.text", "Endpoint"),
        ("xml.text", "Endpoint"),
        ("xml.unknown-element", "Endpoint.connectionType.coding"),
    ]
    assert "[%loop%]" in reading.issues[1].text and "[%end%]" in reading.issues[2].text


def test_the_schema_location_is_accepted_unless_the_caller_asks_otherwise() -> None:
    document = (
        b'<Patient xmlns="http://hl7.org/fhir" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        b' xsi:schemaLocation="http://hl7.org/fhir patient.xsd"><id value="p"/></Patient>'
    )
    assert read_xml_collecting(document).issues == []
    [issue] = read_xml_collecting(document, schema_location=False).issues
    assert (issue.message_id, issue.expression) == ("xml.unknown-attribute", "Patient")


def test_collecting_still_refuses_xml_that_is_not_well_formed() -> None:
    with pytest.raises(InvalidFhir):
        read_xml_collecting(b'<Patient xmlns="http://hl7.org/fhir"><id value="p"></Patient>')
