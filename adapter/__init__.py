"""The care-plan adapter: drug-treatment care plans between CJIT, CARAT, GP shared-care and CMHT
systems as FHIR R4, with consent and provenance.

    >>> import adapter
    >>> record = adapter.load_record(data)

The names in ``__all__`` are the public surface; everything else is private to the package.
"""

from __future__ import annotations

from adapter.definitions import Definitions
from adapter.errors import AdapterError, DefinitionNotFound, InvalidFhir, InvalidRecord, UnsupportedFormat
from adapter.model import ClientRecord, dump_record, load_record
from adapter.outcome import Issue, OperationOutcome

__all__ = [
    "AdapterError",
    "ClientRecord",
    "DefinitionNotFound",
    "Definitions",
    "InvalidFhir",
    "InvalidRecord",
    "Issue",
    "OperationOutcome",
    "UnsupportedFormat",
    "dump_record",
    "load_record",
]
