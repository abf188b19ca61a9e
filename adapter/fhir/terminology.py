"""Codings the mapping writes and reads: our CodeSystems, fixed codings, and ConceptMaps to SNOMED CT.

The tables are data (``data/fixed-codings.json``, ``data/concept-maps.json`` in ConceptMap shape,
each group with an explicit ``unmapped`` fallback); this module only reads them. Displays of our own
codes come from the IG's compiled CodeSystems through :class:`~adapter.definitions.Definitions`;
until the IG is built, a display is derived from the code so the output stays readable.

    >>> from adapter.model.codes import Tier
    >>> Terminology.default().coding(Tier.TIER_3)["system"]
    'https://fhir.careplan-adapter.org/CodeSystem/treatment-tier'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import orjson

from adapter.definitions import Definitions
from adapter.model.codes import CODE_SYSTEM_BASE, code_system_url
from adapter.types import FhirJson

DATA = Path(__file__).parent / "data"
SNOMED = "http://snomed.info/sct"

# Equivalences under which a target code means the source code (the reverse direction is safe).
_REVERSIBLE = frozenset({"equal", "equivalent", "narrower", "specializes"})


class DisplayLookup(Protocol):
    """Where displays come from: the display of ``code`` in the CodeSystem ``system``, or None."""

    def display(self, system: str, code: str) -> str | None: ...


class DefinitionsDisplays:
    """Displays from the CodeSystems a :class:`Definitions` chain holds (bundled core, then our IG)."""

    def __init__(self, definitions: Definitions) -> None:
        self._definitions = definitions
        self._systems: dict[str, dict[str, str]] = {}

    def display(self, system: str, code: str) -> str | None:
        concepts = self._systems.get(system)
        if concepts is None:
            resource = self._definitions.get(system)
            concepts = self._systems[system] = dict(
                _concepts(resource.get("concept", []) if resource else [])
            )
        return concepts.get(code)


def _concepts(concepts: Iterable[FhirJson]) -> Iterable[tuple[str, str]]:
    for concept in concepts:
        if "display" in concept:
            yield concept["code"], concept["display"]
        yield from _concepts(concept.get("concept", []))


def derived_display(code: str) -> str:
    """A readable stand-in when no CodeSystem gives a display: ``tier-3`` -> ``Tier 3``."""
    return code.replace("-", " ").capitalize()


@dataclass(frozen=True, slots=True)
class _Target:
    code: str
    display: str | None
    equivalence: str
    depends_on: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class ConceptMapTable:
    """One ConceptMap group: source codes to target codings, with its ``unmapped`` fallback."""

    source: str
    target: str
    elements: Mapping[str, tuple[_Target, ...]]
    fallback: _Target | None

    @classmethod
    def from_fhir(cls, concept_map: FhirJson) -> ConceptMapTable:
        group = concept_map["group"][0]
        elements = {
            element["code"]: tuple(
                _Target(
                    target["code"],
                    target.get("display"),
                    target["equivalence"],
                    tuple((d["property"], d["value"]) for d in target.get("dependsOn", [])),
                )
                for target in element.get("target", [])
                if "code" in target  # an 'unmatched' target names no code
            )
            for element in group["element"]
        }
        unmapped = group.get("unmapped", {})
        fallback = (
            _Target(unmapped["code"], unmapped.get("display"), "wider", ())
            if unmapped.get("mode") == "fixed"
            else None
        )
        return cls(group["source"], group["target"], elements, fallback)

    def translate(self, code: str, context: Mapping[str, str] | None = None) -> FhirJson | None:
        """The target coding for ``code``: a target whose ``dependsOn`` all match ``context`` (each
        value found, case-insensitively, in that property) before the first with no ``dependsOn``;
        a code with no element takes the group's fallback."""
        context = context or {}
        targets = self.elements.get(code)
        if targets is None:
            return self._coding(self.fallback) if self.fallback else None
        for target in targets:
            if target.depends_on and all(
                value in context.get(prop, "").lower() for prop, value in target.depends_on
            ):
                return self._coding(target)
        plain = [target for target in targets if not target.depends_on]
        return self._coding(plain[0]) if plain else None

    def reverse(self, target_code: str) -> str | None:
        """The one source code that ``target_code`` stands for, when the map says so unambiguously."""
        sources = {
            source
            for source, targets in self.elements.items()
            for target in targets
            if target.code == target_code and target.equivalence in _REVERSIBLE
        }
        return sources.pop() if len(sources) == 1 else None

    def is_target(self, code: str) -> bool:
        """Whether ``code`` is one this map could write (so a reader may accept it as derived)."""
        if self.fallback and self.fallback.code == code:
            return True
        return any(t.code == code for targets in self.elements.values() for t in targets)

    def _coding(self, target: _Target) -> FhirJson:
        coding: FhirJson = {"system": self.target, "code": target.code}
        if target.display:
            coding["display"] = target.display
        return coding


class Terminology:
    """Builds and recognises the codings of the mapping.

    ``displays`` is pluggable (a :class:`DisplayLookup`); tests may pass their own.
    """

    def __init__(self, displays: DisplayLookup) -> None:
        self._displays = displays
        self.fixed_codings: dict[str, FhirJson] = {
            name: coding for name, coding in _load("fixed-codings.json").items() if not name.startswith("_")
        }
        self.maps: dict[str, ConceptMapTable] = {
            cm["id"]: ConceptMapTable.from_fhir(cm) for cm in _load("concept-maps.json")
        }
        self._cache: dict[tuple[str, str], FhirJson] = {}

    @staticmethod
    def default() -> Terminology:
        """Displays from the bundled R4 core and our compiled IG (built once per process)."""
        return _default_terminology()

    def coding(self, member: StrEnum) -> FhirJson:
        """The coding of an enum member in its IG CodeSystem, with the IG's display."""
        return self.coding_in(code_system_url(type(member)), member.value)

    def coding_in(self, system: str, code: str) -> FhirJson:
        """A coding in ``system`` with its display (the IG's, or derived for our own systems)."""
        key = (system, code)
        coding = self._cache.get(key)
        if coding is None:
            display = self._displays.display(system, code)
            if display is None and system.startswith(CODE_SYSTEM_BASE):
                display = derived_display(code)
            coding = {"system": system, "code": code}
            if display is not None:
                coding["display"] = display
            self._cache[key] = coding
        return dict(coding)

    def fixed(self, name: str) -> FhirJson:
        """A constant coding by name (``care-plan-category``) from ``data/fixed-codings.json``."""
        return dict(self.fixed_codings[name])

    def concept(self, member: StrEnum, map_id: str | None = None, **context: str) -> FhirJson:
        """A CodeableConcept: our coding, plus the ConceptMap ``map_id`` target when there is one."""
        codings = [self.coding(member)]
        if map_id is not None:
            target = self.maps[map_id].translate(member.value, context)
            if target is not None:
                codings.append(target)
        return {"coding": codings}


def _load(name: str) -> Any:
    return orjson.loads((DATA / name).read_bytes())


@cache
def _default_terminology() -> Terminology:
    return Terminology(DefinitionsDisplays(Definitions.default()))
