"""``careplan systems``: the systems the adapter reads and writes, with their formats."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from adapter.dialects import systems


def command() -> None:
    """List the systems the adapter reads and writes, with their formats."""
    table = Table(title="systems")
    for column in ("name", "format", "version", "title"):
        table.add_column(column)
    for info in systems():
        table.add_row(info.name, info.format, info.version, info.title)
    table.add_row("fhir", "fhir-json", "R4", "FHIR R4 transaction Bundle (target only; also fhir-xml)")
    Console().print(table)
