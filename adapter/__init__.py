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

import importlib
import typing

if typing.TYPE_CHECKING:
    from adapter.coordination import check_coordination, responsible_for_coordination
    from adapter.definitions import Definitions
    from adapter.errors import AdapterError, DefinitionNotFound, InvalidFhir, InvalidRecord, UnsupportedFormat
    from adapter.fhir import ImportResult, MappingResult, from_fhir, import_plan, read_plan, to_fhir
    from adapter.handover import build_handover, receive_handover
    from adapter.model import ClientRecord, dump_record, load_record
    from adapter.outcome import Issue, OperationOutcome
    from adapter.paper import PaperFormat, print_plan
    from adapter.validation import Validator, validate
    from adapter.wire import read_resource, write_resource

# Each public name is imported from its room when first used, so that importing one room
# (``adapter.validation`` for a validator's cold start) does not load them all.
_HOMES = {
    "check_coordination": "adapter.coordination",
    "responsible_for_coordination": "adapter.coordination",
    "Definitions": "adapter.definitions",
    "AdapterError": "adapter.errors",
    "DefinitionNotFound": "adapter.errors",
    "InvalidFhir": "adapter.errors",
    "InvalidRecord": "adapter.errors",
    "UnsupportedFormat": "adapter.errors",
    "ImportResult": "adapter.fhir",
    "MappingResult": "adapter.fhir",
    "from_fhir": "adapter.fhir",
    "import_plan": "adapter.fhir",
    "read_plan": "adapter.fhir",
    "read_resource": "adapter.wire",
    "to_fhir": "adapter.fhir",
    "write_resource": "adapter.wire",
    "build_handover": "adapter.handover",
    "receive_handover": "adapter.handover",
    "ClientRecord": "adapter.model",
    "dump_record": "adapter.model",
    "load_record": "adapter.model",
    "Issue": "adapter.outcome",
    "OperationOutcome": "adapter.outcome",
    "PaperFormat": "adapter.paper",
    "print_plan": "adapter.paper",
    "Validator": "adapter.validation",
    "validate": "adapter.validation",
}


__all__ = [
    "AdapterError",
    "ClientRecord",
    "DefinitionNotFound",
    "Definitions",
    "ImportResult",
    "InvalidFhir",
    "InvalidRecord",
    "Issue",
    "MappingResult",
    "OperationOutcome",
    "PaperFormat",
    "UnsupportedFormat",
    "Validator",
    "build_handover",
    "check_coordination",
    "dump_record",
    "from_fhir",
    "import_plan",
    "load_record",
    "print_plan",
    "read_plan",
    "read_resource",
    "receive_handover",
    "responsible_for_coordination",
    "to_fhir",
    "validate",
    "write_resource",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'adapter' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
