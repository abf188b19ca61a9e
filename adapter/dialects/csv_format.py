"""CSV systems: one export holding several record types, one header line per type.

Layout (the table's record types and their keys come from system.yaml)::

    #CLIENT,prison_number,client_name,...      a header: '#' + the record type, then its columns
    CLIENT,A1234BC,"OKAFOR, Dana",...          a row: the record type, then the values
    #GOAL,prison_number,goal_ref,...
    GOAL,A1234BC,G1,...

Every type but the root names its ``parent``; a child row carries its parent's key columns, and that
is how rows find their client. Column order is free; a column no table entry reads is reported as
unmapped for every row that fills it. Locations are ``TYPE@line.column`` (``GOAL@7.target_date``).

Cells that a spreadsheet would run as a formula (starting ``= + - @``, tab or carriage return) are
written with a leading apostrophe and read back without it.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from adapter.dialects.errors import InvalidSystemRecord
from adapter.dialects.nodes import SourceRecord, TargetNode, Value
from adapter.dialects.safe_xml import Limits
from adapter.outcome import Issue

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(text: str) -> str:
    """Neutralise a cell a spreadsheet would evaluate (OWASP CSV injection advice)."""
    return "'" + text if text.lstrip("'")[:1] in _FORMULA and text[:1] in (*_FORMULA, "'") else text


def unescape_cell(text: str) -> str:
    """Undo :func:`escape_cell`."""
    return text[1:] if text[:1] == "'" and text.lstrip("'")[:1] in _FORMULA else text


@dataclass(frozen=True, slots=True)
class RecordType:
    """A record type of the export: its key columns, its parent type, its columns (for writing)."""

    name: str
    key: tuple[str, ...] = ()
    parent: str | None = None
    columns: tuple[str, ...] = ()
    required: frozenset[str] = frozenset()


@dataclass
class CsvNode:
    """One row of the export, with its child rows by record type."""

    kind: str
    line: int
    row: dict[str, str]
    links: frozenset[str] = frozenset()
    children_by_kind: dict[str, list[CsvNode]] = field(default_factory=dict)

    @property
    def location(self) -> str:
        return f"{self.kind}@{self.line}"

    def values(self, path: str) -> list[Value]:
        text = self.row.get(path, "").strip()
        return [Value(text, f"{self.location}.{path}")] if text else []

    def where(self, path: str) -> str:
        return self.location if path == "." else f"{self.location}.{path}"

    def children(self, path: str) -> list[CsvNode]:
        return [self] if path == "." else self.children_by_kind.get(path, [])

    def leaves(self) -> Iterator[str]:
        for column, text in self.row.items():
            if text.strip() and column not in self.links:
                yield f"{self.location}.{column}"
        for rows in self.children_by_kind.values():
            for child in rows:
                yield from child.leaves()


def _error(code: str, message_id: str, where: str, text: str) -> Issue:
    return Issue.error(code, message_id, f"{where}: {text}", where)


def _record_type_at(data: bytes, line: int) -> str:
    raw = data.split(b"\n")[line - 1]
    return raw.split(b",", 1)[0].decode("ascii", "replace").strip() or "line"


def decode(data: bytes) -> str:
    """Text of an export: UTF-8 (a BOM allowed), or UTF-16 with its BOM; anything else is named."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body = "utf-16", data
    else:
        encoding, body = "utf-8", data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        where = f"{_record_type_at(body, line)}@{line}" if encoding == "utf-8" else f"line {line}"
        raise InvalidSystemRecord.of(
            [
                _error(
                    "value",
                    "dialects.encoding",
                    where,
                    f"byte 0x{body[error.start]:02x} is not {encoding.upper()}; the export must be "
                    f"{encoding.upper()} throughout",
                )
            ]
        ) from None


@dataclass(frozen=True, slots=True)
class CsvReader:
    """Reads every client in an export."""

    types: tuple[RecordType, ...]
    marker: str = "#"
    limits: Limits = field(default_factory=Limits)

    def _rows(self, text: str, issues: list[Issue]) -> list[CsvNode]:
        known = {kind.name: kind for kind in self.types}
        headers: dict[str, list[str]] = {}
        rows: list[CsvNode] = []
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        line = 1
        try:
            for cells in reader:
                start, line = line, reader.line_num + 1
                if not cells or not any(cell.strip() for cell in cells):
                    continue
                head = cells[0].strip()
                if head.startswith(self.marker):
                    kind = head[len(self.marker) :]
                    where = f"{kind}@{start}"
                    if kind not in known:
                        issues.append(
                            _error("structure", "dialects.record-type", where, "unknown record type")
                        )
                        continue
                    if kind in headers:
                        issues.append(_error("duplicate", "dialects.header", where, "a second header"))
                        continue
                    columns = [cell.strip() for cell in cells[1:]]
                    headers[kind] = columns
                    for column in sorted(known[kind].required - set(columns)):
                        issues.append(
                            _error(
                                "required", "dialects.column", f"{where}.{column}", "required column missing"
                            )
                        )
                    repeated = {column for column in columns if columns.count(column) > 1}
                    for column in sorted(repeated):
                        issues.append(
                            _error(
                                "duplicate", "dialects.column", f"{where}.{column}", "column appears twice"
                            )
                        )
                    continue
                where = f"{head}@{start}"
                if head not in known:
                    issues.append(
                        _error("structure", "dialects.record-type", where, f"unknown record type '{head}'")
                    )
                elif head not in headers:
                    issues.append(
                        _error("structure", "dialects.header", where, f"no #{head} header before it")
                    )
                elif len(cells) - 1 != len(headers[head]):
                    issues.append(
                        _error(
                            "structure",
                            "dialects.ragged",
                            where,
                            f"{len(cells) - 1} values; the #{head} header has {len(headers[head])} columns",
                        )
                    )
                else:
                    values = {c: unescape_cell(v) for c, v in zip(headers[head], cells[1:], strict=True)}
                    rows.append(CsvNode(head, start, values))
        except csv.Error as error:
            issues.append(_error("structure", "dialects.csv", f"line {line}", f"not valid CSV: {error}"))
        return rows

    def _link(self, rows: list[CsvNode], issues: list[Issue]) -> list[CsvNode]:
        known = {kind.name: kind for kind in self.types}
        index: dict[tuple[str, tuple[str, ...]], CsvNode] = {}
        for node in rows:
            kind = known[node.kind]
            if not kind.key:
                continue
            key = tuple(node.row.get(column, "").strip() for column in kind.key)
            missing = [column for column, value in zip(kind.key, key, strict=True) if not value]
            if missing:
                issues.append(
                    _error(
                        "required",
                        "dialects.key",
                        f"{node.location}.{missing[0]}",
                        "the record's key is empty",
                    )
                )
                continue
            first = index.setdefault((node.kind, key), node)
            if first is not node:
                issues.append(
                    _error(
                        "duplicate",
                        "dialects.duplicate",
                        f"{node.location}.{kind.key[-1]}",
                        f"duplicate {node.kind} record {'/'.join(key)} (first at line {first.line})",
                    )
                )
        roots: list[CsvNode] = []
        for node in rows:
            kind = known[node.kind]
            if kind.parent is None:
                roots.append(node)
                continue
            parent_key = known[kind.parent].key
            node.links = frozenset(parent_key)
            key = tuple(node.row.get(column, "").strip() for column in parent_key)
            parent = index.get((kind.parent, key))
            if parent is None:
                issues.append(
                    _error(
                        "structure",
                        "dialects.orphan",
                        f"{node.location}.{parent_key[-1]}",
                        f"no {kind.parent} record {'/'.join(key)} for this row",
                    )
                )
                continue
            parent.children_by_kind.setdefault(node.kind, []).append(node)
        return roots

    def parse(self, data: bytes) -> list[SourceRecord]:
        if len(data) > self.limits.max_bytes:
            # Refused before decoding: the same issue the XML parser gives for an oversized document.
            raise InvalidSystemRecord.single(
                "too-costly",
                "csv.too-large",
                f"CSV input is {len(data):,} bytes; the limit is {self.limits.max_bytes:,} bytes",
            )
        issues: list[Issue] = []
        rows = self._rows(decode(data), issues)
        roots = self._link(rows, issues)
        if issues:
            raise InvalidSystemRecord.of(issues)
        return [SourceRecord(root, tuple(root.leaves())) for root in roots]


@dataclass
class CsvRow:
    """A row being written; its parent's key columns are filled in when the export is rendered."""

    kind: str
    parent: CsvRow | None
    values: dict[str, str] = field(default_factory=dict)
    rows: list[CsvRow] = field(default_factory=list)

    def put(self, path: str, text: str) -> None:
        if path in self.values:
            raise ValueError(f"{self.kind}.{path} written twice: a CSV cell holds one value")
        self.values[path] = text

    def child(self, path: str) -> TargetNode:
        row = CsvRow(path, self)
        self.rows.append(row)
        return row

    def walk(self) -> Iterator[CsvRow]:
        yield self
        for row in self.rows:
            yield from row.walk()


@dataclass
class CsvDraft:
    """An export being written: any number of clients."""

    types: tuple[RecordType, ...]
    marker: str
    roots: list[CsvRow] = field(default_factory=list)

    def record(self) -> TargetNode:
        root = next(kind.name for kind in self.types if kind.parent is None)
        row = CsvRow(root, None)
        self.roots.append(row)
        return row

    def _cells(
        self, row: CsvRow, known: dict[str, RecordType], done: dict[int, dict[str, str]]
    ) -> dict[str, str]:
        # Rows are walked parent first, so a parent's cells (with its own links) are already known.
        cells = dict(row.values)
        parent_kind = known[row.kind].parent
        if row.parent is not None and parent_kind is not None:
            parent_cells = done[id(row.parent)]
            for column in known[parent_kind].key:
                cells[column] = parent_cells.get(column, "")
        done[id(row)] = cells
        return cells

    def finish(self) -> bytes:
        known = {kind.name: kind for kind in self.types}
        by_kind: dict[str, list[dict[str, str]]] = {kind.name: [] for kind in self.types}
        done: dict[int, dict[str, str]] = {}
        for root in self.roots:
            for row in root.walk():
                by_kind[row.kind].append(self._cells(row, known, done))
        issues: list[Issue] = []
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        for kind in self.types:
            if not by_kind[kind.name]:
                continue
            writer.writerow([self.marker + kind.name, *kind.columns])
            seen: set[tuple[str, ...]] = set()
            for cells in by_kind[kind.name]:
                key = tuple(cells.get(column, "") for column in kind.key)
                if kind.key and (key in seen or not all(key)):
                    issues.append(
                        _error(
                            "duplicate",
                            "dialects.key",
                            f"{kind.name}.{kind.key[-1]}",
                            f"key {'/'.join(key) or '(empty)'} is empty or not unique",
                        )
                    )
                seen.add(key)
                writer.writerow([kind.name, *(escape_cell(cells.get(column, "")) for column in kind.columns)])
        if issues:
            raise InvalidSystemRecord.of(issues)
        return out.getvalue().encode("utf-8")


@dataclass(frozen=True, slots=True)
class CsvWriter:
    """Starts exports with the system's record types and columns."""

    types: tuple[RecordType, ...]
    marker: str = "#"

    def start(self) -> CsvDraft:
        return CsvDraft(self.types, self.marker)
