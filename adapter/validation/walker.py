"""The walk: one instance against compiled structures, collecting every issue.

Each element is handled in a fixed order: fixed/pattern -> assign children to slices ->
cardinality -> recurse -> invariants. Checks are small functions in their own modules; this module
only decides which element definition applies to which piece of JSON and where it is
(``CarePlan.activity[1].detail.status``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from adapter.outcome import Issue, Severity
from adapter.types import FhirJson
from adapter.validation import primitives, values
from adapter.validation.bindings import check_binding, check_coding_systems, codes_of
from adapter.validation.bundles import check_bundle
from adapter.validation.extensions import Parent, check_context
from adapter.validation.invariants import (
    SKIPPED,
    Invariants,
    contained_unreferenced,
    resolving,
    start_before_end,
)
from adapter.validation.library import StructureLibrary
from adapter.validation.records import (
    PRIMITIVE_TYPES,
    RESOURCE_TYPES_ABSTRACT,
    Constraint,
    ElementRecord,
    StructureRecord,
)
from adapter.validation.references import BundleIndex, check_reference
from adapter.validation.slicing import assign_slices
from adapter.validation.terminology import Terminology
from adapter.validation.xhtml import check_narrative

QUANTITIES = frozenset({"Quantity", "Age", "Count", "Distance", "Duration", "Money", "SimpleQuantity"})

NATIVE = frozenset({"ext-1", "dom-3", "per-1"})
"""Invariants in SKIPPED that the walker evaluates itself (the rest are handled by other checks)."""

MAX_DEPTH = 200
"""Deeper nesting than this is refused: no real resource comes near it, and recursion is bounded."""


@dataclass(frozen=True, slots=True)
class Item:
    """One value of an element in the instance: the JSON value, its ``_name`` twin, and where."""

    value: Any
    extras: Any
    path: str
    type_code: str | None


@dataclass
class Scope:
    """The resource being walked and what surrounds it (for %resource, references and bundles)."""

    resource: FhirJson
    root: FhirJson
    bundle: BundleIndex | None = None
    contained: Mapping[str, FhirJson] = field(default_factory=dict)
    full_url: str | None = None

    def resolve(self, reference: Any) -> FhirJson | None:
        """The resource a reference points at, if this resource or its Bundle holds it."""
        if not isinstance(reference, str) or not reference:
            return None
        if reference.startswith("#"):
            return self.resource if reference == "#" else self.contained.get(reference[1:])
        if self.bundle is not None:
            return self.bundle.resolve(reference, self.full_url)
        return None


@dataclass
class Context:
    """Shared, compiled knowledge the walk reads: structures, terminology, invariants."""

    library: StructureLibrary
    terminology: Terminology
    invariants: Invariants
    regex_cache: dict[str, re.Pattern[str] | None] = field(default_factory=dict)

    resource_types: dict[str, bool] = field(default_factory=dict)
    active_constraints: dict[int, tuple[Constraint, ...]] = field(default_factory=dict)

    def is_resource_type(self, code: str) -> bool:
        """Is this type code a resource type (answered once per code)?"""
        known = self.resource_types.get(code)
        if known is None:
            found = self.library.structure(code)
            known = self.resource_types[code] = found is not None and found.kind == "resource"
        return known

    def constraints_of(self, element: ElementRecord) -> tuple[Constraint, ...]:
        """The element's invariants less the ones handled elsewhere (ele-1...), once per element."""
        found = self.active_constraints.get(id(element))
        if found is None:
            found = tuple(c for c in element.constraints if c.key not in SKIPPED or c.key in NATIVE)
            self.active_constraints[id(element)] = found
        return found

    def regex_for(self, code: str) -> re.Pattern[str] | None:
        if code not in self.regex_cache:
            self.regex_cache[code] = _regex(self.library.elements(code))
        return self.regex_cache[code]


def _regex(elements: Sequence[FhirJson] | None) -> re.Pattern[str] | None:
    for element in elements or ():
        if str(element.get("path", "")).endswith(".value"):
            for type_ref in element.get("type", []):
                for extension in type_ref.get("extension", []):
                    if extension.get("url") == primitives.REGEX_EXTENSION:
                        return re.compile(str(extension.get("valueString")))
    return None


class Walker:
    """Walks one instance; ``issues`` collects what it finds."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.issues: list[Issue] = []
        self._seen: set[tuple[str, str, str | None, str]] = set()
        self._depth = 0
        self._reported_skips: set[tuple[str, str | None]] = set()
        self._parents: list[Parent] = []

    def add(self, issues: Iterable[Issue]) -> None:
        for issue in issues:
            key = (issue.severity, issue.message_id, issue.expression, issue.text)
            if key not in self._seen:
                self._seen.add(key)
                self.issues.append(issue)

    # -- resources ---------------------------------------------------------------------------

    def resource(
        self,
        data: Any,
        path: str,
        scope: Scope | None,
        profiles: Sequence[str] = (),
        *,
        explicit: bool = False,
    ) -> None:
        """Validate a resource (root, contained, or in a Bundle) against its type and profiles."""
        if not isinstance(data, dict):
            self.add(
                [Issue.error("structure", "resource.not-object", "A resource must be a JSON object", path)]
            )
            return
        resource_type = data.get("resourceType")
        if not isinstance(resource_type, str) or not resource_type:
            self.add(
                [
                    Issue.error(
                        "required", "resource.type-missing", "The resource has no resourceType", path or None
                    )
                ]
            )
            return
        base = self.context.library.structure(resource_type)
        if base is None or base.kind != "resource":
            self.add(
                [
                    Issue.error(
                        "not-supported",
                        "resource.type-unknown",
                        f"Unknown resource type {resource_type!r}",
                        path or None,
                    )
                ]
            )
            return
        here = path or resource_type
        own_scope = self._scope_for(data, scope)
        # resolve() in this resource's invariants finds what this resource and its Bundle hold.
        with resolving(own_scope.resolve):
            self.structure(base, data, here, own_scope)
            if resource_type == "Bundle":
                self.add(check_bundle(data, here, _ResourceTypes(self.context.library)))
            meta = data.get("meta")
            declared = meta.get("profile", []) if isinstance(meta, dict) else []
            for url in [*(p for p in declared if isinstance(p, str)), *profiles]:
                self._profile(
                    url, data, here, own_scope, resource_type, explicit=url in profiles and explicit
                )

    def _scope_for(self, data: FhirJson, outer: Scope | None) -> Scope:
        own = data.get("contained")
        contained = (
            {str(c.get("id")): c for c in own if isinstance(c, dict) and "id" in c}
            if isinstance(own, list)
            else {}
        )
        if (
            outer is not None
            and outer.resource is not data
            and any(c is data for c in outer.contained.values())
        ):
            # A contained resource's "#id" references resolve against its container's contained list.
            contained = {**outer.contained, **contained}
        bundle = outer.bundle if outer else None
        if data.get("resourceType") == "Bundle":
            bundle = BundleIndex.of(data)
        root = outer.root if outer else data
        full_url = bundle.full_url_of(data) if bundle else None
        return Scope(resource=data, root=root, bundle=bundle, contained=contained, full_url=full_url)

    def _profile(
        self, url: str, data: FhirJson, path: str, scope: Scope, resource_type: str, *, explicit: bool
    ) -> None:
        profile = self.context.library.structure(url)
        if profile is None:
            severity: Severity = "error" if explicit else "warning"
            self.add(
                [
                    Issue(
                        severity,
                        "not-found",
                        "profile.unknown",
                        f"Profile {url!r} is not available, so the resource was not checked against it",
                        path,
                    )
                ]
            )
            return
        if profile.type != resource_type:
            self.add(
                [
                    Issue.error(
                        "invalid",
                        "profile.wrong-type",
                        f"Profile {url} is for {profile.type}, not {resource_type}",
                        path,
                    )
                ]
            )
            return
        self.structure(profile, data, path, scope)

    def structure(self, structure: StructureRecord, data: Any, path: str, scope: Scope) -> None:
        """Walk ``data`` against one compiled structure (a resource, a type or a profile)."""
        for problem in structure.problems:
            self.add(
                [Issue.warning("incomplete", "profile.snapshot", f"Profile {structure.url}: {problem}", path)]
            )
        root = structure.root
        self.element_value(root, Item(data, None, path, structure.type), structure, scope)

    # -- elements ----------------------------------------------------------------------------

    def element_value(
        self, element: ElementRecord, item: Item, structure: StructureRecord, scope: Scope
    ) -> None:
        """One value of one element: fixed/pattern, then its type's checks, then invariants."""
        value = item.value
        code = item.type_code or (element.types[0].code if len(element.types) == 1 else None)
        if code is None and isinstance(value, dict) and isinstance(value.get("resourceType"), str):
            # An element that may hold one of several resource types: the resource says which.
            code = value["resourceType"]
        source = structure.url
        if value is not None and element.fixed is not None:
            self.add(values.check_fixed(element, value, item.path, source))
        if value is not None and element.pattern is not None:
            self.add(values.check_pattern(element, value, item.path, source))
        if code in PRIMITIVE_TYPES or (code is None and not isinstance(value, dict)):
            self._primitive(element, code or "string", item, structure, scope)
        elif element is not structure.root and (
            code in RESOURCE_TYPES_ABSTRACT or (code is not None and self._is_resource_type(code))
        ):
            self._contained_resource(element, item, scope)
            return
        else:
            self._complex(element, code, item, structure, scope)
        if code is not None:
            if element.binding is not None:
                self.add(check_binding(self.context.terminology, element, code, value, item.path))
            if code == "Coding":
                self.add(check_coding_systems(self.context.terminology, value, item.path))
            if code == "Reference" and isinstance(value, dict):
                self.add(check_reference(element, value, item.path, scope, self.context.library))
            if code == "Narrative" and isinstance(value, dict):
                self.add(check_narrative(value, item.path))
        self._invariants(element, item, code, scope)

    def _is_resource_type(self, code: str) -> bool:
        return self.context.is_resource_type(code)

    def _contained_resource(self, element: ElementRecord, item: Item, scope: Scope) -> None:
        allowed = [t.code for t in element.types if t.code not in RESOURCE_TYPES_ABSTRACT]
        data = item.value
        if allowed and isinstance(data, dict) and data.get("resourceType") not in allowed:
            self.add(
                [
                    Issue.error(
                        "structure",
                        "resource.wrong-type",
                        f"The resource must be one of {allowed}, not {data.get('resourceType')!r}",
                        item.path,
                    )
                ]
            )
        profiles = [p for t in element.types for p in t.profiles]
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                self.add([_too_deep(item.path)])
                return
            self.resource(data, item.path, scope, profiles)
        finally:
            self._depth -= 1

    def _primitive(
        self, element: ElementRecord, code: str, item: Item, structure: StructureRecord, scope: Scope
    ) -> None:
        value, path = item.value, item.path
        if value is not None:
            problem = primitives.json_type_issue(code, value, path)
            if problem is not None:
                self.add([problem])
            else:
                self.add(primitives.check_format(code, value, path, self.context.regex_for))
                if element.has_limits:
                    self.add(values.check_limits(element, code, value, path))
        if item.extras is not None:
            if not isinstance(item.extras, dict):
                self.add([_expected_object(path, "primitive extension")])
            else:
                holder = element if element.children else self._type_root(code)
                if holder is not None:
                    self._parents.append(Parent(element.path, element.base_path, code, item.extras))
                    try:
                        self._object(holder, item.extras, path, structure, scope, primitive=True)
                    finally:
                        self._parents.pop()
        extras_only_id = not isinstance(item.extras, dict) or not set(item.extras) - {"id"}
        if (value is None or value == "") and extras_only_id:
            self.add(
                [
                    Issue.error(
                        "invariant",
                        "invariant.ele-1",
                        "Constraint failed: ele-1: 'All FHIR elements must have a @value or children'",
                        path,
                    )
                ]
            )

    def _complex(
        self, element: ElementRecord, code: str | None, item: Item, structure: StructureRecord, scope: Scope
    ) -> None:
        value, path = item.value, item.path
        if not isinstance(value, dict):
            self.add([_expected_object(path, code or "element")])
            return
        holder = self._holder(element, code, structure)
        if holder is None:
            self.add(
                [
                    Issue.error(
                        "not-supported",
                        "type.unknown",
                        f"The type {code!r} of {element.path} has no definition available",
                        path,
                    )
                ]
            )
            return
        if not any(k != "id" for k in value):
            self.add(
                [
                    Issue.error(
                        "invariant",
                        "invariant.ele-1",
                        "Constraint failed: ele-1: 'All FHIR elements must have a @value or children'",
                        path,
                    )
                ]
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                self.add([_too_deep(path)])
                return
            # A value whose definition is a profile (an extension by its url, a typed profile) is
            # walked against that profile alone: its snapshot already holds the base type's rules,
            # and walking both would double the work at every level of nesting.
            definition = None if element.children else self._definition(element, code, value, path, scope)
            if definition is not None and definition is not structure:
                self.structure(definition, value, path, scope)
                return
            if code in QUANTITIES and element.has_limits:
                self.add(values.check_limits(element, code, value, path))
            self._parents.append(Parent(element.path, element.base_path, code, value))
            try:
                self._object(holder, value, path, structure, scope, is_resource=element is structure.root)
            finally:
                self._parents.pop()
            if holder is not element and code is not None:
                # The type's own invariants (per-1 on Period, ref-1 on Reference...) live on its root.
                self._invariants(holder, item, code, scope)
        finally:
            self._depth -= 1

    def _holder(
        self, element: ElementRecord, code: str | None, structure: StructureRecord
    ) -> ElementRecord | None:
        """The element whose children describe this object's properties."""
        if element.children:
            return element
        if element.content_reference:
            # Resolved in the base type's definition, as the snapshot generator does.
            target = element.content_reference.rpartition("#")[2]
            base = self.context.library.structure(structure.type)
            found = base.by_id.get(target) if base is not None else None
            return found or structure.by_id.get(target)
        return self._type_root(code) if code else None

    def _type_root(self, code: str) -> ElementRecord | None:
        found = self.context.library.structure(code)
        return found.root if found is not None else None

    def _definition(
        self, element: ElementRecord, code: str | None, value: FhirJson, path: str, scope: Scope
    ) -> StructureRecord | None:
        """The profile this value must meet instead of its bare type, if one applies."""
        declared = [p for t in element.types if t.code == code for p in t.profiles]
        for url in declared:
            found = self.context.library.structure(url)
            if found is not None:
                return found
        if code == "Extension":
            return self._extension_definition(element, value, path, scope)
        return None

    def _extension_definition(
        self, element: ElementRecord, value: FhirJson, path: str, scope: Scope
    ) -> StructureRecord | None:
        url = value.get("url")
        if not isinstance(url, str):
            self.add(
                [
                    Issue.error(
                        "required",
                        "extension.url-missing",
                        "Extension.url is required in order to identify, use and validate the extension",
                        path,
                    )
                ]
            )
            return None
        if ":" not in url and self._parents and self._parents[-1].type_code == "Extension":
            # A sub-extension of a complex extension: its parent's definition names the ones it
            # allows (as slices); one that matched none of them is not defined there.
            if element.slices:
                self.add(
                    [
                        Issue.error(
                            "structure",
                            "extension.sub-unknown",
                            f"Sub-extension url '{url}' is not defined by the extension",
                            path,
                        )
                    ]
                )
            return None
        if ":" not in url:
            self.add(
                [
                    Issue.error(
                        "value", "extension.url-absolute", "Extension.url must be an absolute URL", path
                    )
                ]
            )
            return None
        if "|" in url:
            self.add(
                [
                    Issue.error(
                        "value",
                        "extension.url-versioned",
                        f"The extension URL must not contain a version ({url})",
                        path,
                    )
                ]
            )
        definition = self.context.library.structure(url)
        if definition is None and url.startswith(CORE_EXTENSIONS):
            self.add(
                [
                    Issue.warning(
                        "not-found",
                        "extension.unknown-core",
                        f"The extension {url} is not an R4 core extension (it may come from a later FHIR "
                        "version's extension pack), so it was not checked",
                        path,
                    )
                ]
            )
        elif definition is None and _is_example(url):
            self.add(
                [
                    Issue.warning(
                        "not-found",
                        "extension.unknown-example",
                        f"The extension {url} is an example URL with no definition, so it was not checked",
                        path,
                    )
                ]
            )
        elif definition is None:
            self.add(
                [
                    Issue.error(
                        "structure",
                        "extension.unknown",
                        f"The extension {url} could not be found so is not allowed here",
                        path,
                    )
                ]
            )
        elif self._parents:
            enclosing = next(
                (
                    p.value.get("url")
                    for p in reversed(self._parents)
                    if p.type_code == "Extension" and isinstance(p.value, dict)
                ),
                None,
            )
            self.add(
                check_context(definition, self._parents[-1], path, self.context, scope.resource, enclosing)
            )
        return definition

    # -- objects and their properties -----------------------------------------------------------

    def _object(
        self,
        holder: ElementRecord,
        data: FhirJson,
        path: str,
        structure: StructureRecord,
        scope: Scope,
        *,
        is_resource: bool = False,
        primitive: bool = False,
    ) -> None:
        index = holder.child_index
        for key in data:
            name = key[1:] if key.startswith("_") else key
            if (is_resource and key == "resourceType") or (
                name in index and not (primitive and name == "value")
            ):
                continue
            if self._other_choice_type(holder, name) is not None:
                continue  # reported by _items, which knows the element it belongs to
            self.add(
                [Issue.error("structure", "type.unknown-element", f"Unrecognized property '{key}'", path)]
            )
        for child in holder.children:
            if primitive and child.name == "value":
                continue
            if not (child.needed or child.is_choice or child.name in data or "_" + child.name in data):
                continue  # absent and optional, slices included: nothing to check
            items, disallowed = self._items(child, data, path)
            self._child(child, items, path, structure, scope, disallowed)

    def _other_choice_type(self, holder: ElementRecord, name: str) -> tuple[ElementRecord, str] | None:
        """A property naming a choice element with a type the element does not allow (valueString
        where a profile allows only valueQuantity): the element and the type."""
        for child in holder.children:
            code = self._disallowed_type(child, name)
            if code is not None:
                return child, code
        return None

    def _disallowed_type(self, child: ElementRecord, name: str) -> str | None:
        if not child.is_choice:
            return None
        stem = child.name[:-3]
        rest = name[len(stem) :]
        if not (name.startswith(stem) and rest[:1].isupper()):
            return None
        library = self.context.library
        code = rest if library.structure(rest) is not None else rest[0].lower() + rest[1:]
        if code not in child.type_codes and library.structure(code) is not None:
            return code
        return None

    def _items(self, child: ElementRecord, data: FhirJson, path: str) -> tuple[list[Item], int]:
        """The values of one element in an object, and how many more are present with a type the
        element does not allow (they count for cardinality but are not walked)."""
        if not child.is_choice:
            return list(self._property(child, child.name, data, f"{path}.{child.name}", None)), 0
        stem = child.name[:-3]
        present = [
            (key, code)
            for code in child.type_codes
            for key in (stem + code[0].upper() + code[1:],)
            if key in data or "_" + key in data
        ]
        disallowed = 0
        for key in data:
            other = None if key.startswith("_") else self._disallowed_type(child, key)
            if other is not None:
                disallowed += 1
                self.add(
                    [
                        Issue.error(
                            "structure",
                            "choice.type-not-allowed",
                            f"The type {other} is not allowed for {child.path} "
                            f"(allowed: {', '.join(child.type_codes)})",
                            f"{path}.{stem}.ofType({other})",
                        )
                    ]
                )
        if len(present) + disallowed > 1:
            self.add(
                [
                    Issue.error(
                        "structure",
                        "choice.multiple",
                        f"Only one of {', '.join(k for k, _ in present)} may be present",
                        path,
                    )
                ]
            )
        items: list[Item] = []
        for key, code in present:
            items.extend(self._property(child, key, data, f"{path}.{stem}.ofType({code})", code))
        return items, disallowed

    def _property(
        self, child: ElementRecord, key: str, data: FhirJson, path: str, code: str | None
    ) -> Iterator[Item]:
        raw, extras = data.get(key), data.get("_" + key)
        if raw is None and extras is None:
            if key in data or "_" + key in data:
                self.add([Issue.error("structure", "json.null", f"Property '{key}' is null", path)])
            return
        if not child.is_array:
            for found, label in ((raw, key), (extras, "_" + key)):
                if isinstance(found, list):
                    self.add(
                        [
                            Issue.error(
                                "structure",
                                "json.array-unexpected",
                                f"The property {label} must be a single value, not a JSON Array",
                                path,
                            )
                        ]
                    )
                    return
            yield Item(raw, extras, path, code)
            return
        for found, label in ((raw, key), (extras, "_" + key)):
            if found is not None and not isinstance(found, list):
                self.add(
                    [
                        Issue.error(
                            "structure",
                            "json.array-expected",
                            f"The property {label} must be a JSON Array, not a single value",
                            path,
                        )
                    ]
                )
                return
        values_list: list[Any] = raw or []
        extras_list: list[Any] = extras or []
        for found, label in ((raw, key), (extras, "_" + key)):
            if found == []:
                self.add(
                    [
                        Issue.error(
                            "structure",
                            "json.empty-array",
                            f"Array {label} cannot be empty - leave the property out when it has no values",
                            path,
                        )
                    ]
                )
        if raw is not None and extras is not None and len(values_list) != len(extras_list):
            self.add(
                [
                    Issue.error(
                        "structure",
                        "json.primitive-extension-length",
                        f"The arrays {key} and _{key} must have the same length",
                        path,
                    )
                ]
            )
        for index in range(max(len(values_list), len(extras_list))):
            value = values_list[index] if index < len(values_list) else None
            extra = extras_list[index] if index < len(extras_list) else None
            item_path = f"{path}[{index}]"
            if value is None and extra is None:
                self.add(
                    [
                        Issue.error(
                            "structure", "json.null", f"Array {key} holds a null with no extension", item_path
                        )
                    ]
                )
                continue
            yield Item(value, extra, item_path, code)

    def _child(
        self,
        child: ElementRecord,
        items: list[Item],
        path: str,
        structure: StructureRecord,
        scope: Scope,
        disallowed: int = 0,
    ) -> None:
        assigned: list[ElementRecord] = [child] * len(items)
        if child.slicing is not None and child.slices:
            matched, slice_issues = assign_slices(
                child,
                items,
                self._conforms,
                self._type_root,
                structure.url,
                path,
                self._in_value_set,
                scope.resolve,
            )
            self.add(slice_issues)
            assigned = [m or child for m in matched]
        self.add(_cardinality(child, len(items) + disallowed, path, structure.url))
        for item, element in zip(items, assigned, strict=True):
            self.element_value(element, item, structure, scope)

    def _in_value_set(self, value: Any, value_set: str) -> bool | None:
        """Slicing by binding: is any code of the value in the value set?"""
        answers = {self.context.terminology.expand(value_set).contains(s, c) for s, c in codes_of(value)}
        if "yes" in answers:
            return True
        return None if "unknown" in answers else False

    def _conforms(self, value: Any, profile_url: str) -> bool:
        """Does a value meet a profile? (the profile discriminator) - a silent sub-walk."""
        target = self.context.library.structure(profile_url)
        if target is None:
            return False
        probe = Walker(self.context)
        probe._depth = self._depth
        if isinstance(value, dict) and "resourceType" in value and target.kind == "resource":
            probe.structure(target, value, target.type, Scope(value, value))
        else:
            probe.structure(target, value, target.type, Scope({}, {}))
        return not any(i.is_error for i in probe.issues)

    # -- invariants ---------------------------------------------------------------------------

    def _invariants(self, element: ElementRecord, item: Item, code: str | None, scope: Scope) -> None:
        if not element.constraints or item.value is None:
            return
        for constraint in self.context.constraints_of(element):
            if constraint.key == "ext-1":
                self.add(_ext_1(item))
                continue
            if constraint.key == "per-1" and isinstance(item.value, dict):
                self.add(_per_1(item))
                continue
            if constraint.key == "dom-3" and isinstance(item.value, dict):
                self.add(_dom_3(item))
                continue
            if constraint.key in SKIPPED:
                continue
            type_path = code if code and code not in ("BackboneElement", "Element") else element.path
            outcome = self.context.invariants.evaluate(
                constraint, item.value, type_path, scope.resource, scope.root
            )
            if outcome is True:
                continue
            if outcome is False:
                severity: Severity = "error" if constraint.severity == "error" else "warning"
                self.add(
                    [
                        Issue(
                            severity,
                            "invariant",
                            f"invariant.{constraint.key}",
                            f"Constraint failed: {constraint.key}: '{constraint.human}'",
                            item.path,
                        )
                    ]
                )
            elif (constraint.key, constraint.expression) not in self._reported_skips:
                self._reported_skips.add((constraint.key, constraint.expression))
                self.add(
                    [
                        Issue(
                            "information",
                            "not-supported",
                            "invariant.not-evaluated",
                            f"Invariant {constraint.key} was not checked: its expression {outcome}",
                            item.path,
                        )
                    ]
                )


CORE_EXTENSIONS = "http://hl7.org/fhir/StructureDefinition/"

EXAMPLE_HOSTS = ("example.org", "example.com", "example.net")


def _is_example(url: str) -> bool:
    host = url.split("://", 1)[-1].split("/", 1)[0]
    return any(host == h or host.endswith("." + h) for h in EXAMPLE_HOSTS)


class _ResourceTypes:
    """``name in resource_types`` answered by the definitions (any resource type they hold)."""

    def __init__(self, library: StructureLibrary) -> None:
        self.library = library

    def __contains__(self, name: object) -> bool:
        found = self.library.structure(name) if isinstance(name, str) else None
        return found is not None and found.kind == "resource"


def _ext_1(item: Item) -> list[Issue]:
    value = item.value
    if not isinstance(value, dict):
        return []
    has_value = any(k.startswith("value") for k in value)
    if has_value == bool(value.get("extension")):
        return [
            Issue.error(
                "invariant",
                "invariant.ext-1",
                "Constraint failed: ext-1: 'Must have either extensions or value[x], not both'",
                item.path,
            )
        ]
    return []


def _per_1(item: Item) -> list[Issue]:
    start, end = item.value.get("start"), item.value.get("end")
    if not (isinstance(start, str) and isinstance(end, str)) or start_before_end(start, end):
        return []
    return [
        Issue.error(
            "invariant",
            "invariant.per-1",
            "Constraint failed: per-1: 'If present, start SHALL have a lower value than end'",
            item.path,
        )
    ]


def _dom_3(item: Item) -> list[Issue]:
    return [
        Issue.error(
            "invariant",
            "invariant.dom-3",
            "Constraint failed: dom-3: 'If the resource is contained in another resource, it SHALL be "
            "referred to from elsewhere in the resource or SHALL refer to the containing resource'",
            f"{item.path}.contained[{index}]",
        )
        for index in contained_unreferenced(item.value)
    ]


def _cardinality(child: ElementRecord, count: int, path: str, source: str) -> list[Issue]:
    if count < child.min:
        return [
            Issue.error(
                "required",
                "cardinality.min",
                f"{child.path}: minimum required = {child.min}, but only found {count} (from {source})",
                path,
            )
        ]
    if child.max is not None and count > child.max:
        return [
            Issue.error(
                "structure",
                "cardinality.max",
                f"{child.path}: max allowed = {child.max}, but found {count} (from {source})",
                path,
            )
        ]
    return []


def _expected_object(path: str, what: str) -> Issue:
    return Issue.error("structure", "json.object-expected", f"A {what} must be a JSON object", path)


def _too_deep(path: str) -> Issue:
    return Issue.error("too-costly", "structure.too-deep", f"Nesting deeper than {MAX_DEPTH} levels", path)
