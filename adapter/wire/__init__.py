"""FHIR R4 on the wire: JSON and XML with exact lexical fidelity, and safe XML parsing.

    >>> from adapter.wire import read_resource, write_resource
    >>> patient = read_resource(b'{"resourceType": "Patient", "id": "p1"}')
    >>> write_resource(patient, "xml", indent=False).splitlines()[1]
    b'<Patient xmlns="http://hl7.org/fhir"><id value="p1"/></Patient>'

- :func:`read_json` / :func:`write_json`: FHIR JSON; decimals are :class:`FhirDecimal` and keep
  their text (``1.50`` stays ``1.50``); duplicate keys, excessive depth or size are refused.
- :func:`xml_to_json` / :func:`json_to_xml`: FHIR XML, driven by the R4 StructureDefinitions
  (compiled once per type into :class:`Layout` records): element order, value attributes,
  ``_element`` extensions, choice types, contained resources, XHTML narrative.
- :func:`read_resource` / :func:`write_resource`: either format, sniffed when not given.
- :func:`shape_issues`: where a resource's JSON breaks the R4 definitions' shape (a guard before any
  code walks it).
- :func:`parse_untrusted_xml`: the one way to parse XML from outside (any XML format), with DTDs,
  entities and network off and size/depth limits.

Everything refused raises InvalidFhir (or the error class given to parse_untrusted_xml) carrying an
OperationOutcome, never a parser's own exception.
"""

from __future__ import annotations

from adapter.wire.fhir_decimal import FhirDecimal
from adapter.wire.formats import WireFormat, read_resource, sniff_format, write_resource
from adapter.wire.json_codec import read_json, write_json
from adapter.wire.layout import FHIR_NS, XHTML_NS, Kind, Layout, Layouts, Slot, core_layouts
from adapter.wire.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_XML_DEPTH
from adapter.wire.safe_xml import parse_untrusted_xml
from adapter.wire.xml_reader import XmlReading, read_xml_collecting, xml_to_json
from adapter.wire.xml_writer import json_to_xml, shape_issues

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_JSON_DEPTH",
    "DEFAULT_MAX_XML_DEPTH",
    "FHIR_NS",
    "XHTML_NS",
    "FhirDecimal",
    "Kind",
    "Layout",
    "Layouts",
    "Slot",
    "WireFormat",
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
