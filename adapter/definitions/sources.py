"""Where conformance resources come from: the bundled R4 core, a folder, a FHIR package.

A :class:`Source` answers one question: the resource with this canonical URL, or None.

:func:`source_for_path` takes any FHIR package layout and tells them apart by content, never by a
file's extension (FHIR NPM Package spec, "Package format"; the reference validator's IG loader
reads a folder, a .tgz and a single resource alike):

- a gzip-compressed tar (the NPM package form, ``.tgz`` or any other name): its resources under
  ``package/`` (an NPM package keeps its definitions there; ``package/example`` and other folders
  are not definitions and are left out, as the reference validator's NpmPackage loader does);
- a folder that is an unpacked NPM package (it holds ``package/package.json``, or is that
  ``package/`` folder itself): the same files;
- any other folder: every file in it and its sub-folders;
- a single file: the resource (or Bundle of resources) it holds.

Each file is read as FHIR JSON when its first significant byte is ``{`` and as FHIR XML when it is
``<`` (through the project's wire codec, the one hardened XML parser: no DTD, no entities, no
network). A Bundle contributes its entries. A file that holds no conformance resource (an example,
``package.json``, a text file, unreadable XML) is skipped with an ``information`` issue in
:attr:`issues`, never silently.
"""

from __future__ import annotations

import gzip
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

import orjson

from adapter.errors import AdapterError
from adapter.outcome import Issue, OperationOutcome
from adapter.types import FhirJson

CONFORMANCE_TYPES = frozenset(
    {
        "StructureDefinition",
        "ValueSet",
        "CodeSystem",
        "ConceptMap",
        "ImplementationGuide",
        "NamingSystem",
        "OperationDefinition",
        "SearchParameter",
        "CapabilityStatement",
        "StructureMap",
        "Questionnaire",
        "Library",
    }
)
_GZIP_MAGIC = b"\x1f\x8b"
_PACKAGE = "package/"


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


def _skipped(name: str, why: str) -> Issue:
    return Issue("information", "informational", "definitions.skipped", f"{name}: skipped, {why}", None)


class _IndexedSource:
    """Resources held in memory, indexed by canonical URL; :attr:`issues` names what was skipped."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.issues: list[Issue] = []
        self._by_url: dict[str, FhirJson] = {}
        self._by_version: dict[str, FhirJson] = {}
        """``url|version`` -> resource, so that a versioned canonical finds that version."""

    def add(self, resource: FhirJson) -> bool:
        """Hold ``resource`` when it is a conformance resource with a canonical URL; say whether it was."""
        url = resource.get("url")
        if resource.get("resourceType") not in CONFORMANCE_TYPES or not isinstance(url, str):
            return False
        self._by_url.setdefault(_key(url), resource)
        version = resource.get("version")
        if isinstance(version, str):
            self._by_version.setdefault(f"{_key(url)}|{version}", resource)
        return True

    def add_file(self, name: str, data: bytes) -> None:
        """Hold the conformance resources of one file (JSON or XML, told apart by content)."""
        try:
            resource, problems = _read(data)
        except _Unreadable as problem:
            self.issues.append(_skipped(name, str(problem)))
            return
        self.issues.extend(
            Issue("information", "informational", "definitions.read-with-problems", f"{name}: {p.text}", None)
            for p in problems
        )
        held = [resource]
        if resource.get("resourceType") == "Bundle":
            held = [e["resource"] for e in _entries(resource)]
        if not sum(self.add(r) for r in held):
            kind = resource.get("resourceType")
            self.issues.append(_skipped(name, f"{kind} is not a conformance resource with a url read here"))

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


class _Unreadable(Exception):
    """A file that is not FHIR JSON or XML holding one resource (the message says why)."""


def _read(data: bytes) -> tuple[FhirJson, list[Issue]]:
    """The resource a file holds, and what the XML codec could not read of it."""
    start = data[:64].removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")[:1]
    if start == b"{":
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError as problem:
            raise _Unreadable(f"not valid JSON ({problem})") from None
        if not isinstance(parsed, dict) or not isinstance(parsed.get("resourceType"), str):
            raise _Unreadable("JSON without a resourceType")
        return parsed, []
    from adapter.wire import read_xml_collecting, sniff_format  # the XML codec: loaded on demand

    if sniff_format(data) != "xml":
        raise _Unreadable("neither FHIR JSON nor FHIR XML")
    try:
        reading = read_xml_collecting(data)
    except AdapterError as problem:
        raise _Unreadable(f"not well-formed FHIR XML ({problem.outcome})") from None
    if reading.resource is None:
        raise _Unreadable(f"not FHIR XML ({OperationOutcome.of(reading.issues)})")
    return reading.resource, reading.issues


def _entries(bundle: FhirJson) -> Iterable[FhirJson]:
    entries = bundle.get("entry")
    if not isinstance(entries, list):
        return ()
    return (e for e in entries if isinstance(e, dict) and isinstance(e.get("resource"), dict))


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


def _package_folder(folder: Path) -> Path | None:
    """The ``package/`` folder of an unpacked NPM package, or None for a plain folder."""
    if folder.name == "package" and (folder / "package.json").is_file():
        return folder
    if (folder / "package" / "package.json").is_file():
        return folder / "package"
    return None


class FolderSource(_IndexedSource):
    """The conformance resources in a folder: an unpacked NPM package's ``package/`` files, or every
    file of a plain folder and its sub-folders (e.g. ig/fsh-generated), JSON or XML."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        package = _package_folder(folder)
        files = package.iterdir() if package is not None else folder.rglob("*")
        for path in sorted(p for p in files if p.is_file()):
            self.add_file(str(path.relative_to(folder)), path.read_bytes())


class PackageSource(_IndexedSource):
    """A FHIR NPM package (a gzip-compressed tar, whatever its name): the resources directly under
    ``package/`` (every file when the archive has no ``package/`` folder)."""

    def __init__(self, tgz: Path) -> None:
        super().__init__(tgz.name)
        with tarfile.open(tgz, "r:gz") as archive:
            members = [m for m in archive.getmembers() if m.isfile()]
            if any(m.name.startswith(_PACKAGE) for m in members):
                members = [m for m in members if _directly_under_package(m.name)]
            for member in members:
                extracted = archive.extractfile(member)
                if extracted is not None:
                    self.add_file(member.name, extracted.read())


def _directly_under_package(name: str) -> bool:
    return name.startswith(_PACKAGE) and "/" not in name[len(_PACKAGE) :]


class FileSource(_IndexedSource):
    """One file holding a conformance resource, or a Bundle of them (JSON or XML)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path.name)
        self.add_file(path.name, path.read_bytes())


class MemorySource(_IndexedSource):
    """Resources the caller hands over directly."""

    def __init__(self, resources: list[FhirJson], name: str = "memory") -> None:
        super().__init__(name)
        for resource in resources:
            self.add(resource)


def is_gzip_tar(path: Path) -> bool:
    """Whether ``path`` is a gzip-compressed tar archive (the NPM package form), by its bytes."""
    with path.open("rb") as opened:
        if opened.read(2) != _GZIP_MAGIC:
            return False
    try:
        with gzip.open(path) as unpacked:
            block = unpacked.read(512)
    except (OSError, EOFError):
        return False
    return block[257:262] == b"ustar" or _tar_checksum_ok(block)


def _tar_checksum_ok(block: bytes) -> bool:
    if len(block) < 512:
        return False
    try:
        stored = int(block[148:156].split(b"\0", 1)[0].strip() or b"-1", 8)
    except ValueError:
        return False
    return stored == sum(block[:148]) + 8 * 32 + sum(block[156:512])
