"""Finding what a reference points at in FHIR that any system wrote.

A :class:`Resolver` indexes a Bundle (any type: transaction, collection, searchset, document) or a
single resource, with the resources each one contains. It resolves ``urn:uuid:``/``urn:oid:``
references by fullUrl, absolute references (``http://server/fhir/Patient/1``) by fullUrl and then
by type and id, relative ones (``Patient/1``) against the base of the referring entry's fullUrl and
then by type and id, and ``#id`` within the containing resource.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from adapter.types import FhirJson

_TYPE_ID = re.compile(r"(?:^|/)([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/[^/]+)?$")


@dataclass(eq=False)
class Target:
    """One resource of the input, where it sits (a FHIRPath) and what contains it."""

    resource: FhirJson
    path: str
    full_url: str | None = None
    container: Target | None = None
    contained: dict[str, Target] = field(default_factory=dict)

    @property
    def resource_type(self) -> str:
        return str(self.resource.get("resourceType", ""))

    @property
    def root(self) -> Target:
        return self.container or self


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def type_and_id(reference: str) -> tuple[str, str] | None:
    """``("Patient", "1")`` from ``Patient/1``, ``http://server/fhir/Patient/1/_history/2`` ..."""
    match = _TYPE_ID.search(reference)
    return (match.group(1), match.group(2)) if match else None


class Resolver:
    """Every resource of one input, indexed for reference resolution."""

    def __init__(self, root: FhirJson) -> None:
        self.targets: list[Target] = []
        self._by_full_url: dict[str, Target] = {}
        self._by_type_id: dict[tuple[str, str], Target] = {}
        self._by_identifier: dict[tuple[str, str], list[Target]] = {}
        self.is_bundle = root.get("resourceType") == "Bundle"
        if self.is_bundle:
            for i, entry in enumerate(_list(root.get("entry"))):
                resource = entry.get("resource") if isinstance(entry, dict) else None
                if isinstance(resource, dict):
                    full_url = entry.get("fullUrl")
                    self._add(
                        Target(
                            resource,
                            f"Bundle.entry[{i}].resource",
                            full_url if isinstance(full_url, str) else None,
                        )
                    )
        else:
            self._add(Target(root, str(root.get("resourceType", "Resource"))))

    def _add(self, target: Target) -> None:
        self.targets.append(target)
        if target.full_url:
            self._by_full_url.setdefault(target.full_url, target)
            found = type_and_id(target.full_url)
            if found and target.full_url.startswith(("http://", "https://")):
                self._by_type_id.setdefault(found, target)
        if isinstance(target.resource.get("id"), str):
            self._by_type_id.setdefault((target.resource_type, target.resource["id"]), target)
        self._index_identifiers(target)
        for j, inner in enumerate(_list(target.resource.get("contained"))):
            if isinstance(inner, dict) and isinstance(inner.get("id"), str):
                target.contained[inner["id"]] = Target(
                    inner, f"{target.path}.contained[{j}]", container=target
                )
                self._index_identifiers(target.contained[inner["id"]])

    def _index_identifiers(self, target: Target) -> None:
        for identifier in _list(target.resource.get("identifier")):
            if isinstance(identifier, dict):
                system, value = identifier.get("system"), identifier.get("value")
                if isinstance(system, str) and isinstance(value, str):
                    self._by_identifier.setdefault((system, value), []).append(target)

    def all_targets(self) -> Iterator[Target]:
        """Entries in order, each followed by the resources it contains."""
        for target in self.targets:
            yield target
            yield from target.contained.values()

    def of_type(self, resource_type: str) -> list[Target]:
        """The resources of one type, entries and contained alike, in input order."""
        return [t for t in self.all_targets() if t.resource_type == resource_type]

    def by_identifier(self, system: str, value: str) -> Target | None:
        """The one resource of the input that carries the identifier ``system|value`` (a logical
        reference, R4 Reference.identifier), or None when none or several do."""
        found = self._by_identifier.get((system, value), [])
        return found[0] if len(found) == 1 else None

    def resolve(self, reference: str, source: Target) -> Target | None:
        """The resource ``reference`` (as written in ``source``) points at, or None."""
        if reference.startswith("#"):
            root = source.root
            return root if reference == "#" else root.contained.get(reference[1:])
        if reference.startswith("urn:"):
            return self._by_full_url.get(reference)
        if reference.startswith(("http://", "https://")):
            found = self._by_full_url.get(reference)
            if found is not None:
                return found
        else:
            base = source.root.full_url
            if base and base.startswith(("http://", "https://")):
                here = type_and_id(base)
                if here:
                    prefix = base[: base.rfind(f"{here[0]}/{here[1]}")]
                    found = self._by_full_url.get(prefix + reference)
                    if found is not None:
                        return found
        key = type_and_id(reference)
        return self._by_type_id.get(key) if key else None
