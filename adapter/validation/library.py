"""Compiled StructureDefinitions, cached by canonical URL, with snapshots generated on demand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from adapter.types import FhirJson
from adapter.validation.compiler import compile_structure
from adapter.validation.corrections import corrected
from adapter.validation.records import StructureRecord
from adapter.validation.snapshot import SnapshotProblem, generate_snapshot
from adapter.validation.terminology import DefinitionLookup

CORE_PREFIX = "http://hl7.org/fhir/StructureDefinition/"


def canonical(url_or_type: str) -> str:
    """A core type name (``CarePlan``) becomes its canonical URL; a URL keeps its ``|version``,
    so that ``url|2`` is compiled from version 2 when the definitions hold it (and from the one
    they hold under the URL otherwise)."""
    url = url_or_type.split("|", 1)[0]
    return url_or_type if "/" in url or ":" in url else CORE_PREFIX + url_or_type


class StructureLibrary:
    """Compiles each StructureDefinition once; answers by URL or core type name."""

    def __init__(self, definitions: DefinitionLookup) -> None:
        self.definitions = definitions
        self._structures: dict[str, StructureRecord | None] = {}
        self._elements: dict[str, list[FhirJson] | None] = {}
        self._problems: dict[str, list[SnapshotProblem]] = {}
        self.reference_targets: dict[int, frozenset[str]] = {}
        """Reference target types by id() of an element record this library holds."""
        self.contained_value_sets: dict[str, FhirJson] = {}
        """Value sets contained in profiles and bound as "#id", by the canonical their bindings now use."""

    def structure(self, url_or_type: str) -> StructureRecord | None:
        """The compiled structure, or None when no source has it (or it cannot be built)."""
        url = canonical(url_or_type)
        if url not in self._structures:
            self._structures[url] = self._compile(url)
        return self._structures[url]

    def declared(self, url_or_type: str) -> tuple[str, str] | None:
        """The (type, kind) a StructureDefinition declares, read without compiling it: what a
        reference target or a resource-type question needs (compiling Patient to learn that it is a
        resource costs more than the rest of a small resource's walk)."""
        definition = self.definitions.get(canonical(url_or_type))
        if definition is None or definition.get("resourceType") != "StructureDefinition":
            return None
        return str(definition.get("type", "")), str(definition.get("kind", ""))

    def _compile(self, url: str) -> StructureRecord | None:
        if "#" in url:
            # One element of a profile (elementdefinition-profile-element): that element as root.
            whole = self.structure(url.partition("#")[0])
            element = whole.by_id.get(url.partition("#")[2]) if whole is not None else None
            return replace(whole, root=element) if whole is not None and element is not None else None
        definition = self.definitions.get(url)
        elements = self.elements(url)
        if definition is None or not elements:
            return None
        contained = {
            str(c.get("id")): c
            for c in definition.get("contained", [])
            if isinstance(c, dict) and c.get("resourceType") == "ValueSet"
        }
        if contained:
            elements = [self._local_binding(e, contained, url) for e in elements]
        record = compile_structure(definition, elements)
        problems = tuple(str(p) for p in self._problems.get(url, ()))
        if problems:
            record = replace(record, problems=problems)
        return record

    def _local_binding(self, element: FhirJson, contained: dict[str, FhirJson], url: str) -> FhirJson:
        # A binding to "#id" names a value set the profile contains: bind to its canonical instead.
        binding = element.get("binding")
        if not isinstance(binding, dict):
            return element
        value_set = binding.get("valueSet")
        if not isinstance(value_set, str) or not value_set.startswith("#") or value_set[1:] not in contained:
            return element
        found = contained[value_set[1:]]
        key = str(found.get("url") or f"{url}{value_set}")
        self.contained_value_sets[key] = found
        return {**element, "binding": {**binding, "valueSet": key}}

    def elements(self, url_or_type: str) -> Sequence[FhirJson] | None:
        """Snapshot elements of a StructureDefinition, generating the snapshot when it has none."""
        url = canonical(url_or_type)
        if url in self._elements:
            return self._elements[url]
        # Placeholder first: a profile whose base chain loops back to itself ends here.
        self._elements[url] = None
        definition = self.definitions.get(url)
        if definition is None or definition.get("resourceType") != "StructureDefinition":
            return None
        snapshot = definition.get("snapshot", {}).get("element")
        if snapshot:
            found: list[FhirJson] | None = corrected(definition, snapshot)
        else:
            found = self._generate(url, definition)
        self._elements[url] = found
        return found

    def differential_problems(self, definition: FhirJson) -> list[SnapshotProblem]:
        """What generating this StructureDefinition's snapshot from its differential runs into
        (the definition as given, not the one the chain may hold under its URL)."""
        base_url = definition.get("baseDefinition")
        base = self.elements(str(base_url)) if isinstance(base_url, str) else None
        if not base or "differential" not in definition:
            return []
        return generate_snapshot(definition, base, self.elements)[1]

    def _generate(self, url: str, definition: FhirJson) -> list[FhirJson] | None:
        base_url = definition.get("baseDefinition")
        base = self.elements(str(base_url)) if base_url else None
        if not base:
            self._problems[url] = [SnapshotProblem(-1, f"the base definition {base_url} is not available")]
            return None
        elements, problems = generate_snapshot(definition, base, self.elements)
        self._problems[url] = problems
        return elements
