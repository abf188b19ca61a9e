"""Canonical client record <-> FHIR R4, both directions (FHIR on the wire is ``adapter.wire``).

>>> bundle = to_fhir(record)               # a transaction Bundle, JSON form
>>> from_fhir(bundle).record == record     # lossless
True
>>> read_plan(other_systems_bundle).for_review   # a plan another system made: imported for review
True
"""

from __future__ import annotations

from adapter.fhir.from_fhir import MappingResult, from_fhir
from adapter.fhir.importer import ImportResult, import_plan, read_plan
from adapter.fhir.terminology import DisplayLookup, Terminology
from adapter.fhir.to_fhir import care_plan_id, to_fhir

__all__ = [
    "DisplayLookup",
    "ImportResult",
    "MappingResult",
    "Terminology",
    "care_plan_id",
    "from_fhir",
    "import_plan",
    "read_plan",
    "to_fhir",
]
