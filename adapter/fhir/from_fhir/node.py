"""Reading FHIR JSON while remembering what was read, so that what was not is reported.

A :class:`Node` is a JSON object with its FHIRPath. Every element a mapper reads through it is
marked in the shared :class:`Tracker`; afterwards :func:`unread` walks the input and names each
element that no mapper took, at the highest level where nothing below was read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from adapter.types import FhirJson


class Tracker:
    """The paths that were read (whole subtrees), and every ancestor of one (partly read)."""

    def __init__(self) -> None:
        self.read: set[str] = set()
        self.touched: set[str] = set()

    def mark(self, path: str) -> None:
        self.read.add(path)
        touched = self.touched
        # Up the ancestors until one is known: siblings share them, so this is mostly one step.
        while path not in touched:
            touched.add(path)
            cut = max(path.rfind("."), path.rfind("["))
            if cut <= 0:
                break
            path = path[:cut]


class Node:
    """A JSON object of the input at ``path``. Reading a key through it marks that key read."""

    __slots__ = ("data", "path", "tracker")

    def __init__(self, data: FhirJson, path: str, tracker: Tracker) -> None:
        self.data = data
        self.path = path
        self.tracker = tracker

    def value(self, key: str) -> Any:
        """A primitive (or a whole object taken as it is); marks it read."""
        if key not in self.data:
            return None
        self.tracker.mark(f"{self.path}.{key}")
        return self.data[key]

    def item(self, key: str, index: int) -> Any:
        """One entry of a list of primitives; marks only that entry read."""
        values = self.data.get(key)
        if not isinstance(values, list) or index >= len(values):
            return None
        self.tracker.mark(f"{self.path}.{key}[{index}]")
        return values[index]

    def items(self, key: str) -> list[Any]:
        """A whole list of primitives; marks it read."""
        values = self.data.get(key)
        if not isinstance(values, list):
            return []
        self.tracker.mark(f"{self.path}.{key}")
        return values

    def child(self, key: str) -> Node | None:
        """A nested object (nothing marked until something inside is read)."""
        value = self.data.get(key)
        return Node(value, f"{self.path}.{key}", self.tracker) if isinstance(value, dict) else None

    def children(self, key: str) -> list[Node]:
        """The objects of a repeating element, each with its indexed path."""
        values = self.data.get(key)
        if isinstance(values, dict):  # a lone object where the spec says list: still readable
            values = [values]
        if not isinstance(values, list):
            return []
        return [
            Node(value, f"{self.path}.{key}[{i}]", self.tracker)
            for i, value in enumerate(values)
            if isinstance(value, dict)
        ]

    def take(self, *keys: str) -> None:
        """Mark ``keys`` (or, with none, this whole node) read without using them: derived values."""
        for key in keys or ("",):
            path = f"{self.path}.{key}" if key else self.path
            if not key or key in self.data:
                self.tracker.mark(path)

    def extensions(self, url: str) -> list[Node]:
        """The extensions with ``url``; their ``url`` is marked read."""
        found = [ext for ext in self.children("extension") if ext.data.get("url") == url]
        for ext in found:
            ext.take("url")
        return found

    def extension(self, url: str) -> Node | None:
        found = self.extensions(url)
        return found[0] if found else None

    def ext_path(self, url: str) -> str:
        """The FHIRPath of the first extension with ``url``, or ``extension('url')`` when there is none."""
        extensions = self.data.get("extension")
        for i, ext in enumerate(extensions if isinstance(extensions, list) else []):
            if isinstance(ext, dict) and ext.get("url") == url:
                return f"{self.path}.extension[{i}]"
        return f"{self.path}.extension('{url}')"

    def ext_value(self, url: str, key: str) -> Any:
        ext = self.extension(url)
        return None if ext is None else ext.value(key)


def unread(data: Any, path: str, tracker: Tracker, skip: frozenset[str] = frozenset()) -> Iterator[str]:
    """Paths under ``path`` that were not read, each at the highest level with nothing read below."""
    if path in tracker.read:
        return
    if path not in tracker.touched:
        yield path
        return
    if isinstance(data, dict):
        for key, value in data.items():
            if key in skip or key == "resourceType":
                continue
            name = key[1:] if key.startswith("_") else key
            yield from unread(value, f"{path}.{name}", tracker)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from unread(value, f"{path}[{i}]", tracker)
