"""The JSON shape of an element's values: array or single, ``name`` and ``_name`` twins, nulls and
empty arrays, and which property of a choice element (``valueQuantity``) carries which type.

Each function returns the values it found (as :class:`Item`) and the issues with their shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from adapter.outcome import Issue
from adapter.types import FhirJson
from adapter.validation.records import ElementRecord

KnownType = Callable[[str], bool]
"""Is this a type code the definitions hold?"""


class Item(NamedTuple):
    """One value of an element in the instance: the JSON value, its ``_name`` twin, and where.

    A named tuple rather than a dataclass: one is made for every value walked."""

    value: Any
    extras: Any
    path: str
    type_code: str | None


def disallowed_type(child: ElementRecord, name: str, known_type: KnownType) -> str | None:
    """The type a property names when it names a choice element with a type the element does not
    allow (``valueString`` where a profile allows only ``valueQuantity``)."""
    if not child.is_choice:
        return None
    stem = child.name[:-3]
    rest = name[len(stem) :]
    if not (name.startswith(stem) and rest[:1].isupper()):
        return None
    code = rest if known_type(rest) else rest[0].lower() + rest[1:]
    if code not in child.type_codes and known_type(code):
        return code
    return None


def element_items(
    child: ElementRecord, data: FhirJson, path: str, known_type: KnownType
) -> tuple[list[Item], int, list[Issue]]:
    """The values of one element in an object; how many more are present with a type the element
    does not allow (they count for cardinality but are not walked); and the shape issues."""
    if not child.is_choice:
        single, problems = property_items(child, child.name, data, f"{path}.{child.name}", None)
        return single, 0, problems
    stem = child.name[:-3]
    present = [
        (key, code)
        for code in child.type_codes
        for key in (stem + code[0].upper() + code[1:],)
        if key in data or "_" + key in data
    ]
    issues: list[Issue] = []
    disallowed = 0
    for key in data:
        other = None if key.startswith("_") else disallowed_type(child, key, known_type)
        if other is not None:
            disallowed += 1
            issues.append(
                Issue.error(
                    "structure",
                    "choice.type-not-allowed",
                    f"The type {other} is not allowed for {child.path} "
                    f"(allowed: {', '.join(child.type_codes)})",
                    f"{path}.{stem}.ofType({other})",
                )
            )
    if len(present) + disallowed > 1:
        issues.append(
            Issue.error(
                "structure",
                "choice.multiple",
                f"Only one of {', '.join(k for k, _ in present)} may be present",
                path,
            )
        )
    items: list[Item] = []
    for key, code in present:
        found, problems = property_items(child, key, data, f"{path}.{stem}.ofType({code})", code)
        items.extend(found)
        issues.extend(problems)
    return items, disallowed, issues


def property_items(
    child: ElementRecord, key: str, data: FhirJson, path: str, code: str | None
) -> tuple[list[Item], list[Issue]]:
    """The values of one JSON property and its ``_key`` twin, with their shape issues."""
    raw, extras = data.get(key), data.get("_" + key)
    if extras is None and raw is not None and not child.is_array and type(raw) is not list:
        return [Item(raw, None, path, code)], []  # the common case: one value, no twin
    if raw is None and extras is None:
        if key in data or "_" + key in data:
            return [], [Issue.error("structure", "json.null", f"Property '{key}' is null", path)]
        return [], []
    if not child.is_array:
        for found, label in ((raw, key), (extras, "_" + key)):
            if isinstance(found, list):
                text = f"The property {label} must be a single value, not a JSON Array"
                return [], [Issue.error("structure", "json.array-unexpected", text, path)]
        return [Item(raw, extras, path, code)], []
    for found, label in ((raw, key), (extras, "_" + key)):
        if found is not None and not isinstance(found, list):
            text = f"The property {label} must be a JSON Array, not a single value"
            return [], [Issue.error("structure", "json.array-expected", text, path)]
    issues: list[Issue] = []
    values: list[Any] = raw or []
    twins: list[Any] = extras or []
    for found, label in ((raw, key), (extras, "_" + key)):
        if found == []:
            text = f"Array {label} cannot be empty - leave the property out when it has no values"
            issues.append(Issue.error("structure", "json.empty-array", text, path))
    if raw is not None and extras is not None and len(values) != len(twins):
        text = f"The arrays {key} and _{key} must have the same length"
        issues.append(Issue.error("structure", "json.primitive-extension-length", text, path))
    items: list[Item] = []
    for index in range(max(len(values), len(twins))):
        value = values[index] if index < len(values) else None
        extra = twins[index] if index < len(twins) else None
        item_path = f"{path}[{index}]"
        if value is None and extra is None:
            text = f"Array {key} holds a null with no extension"
            issues.append(Issue.error("structure", "json.null", text, item_path))
            continue
        items.append(Item(value, extra, item_path, code))
    return items, issues
