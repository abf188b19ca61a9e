"""The mapping engine: walks a compiled table over a parsed source (reading) or a canonical record
(writing). It knows no system by name.

Reading runs the named stages parse -> map -> post-process -> validate; every source location that
held a value and that no table entry consumed is returned as unmapped. Writing runs map -> render;
every canonical leaf that no table entry consumed is returned as a loss, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from adapter.dialects import paths
from adapter.dialects.errors import TransformError
from adapter.dialects.nodes import SourceNode, TargetNode, Value
from adapter.dialects.table import Field, Fixed, Group, Table
from adapter.dialects.transforms import FellBack
from adapter.outcome import Issue

JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Loss:
    """A canonical field the target system cannot carry (or carries only approximately), and why."""

    path: str
    reason: str


@dataclass
class _Reading:
    consumed: set[str] = field(default_factory=set)
    origins: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


@dataclass
class _Writing:
    system: str
    consumed: set[str] = field(default_factory=set)
    approximations: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def _read_value(item: Value, spec: Field, canonical_at: str, state: _Reading) -> Any:
    value: Any = item.text
    for step in spec.steps:
        try:
            value = step.transform.read(value, step.args)
        except FellBack as fell_back:
            value = fell_back.value
            state.issues += [
                Issue.warning("code-invalid", "dialects.code-fallback", note, item.location)
                for note in fell_back.notes
            ]
        except TransformError as error:
            state.issues.append(
                Issue.error(
                    "value", "dialects.value", f"{item.location} ({canonical_at}): {error}", item.location
                )
            )
            return None
    return value


def _read_field(spec: Field, node: SourceNode, target: JsonObject, prefix: str, state: _Reading) -> None:
    found = node.values(spec.source)
    state.consumed.update(item.location for item in found)
    canonical_at = paths.join(prefix, spec.targets[0])
    if not found:
        if spec.required:
            where = node.where(spec.source)
            state.issues.append(
                Issue.error("required", "dialects.required", f"{where}: required ({canonical_at})", where)
            )
        elif spec.default is not None and isinstance(spec.canonical, str):
            paths.put(target, spec.canonical, spec.default)
        return
    if not spec.repeat and len(found) > 1:
        state.issues.append(
            Issue.error(
                "structure",
                "dialects.repeated",
                f"{found[1].location}: appears {len(found)} times; expected once ({canonical_at})",
                found[1].location,
            )
        )
        return
    values = [_read_value(item, spec, canonical_at, state) for item in found]
    if any(value is None for value in values):
        return
    value: Any = values if spec.repeat else values[0]
    if isinstance(spec.canonical, str):
        paths.put(target, spec.canonical, value)
        state.origins[canonical_at] = found[0].location
        return
    for key, path in spec.canonical:
        if value.get(key) is not None:
            paths.put(target, path, value[key])
            state.origins[paths.join(prefix, path)] = found[0].location


def _read_group(group: Group, node: SourceNode, target: JsonObject, prefix: str, state: _Reading) -> None:
    nodes = [node] if group.source == "." else list(node.children(group.source))
    if group.when:
        nodes = [child for child in nodes if child.values(group.when)]
    canonical_at = paths.join(prefix, group.canonical)
    if group.repeat:
        items: list[JsonObject] = []
        for child in nodes:
            item: JsonObject = {}
            _read_entries(group, child, item, f"{canonical_at}[{len(items)}]", state)
            items.append(item)
        if items:
            paths.put(target, group.canonical, items)
        return
    if len(nodes) > 1:
        state.issues.append(
            Issue.error(
                "duplicate",
                "dialects.duplicate",
                f"{nodes[1].location}: a second {group.source} record; expected at most one ({canonical_at})",
                nodes[1].location,
            )
        )
        return
    if not nodes:
        if group.required:
            where = node.where(group.source)
            state.issues.append(
                Issue.error("required", "dialects.required", f"{where}: required ({canonical_at})", where)
            )
        return
    existing = paths.get(target, group.canonical) if group.canonical else target
    sub: JsonObject = existing if isinstance(existing, dict) else {}
    _read_entries(group, nodes[0], sub, canonical_at, state)
    if group.canonical and sub:
        paths.put(target, group.canonical, sub)


def _read_entries(group: Group, node: SourceNode, target: JsonObject, prefix: str, state: _Reading) -> None:
    for entry in group.entries:
        if isinstance(entry, Field):
            _read_field(entry, node, target, prefix, state)
        elif isinstance(entry, Fixed):
            if paths.get(target, entry.canonical) is None:
                paths.put(target, entry.canonical, entry.value)
        else:
            _read_group(entry, node, target, prefix, state)


@dataclass(frozen=True, slots=True)
class Mapped:
    """The map stage's result: canonical JSON, where each value came from, what was not mapped."""

    canonical: JsonObject
    origins: dict[str, str]
    unmapped: tuple[str, ...]
    issues: tuple[Issue, ...]


def map_source(table: Table, root: SourceNode, leaves: tuple[str, ...]) -> Mapped:
    """Map one parsed source record to canonical JSON (not yet validated)."""
    state = _Reading()
    canonical: JsonObject = {}
    _read_entries(table.root, root, canonical, "", state)
    unmapped = tuple(location for location in leaves if location not in state.consumed)
    return Mapped(canonical, state.origins, unmapped, tuple(state.issues))


def _write_value(value: Any, spec: Field, canonical_at: str, state: _Writing) -> Any:
    for step in reversed(spec.steps):
        try:
            value = step.transform.write(value, step.args)
        except FellBack as fell_back:
            value = fell_back.value
            state.approximations[canonical_at] = "; ".join(fell_back.notes)
            state.issues += [
                Issue.warning("code-invalid", "dialects.code-fallback", note, canonical_at)
                for note in fell_back.notes
            ]
        except TransformError as error:
            state.issues.append(
                Issue.error("value", "dialects.value", f"{canonical_at}: {error}", canonical_at)
            )
            return None
        if value is None:
            return None
    return value


def _write_field(spec: Field, source: JsonObject, node: TargetNode, prefix: str, state: _Writing) -> None:
    canonical_at = paths.join(prefix, spec.targets[0])
    value: Any
    if isinstance(spec.canonical, str):
        value = paths.get(source, spec.canonical)
    else:
        value = {key: paths.get(source, path) for key, path in spec.canonical}
        if all(item is None for item in value.values()):
            value = None
    if value is None or value == []:
        if spec.default is not None:
            value = spec.default
        elif spec.required:
            state.issues.append(
                Issue.error(
                    "required",
                    "dialects.required",
                    f"{canonical_at}: {state.system} requires a value ({spec.source})",
                    canonical_at,
                )
            )
            return
        else:
            return
    state.consumed.update(paths.join(prefix, path) for path in spec.targets)
    items = list(enumerate(value)) if spec.repeat else [(None, value)]
    for index, item in items:
        at = canonical_at if index is None else f"{canonical_at}[{index}]"
        text = _write_value(item, spec, at, state)
        if text is not None:
            node.put(spec.source, str(text))
            if at not in state.approximations:
                _check_faithful(str(text), item, spec, prefix if index is None else at, state)


def _check_faithful(text: str, item: Any, spec: Field, prefix: str, state: _Writing) -> None:
    """Read what was written back through the field's transforms: a value the format cannot hold as
    it is (``Mary Ann`` as given names written space-separated, ``O'Brien, Smith`` as a family name
    before the comma) comes back different, and is reported as a loss rather than passed silently."""
    back: Any = text.strip()
    try:
        for step in spec.steps:
            back = step.transform.read(back, step.args)
    except (TransformError, FellBack):
        back = None
    if not text.strip():
        back = None
    expected = item if isinstance(spec.canonical, str) else {k: v for k, v in item.items() if v is not None}
    if isinstance(back, dict):
        back = {key: value for key, value in back.items() if key in expected}
    if _same(back, expected):
        return
    reason = (
        f"{state.system} cannot hold {_shown(expected)} as it is: written as {text!r}, it reads back as "
        f"{_shown(back)}"
    )
    if isinstance(spec.canonical, str):
        state.approximations[prefix if prefix.endswith("]") else paths.join(prefix, spec.canonical)] = reason
    else:
        for _key, path in spec.canonical:
            state.approximations[paths.join(prefix, path)] = reason


_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _same(read_back: Any, written: Any) -> bool:
    """Equal as the model would hold them: '19' and 19, or one instant in two offsets, are the same."""
    if isinstance(read_back, dict) and isinstance(written, dict):
        return read_back.keys() == written.keys() and all(_same(read_back[k], written[k]) for k in written)
    if isinstance(read_back, list) and isinstance(written, list):
        return len(read_back) == len(written) and all(map(_same, read_back, written))
    return bool(read_back == written or _plain(read_back) == _plain(written))


def _plain(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value)
    if _NUMBER.fullmatch(text):
        return Decimal(text)
    if "T" in text:
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text
    return text


def _shown(value: Any) -> str:
    return "nothing" if value is None else repr(value)


class _LazyChild:
    """A child node created on its first value, so an optional section with nothing in it is left out."""

    def __init__(self, parent: TargetNode, path: str) -> None:
        self._parent, self._path = parent, path
        self._node: TargetNode | None = None

    def _real(self) -> TargetNode:
        if self._node is None:
            self._node = self._parent.child(self._path)
        return self._node

    def put(self, path: str, text: str) -> None:
        self._real().put(path, text)

    def child(self, path: str) -> TargetNode:
        return self._real().child(path)


def _write_group(group: Group, source: JsonObject, node: TargetNode, prefix: str, state: _Writing) -> None:
    canonical_at = paths.join(prefix, group.canonical)
    value = paths.get(source, group.canonical) if group.canonical else source
    if group.repeat:
        for index, item in enumerate(value or []):
            child = node if group.source == "." else node.child(group.source)
            _write_entries(group, item, child, f"{canonical_at}[{index}]", state)
        return
    if not value:
        if group.required:
            state.issues.append(
                Issue.error(
                    "required",
                    "dialects.required",
                    f"{canonical_at}: {state.system} requires it ({group.source})",
                    canonical_at or None,
                )
            )
        return
    child = node if group.source == "." else _LazyChild(node, group.source)
    _write_entries(group, value, child, canonical_at, state)


def _write_entries(group: Group, source: JsonObject, node: TargetNode, prefix: str, state: _Writing) -> None:
    for entry in group.entries:
        if isinstance(entry, Field):
            _write_field(entry, source, node, prefix, state)
        elif isinstance(entry, Fixed):
            canonical_at = paths.join(prefix, entry.canonical)
            actual = paths.get(source, entry.canonical)
            if actual == entry.value:
                state.consumed.add(canonical_at)
            elif actual is not None:
                state.approximations[canonical_at] = f"{state.system} always records {entry.value!r}"
        else:
            _write_group(entry, source, node, prefix, state)


_STEP = re.compile(r"[.\[]")


def prefixes(path: str) -> list[str]:
    """``a.b[0].c`` -> ``a``, ``a.b``, ``a.b[0]``, ``a.b[0].c``."""
    return [path[: match.start()] for match in _STEP.finditer(path)] + [path]


@dataclass(frozen=True, slots=True)
class Emitted:
    """The write map stage's result: what could not be carried, and the problems found."""

    losses: tuple[Loss, ...]
    issues: tuple[Issue, ...]


def emit_record(system: str, table: Table, canonical: JsonObject, root: TargetNode) -> Emitted:
    """Write one canonical record (as JSON) into ``root``; list every leaf the system cannot carry."""
    state = _Writing(system)
    _write_entries(table.root, canonical, root, "", state)
    losses: list[Loss] = []
    for leaf in paths.leaves(canonical):
        found = prefixes(leaf)
        approximate = next((state.approximations[p] for p in found if p in state.approximations), None)
        if approximate is not None:
            losses.append(Loss(leaf, approximate))
        elif not any(p in state.consumed for p in found):
            losses.append(Loss(leaf, f"{system} has no field for it"))
    return Emitted(tuple(losses), tuple(state.issues))
