"""The public surface of adapter.wire: what it exports, format sniffing, the compiled layouts."""

from __future__ import annotations

import pytest

import adapter.wire as wire
from adapter.definitions import Definitions
from adapter.errors import InvalidFhir, UnsupportedFormat
from adapter.wire import Kind, Layouts, core_layouts, read_resource, sniff_format, write_resource

PATIENT_JSON = b'{"resourceType": "Patient", "id": "su1", "active": true}'
PATIENT_XML = b'<Patient xmlns="http://hl7.org/fhir"><id value="su1"/><active value="true"/></Patient>'


def test_the_public_surface_is_what_all_lists() -> None:
    assert sorted(wire.__all__) == [
        "DEFAULT_MAX_BYTES",
        "DEFAULT_MAX_JSON_DEPTH",
        "DEFAULT_MAX_XML_DEPTH",
        "FHIR_NS",
        "FhirDecimal",
        "Kind",
        "Layout",
        "Layouts",
        "Slot",
        "WireFormat",
        "XHTML_NS",
        "XmlReading",
        "core_layouts",
        "json_to_xml",
        "parse_untrusted_xml",
        "read_json",
        "read_resource",
        "read_xml_collecting",
        "shape_issues",
        "sniff_format",
        "write_json",
        "write_resource",
        "xml_to_json",
    ]
    assert all(hasattr(wire, name) for name in wire.__all__)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PATIENT_JSON, "json"),
        (b"\xef\xbb\xbf \n\t" + PATIENT_JSON, "json"),
        (PATIENT_XML, "xml"),
        (b"\n<?xml version='1.0'?>" + PATIENT_XML, "xml"),
        (PATIENT_XML.decode().encode("utf-16"), "xml"),
        (b"resourceType=Patient", None),
        (b"", None),
    ],
)
def test_the_format_is_told_by_the_first_significant_character(data: bytes, expected: str | None) -> None:
    assert sniff_format(data) == expected


def test_both_formats_read_to_the_same_json() -> None:
    assert (
        read_resource(PATIENT_JSON)
        == read_resource(PATIENT_XML)
        == {
            "resourceType": "Patient",
            "id": "su1",
            "active": True,
        }
    )
    assert read_resource(PATIENT_XML, "xml") == read_resource(PATIENT_JSON, "json")


def test_write_resource_writes_either_format() -> None:
    patient = read_resource(PATIENT_JSON)
    assert (
        write_resource(patient, "json", indent=False)
        == b'{"resourceType":"Patient","id":"su1","active":true}'
    )
    assert write_resource(patient, "xml", indent=False).endswith(PATIENT_XML)


def test_unknown_formats_and_unreadable_input_are_clear_errors() -> None:
    with pytest.raises(UnsupportedFormat) as unsupported:
        write_resource({"resourceType": "Patient"}, "turtle")  # type: ignore[arg-type]
    assert "'turtle'" in unsupported.value.outcome.issues[0].text
    with pytest.raises(InvalidFhir) as neither:
        read_resource(b"resourceType=Patient")
    assert neither.value.outcome.issues[0].message_id == "wire.unknown-format"
    with pytest.raises(InvalidFhir) as untyped:
        read_resource(b'{"id": "x"}')
    assert (untyped.value.outcome.issues[0].message_id, untyped.value.outcome.issues[0].expression) == (
        "json.resource-type",
        "resourceType",
    )


def test_layouts_are_compiled_from_the_snapshots() -> None:
    layouts = core_layouts()
    observation = layouts.by_key["Observation"]
    quantity = observation.by_name["valueQuantity"]
    assert (quantity.element, quantity.kind, quantity.layout, quantity.repeats) == (
        "value[x]",
        Kind.COMPLEX,
        "Quantity",
        False,
    )
    assert observation.by_name["valueString"].order == quantity.order
    assert observation.by_tag["{http://hl7.org/fhir}valueQuantity"] is quantity
    assert observation.by_name["component"].layout == "Observation.component"
    assert layouts.by_key["Extension"].attributes == ("id", "url")
    assert layouts.by_key["Narrative"].by_name["div"].kind is Kind.XHTML
    assert layouts.by_key["Bundle.entry"].by_name["resource"].kind is Kind.RESOURCE
    nested = layouts.by_key["Questionnaire.item"].by_name["item"]
    assert (nested.layout, nested.repeats) == ("Questionnaire.item", True)
    size = layouts.by_key["Attachment"].by_name["size"].primitive
    assert size is not None and size.json.value == "integer"  # unsignedInt, whose R4 value says String
    assert layouts.resource("Patient") is layouts.by_key["Patient"]
    assert layouts.resource("DomainResource") is None and layouts.resource("HumanName") is None


def test_layouts_are_compiled_once_per_type() -> None:
    layouts = Layouts(Definitions.core_only())
    first = layouts.by_key["CarePlan"]
    assert layouts.by_key["CarePlan"] is first
    assert layouts.by_key["CarePlan.activity.detail"].by_name["scheduledTiming"].layout == "Timing"
