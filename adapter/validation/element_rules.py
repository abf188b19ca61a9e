"""Small rules every element is held to: cardinality, and the invariants evaluated natively
because they are checked on (almost) every node or because fhirpathpy cannot (ele-1, ext-1,
per-1, dom-3 - see :data:`adapter.validation.invariants.SKIPPED`).

dom-3 is enforced as the reference validator enforces it - in code, never by its FHIRPath
(InstanceValidator.checkInvariant skips dom-3; checkContainedReferences / isReferencedFromBase
decide): a contained resource is referred to by the container's own ``#`` references (References,
uri/url/canonical values, narrative ``<a href>`` and ``<img src>``), or refers to the container
with ``#``, or is referred to by another contained resource that is itself referred to - see
:func:`adapter.validation.invariants.contained_unreferenced`. Each orphan is reported at the
contained resource (CONTAINED_ORPHAN_DOM3), not once at the container. A contained resource
needs an id (:func:`check_contained_id`); one without is an orphan too unless it refers to the
container. dom-2, dom-4 and dom-5 stay FHIRPath invariants of
the container (``contained.contained.empty()`` ...) and are reported at the container."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from adapter.outcome import Issue
from adapter.validation.invariants import contained_unreferenced, start_before_end
from adapter.validation.operations import check_opd_3
from adapter.validation.records import ElementRecord

MAX_DEPTH = 200
"""Deeper nesting than this is refused: no real resource comes near it, and recursion is bounded."""

ELE_1 = "Constraint failed: ele-1: 'All FHIR elements must have a @value or children'"


def check_cardinality(child: ElementRecord, count: int, path: str, source: str) -> list[Issue]:
    """The number of values of ``child`` against its min and max."""
    if count < child.min:
        text = f"{_name(child)}: minimum required = {child.min}, but only found {count} (from {source})"
        return [Issue.error("required", "cardinality.min", text, path)]
    if child.max is not None and count > child.max:
        text = f"{_name(child)}: max allowed = {child.max}, but found {count} (from {source})"
        return [Issue.error("structure", "cardinality.max", text, path)]
    return []


def check_value_alternatives(
    element: ElementRecord, extras: dict[str, Any], path: str, source: str
) -> list[Issue]:
    """A primitive with no value, where the profile names the extensions that may stand in for it
    (valueAlternatives): one of those must be present."""
    present = {e.get("url") for e in extras.get("extension", []) if isinstance(e, dict)}
    if present & set(element.value_alternatives):
        return []
    text = (
        f"The element {element.path} in the profile {source} requires that if a value is not present, "
        f"one of the extensions {', '.join(element.value_alternatives)} must be present"
    )
    return [Issue.error("required", "value.alternative-missing", text, path)]


def _name(element: ElementRecord) -> str:
    # Inside a slice the element's id names the slice (Parameters.parameter:param1.extension).
    return element.id if ":" in element.id else element.path


def ele_1(path: str) -> Issue:
    """ele-1 failed: an element with neither a value nor children."""
    return Issue.error("invariant", "invariant.ele-1", ELE_1, path)


def check_ext_1(value: Any, path: str) -> list[Issue]:
    """ext-1: an extension has a value or sub-extensions, not both and not neither."""
    if not isinstance(value, dict):
        return []
    has_value = any(k.startswith("value") for k in value)
    if has_value != bool(value.get("extension")):
        return []
    text = "Constraint failed: ext-1: 'Must have either extensions or value[x], not both'"
    return [Issue.error("invariant", "invariant.ext-1", text, path)]


def check_per_1(value: Any, path: str) -> list[Issue]:
    """per-1: a Period's start is not after its end."""
    if not isinstance(value, dict):
        return []
    start, end = value.get("start"), value.get("end")
    if not (isinstance(start, str) and isinstance(end, str)) or start_before_end(start, end):
        return []
    text = "Constraint failed: per-1: 'If present, start SHALL have a lower value than end'"
    return [Issue.error("invariant", "invariant.per-1", text, path)]


def check_dom_3(value: Any, path: str) -> list[Issue]:
    """dom-3: every contained resource is referred to from the container (or refers to it)."""
    if not isinstance(value, dict):
        return []
    text = (
        "Constraint failed: dom-3: 'If the resource is contained in another resource, it SHALL be "
        "referred to from elsewhere in the resource or SHALL refer to the containing resource'"
    )
    return [
        Issue.error("invariant", "invariant.dom-3", text, f"{path}.contained[{index}]")
        for index in contained_unreferenced(value)
    ]


def check_contained_id(resource: Any, container: Any, path: str) -> list[Issue]:
    """A contained resource needs an id, unique among the container's contained resources: the
    reference validator validates a contained resource with IdStatus.REQUIRED
    (RESOURCE_RES_ID_MISSING) and reports a second contained resource with an id already seen
    (RESOURCE_DUPLICATE_CONTAINED_ID, InstanceValidator.validateContains), at the later one.
    ``path`` ends in the resource's index (``CarePlan.contained[2]``)."""
    if not isinstance(resource, dict):
        return []
    own = resource.get("id")
    if not isinstance(own, str) and not isinstance(resource.get("_id"), dict):
        return [
            Issue.error(
                "required", "resource.id-missing", "Resource requires an id, but none is present", path
            )
        ]
    siblings = container.get("contained") if isinstance(container, dict) else None
    index = path.rpartition("[")[2].rstrip("]")
    if not isinstance(own, str) or not isinstance(siblings, list) or not index.isdigit():
        return []
    first = next((i for i, c in enumerate(siblings) if isinstance(c, dict) and c.get("id") == own), None)
    if first is None or first >= int(index):
        return []
    text = f"The contained resource id '{own}' is used by an earlier contained resource (contained[{first}])"
    return [Issue.error("duplicate", "resource.contained-id-duplicate", text, path)]


def check_dom_6(value: Any, path: str) -> list[Issue]:
    """dom-6 (best practice, a warning): a resource has a narrative."""
    text = value.get("text") if isinstance(value, dict) else None
    if not isinstance(value, dict) or (isinstance(text, dict) and "div" in text):
        return []
    human = "Constraint failed: dom-6: 'A resource should have narrative for robust management'"
    return [Issue.warning("invariant", "invariant.dom-6", human, path)]


REQUEST_TYPES = frozenset({"batch", "transaction", "history"})
RESPONSE_TYPES = frozenset({"batch-response", "transaction-response", "history"})


def _entries(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    entries = bundle.get("entry")
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def check_bdl_3(value: Any, path: str) -> list[Issue]:
    """bdl-3: every entry has a request exactly when the Bundle is a batch, transaction or history."""
    if not isinstance(value, dict) or not isinstance(value.get("type"), str | None):
        return []  # a Bundle.type that is not a string is reported by the walk's shape check
    wanted = value.get("type") in REQUEST_TYPES
    if all(("request" in e) == wanted for e in _entries(value)):
        return []
    text = (
        "Constraint failed: bdl-3: 'entry.request mandatory for batch/transaction/history, "
        "otherwise prohibited'"
    )
    return [Issue.error("invariant", "invariant.bdl-3", text, path)]


def check_bdl_4(value: Any, path: str) -> list[Issue]:
    """bdl-4: every entry has a response exactly when the Bundle is a response or a history."""
    if not isinstance(value, dict):
        return []
    wanted = value.get("type") in RESPONSE_TYPES
    if all(("response" in e) == wanted for e in _entries(value)):
        return []
    text = (
        "Constraint failed: bdl-4: 'entry.response mandatory for batch-response/transaction-response/"
        "history, otherwise prohibited'"
    )
    return [Issue.error("invariant", "invariant.bdl-4", text, path)]


def check_bdl_7(value: Any, path: str) -> list[Issue]:
    """bdl-7: fullUrls are unique, unless the entries differ in meta.versionId (or it is a history)."""
    if not isinstance(value, dict) or value.get("type") == "history":
        return []
    seen: set[str] = set()
    for entry in _entries(value):
        full_url = entry.get("fullUrl")
        if not isinstance(full_url, str):
            continue
        resource = entry.get("resource")
        meta = resource.get("meta") if isinstance(resource, dict) else None
        version = meta.get("versionId") if isinstance(meta, dict) else None
        # As FHIRPath's & does: an absent versionId adds nothing to the key.
        key = full_url + (version if isinstance(version, str) else "")
        if key in seen:
            text = (
                "Constraint failed: bdl-7: 'FullUrl must be unique in a bundle, or else entries with "
                "the same fullUrl must have different meta.versionId (except in history bundles)'"
            )
            return [Issue.error("invariant", "invariant.bdl-7", text, path)]
        seen.add(key)
    return []


def check_bdl_8(value: Any, path: str) -> list[Issue]:
    """bdl-8: an entry's fullUrl is not a version-specific reference."""
    full_url = value.get("fullUrl") if isinstance(value, dict) else None
    if not isinstance(full_url, str) or "/_history/" not in full_url:
        return []
    text = "Constraint failed: bdl-8: 'fullUrl cannot be a version specific reference'"
    return [Issue.error("invariant", "invariant.bdl-8", text, path)]


NATIVE_CHECKS = {
    "ext-1": check_ext_1,
    "per-1": check_per_1,
    "dom-3": check_dom_3,
    "dom-6": check_dom_6,
    "bdl-3": check_bdl_3,
    "bdl-4": check_bdl_4,
    "bdl-7": check_bdl_7,
    "bdl-8": check_bdl_8,
    "opd-3": check_opd_3,
}
"""Invariants evaluated natively, by key (those in SKIPPED, and opd-3 as R5 corrected it)."""


def check_attachment(value: Any, path: str) -> list[Issue]:
    """An Attachment's stated size is the size of its data (when the data is inline)."""
    if not isinstance(value, dict):
        return []
    data, size = value.get("data"), value.get("size")
    if not isinstance(data, str) or not isinstance(size, int) or isinstance(size, bool):
        return []
    try:
        actual = len(base64.b64decode(re.sub(r"\s+", "", data), validate=True))
    except (binascii.Error, ValueError):
        return []  # the base64 format check reports it
    if actual == size:
        return []
    text = f"Stated Attachment Size {size} does not match actual attachment size {actual}"
    return [Issue.error("value", "attachment.size", text, path)]


def expected_object(path: str, what: str) -> Issue:
    return Issue.error("structure", "json.object-expected", f"A {what} must be a JSON object", path)


def too_deep(path: str) -> Issue:
    return Issue.error("too-costly", "structure.too-deep", f"Nesting deeper than {MAX_DEPTH} levels", path)
