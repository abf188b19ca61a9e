"""The rules of document and message Bundles, as the HL7 reference validator applies them
(org.hl7.fhir.validation BundleValidator.validateDocument / validateMessage / checkAllInterlinked,
resolving with BaseValidator.resolveInBundle), on top of R4's bdl-11/bdl-12 (the first entry is a
Composition / MessageHeader):

- a document or message needs entries (BUNDLE_BUNDLE_ENTRY_NOFIRST);
- the references of the Composition (subject, author, encounter, custodian, attester.party,
  event.detail, and each section's author, focus and entry, sections within sections) and of the
  MessageHeader (focus) must resolve inside the Bundle - R4 Documents: "the document bundle
  SHALL include ... resources referenced from the Composition";
- resolving inside a document or message is stricter than the general rule: a relative reference
  is read only against a RESTful fullUrl of its own entry (``http(s)://base/Type/id``, the base then
  taken from it); from an entry named by a URN it names nothing. An entry that holds the named type
  and id under another fullUrl is reported (NOTFOUND_APPARENT), from any entry; a reference that
  names no entry, from the Composition or MessageHeader; several entries with the one fullUrl, always;
- every entry of a document is reachable from the Composition by references, forwards or
  backwards (an error); in a message, from the MessageHeader (a warning).

Each source reference is reported once (the reference validator marks a reported source).
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from adapter.outcome import Issue
from adapter.types import FhirJson

HEAD_REFERENCES: dict[str, tuple[tuple[str, bool], ...]] = {
    "Composition": (
        ("subject", False),
        ("author", True),
        ("encounter", False),
        ("custodian", False),
        ("attester.party", False),
        ("event.detail", True),
    ),
    "MessageHeader": (("focus", True),),
}
"""Per head resource: (element path, every value or the first only), as the reference checks them."""
SECTION_REFERENCES = (("author", True), ("focus", False), ("entry", True))

_SEGMENT = r"([A-Za-z0-9\\.:%$]*/)*"
"""The reference's urlRegex allows these characters in the segments before Type/id (no hyphen)."""


def _restful(resource_types: Container[str]) -> re.Pattern[str]:
    names = "|".join(sorted(t for t in _known_types(resource_types)))
    return re.compile(
        rf"((http|https)://{_SEGMENT})?({names})/[A-Za-z0-9\-.]{{1,64}}(/_history/[A-Za-z0-9\-.]{{1,64}})?"
    )


def _known_types(resource_types: Container[str]) -> Iterator[str]:
    from adapter.validation.resource_types import RESOURCE_TYPES_R4

    return (t for t in RESOURCE_TYPES_R4 if t in resource_types)


@dataclass
class _Entries:
    """A document's or message's entries by fullUrl (and fullUrl/_history/version) and by Type/id."""

    resources: list[FhirJson | None]
    full_urls: list[str | None]
    by_full_url: dict[str, list[int]] = field(default_factory=dict)
    by_type_id: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: list[Any]) -> _Entries:
        resources: list[FhirJson | None] = []
        full_urls: list[str | None] = []
        for entry in entries:
            resource = entry.get("resource") if isinstance(entry, dict) else None
            full_url = entry.get("fullUrl") if isinstance(entry, dict) else None
            resources.append(resource if isinstance(resource, dict) else None)
            full_urls.append(full_url if isinstance(full_url, str) else None)
        found = cls(resources, full_urls)
        for i, (resource, full_url) in enumerate(zip(resources, full_urls, strict=True)):
            meta = resource.get("meta") if resource else None
            version = meta.get("versionId") if isinstance(meta, dict) else None
            keys = [full_url] if full_url else []
            if full_url and isinstance(version, str):
                keys.append(f"{full_url}/_history/{version}")
            for key in keys:
                found.by_full_url.setdefault(key, []).append(i)
            if resource and isinstance(resource.get("id"), str):
                type_id = f"{resource.get('resourceType')}/{resource['id']}"
                found.by_type_id.setdefault(type_id, []).append(i)
                if isinstance(version, str):
                    found.by_type_id.setdefault(f"{type_id}/_history/{version}", []).append(i)
        return found


@dataclass(frozen=True)
class _Resolution:
    target: int | None
    problem: str | None = None
    """None, "not-found", "apparent" or "multiple"."""
    detail: str = ""


def _resolve(entries: _Entries, reference: str, source: int, restful: re.Pattern[str]) -> _Resolution:
    reference = reference.partition("#")[0]
    if ":" in reference.split("/", 1)[0]:
        found = entries.by_full_url.get(reference, [])
        if len(found) == 1:
            return _Resolution(found[0])
        return _Resolution(None, "multiple" if found else "not-found", str(len(found)))
    resource, full_url = entries.resources[source], entries.full_urls[source]
    target_url = None
    if resource is not None and full_url is not None and restful.fullmatch(full_url):
        own = f"{resource.get('resourceType')}/{resource.get('id')}"
        if full_url.endswith(own):
            target_url = full_url[: -len(own)] + reference
    found = entries.by_full_url.get(target_url, []) if target_url else []
    if len(found) == 1:
        return _Resolution(found[0])
    if found:
        return _Resolution(None, "multiple", str(len(found)))
    parts = reference.split("/")
    apparent = entries.by_type_id.get("/".join(parts[:2]), []) if len(parts) >= 2 else []
    if apparent:
        where = ",".join(sorted(entries.full_urls[i] or "<missing>" for i in apparent))
        return _Resolution(None, "apparent", where)
    return _Resolution(None, "not-found")


def check_document_or_message(
    bundle: FhirJson, entries: list[Any], path: str, resource_types: Container[str]
) -> Iterable[Issue]:
    """Issues with a document's or message's entries and the references that tie them together."""
    kind = bundle.get("type")
    if not entries:
        text = f"A {kind} must have at least one entry, the first a {_head(kind)}"
        yield Issue.error("invalid", "bundle.no-first-entry", text, path)
        return
    found = _Entries.of(entries)
    restful = _restful(resource_types)
    reported: set[str] = set()
    head = found.resources[0]
    if head is not None and head.get("resourceType") == _head(kind):
        for where, reference in _head_references(head, f"{path}.entry[0].resource"):
            resolution = _resolve(found, reference, 0, restful)
            issue = _problem(resolution, reference, where, warn_missing=False)
            if issue is not None:
                reported.add(where)
                yield issue
    links: dict[int, set[int]] = {i: set() for i, r in enumerate(found.resources) if r is not None}
    for source, resource in enumerate(found.resources):
        if resource is None:
            continue
        for where, reference in _all_references(resource, f"{path}.entry[{source}].resource"):
            resolution = _resolve(found, reference, source, restful)
            if resolution.target is not None and resolution.target != source and resolution.target in links:
                links[source].add(resolution.target)
                links[resolution.target].add(source)
            issue = _problem(resolution, reference, where, warn_missing=True)
            if issue is not None and issue.is_error and where not in reported:
                reported.add(where)
                yield issue
    yield from _orphans(found, links, path, kind)


def _head(kind: Any) -> str:
    return "MessageHeader" if kind == "message" else "Composition"


def _problem(resolution: _Resolution, reference: str, where: str, *, warn_missing: bool) -> Issue | None:
    if resolution.problem == "multiple":
        text = f"Found {resolution.detail} matches for '{reference}' in the bundle"
        return Issue.error("invalid", "document.reference-ambiguous", text, where)
    if resolution.problem == "apparent":
        text = (
            f"Can't find '{reference}' in the bundle. There is a resource in the bundle with the same "
            f"type and id ({resolution.detail}), but the fullUrl based rules for relative references do "
            "not let this reference match it"
        )
        return Issue.error("not-found", "reference.bundle-fullurl-rules", text, where)
    if resolution.problem == "not-found" and not warn_missing:
        text = f"Can't find '{reference}' in the bundle"
        return Issue.error("not-found", "document.reference-not-found", text, where)
    return None


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _head_references(head: FhirJson, path: str) -> Iterator[tuple[str, str]]:
    for element, every in HEAD_REFERENCES.get(str(head.get("resourceType")), ()):
        yield from _at(head, element.split("."), path, every)
    if head.get("resourceType") == "Composition":
        yield from _sections(head, path)


def _sections(holder: FhirJson, path: str) -> Iterator[tuple[str, str]]:
    for index, section in enumerate(_values(holder.get("section"))):
        if not isinstance(section, dict):
            continue
        here = f"{path}.section[{index}]"
        for element, every in SECTION_REFERENCES:
            yield from _at(section, [element], here, every)
        yield from _sections(section, here)


def _at(holder: Any, steps: list[str], path: str, every: bool) -> Iterator[tuple[str, str]]:
    """References at a path of a resource: each value of the first step, then the rest; ``every``:
    all values of the last step, or only the first."""
    if not isinstance(holder, dict):
        return
    name, rest = steps[0], steps[1:]
    raw = holder.get(name)
    items = _values(raw)
    indexed = isinstance(raw, list)
    if not rest and not every:
        items = items[:1]
    for index, item in enumerate(items):
        here = f"{path}.{name}[{index}]" if indexed else f"{path}.{name}"
        if rest:
            yield from _at(item, rest, here, every)
        elif isinstance(item, dict) and isinstance(item.get("reference"), str):
            reference = item["reference"]
            if reference and not reference.startswith("#"):
                yield here, reference


def _all_references(value: Any, path: str, *, top: bool = True) -> Iterator[tuple[str, str]]:
    """Every literal, non-local Reference.reference in an entry's resource (a Bundle inside is not
    entered: it resolves its own references)."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _all_references(item, f"{path}[{index}]", top=False)
    elif isinstance(value, dict) and (top or value.get("resourceType") != "Bundle"):
        reference = value.get("reference")
        if isinstance(reference, str) and reference and not reference.startswith("#"):
            yield path, reference
        for key, item in value.items():
            if isinstance(item, dict | list):
                yield from _all_references(item, f"{path}.{key}", top=False)


def _orphans(found: _Entries, links: dict[int, set[int]], path: str, kind: Any) -> Iterator[Issue]:
    if 0 not in links:
        return
    reached, frontier = {0}, [0]
    while frontier:
        for neighbour in links[frontier.pop()] - reached:
            reached.add(neighbour)
            frontier.append(neighbour)
    for i in sorted(set(links) - reached):
        name = found.full_urls[i] or f"entry {i}"
        text = (
            f"Entry '{name}' isn't reachable by traversing links (forward or backward) from the {_head(kind)}"
        )
        if kind == "message":
            yield Issue.warning("informational", "bundle.message-unreachable", text, f"{path}.entry[{i}]")
        else:
            yield Issue.error("invalid", "bundle.document-unreachable", text, f"{path}.entry[{i}]")
