"""What goes wrong in a conversion, placed in the adapter's exception tree (adapter/errors.py).

InvalidRecord
└── InvalidSystemRecord     a record in a system's own format cannot be read or written; its
                            OperationOutcome names the record and the field of every problem
UnsupportedFormat
└── MappingTableError       a system's folder in mappings/ is malformed (names the file and key)
ValueError
└── TransformError          one value a transform or code map cannot take (caught by the engine,
                            which turns it into an Issue at the field's location)
"""

from __future__ import annotations

from adapter.errors import InvalidRecord, UnsupportedFormat
from adapter.outcome import Issue, OperationOutcome


class InvalidSystemRecord(InvalidRecord):
    """A system record that cannot be converted; ``outcome`` lists every problem found."""

    @classmethod
    def of(cls, issues: list[Issue]) -> InvalidSystemRecord:
        return cls(OperationOutcome.of(issues))


class MappingTableError(UnsupportedFormat):
    """A mapping table, code map or system description that the engine cannot load."""

    @classmethod
    def at(cls, where: str, text: str) -> MappingTableError:
        return cls(OperationOutcome.of([Issue.error("invalid", "dialects.table", f"{where}: {text}", where)]))


class TransformError(ValueError):
    """A value that the transform cannot take; the message says what was expected."""
