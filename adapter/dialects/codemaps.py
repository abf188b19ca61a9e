"""Code maps: a system's codes <-> the canonical codes, as ConceptMap-shaped data.

A code map file (YAML or JSON) is a FHIR R4 ConceptMap with two groups. The group whose ``source``
is the map's ``sourceUri`` reads (system code -> canonical code); the other writes, and may hold
only the overrides a reverse lookup needs. Writing first tries the writing group's elements, then
the inverse of every reading element whose equivalence is ``equivalent`` or ``equal`` (the first
wins). A match whose equivalence is neither (``wider``, ``narrower`` ...) is used but reported, as
a warning when reading and a loss when writing. Each group must declare what happens to a code it
does not know (``unmapped``): ``fixed`` (use ``code``), ``provided`` (pass the code through) or
``reject`` (an error; our addition, as FHIR R4 has no mode that refuses a code).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapter.dialects.errors import TransformError

_INVERTIBLE = frozenset({"equivalent", "equal"})
_MODES = frozenset({"fixed", "provided", "reject"})


@dataclass(frozen=True, slots=True)
class Lookup:
    """The code found, and a note when it came from the fallback rather than the map."""

    code: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class _Direction:
    codes: dict[str, str]
    mode: str
    fallback: str | None
    approximate: frozenset[str] = frozenset()

    def lookup(self, code: str, name: str, way: str) -> Lookup:
        if code in self.approximate:
            # A wider or narrower match: the code is mapped, but the meaning is not kept exactly.
            target = self.codes[code]
            return Lookup(
                target, f"code '{code}' maps only approximately to '{target}' in code map {name} ({way})"
            )
        if code in self.codes:
            return Lookup(self.codes[code])
        if self.mode == "fixed" and self.fallback is not None:
            return Lookup(
                self.fallback, f"code '{code}' is not in code map {name} ({way}); used '{self.fallback}'"
            )
        if self.mode == "provided":
            return Lookup(code, f"code '{code}' is not in code map {name} ({way}); passed through unchanged")
        known = ", ".join(sorted(self.codes))
        raise TransformError(f"code '{code}' is not in code map {name} ({way}); expected one of: {known}")


@dataclass(frozen=True, slots=True)
class CodeMap:
    """One loaded code map, both directions."""

    name: str
    reading: _Direction
    writing: _Direction

    def to_canonical(self, code: str) -> Lookup:
        """The canonical code for a system code (or the declared fallback)."""
        return self.reading.lookup(code, self.name, "reading")

    def to_system(self, code: str) -> Lookup:
        """The system code for a canonical code (or the declared fallback)."""
        return self.writing.lookup(code, self.name, "writing")


class CodeMapError(ValueError):
    """A code map file that is not shaped as this module expects."""


def _unmapped(group: dict[str, Any], where: str) -> tuple[str, str | None]:
    unmapped = group.get("unmapped")
    if not isinstance(unmapped, dict) or unmapped.get("mode") not in _MODES:
        raise CodeMapError(f"{where}: every group needs an explicit unmapped.mode: fixed, provided or reject")
    if unmapped["mode"] == "fixed" and not isinstance(unmapped.get("code"), str):
        raise CodeMapError(f"{where}: unmapped.mode fixed needs a code")
    return str(unmapped["mode"]), unmapped.get("code")


def _pairs(group: dict[str, Any], where: str) -> list[tuple[str, str, str]]:
    pairs: list[tuple[str, str, str]] = []
    for index, element in enumerate(group.get("element") or []):
        targets = element.get("target") or []
        if not isinstance(element.get("code"), str) or len(targets) != 1 or "code" not in targets[0]:
            raise CodeMapError(f"{where}.element[{index}]: needs a code and exactly one target code")
        pairs.append((element["code"], str(targets[0]["code"]), str(targets[0].get("equivalence", ""))))
    return pairs


def load_code_map(resource: dict[str, Any], name: str) -> CodeMap:
    """Compile a ConceptMap-shaped mapping into a two-way :class:`CodeMap`."""
    if resource.get("resourceType") != "ConceptMap":
        raise CodeMapError(f"{name}: expected resourceType ConceptMap")
    groups = resource.get("group") or []
    source = resource.get("sourceUri")
    forward = [g for g in groups if g.get("source") == source]
    backward = [g for g in groups if g.get("source") != source]
    if len(forward) != 1 or len(backward) != 1:
        raise CodeMapError(f"{name}: expected one reading group (source = sourceUri) and one writing group")
    read_pairs = _pairs(forward[0], f"{name}.group[reading]")
    write_pairs = _pairs(backward[0], f"{name}.group[writing]")
    inverse: dict[str, str] = {}
    for code, target, equivalence in read_pairs:
        if equivalence in _INVERTIBLE:
            inverse.setdefault(target, code)
    inverse.update({code: target for code, target, _ in write_pairs})
    return CodeMap(
        name,
        _Direction(
            {code: target for code, target, _ in read_pairs},
            *_unmapped(forward[0], name),
            frozenset(code for code, _, equivalence in read_pairs if equivalence not in _INVERTIBLE),
        ),
        _Direction(
            inverse,
            *_unmapped(backward[0], name),
            frozenset(code for code, _, equivalence in write_pairs if equivalence not in _INVERTIBLE),
        ),
    )
