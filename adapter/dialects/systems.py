"""Systems: each a folder in mappings/ holding system.yaml, its table, code maps, schema, README.

    mappings/<system>/system.yaml       name, title, format (xml | csv), version, table file,
                                        and the format's options (xml: root, namespace, schema;
                                        csv: marker, record types with key and parent)
    mappings/<system>/<table>.yaml      the mapping table (see adapter.dialects.table)
    mappings/<system>/codemaps/*.yaml   code maps, named by file stem (see adapter.dialects.codemaps)
    mappings/<system>/schema.xsd        the schema of an XML system
    mappings/<system>/README.md         the format, in words

Adding a system is adding such a folder: nothing here names one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
import yaml

from adapter.dialects.codemaps import CodeMap, CodeMapError, load_code_map
from adapter.dialects.convert import TableDialect
from adapter.dialects.csv_format import CsvReader, CsvWriter, RecordType
from adapter.dialects.errors import MappingTableError
from adapter.dialects.fhir_dialect import FhirDialect
from adapter.dialects.nodes import Reader, Writer
from adapter.dialects.post import POST_STEPS
from adapter.dialects.results import Dialect
from adapter.dialects.safe_xml import Limits
from adapter.dialects.table import Field, Group, Table, compile_table
from adapter.dialects.xml_format import XmlReader, XmlWriter, load_schema
from adapter.packaged import mappings_folder

FORMATS = ("xml", "csv", "fhir")


def default_mappings() -> Path:
    """The mappings folder that ships with the adapter (or $CAREPLAN_MAPPINGS): see adapter.packaged."""
    return mappings_folder()


@dataclass(frozen=True, slots=True)
class SystemInfo:
    """What ``careplan systems`` lists."""

    name: str
    title: str
    format: str
    version: str
    folder: Path


@dataclass(frozen=True, slots=True)
class System:
    """A loaded system: how to read and write it, and its files' extension."""

    info: SystemInfo
    dialect: Dialect
    extension: str


def _yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise MappingTableError.at(str(path), f"cannot be read: {error}") from None


def _codemaps(folder: Path) -> dict[str, CodeMap]:
    maps: dict[str, CodeMap] = {}
    for path in sorted(folder.glob("codemaps/*")):
        if path.suffix not in (".yaml", ".yml", ".json"):
            continue
        raw = orjson.loads(path.read_bytes()) if path.suffix == ".json" else _yaml(path)
        try:
            maps[path.stem] = load_code_map(raw, path.stem)
        except CodeMapError as error:
            raise MappingTableError.at(str(path), str(error)) from None
    return maps


def _groups(group: Group, kind: str) -> Iterator[tuple[str, Group]]:
    yield kind, group
    for entry in group.entries:
        if isinstance(entry, Group):
            yield from _groups(entry, kind if entry.source == "." else entry.source)


def _record_types(options: dict[str, Any], table: Table, where: str) -> tuple[RecordType, ...]:
    declared = options.get("records") or []
    roots = [r["name"] for r in declared if not r.get("parent")]
    if len(roots) != 1:
        raise MappingTableError.at(where, "csv.records needs exactly one record type with no parent")
    keys = {r["name"]: tuple(r.get("key") or ()) for r in declared}
    columns: dict[str, list[str]] = {name: [] for name in keys}
    required: dict[str, set[str]] = {name: set(keys[name]) for name in keys}
    for kind, group in _groups(table.root, roots[0]):
        if kind not in columns:
            raise MappingTableError.at(group.where, f"record type '{kind}' is not declared in system.yaml")
        for entry in group.entries:
            if isinstance(entry, Field) and entry.repeat:
                raise MappingTableError.at(entry.where, "a CSV cell holds one value: use a split transform")
            if isinstance(entry, Field) and entry.source not in columns[kind]:
                columns[kind].append(entry.source)
                if entry.required and not group.when:
                    # A group of some rows only (``when``) cannot require a column of every row.
                    required[kind].add(entry.source)
    types: list[RecordType] = []
    for raw in declared:
        name, parent = raw["name"], raw.get("parent")
        links = list(keys[parent]) if parent else []
        if parent and parent not in keys:
            raise MappingTableError.at(where, f"record type {name}: unknown parent {parent}")
        ordered = links + [c for c in columns[name] if c not in links]
        types.append(
            RecordType(name, keys[name], parent, tuple(ordered), frozenset(required[name] | set(links)))
        )
    return tuple(types)


def load_system(name: str, mappings: Path | None = None, limits: Limits | None = None) -> System:
    """Load one system's folder; a malformed folder raises MappingTableError naming file and key."""
    return _load(name, mappings or default_mappings(), limits or Limits())


@lru_cache(maxsize=32)
def _load(name: str, mappings: Path, limits: Limits) -> System:
    folder = mappings / name
    if not (folder / "system.yaml").is_file():
        known = ", ".join(info.name for info in systems(mappings)) or "none"
        raise MappingTableError.at(name, f"no such system (known: {known})")
    described = _yaml(folder / "system.yaml")
    info = SystemInfo(
        str(described.get("name", name)),
        str(described.get("title", name)),
        str(described.get("format")),
        str(described.get("version", "")),
        folder,
    )
    if info.format not in FORMATS:
        raise MappingTableError.at(f"{folder}/system.yaml", f"format must be one of {', '.join(FORMATS)}")
    table_file = folder / str(described.get("table", "mapping.yaml"))
    options = described.get(info.format) or {}
    if info.format == "fhir":
        return _fhir_system(info, _yaml(table_file), options, limits)
    codemaps = _codemaps(folder)
    table = compile_table(_yaml(table_file), table_file.name, codemaps)
    for step in table.post:
        if step not in POST_STEPS:
            raise MappingTableError.at(table_file.name, f"unknown post-process step '{step}'")
    reader: Reader
    writer: Writer
    if info.format == "xml":
        schema = load_schema(folder / options["schema"]) if options.get("schema") else None
        reader = XmlReader(options["root"], options["namespace"], schema, limits)
        writer = XmlWriter(options["root"], options["namespace"], schema)
        extension = "xml"
    else:
        types = _record_types(options, table, f"{folder}/system.yaml")
        marker = str(options.get("marker", "#"))
        reader, writer, extension = CsvReader(types, marker, limits), CsvWriter(types, marker), "csv"
    return System(info, TableDialect(info.name, table, reader, writer), extension)


def _fhir_system(info: SystemInfo, table: Any, options: dict[str, Any], limits: Limits) -> System:
    if not isinstance(table, dict) or not isinstance(table.get("carries"), list):
        raise MappingTableError.at(
            f"{info.folder}/mapping.yaml", "a FHIR system's table lists what it carries"
        )
    wire = str(options.get("wire", "json"))
    if wire not in ("json", "xml"):
        raise MappingTableError.at(f"{info.folder}/system.yaml", "fhir.wire must be json or xml")
    dialect = FhirDialect(
        info.name,
        tuple(str(path) for path in table["carries"]),
        tuple(str(path) for path in table.get("requires") or ()),
        wire,
        limits.max_bytes,
    )
    return System(info, dialect, wire)


def systems(mappings: Path | None = None) -> list[SystemInfo]:
    """Every system with a folder in ``mappings``, by name."""
    root = mappings or default_mappings()
    found: list[SystemInfo] = []
    for described in sorted(root.glob("*/system.yaml")):
        raw = _yaml(described)
        found.append(
            SystemInfo(
                str(raw.get("name", described.parent.name)),
                str(raw.get("title", "")),
                str(raw.get("format", "")),
                str(raw.get("version", "")),
                described.parent,
            )
        )
    return found
