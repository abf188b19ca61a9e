"""The pluggable parts of a format: what the engine asks of a parsed source and of a target draft.

A format (XML, CSV ...) provides a :class:`Reader` that parses bytes into :class:`SourceRecord`\\ s
and a :class:`Writer` whose :class:`Draft` collects :class:`TargetNode`\\ s and renders bytes. The
engine walks a mapping table over these and never sees lxml or csv.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from adapter.outcome import Issue


@dataclass(frozen=True, slots=True)
class Value:
    """A value read from the source, with where it was (an XPath, or RECORD@line.column in CSV)."""

    text: str
    location: str


class SourceNode(Protocol):
    """One node of a parsed source: an XML element, a CSV row."""

    @property
    def location(self) -> str: ...

    def values(self, path: str) -> list[Value]:
        """The non-empty values at ``path`` relative to this node."""
        ...

    def where(self, path: str) -> str:
        """The location ``path`` would have under this node (to name a value that is missing)."""
        ...

    def children(self, path: str) -> Sequence[SourceNode]:
        """The child nodes at ``path`` (an element path, a record type); ``.`` is this node."""
        ...


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One client's record in a source document, and every location that holds a value."""

    root: SourceNode
    leaves: tuple[str, ...]
    notes: tuple[Issue, ...] = ()
    """Warnings about the document the record came from (a column the table maps is absent)."""


class Reader(Protocol):
    """Parses a document in one format; raises InvalidSystemRecord naming every problem."""

    def parse(self, data: bytes) -> list[SourceRecord]: ...


class TargetNode(Protocol):
    """One node being written: an XML element, a CSV row."""

    def put(self, path: str, text: str) -> None:
        """Write a value at ``path`` (a repeated ``put`` of one path repeats the value)."""
        ...

    def child(self, path: str) -> TargetNode:
        """A new child node at ``path``."""
        ...


class Draft(Protocol):
    """A document being written: one root node per record, then the bytes."""

    def record(self) -> TargetNode: ...

    def finish(self) -> bytes:
        """The rendered document, checked against the system's schema (InvalidSystemRecord if not)."""
        ...


class Writer(Protocol):
    """Starts a new document in one format."""

    def start(self) -> Draft: ...
