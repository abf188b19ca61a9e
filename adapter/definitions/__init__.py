"""Conformance resources (profiles, value sets, code systems) through one lookup chain.

The chain is: the R4 core bundled inside the package -> the UK Core definitions our guide depends on
(its ethnic category extension, value set and code systems: ig/input/ukcore) -> our implementation
guide (ig/fsh-generated) -> whatever the caller adds. The first source that knows a URL answers.

    >>> defs = Definitions.default()
    >>> defs.structure_definition("http://hl7.org/fhir/StructureDefinition/CarePlan")["type"]
    'CarePlan'
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

from adapter.definitions.sources import (
    FileSource,
    FolderSource,
    MemorySource,
    PackageSource,
    Source,
    ZipSource,
    is_gzip_tar,
)
from adapter.errors import DefinitionNotFound
from adapter.outcome import Issue
from adapter.packaged import ig_folder, ukcore_folder
from adapter.types import FhirJson

__all__ = [
    "CORE_ZIP",
    "Definitions",
    "FileSource",
    "FolderSource",
    "MemorySource",
    "PackageSource",
    "Source",
    "ZipSource",
    "ig_folder",
    "source_for_path",
]

CORE_ZIP = Path(__file__).parent / "data" / "r4-core.zip"
CORE_PREFIX = "http://hl7.org/fhir/StructureDefinition/"


def source_for_path(path: Path) -> Source:
    """A source for any FHIR package layout, told apart by content: an NPM package (a gzip tar, any
    name), a folder (plain, an unpacked package, or its ``package/`` folder) or one resource file,
    JSON or XML. What is skipped is in the source's ``issues``."""
    if path.is_dir():
        return FolderSource(path)
    if not path.is_file():
        raise DefinitionNotFound.single(
            "not-found", "definitions.source", f"{path}: no such file or folder of FHIR definitions"
        )
    if is_gzip_tar(path):
        return PackageSource(path)
    single = FileSource(path)
    if next(single.urls(), None) is None:
        why = "; ".join(issue.text for issue in single.issues)
        raise DefinitionNotFound.single(
            "not-found", "definitions.source", f"{path}: no FHIR definitions ({why})"
        )
    return single


@cache
def _core() -> ZipSource:
    return ZipSource(CORE_ZIP)


@cache
def _ukcore() -> FolderSource:
    source = FolderSource(ukcore_folder())
    source.issues.clear()  # its README (source, version, licence) sits beside the definitions by design
    return source


@cache
def _ig() -> FolderSource:
    source = FolderSource(ig_folder())
    source.issues.clear()  # our IG's examples sit beside its definitions by design
    return source


class Definitions:
    """An ordered chain of sources. Immutable: :meth:`with_source` returns a new chain."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self.sources: tuple[Source, ...] = tuple(sources)

    @classmethod
    def default(cls) -> Definitions:
        """Bundled R4 core, then UK Core's definitions our IG depends on, then our IG."""
        return cls([_core(), _ukcore(), _ig()])

    @classmethod
    def core_only(cls) -> Definitions:
        return cls([_core()])

    def with_source(self, source: Source) -> Definitions:
        return Definitions([*self.sources, source])

    @property
    def issues(self) -> list[Issue]:
        """What the sources skipped or could not read (information issues)."""
        return [i for source in self.sources for i in getattr(source, "issues", ())]

    def get(self, url: str) -> FhirJson | None:
        for source in self.sources:
            found = source.get(url)
            if found is not None:
                return found
        return None

    def require(self, url: str) -> FhirJson:
        found = self.get(url)
        if found is None:
            raise DefinitionNotFound.single(
                "not-found", "definitions.unknown-url", f"no conformance resource with url {url!r} is loaded"
            )
        return found

    def structure_definition(self, url_or_type: str) -> FhirJson:
        """A StructureDefinition by canonical URL, or a core type by name (``CarePlan``)."""
        url = url_or_type if "/" in url_or_type else CORE_PREFIX + url_or_type
        return self.require(url)

    def urls(self) -> Iterator[str]:
        seen: set[str] = set()
        for source in self.sources:
            for url in source.urls():
                if url not in seen:
                    seen.add(url)
                    yield url
