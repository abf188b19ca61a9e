"""Bundle rules the StructureDefinition cannot say (FHIR R4, Bundle, "Bundle rules").

- every entry of a Bundle that is not a transaction or batch has a fullUrl, and a fullUrl is an
  absolute URL; a RESTful fullUrl ends with the entry resource's type and id, and its resource has
  an id (BundleValidator.validateBundle);
- links: paging relations only in searchsets and histories, and ``self`` (and there the paging
  relations) once (BundleValidator.validateLink);
- search results (searchset entries with search.mode ``match``) have ids;
- documents and messages: see :mod:`adapter.validation.documents`.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from typing import Any

from adapter.outcome import Issue
from adapter.types import FhirJson
from adapter.validation.documents import check_document_or_message
from adapter.validation.references import BundleIndex
from adapter.validation.xhtml import narrative_ids

NO_FULL_URL_NEEDED = frozenset({"transaction", "batch", "transaction-response", "batch-response", "history"})
RESTFUL = re.compile(r"^https?://.+/(?P<type>[A-Z][A-Za-z]+)/(?P<id>[A-Za-z0-9\-\.]{1,64})(/_history/.+)?$")
RESTFUL_LOOKING = re.compile(r"^https?://.+/(?P<type>[A-Z][A-Za-z]+)/[^/]+$")


def check_bundle(bundle: FhirJson, path: str, resource_types: Container[str]) -> Iterable[Issue]:
    """Issues with the entries and links of one Bundle resource."""
    kind = bundle.get("type")
    entries = bundle.get("entry")
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, dict):
            yield from _entry(entry, f"{path}.entry[{index}]", kind, resource_types)
    if kind in ("document", "message"):
        yield from check_document_or_message(
            bundle, entries if isinstance(entries, list) else [], path, resource_types
        )
    if isinstance(entries, list):
        yield from _narrative_links(bundle, entries, path)
    yield from _links(bundle.get("link"), kind, path)


SEARCH_RELATIONS = frozenset({"first", "previous", "next", "last"})


def _links(links: Any, kind: Any, path: str) -> Iterable[Issue]:
    """Bundle.link, as BundleValidator.validateLink reads it: paging relations (first, previous,
    next, last) belong to searchsets and histories and are errors elsewhere; there, they and
    ``self`` occur once each; in every other Bundle ``self`` occurs once. The second of a pair is
    the one reported."""
    paged = kind in ("searchset", "history")
    unique = SEARCH_RELATIONS | {"self"} if paged else frozenset({"self"})
    seen: set[str] = set()
    for index, link in enumerate(links if isinstance(links, list) else []):
        relation = link.get("relation") if isinstance(link, dict) else None
        if not isinstance(relation, str):
            continue
        where = f"{path}.link[{index}]"
        if not paged and relation in SEARCH_RELATIONS and isinstance(kind, str):
            text = f"The link relationship type '{relation}' is only allowed in search sets and histories"
            yield Issue.error("invalid", "bundle.link-search-relation", text, f"{where}.relation")
        if relation in unique and relation in seen:
            text = f"The link relationship type '{relation}' can only occur once"
            yield Issue.error("invalid", "bundle.link-repeated", text, where)
        seen.add(relation)


NARRATIVE_LINK = "http://hl7.org/fhir/StructureDefinition/narrativeLink"


def _narrative_links(bundle: FhirJson, entries: list[Any], path: str) -> Iterable[Issue]:
    """A narrativeLink ("fullUrl#id") names one element of another entry's narrative: the entry
    must be in the Bundle and the id found exactly once in its narratives."""
    index: BundleIndex | None = None
    for entry in entries:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or NARRATIVE_LINK not in str(resource.get("extension", "")):
            continue
        index = index or BundleIndex.of(bundle)
        for link in _extension_values(resource, NARRATIVE_LINK):
            target_url, _, fragment = link.partition("#")
            if not target_url or not fragment:
                continue
            target = index.by_full_url.get(target_url)
            count = sum(narrative_ids(div).count(fragment) for div in _divs(target)) if target else 0
            if count == 0:
                text = f"Can't find '{target_url}' in the bundle with an element whose id is '{fragment}'"
                yield Issue.error("not-found", "bundle.narrative-link-unresolved", text, path)
            elif count > 1:
                text = (
                    f"Found {count} matches for fragment {fragment} in resource '{target_url}' in the bundle"
                )
                yield Issue.error("invalid", "bundle.narrative-link-ambiguous", text, path)


def _extension_values(resource: FhirJson, url: str) -> Iterable[str]:
    for extension in resource.get("extension", []):
        if isinstance(extension, dict) and extension.get("url") == url:
            value = extension.get("valueUrl", extension.get("valueUri"))
            if isinstance(value, str):
                yield value


def _divs(resource: FhirJson) -> Iterable[str]:
    # Every narrative in a resource: its own text and, in a Composition, each section's.
    stack: list[Any] = [resource]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            div = current.get("div")
            if isinstance(div, str):
                yield div
            stack.extend(v for k, v in current.items() if k != "contained")
        elif isinstance(current, list):
            stack.extend(current)


def _relative_without_base(resource: FhirJson, path: str) -> Iterable[Issue]:
    """A relative reference is resolved against its entry's fullUrl (R4 Bundle, "Resolving
    references in Bundles"): where a transaction or batch entry has none, the entry cannot do
    without it, and each such reference is reported too."""
    found = _references_at(resource, f"{path}.resource")
    relative = [where for where, reference in found if ":" not in reference]
    if not relative:
        return
    yield Issue.error("required", "bundle.fullurl-needed", "Bundle entry missing fullUrl", path)
    for where in relative:
        text = "Relative Reference appears inside Bundle whose entry is missing a fullUrl"
        yield Issue.error("required", "bundle.relative-without-fullurl", text, where)


def _references_at(value: Any, path: str, *, top: bool = True) -> Iterable[tuple[str, str]]:
    """(FHIRPath, reference) of each literal, non-local Reference.reference, in document order; a
    Bundle inside (contained) resolves its own references and is not entered."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _references_at(item, f"{path}[{index}]", top=False)
    elif isinstance(value, dict) and (top or value.get("resourceType") != "Bundle"):
        reference = value.get("reference")
        if isinstance(reference, str) and reference and not reference.startswith("#"):
            yield path, reference
        for key, item in value.items():
            if isinstance(item, dict | list):
                yield from _references_at(item, f"{path}.{key}", top=False)


def _entry(entry: FhirJson, path: str, kind: Any, resource_types: Container[str]) -> Iterable[Issue]:
    full_url = entry.get("fullUrl")
    resource = entry.get("resource")
    if full_url is None:
        if kind not in NO_FULL_URL_NEEDED and isinstance(resource, dict):
            yield Issue.error(
                "required",
                "bundle.fullurl-missing",
                "Except for transactions and batches, each entry in a Bundle must have a fullUrl which is "
                "the identity of the resource in the entry",
                path,
            )
        elif isinstance(resource, dict):
            yield from _relative_without_base(resource, path)
        return
    if not isinstance(full_url, str):
        return
    if ":" not in full_url:
        text = f"The fullUrl must be an absolute URL (not '{full_url}')"
        yield Issue.error("invalid", "bundle.fullurl-absolute", text, path)
        return
    looks_restful = RESTFUL_LOOKING.match(full_url)
    if isinstance(resource, dict) and looks_restful and looks_restful["type"] in resource_types:
        found = RESTFUL.match(full_url)
        rtype, rid = resource.get("resourceType"), resource.get("id")
        if rid is None:
            # BundleValidator: BUNDLE_ENTRY_URL_MATCHES_NO_ID
            text = f"The fullUrl '{full_url}' looks like a RESTful server URL, but the resource has no id"
            yield Issue.error("invalid", "bundle.fullurl-no-id", text, path)
        if isinstance(rid, str) and (found is None or found["type"] != rtype or found["id"] != rid):
            yield Issue.error(
                "invalid",
                "bundle.fullurl-mismatch",
                f"The fullUrl '{full_url}' looks like a RESTful server URL, so it must end with the "
                f"correct type and id (/{rtype}/{rid})",
                path,
            )
    search = entry.get("search")
    if (
        kind == "searchset"
        and isinstance(search, dict)
        and search.get("mode") == "match"
        and isinstance(resource, dict)
        and "id" not in resource
    ):
        yield Issue.error("required", "bundle.search-id", "Search results must have ids", f"{path}.resource")
