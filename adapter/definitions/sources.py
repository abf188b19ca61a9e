"""Where conformance resources come from: the bundled R4 core, a folder, a FHIR package .tgz.

A :class:`Source` answers one question: the resource with this canonical URL, or None.
"""

from __future__ import annotations

import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import orjson

from adapter.types import FhirJson

CONFORMANCE_TYPES = frozenset(
    {"StructureDefinition", "ValueSet", "CodeSystem", "ConceptMap", "ImplementationGuide"}
)


class Source(Protocol):
    """A place that holds conformance resources, looked up by canonical URL."""

    def get(self, url: str) -> FhirJson | None: ...

    def urls(self) -> Iterator[str]: ...


def _key(url: str) -> str:
    return url.split("|", 1)[0]


def _partial_version(url: str, versioned: dict[str, FhirJson]) -> str:
    """``url|0.2`` names the latest 0.2.x held (versions compared number by number)."""
    prefix = url + "."
    candidates = [key for key in versioned if key.startswith(prefix)]
    return max(candidates, key=_version_order, default="")


def _version_order(key: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in key.partition("|")[2].split("."))


class _IndexedSource:
    """Resources held in memory, indexed by canonical URL."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._by_url: dict[str, FhirJson] = {}
        self._by_version: dict[str, FhirJson] = {}
        """``url|version`` -> resource, so that a versioned canonical finds that version."""

    def add(self, resource: FhirJson) -> None:
        url = resource.get("url")
        if resource.get("resourceType") in CONFORMANCE_TYPES and isinstance(url, str):
            self._by_url.setdefault(_key(url), resource)
            version = resource.get("version")
            if isinstance(version, str):
                self._by_version.setdefault(f"{_key(url)}|{version}", resource)

    def get(self, url: str) -> FhirJson | None:
        """The resource with this canonical URL; ``url|version`` prefers that version, and falls
        back to the first one held under the URL when the version is not here."""
        if "|" in url:
            found = self._by_version.get(url) or self._by_version.get(_partial_version(url, self._by_version))
            if found is not None:
                return found
        return self._by_url.get(_key(url))

    def urls(self) -> Iterator[str]:
        return iter(self._by_url)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}: {len(self._by_url)} resources>"


class ZipSource:
    """The bundled, trimmed R4 core: one zip entry per resource and an index.json of canonical URLs.
    Entries are read on first use, then cached."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip = zipfile.ZipFile(path)
        self._index: dict[str, str] = orjson.loads(self._zip.read("index.json"))
        self._loaded: dict[str, FhirJson] = {}

    def get(self, url: str) -> FhirJson | None:
        name = self._index.get(_key(url))
        if name is None:
            return None
        cached = self._loaded.get(name)
        if cached is None:
            cached = self._loaded[name] = orjson.loads(self._zip.read(name))
        return cached

    def urls(self) -> Iterator[str]:
        return iter(self._index)

    def __repr__(self) -> str:
        return f"<ZipSource {self.path.name}: {len(self._index)} resources>"


class FolderSource(_IndexedSource):
    """Every JSON conformance resource in a folder and its sub-folders (e.g. ig/fsh-generated)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        for path in sorted(folder.rglob("*.json")):
            try:
                resource = orjson.loads(path.read_bytes())
            except orjson.JSONDecodeError:
                continue
            if isinstance(resource, dict):
                self.add(resource)


class PackageSource(_IndexedSource):
    """A FHIR NPM package (.tgz): the JSON conformance resources under package/."""

    def __init__(self, tgz: Path) -> None:
        super().__init__(tgz.name)
        with tarfile.open(tgz, "r:gz") as archive:
            for member in archive.getmembers():
                if not (member.isfile() and member.name.endswith(".json")):
                    continue
                extracted = archive.extractfile(member)
                if extracted is None:
                    continue
                try:
                    resource = orjson.loads(extracted.read())
                except orjson.JSONDecodeError:
                    continue
                if isinstance(resource, dict):
                    self.add(resource)


class MemorySource(_IndexedSource):
    """Resources the caller hands over directly."""

    def __init__(self, resources: list[FhirJson], name: str = "memory") -> None:
        super().__init__(name)
        for resource in resources:
            self.add(resource)
