"""A system's mapping table, compiled from YAML into small frozen records.

The table is an ordered list of entries; the order is the order a writer emits them (for XML it
follows the schema's sequences). An entry is either

* a **field**: ``source`` (a path relative to the current source node: ``Surname``,
  ``Address/Postcode``, ``@id`` in XML; a column name in CSV), ``canonical`` (a dotted path relative
  to the current canonical object, or ``{key: path}`` when a transform yields several values),
  optional ``transforms`` (names from :data:`~adapter.dialects.transforms.TRANSFORMS`, with
  arguments), ``required``, ``default`` (a canonical value used when the source has none) and
  ``repeat`` (the source value repeats and fills a canonical list);
* a **fixed value**: ``canonical`` and ``value`` with no ``source`` - what the system implies but
  does not record (every DIR care plan is an initial one);
* a **group**: ``group`` (the source path of a child node: an element path in XML, a record type in
  CSV, ``.`` for the same node), ``canonical`` (the object or list it fills), ``repeat`` (a list:
  one item per source node), ``required``, ``when`` (a source path: only the nodes holding a value
  there are this group's, so two repeated groups can share one CSV record type, each its own rows;
  their fields' ``required`` then binds those rows only, not the header), and its own ``map``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapter.dialects.codemaps import CodeMap
from adapter.dialects.errors import MappingTableError
from adapter.dialects.transforms import TRANSFORMS, Transform

# Field names may hold digits after the first letter (days_used_last_28).
_CANONICAL = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")


@dataclass(frozen=True, slots=True)
class Step:
    """One transform with its arguments bound."""

    transform: Transform
    args: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Field:
    """A source value <-> one canonical value (or several, keyed, when ``canonical`` is a mapping)."""

    source: str
    canonical: str | tuple[tuple[str, str], ...]
    steps: tuple[Step, ...] = ()
    required: bool = False
    default: Any = None
    repeat: bool = False
    where: str = ""

    @property
    def targets(self) -> tuple[str, ...]:
        """The canonical paths this field fills."""
        if isinstance(self.canonical, str):
            return (self.canonical,)
        return tuple(path for _, path in self.canonical)


@dataclass(frozen=True, slots=True)
class Fixed:
    """A canonical value the system implies for every record it holds."""

    canonical: str
    value: Any
    where: str = ""


@dataclass(frozen=True, slots=True)
class Group:
    """A child node of the source <-> a canonical object or list."""

    source: str
    canonical: str
    repeat: bool = False
    required: bool = False
    entries: tuple[Entry, ...] = ()
    where: str = ""
    when: str = ""
    """A repeated group over rows shared with another group: only the source nodes that hold a value
    at ``when`` are this group's (a CSV record type that carries two kinds of row)."""


Entry = Field | Fixed | Group


@dataclass(frozen=True, slots=True)
class Table:
    """A compiled mapping table: the root group (the whole record) and the post-process steps."""

    root: Group
    post: tuple[str, ...] = ()


def _canonical(value: Any, where: str) -> str:
    if value == "" or (isinstance(value, str) and _CANONICAL.match(value)):
        return str(value)
    raise MappingTableError.at(where, f"canonical path '{value}' is not a dotted path of field names")


def _steps(raw: Any, where: str, codemaps: Mapping[str, CodeMap]) -> tuple[Step, ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    steps: list[Step] = []
    for index, item in enumerate(items):
        here = f"{where}.transforms[{index}]"
        name, args = (item, {}) if isinstance(item, str) else next(iter(item.items()), ("", {}))
        if not isinstance(item, str) and (not isinstance(item, dict) or len(item) != 1):
            raise MappingTableError.at(here, "a transform is a name, or {name: {arguments}}")
        if name not in TRANSFORMS:
            raise MappingTableError.at(here, f"unknown transform '{name}'; known: {', '.join(TRANSFORMS)}")
        args = dict(args or {})
        if name == "code":
            if args.get("map") not in codemaps:
                raise MappingTableError.at(here, f"no code map named '{args.get('map')}' in the system")
            args["map"] = codemaps[args["map"]]
        steps.append(Step(TRANSFORMS[name], args))
    return tuple(steps)


def _entry(raw: Any, where: str, codemaps: Mapping[str, CodeMap]) -> Entry:
    if not isinstance(raw, dict):
        raise MappingTableError.at(where, "an entry is a mapping (a field, a fixed value or a group)")
    known = {
        "group",
        "source",
        "canonical",
        "repeat",
        "required",
        "map",
        "transforms",
        "default",
        "value",
        "when",
    }
    unknown = set(raw) - known
    if unknown:
        raise MappingTableError.at(where, f"unknown keys {sorted(unknown)}; known: {sorted(known)}")
    if "group" in raw:
        entries = raw.get("map") or []
        return Group(
            source=str(raw["group"]),
            canonical=_canonical(raw.get("canonical", ""), where),
            repeat=bool(raw.get("repeat", False)),
            required=bool(raw.get("required", False)),
            entries=tuple(_entry(e, f"{where}.map[{i}]", codemaps) for i, e in enumerate(entries)),
            where=where,
            when=str(raw.get("when", "")),
        )
    if "source" not in raw:
        if "value" not in raw:
            raise MappingTableError.at(where, "an entry needs a source, a group, or a fixed value")
        return Fixed(_canonical(raw.get("canonical"), where), raw["value"], where)
    canonical = raw.get("canonical")
    target: str | tuple[tuple[str, str], ...]
    if isinstance(canonical, dict):
        target = tuple((str(key), _canonical(path, where)) for key, path in canonical.items())
    else:
        target = _canonical(canonical, where)
    return Field(
        source=str(raw["source"]),
        canonical=target,
        steps=_steps(raw.get("transforms"), where, codemaps),
        required=bool(raw.get("required", False)),
        default=raw.get("default"),
        repeat=bool(raw.get("repeat", False)),
        where=where,
    )


def compile_table(raw: Any, name: str, codemaps: Mapping[str, CodeMap]) -> Table:
    """Compile a parsed mapping table; a malformed one raises MappingTableError naming the entry."""
    if not isinstance(raw, dict) or not isinstance(raw.get("map"), list):
        raise MappingTableError.at(name, "a mapping table is a mapping with a 'map' list")
    entries = tuple(_entry(e, f"{name}.map[{i}]", codemaps) for i, e in enumerate(raw["map"]))
    post = raw.get("post") or []
    return Table(Group(".", "", entries=entries, where=name), tuple(str(step) for step in post))
