"""Assigning an element's values to its slices, then the slices' own rules.

Discriminators supported: value, pattern, exists, type and profile, on paths made of element names,
``$this``, ``ofType(X)``, ``extension('url')`` and ``resolve()`` (for resources held in the
container or the Bundle).
A discriminator that cannot be evaluated yields an explicit issue, never a silent match.

Rules and where they come from (FHIR R4 profiling.html, "Slicing" and "Discriminator"; the
reference validator's InstanceValidator.sliceMatches):

- Several discriminators: an item belongs to a slice only when every discriminator matches it
  (each is one condition of the slice's test); the first slice, in definition order, that takes
  it is its slice.
- Re-slicing (profiling.html, "Re-slicing"): a slice may be sliced again; its re-slices are named
  ``slice/reslice`` and are subsets of it. The compiler hangs each re-slice under its slice, the
  snapshot generator starts a re-slice from its slice's definition, and the walker assigns the
  slice's own members to its re-slices by the slice's discriminators - the re-slices' min/max and
  the slice's rules (closed, ordered) count among those members only.
- value/pattern: the slice's fixed[x] or pattern[x] at the discriminator path (a pattern is
  contained in the value, extra content allowed; a fixed value is equal); exists: min 1 / max 0 on
  the path; type: the type (or a resolved resource's type) is one of the slice's; profile: the
  value (or resolved resource) meets one of the slice's profiles, by a silent sub-walk.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from adapter.outcome import Issue
from adapter.validation.records import Discriminator, ElementRecord
from adapter.validation.values import equals, matches_pattern

if TYPE_CHECKING:
    from adapter.validation.shape import Item

Conforms = Callable[[Any, str], bool]
"""Does a value meet the profile at this URL? (the walker answers, by a silent sub-walk)."""

Resolve = Callable[[Any], "dict[str, Any] | None"]
"""The resource a reference string points at inside the resource or Bundle (None: not held)."""

InValueSet = Callable[[Any, str], "bool | None"]
"""Is a value's code in the value set at this URL? None: cannot tell (its code system is not held)."""

Structures = Callable[[str], "ElementRecord | None"]
"""The root element of a type or profile by code or URL."""

STEP = re.compile(
    r"extension\('(?P<url>[^']+)'\)|ofType\((?P<type>[^)]+)\)|resolve\(\)|\$this|[A-Za-z0-9_\[\]]+"
)


def _steps(path: str) -> list[str]:
    return [m.group(0) for m in STEP.finditer(path)]


def _values_at(value: Any, path: str, resolve: Resolve) -> list[tuple[Any, str | None]]:
    """The JSON values at a discriminator path, each with its type when a choice names it."""
    current: list[tuple[Any, str | None]] = [(value, None)]
    for step in _steps(path):
        following: list[tuple[Any, str | None]] = []
        for node, node_type in current:
            if step == "$this":
                following.append((node, node_type))
            elif step == "resolve()":
                target = resolve(node.get("reference")) if isinstance(node, dict) else None
                if target is not None:
                    following.append((target, None))
            elif step.startswith("ofType("):
                wanted = step[7:-1]
                if node_type is None or node_type.lower() == wanted.lower():
                    following.append((node, wanted))
            elif step.startswith("extension("):
                url = step[11:-2]
                following.extend(
                    (e, None)
                    for e in _as_list(node.get("extension") if isinstance(node, dict) else None)
                    if isinstance(e, dict) and e.get("url") == url
                )
            elif isinstance(node, dict):
                name = step.removesuffix("[x]")
                if name in node:
                    following.extend((v, None) for v in _as_list(node[name]))
                else:
                    for key, found in node.items():
                        if key.startswith(name) and key[len(name) : len(name) + 1].isupper():
                            following.extend((v, key[len(name) :]) for v in _as_list(found))
        current = following
    return current


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _element_at(
    element: ElementRecord, path: str, roots: Structures, *, required_slices: bool = False
) -> ElementRecord | None:
    """The slice's element definition a discriminator path points at. With ``required_slices``,
    a step onto a sliced element goes into its first required slice (min >= 1) when it has one."""
    current: ElementRecord | None = element
    for step in _steps(path):
        if current is None:
            return None
        if step in ("$this", "resolve()") or step.startswith("ofType("):
            continue
        element_profiles = [p for t in current.types for p in t.profiles if "#" in p]
        # A slice typed by one element of another profile takes its rules from there.
        holder = (
            roots(element_profiles[0])
            if element_profiles and roots(element_profiles[0]) is not None
            else current
            if current.children
            else _type_holder(current, roots)
        )
        if holder is None:
            return None
        if step.startswith("extension("):
            url = step[11:-2]
            # The last slice for the URL: a re-slice (actionType/Single) follows the slice it
            # refines and carries this slice's own constraints.
            current = next(
                (
                    s
                    for c in holder.children
                    if c.name == "extension"
                    for s in reversed(_with_reslices(c.slices))
                    if _extension_url(s, roots) == url
                ),
                None,
            )
            continue
        name = step.removesuffix("[x]")
        current = next((c for c in holder.children if c.name in (name, name + "[x]")), None)
        if required_slices and current is not None:
            current = next((s for s in current.slices if s.min >= 1), current)
    return current


def _with_reslices(slices: Sequence[ElementRecord]) -> list[ElementRecord]:
    """Slices in snapshot order, each followed by its re-slices (``slice/reslice``)."""
    return [x for s in slices for x in (s, *_with_reslices(s.slices))]


def _type_holder(element: ElementRecord, roots: Structures) -> ElementRecord | None:
    for type_ref in element.types:
        for profile in type_ref.profiles:
            found = roots(profile)
            if found is not None:
                return found
    return roots(element.types[0].code) if len(element.types) == 1 else None


def _profile_type(url: str, roots: Structures) -> str:
    root = roots(url)
    return root.path if root is not None else url.split("|", 1)[0].rsplit("/", 1)[-1]


def _extension_url(element: ElementRecord, roots: Structures) -> str | None:
    for child in element.children:
        if child.name == "url" and isinstance(child.fixed, str):
            return child.fixed
    profiles = [p for t in element.types for p in t.profiles]
    return profiles[0].split("|", 1)[0] if profiles else None


NOT_DOMAIN_RESOURCES = frozenset({"bundle", "binary", "parameters"})
"""The R4 resources that specialise Resource directly rather than DomainResource."""


def _abstract_fits(wanted: set[str], resource_type: str) -> bool:
    """Does a slice typed by an abstract resource (Resource, DomainResource) take this resource?"""
    if "resource" in wanted:
        return True
    return "domainresource" in wanted and resource_type.lower() not in NOT_DOMAIN_RESOURCES


def _matches(
    resolve: Resolve,
    in_value_set: InValueSet,
    sliced: ElementRecord,
    rule: Discriminator,
    item: Item,
    roots: Structures,
    conforms: Conforms,
) -> bool | None:
    """Does the item belong to this slice by this discriminator? None: cannot tell."""
    found = _values_at(item.value, rule.path, resolve)
    if rule.kind in ("value", "pattern"):
        if rule.path == "url" and sliced.name in ("extension", "modifierExtension"):
            url = _extension_url(sliced, roots)
            if url is not None:
                return any(v == url for v, _ in found)
        target = _element_at(sliced, rule.path, roots)
        if target is None:
            return None
        if target.fixed is None and target.pattern is None and target.binding is None:
            # The value may sit in a required slice on the way (bp's component:SystolicBP fixes
            # code.coding:SBPCode.code, not code.coding.code): every member has that value.
            target = _element_at(sliced, rule.path, roots, required_slices=True) or target
        if target.fixed is not None:
            return any(equals(target.fixed, v) for v, _ in found)
        if target.pattern is not None:
            return any(matches_pattern(target.pattern, v) for v, _ in found)
        binding = target.binding
        if binding is not None and binding.strength == "required" and binding.value_set:
            # Slicing by a required binding: a value belongs to the slice whose value set has it.
            answers = [in_value_set(v, binding.value_set) for v, _ in found]
            if True in answers:
                return True
            return None if None in answers else False
        # This slice does not constrain the discriminator's element: it does not tell slices apart.
        return True
    if rule.kind == "exists":
        target = _element_at(sliced, rule.path, roots)
        if target is None:
            return None
        if target.min >= 1:
            return bool(found)
        if target.max == 0:
            return not found
        return True
    if rule.kind == "type":
        target = _element_at(sliced, rule.path, roots)
        if target is None:
            return None
        wanted = {c.lower() for c in target.type_codes}
        if rule.path.endswith("resolve()"):
            # The type of what a reference resolves to: named by the slice's target profiles.
            wanted = {_profile_type(t, roots).lower() for r in target.types for t in r.target_profiles}
        if rule.path in ("$this", "") and item.type_code is not None:
            return item.type_code.lower() in wanted
        for value, value_type in found:
            actual = (
                value.get("resourceType")
                if isinstance(value, dict) and "resourceType" in value
                else value_type
            )
            if actual is not None and str(actual).lower() in wanted:
                return True
            if isinstance(value, dict) and "resourceType" in value and _abstract_fits(wanted, str(actual)):
                # A slice typed by an abstract resource takes every resource of that kind; its
                # profile then decides (FHIR R4 Bundle.entry.resource is typed Resource).
                return True
        return False
    if rule.kind == "profile":
        target = _element_at(sliced, rule.path, roots)
        if target is None:
            return None
        profiles = [p for t in target.types for p in (t.profiles or t.target_profiles)]
        if not profiles:
            return True
        return any(conforms(v, p) for v, _ in found for p in profiles)
    return None


DISCRIMINATOR_TYPES = frozenset({"value", "exists", "pattern", "type", "profile"})


def check_discriminators(definition: dict[str, Any], path: str) -> list[Issue]:
    """In a StructureDefinition's differential, discriminator types are the five FHIR R4 defines."""
    issues = []
    elements = definition.get("differential", {}).get("element", [])
    for element in elements if isinstance(elements, list) else []:
        slicing = element.get("slicing") if isinstance(element, dict) else None
        for rule in slicing.get("discriminator", []) if isinstance(slicing, dict) else []:
            kind = rule.get("type") if isinstance(rule, dict) else None
            if isinstance(kind, str) and kind not in DISCRIMINATOR_TYPES:
                text = f"Unknown discriminator type '{kind}': a snapshot cannot be generated with it"
                issues.append(Issue.error("invalid", "profile.discriminator-unknown", text, path))
    return issues


_URL_SLICES: dict[int, tuple[ElementRecord, dict[str, ElementRecord] | None]] = {}
"""Extension slices by url, per sliced element (by id; the entry holds the element, so the id
cannot be reused while it is here)."""


def _extension_slices(element: ElementRecord) -> dict[str, ElementRecord] | None:
    """For extensions sliced by ``url`` alone, each slice by its extension's url (the first slice
    wins, as in the ordered search); None when the slicing is any other, or a slice has no url."""
    held = _URL_SLICES.get(id(element))
    if held is not None and held[0] is element:
        return held[1]
    slicing = element.slicing
    found: dict[str, ElementRecord] | None = None
    if (
        slicing is not None
        and element.name in ("extension", "modifierExtension")
        and [(d.kind, d.path) for d in slicing.discriminators] in ([("value", "url")], [("pattern", "url")])
    ):
        found = {}
        for sliced in element.slices:
            url = _extension_url(sliced, _no_roots)
            if url is None:
                found = None
                break
            found.setdefault(url, sliced)
    _URL_SLICES[id(element)] = (element, found)
    return found


def _no_roots(url: str) -> ElementRecord | None:
    return None


def assign_slices(
    element: ElementRecord,
    items: Sequence[Item],
    conforms: Conforms,
    roots: Structures,
    source: str,
    path: str,
    in_value_set: InValueSet,
    resolve: Resolve,
) -> tuple[list[ElementRecord | None], list[Issue]]:
    """Which slice each item belongs to (None: none), and the slicing rules' issues."""
    slicing = element.slicing
    assert slicing is not None
    issues: list[Issue] = []
    matched: list[ElementRecord | None] = []
    unsupported: set[str] = set()
    by_url = _extension_slices(element)
    for item in items:
        hit: ElementRecord | None = None
        if by_url is not None:
            # Extensions sliced by url (nearly every slicing met): the url names the slice.
            url = item.value.get("url") if isinstance(item.value, dict) else None
            matched.append(by_url.get(url) if isinstance(url, str) else None)
            continue
        for sliced in element.slices:
            answers = [
                _matches(resolve, in_value_set, sliced, rule, item, roots, conforms)
                for rule in slicing.discriminators
            ]
            if not slicing.discriminators or None in answers:
                unsupported.add(sliced.slice_name or sliced.id)
                continue
            if all(answers):
                hit = sliced
                break
        matched.append(hit)
    for name in sorted(unsupported):
        issues.append(
            Issue(
                "information",
                "not-supported",
                "slicing.unsupported",
                f"Slice '{element.path}:{name}': its discriminator could not be evaluated, so no value was "
                "matched to it",
                path,
            )
        )
    for sliced in element.slices:
        count = sum(1 for m in matched if m is sliced)
        label = f"{element.path}:{sliced.slice_name}"
        if count < sliced.min:
            text = (
                f"Slice '{label}': a matching slice is required, but not found (from {source})"
                if count == 0
                else f"{label}: minimum required = {sliced.min}, but only found {count} (from {source})"
            )
            issues.append(Issue.error("required", "slicing.min", text, path))
        if sliced.max is not None and count > sliced.max:
            issues.append(
                Issue.error(
                    "structure",
                    "slicing.max",
                    f"{label}: max allowed = {sliced.max}, but found {count} (from {source})",
                    path,
                )
            )
    issues.extend(_rules(element, items, matched, source))
    return matched, issues


def _rules(
    element: ElementRecord, items: Sequence[Item], matched: list[ElementRecord | None], source: str
) -> list[Issue]:
    slicing = element.slicing
    assert slicing is not None
    issues: list[Issue] = []
    order = {id(s): i for i, s in enumerate(element.slices)}
    if slicing.rules == "closed":
        issues.extend(
            Issue.error(
                "structure",
                "slicing.closed",
                f"This element does not match any known slice defined in the profile {source} and slicing is "
                "CLOSED",
                item.path,
            )
            for item, hit in zip(items, matched, strict=True)
            if hit is None
        )
    if slicing.rules == "openAtEnd":
        seen_unmatched = False
        for item, hit in zip(items, matched, strict=True):
            if hit is None:
                seen_unmatched = True
            elif seen_unmatched:
                issues.append(
                    Issue.error(
                        "structure",
                        "slicing.open-at-end",
                        "Unmatched values must come after every sliced value (slicing is openAtEnd)",
                        item.path,
                    )
                )
    if slicing.ordered:
        last = -1
        for item, hit in zip(items, matched, strict=True):
            if hit is None:
                continue
            position = order[id(hit)]
            if position < last:
                issues.append(
                    Issue.error(
                        "structure",
                        "slicing.order",
                        f"As specified by profile {source}, the elements are out of order",
                        item.path,
                    )
                )
            last = max(last, position)
    return issues
