"""One entry point for FHIR on the wire: read either format (sniffed when not given), write either.

>>> read_resource(b'<Patient xmlns="http://hl7.org/fhir"><id value="p1"/></Patient>')
{'resourceType': 'Patient', 'id': 'p1'}
>>> write_resource({"resourceType": "Patient", "id": "p1"}, "json")
b'{\\n  "resourceType": "Patient",\\n  "id": "p1"\\n}'
"""

from __future__ import annotations

import codecs
from typing import Literal, get_args

from adapter.errors import InvalidFhir, UnsupportedFormat
from adapter.types import FhirJson
from adapter.wire.json_codec import read_json, write_json
from adapter.wire.limits import DEFAULT_MAX_BYTES
from adapter.wire.xml_reader import xml_to_json
from adapter.wire.xml_writer import json_to_xml

WireFormat = Literal["json", "xml"]
_FORMATS: tuple[str, ...] = get_args(WireFormat)
_BLANKS = b" \t\r\n"


def sniff_format(data: bytes) -> WireFormat | None:
    """``"json"`` or ``"xml"`` from the first significant character, or None when it is neither."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"<\x00", b"\x00<")):
        return "xml"
    start = data[:64].removeprefix(codecs.BOM_UTF8).lstrip(_BLANKS)[:1]
    if start == b"{":
        return "json"
    if start == b"<":
        return "xml"
    return None


def read_resource(
    data: bytes, fmt: WireFormat | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> FhirJson:
    """One FHIR resource from JSON or XML bytes (``fmt`` None: told apart by the first character).

    Either way the result is the FHIR JSON form, with decimals as FhirDecimal. Raises InvalidFhir
    (unreadable input, or JSON without a resourceType) or UnsupportedFormat (an unknown ``fmt``).
    """
    chosen = _check_format(fmt) if fmt is not None else sniff_format(data)
    if chosen is None:
        raise InvalidFhir.single(
            "structure",
            "wire.unknown-format",
            "the input is neither FHIR JSON (starts with '{') nor FHIR XML (starts with '<')",
        )
    if chosen == "xml":
        return xml_to_json(data, max_bytes=max_bytes)
    resource = read_json(data, max_bytes=max_bytes)
    if not isinstance(resource.get("resourceType"), str):
        raise InvalidFhir.single(
            "required", "json.resource-type", "a FHIR resource needs a resourceType string", "resourceType"
        )
    return resource


def write_resource(resource: FhirJson, fmt: WireFormat, *, indent: bool = True) -> bytes:
    """The resource as FHIR JSON or FHIR XML bytes (UTF-8)."""
    if _check_format(fmt) == "xml":
        return json_to_xml(resource, indent=indent)
    return write_json(resource, indent=indent)


def _check_format(fmt: str) -> WireFormat:
    if fmt == "json":
        return "json"
    if fmt == "xml":
        return "xml"
    raise UnsupportedFormat.single(
        "not-supported", "wire.format", f"unknown FHIR format {fmt!r}; expected one of {', '.join(_FORMATS)}"
    )
