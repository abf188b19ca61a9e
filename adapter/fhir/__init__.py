"""Canonical client record <-> FHIR R4, both directions.

>>> bundle = to_fhir(record)            # a transaction Bundle, JSON form
>>> from_fhir(bundle).record == record  # lossless
True
"""

from __future__ import annotations

from adapter.fhir.from_fhir import MappingResult, from_fhir
from adapter.fhir.to_fhir import to_fhir

__all__ = ["MappingResult", "from_fhir", "to_fhir"]
