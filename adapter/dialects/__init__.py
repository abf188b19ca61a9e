"""Each service's own system format, read and written from declarative mappings in mappings/.

    >>> export = Path("fixtures/systems/carat/exports/02-release-with-sessions.csv").read_bytes()
    >>> conversion = read("carat", export)
    >>> conversion.unmapped
    ()
    >>> [(c.kind.value, c.duration_minutes) for c in conversion.record.plan.contacts]
    [('care-plan-review', 50)]
    >>> write("cjit-dir", conversion.record).losses
    ()

The engine knows no system by name: a system is a folder in mappings/ (see
:mod:`adapter.dialects.systems`). Reading reports the source fields it did not map; writing reports
the canonical fields the system cannot carry. Bad input raises
:class:`InvalidSystemRecord` whose OperationOutcome names the record and the field of each problem.
"""

from __future__ import annotations

from pathlib import Path

from adapter.dialects.codemaps import CodeMap, load_code_map
from adapter.dialects.csv_format import escape_cell, unescape_cell
from adapter.dialects.engine import Loss
from adapter.dialects.errors import InvalidSystemRecord, MappingTableError, TransformError
from adapter.dialects.nodes import Draft, Reader, SourceNode, SourceRecord, TargetNode, Value, Writer
from adapter.dialects.results import Conversion, Dialect, Written
from adapter.dialects.safe_xml import Limits, parse_untrusted_xml
from adapter.dialects.systems import System, SystemInfo, default_mappings, load_system, systems
from adapter.dialects.transforms import TRANSFORMS, Transform
from adapter.model import ClientRecord
from adapter.outcome import Issue

__all__ = [
    "TRANSFORMS",
    "CodeMap",
    "Conversion",
    "Dialect",
    "Draft",
    "InvalidSystemRecord",
    "Limits",
    "Loss",
    "MappingTableError",
    "Reader",
    "SourceNode",
    "SourceRecord",
    "System",
    "SystemInfo",
    "TargetNode",
    "Transform",
    "TransformError",
    "Value",
    "Writer",
    "Written",
    "default_mappings",
    "escape_cell",
    "load_code_map",
    "load_system",
    "parse_untrusted_xml",
    "read",
    "read_all",
    "systems",
    "unescape_cell",
    "write",
]


def read_all(
    system: str, data: bytes, *, mappings: Path | None = None, limits: Limits | None = None
) -> list[Conversion]:
    """Every client record in ``data`` (a CSV export may hold many), or InvalidSystemRecord."""
    return load_system(system, mappings, limits).dialect.read_records(data)


def read(
    system: str, data: bytes, *, mappings: Path | None = None, limits: Limits | None = None
) -> Conversion:
    """The one client record in ``data``, or InvalidSystemRecord naming every problem.

    >>> dir_record = Path("fixtures/systems/cjit-dir/01-custody-triage.xml").read_bytes()
    >>> read("cjit-dir", dir_record).record.plan.kind
    <PlanKind.INITIAL: 'initial'>
    """
    conversions = read_all(system, data, mappings=mappings, limits=limits)
    if len(conversions) != 1:
        raise InvalidSystemRecord.of(
            [
                Issue.error(
                    "structure",
                    "dialects.record-count",
                    f"the document holds {len(conversions)} client records; expected one (use read_all)",
                )
            ]
        )
    return conversions[0]


def write(system: str, record: ClientRecord, *, mappings: Path | None = None) -> Written:
    """``record`` in ``system``'s format, with the losses: the canonical fields it cannot carry."""
    return load_system(system, mappings).dialect.write_record(record)
