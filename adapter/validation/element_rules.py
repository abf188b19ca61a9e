"""Small rules every element is held to: cardinality, and the invariants evaluated natively
because they are checked on (almost) every node or because fhirpathpy cannot (ele-1, ext-1,
per-1, dom-3 - see :data:`adapter.validation.invariants.SKIPPED`)."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from adapter.outcome import Issue
from adapter.validation.invariants import contained_unreferenced, start_before_end
from adapter.validation.records import ElementRecord

MAX_DEPTH = 200
"""Deeper nesting than this is refused: no real resource comes near it, and recursion is bounded."""

ELE_1 = "Constraint failed: ele-1: 'All FHIR elements must have a @value or children'"


def check_cardinality(child: ElementRecord, count: int, path: str, source: str) -> list[Issue]:
    """The number of values of ``child`` against its min and max."""
    if count < child.min:
        text = f"{child.path}: minimum required = {child.min}, but only found {count} (from {source})"
        return [Issue.error("required", "cardinality.min", text, path)]
    if child.max is not None and count > child.max:
        text = f"{child.path}: max allowed = {child.max}, but found {count} (from {source})"
        return [Issue.error("structure", "cardinality.max", text, path)]
    return []


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


def check_dom_6(value: Any, path: str) -> list[Issue]:
    """dom-6 (best practice, a warning): a resource has a narrative."""
    text = value.get("text") if isinstance(value, dict) else None
    if not isinstance(value, dict) or (isinstance(text, dict) and "div" in text):
        return []
    human = "Constraint failed: dom-6: 'A resource should have narrative for robust management'"
    return [Issue.warning("invariant", "invariant.dom-6", human, path)]


NATIVE_CHECKS = {"ext-1": check_ext_1, "per-1": check_per_1, "dom-3": check_dom_3, "dom-6": check_dom_6}
"""Invariants (from SKIPPED) this module evaluates, by key."""


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
