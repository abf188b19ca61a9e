"""ValueSet expansion from the CodeSystems the definitions chain holds, and code membership.

Expansion is local: ``compose.include`` of whole systems, concept lists, ``is-a`` /
``descendent-of`` / ``=`` filters and imported value sets, less ``compose.exclude``. A system the
chain does not hold (SNOMED CT, LOINC, UCUM...) is *unavailable*, not empty: membership questions
about it get the answer "cannot tell", which the binding checks turn into a warning, never an error.
Expansions are cached per URL. A terminology service the caller names
(:mod:`adapter.validation.terminology_service`) is then asked about what cannot be told here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from adapter.types import FhirJson
from adapter.validation.terminology_service import CodeLookup

Membership = Literal["yes", "no", "unknown"]


class DefinitionLookup(Protocol):
    """Where code systems and value sets come from (``adapter.definitions.Definitions`` fits)."""

    def get(self, url: str) -> FhirJson | None: ...


@dataclass(frozen=True, slots=True)
class Expansion:
    """The codes of a value set, and the systems whose codes could not be listed."""

    url: str
    name: str
    codes: frozenset[tuple[str, str]]
    unavailable: frozenset[str]
    found: bool = True

    def contains(self, system: str | None, code: str) -> Membership:
        """Is (system, code) in the value set? ``system`` None: a bare ``code`` element."""
        if system is None:
            if any(c == code for _, c in self.codes):
                return "yes"
            return "unknown" if self.unavailable or not self.found else "no"
        if (system, code) in self.codes:
            return "yes"
        if system in self.unavailable or not self.found:
            return "unknown"
        return "no"

    @property
    def systems(self) -> frozenset[str]:
        return frozenset(s for s, _ in self.codes) | self.unavailable


def _concepts(concepts: Iterable[FhirJson]) -> Iterator[FhirJson]:
    for concept in concepts:
        yield concept
        yield from _concepts(concept.get("concept", []))


def _descendants(concepts: Iterable[FhirJson], root: str, *, inclusive: bool) -> set[str]:
    found: set[str] = set()

    def visit(items: Iterable[FhirJson], inside: bool) -> None:
        for concept in items:
            here = inside or concept.get("code") == root
            if here and (inclusive or concept.get("code") != root):
                found.add(str(concept.get("code")))
            visit(concept.get("concept", []), here)

    visit(concepts, False)
    return found


def _value_set_displays(value_set: FhirJson | None) -> dict[tuple[str, str], frozenset[str]]:
    if value_set is None or value_set.get("resourceType") != "ValueSet":
        return {}
    found: dict[tuple[str, str], set[str]] = {}

    def note(system: Any, concept: FhirJson) -> None:
        names = [concept.get("display"), *(d.get("value") for d in concept.get("designation", []))]
        texts = {" ".join(n.split()).casefold() for n in names if isinstance(n, str)}
        found.setdefault((str(system), str(concept.get("code"))), set()).update(texts)

    for contains in _concepts(value_set.get("expansion", {}).get("contains", [])):
        note(contains.get("system"), contains)
    for include in value_set.get("compose", {}).get("include", []):
        for concept in include.get("concept", []):
            note(include.get("system"), concept)
    return {key: frozenset(texts) for key, texts in found.items()}


class Terminology:
    """Expands value sets and answers code questions from the definitions chain."""

    def __init__(
        self,
        definitions: DefinitionLookup,
        local: Mapping[str, FhirJson] | None = None,
        service: CodeLookup | None = None,
    ) -> None:
        self.definitions = definitions
        self.local: Mapping[str, FhirJson] = local if local is not None else {}
        """Value sets found outside the definitions chain (contained in profiles), by canonical."""
        self.service = service
        """The terminology service the caller named, asked about codes of systems not held here."""
        self._expansions: dict[str, Expansion] = {}
        self._systems: dict[str, dict[str, FhirJson] | None] = {}
        self._displays: dict[str, dict[tuple[str, str], frozenset[str]]] = {}

    def code_system(self, system: str) -> dict[str, FhirJson] | None:
        """The concepts of a complete CodeSystem by code, or None when it is not held in full."""
        if system not in self._systems:
            resource = self.definitions.get(system)
            usable = (
                resource is not None
                and resource.get("resourceType") == "CodeSystem"
                and resource.get("content", "complete") == "complete"
            )
            self._systems[system] = (
                {str(c.get("code")): c for c in _concepts(resource.get("concept", []))}
                if usable and resource is not None
                else None
            )
        return self._systems[system]

    def displays_in(self, value_set: str, system: str, code: str) -> frozenset[str]:
        """The displays and designations (casefolded, spaces collapsed) a value set itself gives a
        code, in its expansion or its compose concepts - a profile may rename a code's display."""
        key = value_set.split("|", 1)[0]
        table = self._displays.get(key)
        if table is None:
            table = self._displays[key] = _value_set_displays(self._value_set(key))
        return table.get((system, code), frozenset())

    def is_value_set(self, url: str) -> bool:
        """Does the URL name a ValueSet the definitions hold (a common mistake in Coding.system)?"""
        found = self.definitions.get(url)
        return found is not None and found.get("resourceType") == "ValueSet"

    def expand(self, url: str) -> Expansion:
        """The expansion of a value set by canonical URL (cached; never raises)."""
        key = url.split("|", 1)[0]
        cached = self._expansions.get(key)
        if cached is None:
            # A placeholder stops a value set that imports itself from recursing forever.
            self._expansions[key] = Expansion(key, key, frozenset(), frozenset(), found=False)
            cached = self._expansions[key] = self._build(key)
        return cached

    def _value_set(self, url: str) -> FhirJson | None:
        return self.local.get(url) or self.definitions.get(url)

    def _build(self, url: str) -> Expansion:
        value_set = self._value_set(url)
        if value_set is None or value_set.get("resourceType") != "ValueSet":
            return Expansion(url, url, frozenset(), frozenset(), found=False)
        name = str(value_set.get("title") or value_set.get("name") or url)
        listed = value_set.get("expansion", {}).get("contains")
        if listed and "compose" not in value_set:
            codes = {(str(c.get("system")), str(c.get("code"))) for c in _concepts(listed) if "code" in c}
            return Expansion(url, name, frozenset(codes), frozenset())
        codes, unavailable = set(), set()
        compose = value_set.get("compose", {})
        for include in compose.get("include", []):
            got, missing = self._include(include)
            codes |= got
            unavailable |= missing
        for exclude in compose.get("exclude", []):
            got, _ = self._include(exclude)
            codes -= got
        return Expansion(url, name, frozenset(codes), frozenset(unavailable))

    def _include(self, include: FhirJson) -> tuple[set[tuple[str, str]], set[str]]:
        system = include.get("system")
        imported = [self.expand(str(v)) for v in include.get("valueSet", [])]
        if system is None:
            codes: set[tuple[str, str]] = set()
            missing: set[str] = set()
            for expansion in imported:
                codes |= expansion.codes
                missing |= expansion.unavailable | ({expansion.url} if not expansion.found else set())
            return codes, missing
        system = str(system)
        listed = include.get("concept")
        if listed is not None:
            found = {(system, str(c.get("code"))) for c in listed}
        else:
            concepts = self.code_system(system)
            if concepts is None:
                return set(), {system}
            chosen = set(concepts)
            for rule in include.get("filter", []):
                narrowed = self._filter(system, rule, concepts)
                if narrowed is None:
                    # A filter we cannot apply: the codes are unknown, not "all" and not "none".
                    return set(), {system}
                chosen &= narrowed
            found = {(system, code) for code in chosen}
        for expansion in imported:
            found &= expansion.codes
        return found, set()

    def _filter(self, system: str, rule: FhirJson, concepts: dict[str, FhirJson]) -> set[str] | None:
        op, value, prop = rule.get("op"), str(rule.get("value", "")), rule.get("property")
        resource = self.definitions.get(system) or {}
        roots = resource.get("concept", [])
        if prop == "concept" and op == "is-a":
            return _descendants(roots, value, inclusive=True)
        if prop == "concept" and op == "descendent-of":
            return _descendants(roots, value, inclusive=False)
        if prop == "concept" and op == "is-not-a":
            return set(concepts) - _descendants(roots, value, inclusive=True)
        if op == "=":
            return {
                code
                for code, concept in concepts.items()
                if any(
                    p.get("code") == prop and value in {str(v) for k, v in p.items() if k.startswith("value")}
                    for p in concept.get("property", [])
                )
            }
        return None
