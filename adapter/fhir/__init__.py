"""Canonical client record <-> FHIR R4, both directions, and FHIR on the wire (JSON and XML).

>>> bundle = to_fhir(record)               # a transaction Bundle, JSON form
>>> from_fhir(bundle).record == record     # lossless
True
>>> xml = write_resource(bundle, "xml")    # FHIR XML, primitives in their exact lexical form
>>> read_resource(xml) == read_json(write_json(bundle))
True
"""

from __future__ import annotations

from adapter.fhir.from_fhir import MappingResult, from_fhir
from adapter.fhir.terminology import DisplayLookup, Terminology
from adapter.fhir.to_fhir import care_plan_id, to_fhir
from adapter.fhir.wire import (
    FhirDecimal,
    json_to_xml,
    read_json,
    read_resource,
    write_json,
    write_resource,
    xml_to_json,
)

__all__ = [
    "DisplayLookup",
    "FhirDecimal",
    "MappingResult",
    "Terminology",
    "care_plan_id",
    "from_fhir",
    "json_to_xml",
    "read_json",
    "read_resource",
    "to_fhir",
    "write_json",
    "write_resource",
    "xml_to_json",
]
