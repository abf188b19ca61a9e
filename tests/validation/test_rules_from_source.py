"""Rules taken from the FHIR R4 specification and the HL7 reference validator's source, each tested
with small instances written from the rule (never files of the HL7 test set)."""

from __future__ import annotations

from typing import Any

from adapter.validation.inputs import read_xml
from tests.validation.validation_builders import validator

XHTML = "http://www.w3.org/1999/xhtml"


def errors_of(outcome: Any) -> list[tuple[str, str | None]]:
    return [(i.message_id, i.expression) for i in outcome.issues if i.is_error]


def test_xml_in_a_declared_single_byte_encoding_is_validated_whole() -> None:
    # XML 1.0 4.3.3 lets a processor read encodings beyond UTF-8/UTF-16; the reference validator
    # reads ISO-8859-1 and validates the resource, so a bad value after the first non-ASCII byte
    # is still found.
    text = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><Patient xmlns="http://hl7.org/fhir">'
        '<name><family value="Müller"/></name><gender value="femme"/></Patient>'
    )
    resource, problems = read_xml(text.encode("latin-1"))
    assert problems == [] and resource is not None
    assert resource["name"] == [{"family": "Müller"}]
    assert ("binding.required", "Patient.gender") in errors_of(validator().validate(resource))


def test_characters_outside_the_basic_multilingual_plane_are_valid_string_content() -> None:
    # R4 string: any Unicode character is allowed (the regex [ \\r\\n\\t\\S]+); U+1F600 is one character.
    text = '<Patient xmlns="http://hl7.org/fhir"><name><family value="Zo\U0001f600"/></name></Patient>'
    resource, problems = read_xml(text.encode())
    assert problems == []
    assert errors_of(validator().validate(resource)) == []
