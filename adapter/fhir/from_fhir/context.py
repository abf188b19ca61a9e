"""One import: the input's resolver and tracker, the issues found, and the record taking shape.

Mappers write canonical JSON through :meth:`Import.put`, which also remembers the FHIRPath each
canonical field came from, so a problem the model finds later (a missing field, an impossible
date) is reported where it sits in the FHIR input.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from functools import cache
from typing import Any

from adapter.fhir.from_fhir.node import Node, Tracker
from adapter.fhir.references import Resolver, Target
from adapter.fhir.terminology import Terminology
from adapter.model.codes import code_system_url
from adapter.outcome import Issue
from adapter.types import FhirJson

# Resource-level elements that carry no content of the record (metadata, generated narrative).
_RESOURCE_METADATA = ("id", "meta", "text", "language")


class Import:
    """State of one from_fhir call."""

    def __init__(self, resolver: Resolver, terminology: Terminology, *, foreign: bool = False) -> None:
        self.resolver = resolver
        self.foreign = foreign
        """A plan another system made (adapter.fhir.importer): a reference to a resource outside the
        input is no error (it is left unread, so reported), and what the record needs and the plan
        does not say is left for the importer to mark not stated."""
        self.plan_domain: str | None = None
        """The domain the plan's own category says (another system's plan), for parts that say none."""
        self.terminology = terminology
        self.tracker = Tracker()
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.where: dict[str, str] = {}
        self.visited: set[str] = set()

    def node(self, target: Target) -> Node:
        """The resource of ``target`` as a node; its metadata counts as read."""
        node = Node(target.resource, target.path, self.tracker)
        node.take(*_RESOURCE_METADATA)
        self.visited.add(target.path)
        return node

    def put(self, out: FhirJson, canonical: str, field: str, value: Any, fhirpath: str) -> None:
        """Set ``out[field]`` (unless None) and remember that ``canonical.field`` comes from ``fhirpath``."""
        self.where[f"{canonical}.{field}" if canonical else field] = fhirpath
        if value is not None and value != []:
            out[field] = value

    def error(self, code: str, message_id: str, text: str, expression: str) -> None:
        self.errors.append(Issue.error(code, message_id, text, expression))

    def warn(self, message_id: str, text: str, expression: str) -> None:
        self.warnings.append(Issue.warning("informational", message_id, text, expression))

    def resolve(self, reference: Node | None, source: Target, types: Iterable[str]) -> Target | None:
        """The resource a Reference points at when it is one of ``types``.

        A literal reference that resolves nowhere in the input is an error (a broken reference).
        A reference to another type, or one by identifier only, is no error: nothing of the record
        is there, so it stays unread and is reported with the rest of what was not mapped.
        """
        if reference is None:
            return None
        literal = reference.data.get("reference")
        if not isinstance(literal, str):
            return self._logical(reference, types)
        target = self.resolver.resolve(literal, source)
        if target is None and self.foreign:
            return None
        if target is None:
            reference.take("reference")
            self.error(
                "not-found",
                "fhir.reference-broken",
                f"{literal!r} does not resolve inside the input",
                reference.path,
            )
            return None
        if target.resource_type not in tuple(types):
            return None
        reference.take("reference", "display", "type")
        return target

    def _logical(self, reference: Node, types: Iterable[str]) -> Target | None:
        """A reference by identifier only (an ODS code, an NHS number) to a resource in the input."""
        identifier = reference.child("identifier")
        system = identifier.data.get("system") if identifier else None
        value = identifier.data.get("value") if identifier else None
        if not isinstance(system, str) or not isinstance(value, str):
            return None
        target = self.resolver.by_identifier(system, value)
        if target is None or target.resource_type not in tuple(types):
            return None
        reference.take("identifier", "display", "type")
        return target

    def infer(self, codings: list[Node], map_id: str) -> str | None:
        """Our code for the first of ``codings`` that the ConceptMap ``map_id`` (another system's
        codes -> ours) maps to a code of ours other than its fallback; that coding counts as read."""
        table = self.terminology.maps[map_id]
        fallback = table.fallback.code if table.fallback else None
        for coding in codings:
            if (
                coding.data.get("system") != table.source
                or str(coding.data.get("code")) not in table.elements
            ):
                continue
            found = table.translate(str(coding.data.get("code")))
            if found is not None and found["code"] != fallback:
                coding.take()
                return str(found["code"])
        return None

    def code(self, concept: Node | None, enum: type[StrEnum], map_id: str | None = None) -> str | None:
        """The code of ``enum``'s CodeSystem in a CodeableConcept. Codings that ``map_id`` would
        have written beside it count as read; without our coding, the map is read backwards."""
        if concept is None:
            return None
        return self.code_in(concept.children("coding"), enum, map_id)

    def code_in(
        self,
        codings: list[Node],
        enum: type[StrEnum],
        map_id: str | None = None,
        others: frozenset[str] = frozenset(),
    ) -> str | None:
        """As :meth:`code`, over codings; ``others`` are codes of the same CodeSystem that belong to
        another field (a domain's areas), passed over here. An unknown code is returned as it is,
        for the model to reject with its path."""
        system = code_system_url(enum)
        table = self.terminology.maps[map_id] if map_id else None
        in_system = [c for c in codings if c.data.get("system") == system]
        known = values_of(enum)
        ours = [c for c in in_system if _text(c.data.get("code")) in known]
        if not ours:
            ours = [c for c in in_system if _text(c.data.get("code")) not in others]
        found: str | None = None
        if ours:
            found = ours[0].value("code")
            ours[0].take("system", "display", "version", "userSelected")
        for coding in codings:
            if table is None or coding.data.get("system") != table.target:
                continue
            target_code = str(coding.data.get("code"))
            if found is None:
                found = table.reverse(target_code)
                if found is not None:
                    coding.take()
            elif table.is_target(target_code):
                coding.take()
        return found

    def coding(self, coding: Node | None, enum: type[StrEnum]) -> str | None:
        """The code of a lone Coding in ``enum``'s CodeSystem."""
        return None if coding is None else self.code_in([coding], enum)

    def fixed(self, concept: Node | None, name: str) -> None:
        """Mark read the codings of a CodeableConcept that equal the fixed coding ``name``."""
        if concept is None:
            return
        fixed = self.terminology.fixed(name)
        for coding in concept.children("coding"):
            if coding.data.get("system") == fixed["system"] and coding.data.get("code") == fixed["code"]:
                coding.take()

    def fixed_all(self, concepts: Iterable[Node], name: str) -> None:
        for concept in concepts:
            self.fixed(concept, name)


def _text(value: Any) -> str | None:
    """A JSON value if it is a string: other systems' JSON may hold anything anywhere."""
    return value if isinstance(value, str) else None


@cache
def values_of(enum: type[StrEnum]) -> frozenset[str]:
    """The codes of an enum (cached: asked for every coding read)."""
    return frozenset(member.value for member in enum)


def concept_text(concept: Node | None, *, read: bool = True) -> str | None:
    """A CodeableConcept in words: its text, else the display of its first coding that has one (read
    unless ``read`` is false, when the words are only borrowed and the concept stays unread)."""
    if concept is None:
        return None
    text = concept.value("text") if read else concept.data.get("text")
    if isinstance(text, str):
        return text
    for coding in concept.children("coding"):
        display = coding.data.get("display")
        if isinstance(display, str):
            if read:
                coding.take("display")
            return display
    return None


def period_day(period: Node | None, key: str, imp: Import) -> Any:
    """``start`` or ``end`` of a Period as a canonical date (a dateTime's time reported, not kept)."""
    return None if period is None else day(period.value(key), f"{period.path}.{key}", imp)


def day(value: Any, path: str, imp: Import) -> Any:
    """A canonical date from a FHIR date or dateTime; a time of day is dropped, and said so."""
    if isinstance(value, str) and len(value) > 10 and value[10] == "T":
        imp.warn(
            "fhir.time-dropped", f"the time of day of {value!r} is not kept (the record holds a date)", path
        )
        return value[:10]
    return value
