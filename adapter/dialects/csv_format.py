"""CSV systems: one export holding several record types, one header line per type.

Layout (the table's record types and their keys come from system.yaml)::

    #CLIENT,prison_number,client_name,...      a header: '#' + the record type, then its columns
    CLIENT,A1234BC,"OKAFOR, Dana",...          a row: the record type, then the values
    #GOAL,prison_number,goal_ref,...
    GOAL,A1234BC,G1,...

Every type but the root names its ``parent``; a child row carries its parent's key columns, and that
is how rows find their client. Column order is free; a column no table entry reads is reported as
unmapped for every row that fills it. Locations are ``TYPE@line.column`` (``GOAL@7.target_date``).

Cells that a spreadsheet would run as a formula (starting ``= + - @``, tab, carriage return or their
full-width forms, after any leading blanks) are written with a leading apostrophe and read back
without it; a cell that a ';'-separated locale would split into a formula (``x;=1+1``) is quoted.
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
from adapter.text import control_issue

FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
"""What makes a spreadsheet read a cell as a formula: = + - @, tab, CR, and their full-width forms
(East Asian locales read those too)."""
_LEADING_BLANKS = " \n\u00a0\u3000"
_NEEDS_QUOTES = frozenset(',"\r\n')


def _formula(segment: str) -> bool:
    # Spreadsheets skip leading spaces before deciding: " =1+1" is a formula.
    return segment.lstrip(_LEADING_BLANKS)[:1] in FORMULA_STARTS


def escape_cell(text: str) -> str:
    """Neutralise a cell a spreadsheet would evaluate (OWASP CSV injection advice): a leading
    apostrophe when it would start a formula, leading blanks or apostrophes notwithstanding."""
    return "'" + text if _formula(text.lstrip("'")) else text


def unescape_cell(text: str) -> str:
    """Undo :func:`escape_cell`."""
    return text[1:] if text[:1] == "'" and _formula(text.lstrip("'")) else text


def csv_cell(text: str) -> str:
    """One cell as written: escaped (:func:`escape_cell`), then quoted where CSV needs it - and
    also where a spreadsheet in a locale whose list separator is ';' would split it into a cell
    that starts a formula (``x;=1+1``): quoted, the ';' stays inside the one cell."""
    cell = escape_cell(text)
    if _NEEDS_QUOTES.intersection(cell) or (";" in cell and any(map(_formula, cell.split(";")[1:]))):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@dataclass(frozen=True, slots=True)
class RecordType:
    """A record type of the export: its key columns, its parent type, its columns (for writing)."""

    name: str
    key: tuple[str, ...] = ()
    parent: str | None = None
    columns: tuple[str, ...] = ()
    required: frozenset[str] = frozenset()


@dataclass(slots=True)
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


def _record_type_at(raw: bytes) -> str:
    return raw.split(b",", 1)[0].decode("ascii", "replace").strip() or "line"


def _encoding_error(where: str, byte: int, encoding: str) -> InvalidSystemRecord:
    return InvalidSystemRecord.of(
        [
            _error(
                "value",
                "dialects.encoding",
                where,
                f"byte 0x{byte:02x} is not {encoding.upper()}; "
                f"the export must be {encoding.upper()} throughout",
            )
        ]
    )


def decoded_lines(data: bytes) -> Iterator[str]:
    """The export's lines, decoded one at a time (its text is never held whole): UTF-8 (a BOM
    allowed), or UTF-16 with its BOM; a byte that is not the encoding is named with its line."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            line = data[: error.start].decode("utf-16", "replace").count("\n") + 1
            raise _encoding_error(f"line {line}", data[error.start], "utf-16") from None
        yield from io.StringIO(text, newline="")
        return
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    number = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        raw = data[start:end]
        number += 1
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _encoding_error(f"{_record_type_at(raw)}@{number}", raw[error.start], "utf-8") from None
        start = end


def _looks_like_xml(data: bytes) -> bool:
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    head = data[:2048].decode("utf-16" if utf16 else "utf-8", "ignore")
    return head.lstrip("\ufeff \t\r\n").startswith("<")


@dataclass(frozen=True, slots=True)
class CsvReader:
    """Reads every client in an export."""

    types: tuple[RecordType, ...]
    marker: str = "#"
    limits: Limits = field(default_factory=Limits)

    def _header(
        self, kind: str, cells: list[str], where: str, headers: dict[str, list[str]], issues: list[Issue]
    ) -> None:
        known = {kind.name: kind for kind in self.types}
        if kind not in known:
            issues.append(_error("structure", "dialects.record-type", where, "unknown record type"))
            return
        if kind in headers:
            issues.append(_error("duplicate", "dialects.header", where, "a second header"))
            return
        columns = [cell.strip() for cell in cells[1:]]
        headers[kind] = columns
        for column in sorted(known[kind].required - set(columns)):
            issues.append(
                _error("required", "dialects.column", f"{where}.{column}", "required column missing")
            )
        repeated = {column for column in columns if columns.count(column) > 1}
        for column in sorted(repeated):
            issues.append(_error("duplicate", "dialects.column", f"{where}.{column}", "column appears twice"))

    def _rows(self, lines: Iterator[str], issues: list[Issue], notes: list[Issue]) -> list[CsvNode]:
        """Every row, read record by record from ``lines``; a cell is checked as it is read."""
        known = {kind.name: kind for kind in self.types}
        headers: dict[str, list[str]] = {}
        rows: list[CsvNode] = []
        csv.field_size_limit(self.limits.max_field_bytes)
        reader = csv.reader(lines, strict=True)
        line = 1
        try:
            for cells in reader:
                start, line = line, reader.line_num + 1
                if len(issues) >= self.limits.max_issues:
                    break
                if not cells or not any(cell.strip() for cell in cells):
                    continue
                head = cells[0].strip()
                if head.startswith(self.marker):
                    self._header(
                        head[len(self.marker) :],
                        cells,
                        f"{head[len(self.marker) :]}@{start}",
                        headers,
                        issues,
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
                    refused = [
                        issue
                        for column, value in values.items()
                        if (issue := control_issue(value, f"{where}.{column}")) is not None
                    ]
                    issues += refused
                    rows.append(CsvNode(head, start, values))
        except csv.Error as error:
            issues.append(_error("structure", "dialects.csv", f"line {line}", f"not valid CSV: {error}"))
        for kind, columns in headers.items():
            for column in sorted(set(known[kind].columns) - set(columns) - known[kind].required):
                notes.append(
                    Issue.warning(
                        "incomplete",
                        "dialects.column-absent",
                        f"{kind}.{column}: the #{kind} header has no {column} column; read as empty",
                        f"{kind}.{column}",
                    )
                )
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
        if _looks_like_xml(data):
            raise InvalidSystemRecord.single(
                "structure",
                "csv.not-csv",
                "this is XML (it starts with '<'), not a CSV export; give the system whose format it is",
            )
        issues: list[Issue] = []
        notes: list[Issue] = []
        rows = self._rows(decoded_lines(data), issues, notes)
        roots = self._link(rows, issues)
        if not issues and not roots:
            issues.append(
                Issue.error(
                    "required",
                    "csv.empty",
                    "the export holds no client records"
                    + (f" (no {self.types[0].name} rows)" if rows else " (no rows at all)"),
                )
            )
        if issues:
            raise InvalidSystemRecord.of(issues)
        return [SourceRecord(root, tuple(root.leaves()), tuple(notes)) for root in roots]


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
        for kind in self.types:
            if not by_kind[kind.name]:
                continue
            out.write(",".join(map(csv_cell, [self.marker + kind.name, *kind.columns])) + "\r\n")
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
                line = [kind.name, *(cells.get(column, "") for column in kind.columns)]
                out.write(",".join(map(csv_cell, line)) + "\r\n")
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
