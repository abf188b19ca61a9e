"""The care-plan adapter: drug-treatment care plans between CJIT, CARAT, GP shared-care and CMHT
systems as FHIR R4, with consent and provenance.

    >>> import adapter
    >>> record = adapter.load_record(data)             # canonical JSON -> ClientRecord (or InvalidRecord)
    >>> bundle = adapter.to_fhir(record)               # FHIR R4 transaction Bundle
    >>> adapter.from_fhir(bundle).record == record     # lossless
    True
    >>> adapter.validate(bundle).ok                    # base R4 + our profiles
    True

The names in ``__all__`` are the public surface; everything else is private to the package.
"""

from __future__ import annotations

from adapter.coordination import check_coordination, responsible_for_coordination
from adapter.definitions import Definitions
from adapter.errors import AdapterError, DefinitionNotFound, InvalidFhir, InvalidRecord, UnsupportedFormat
from adapter.fhir import MappingResult, from_fhir, read_resource, to_fhir, write_resource
from adapter.handover import build_handover, receive_handover
from adapter.model import ClientRecord, dump_record, load_record
from adapter.outcome import Issue, OperationOutcome
from adapter.validation import Validator, validate

__all__ = [
    "AdapterError",
    "ClientRecord",
    "DefinitionNotFound",
    "Definitions",
    "InvalidFhir",
    "InvalidRecord",
    "Issue",
    "MappingResult",
    "OperationOutcome",
    "UnsupportedFormat",
    "Validator",
    "build_handover",
    "check_coordination",
    "dump_record",
    "from_fhir",
    "load_record",
    "read_resource",
    "receive_handover",
    "responsible_for_coordination",
    "to_fhir",
    "validate",
    "write_resource",
]
