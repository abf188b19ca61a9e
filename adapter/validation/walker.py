"""The walk: one instance against compiled structures, collecting every issue.

Each element is handled in a fixed order: fixed/pattern -> assign children to slices ->
cardinality -> recurse -> invariants. Checks are small functions in their own modules; this module
only decides which element definition applies to which piece of JSON and where it is
(``CarePlan.activity[1].detail.status``).

Profile rules and where they come from (FHIR R4 profiling.html and elementdefinition.html; the
reference validator's InstanceValidator):

- A choice element restricted to fewer types (``value[x]`` to Quantity): a property of any other
  type is one error, ``choice.type-not-allowed``, and is counted for the cardinality, so it is not
  also reported as a missing value; min 1 / max 0 on ``value[x]`` count its one typed property.
- type.profile on a complex type or an extension: the value is walked against that profile
  instead of its bare type (several profiles: it must meet one). targetProfile: see
  :mod:`adapter.validation.references`.
- A profile derived from a profile: its snapshot is generated from its base's snapshot, so the
  base's rules are in it and one walk covers both.
- Contained resources are walked as resources at ``Container.contained[i]``, with their own
  invariants evaluated there.
- Circular profile checks (an extension whose context names the profile that requires it):
  :meth:`Walker._conforms` takes a question already being asked, for the same value and profile,
  as met, so the walk ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from adapter.outcome import Issue, Severity
from adapter.types import FhirJson
from adapter.validation import primitives, values
from adapter.validation.bindings import check_bindable, check_binding, check_coding_systems, codes_of
from adapter.validation.bundles import check_bundle
from adapter.validation.context import Context, Scope
from adapter.validation.definition_rules import check_definition
from adapter.validation.element_rules import (
    MAX_DEPTH,
    NATIVE_CHECKS,
    check_attachment,
    check_cardinality,
    check_contained_id,
    check_value_alternatives,
    ele_1,
    expected_object,
    too_deep,
)
from adapter.validation.extensions import Parent, extension_definition
from adapter.validation.identifiers import check_identifier
from adapter.validation.invariants import SKIPPED, resolving
from adapter.validation.library import StructureLibrary
from adapter.validation.records import (
    PRIMITIVE_TYPES,
    RESOURCE_TYPES_ABSTRACT,
    ElementRecord,
    StructureRecord,
)
from adapter.validation.references import check_reference, check_target_profiles
from adapter.validation.shape import Item, disallowed_type, element_items
from adapter.validation.slicing import assign_slices, check_discriminators
from adapter.validation.vital_signs import required_vital_signs_profile
from adapter.validation.xhtml import check_narrative, check_narrative_controls

__all__ = ["MAX_DEPTH", "Context", "Item", "Scope", "Walker"]

VALID_PRIMITIVES_HELD = 100_000
"""How many (type, lexical form) pairs found valid are remembered before the memory is cleared."""

QUANTITIES = frozenset({"Quantity", "Age", "Count", "Distance", "Duration", "Money", "SimpleQuantity"})


class Walker:
    """Walks one instance; ``issues`` collects what it finds."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.issues: list[Issue] = []
        self._seen: set[tuple[str, str, str | None, str]] = set()
        self._depth = 0
        self._reported_skips: set[tuple[str, str | None]] = set()
        self._parents: list[Parent] = []
        self._value_sets: list[str] = []
        self._entry_profiles: dict[int, list[str]] = {}
        """Profiles the caller put on Bundle entries, by id() of the entry's resource."""
        self._conformance: dict[tuple[int, str], bool] = {}
        """Answers of _conforms in this walk (shared with its probes): a Bundle's entries are referred
        to many times over, and a target's fit to a profile does not depend on who asks."""

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
        own_scope = scope.inner(data) if scope is not None else Scope.outermost(data)
        # resolve() in this resource's invariants finds what this resource and its Bundle hold.
        meta = data.get("meta")
        declared = meta.get("profile", []) if isinstance(meta, dict) else []
        # meta.profile that is not an array is reported by the shape check; it names no profile here.
        wanted = (
            [*(p for p in declared if isinstance(p, str)), *profiles]
            if isinstance(declared, list)
            else [*profiles]
        )
        vital = required_vital_signs_profile(data, wanted, self.context.library.definitions)
        if vital is not None:
            self.add([vital.note(here)])
            wanted.append(vital.url)
        if resource_type == "Bundle" and self.context.bundle_profiles:
            self._note_entry_profiles(data)
        with resolving(own_scope.resolve):
            # One walk, not two: a sound profile of this type carries every rule of the base in its
            # snapshot, so walking it covers the base. The base is walked only when no profile can.
            if not self._covers_base(wanted, resource_type):
                self.structure(base, data, here, own_scope)
            if resource_type == "Bundle":
                self.add(check_bundle(data, here, _ResourceTypes(self.context.library)))
            self.add(check_definition(data, here, self.context.library))
            if resource_type == "StructureDefinition" and data.get("derivation") == "constraint":
                # A constraint's differential must fit its base; a specialization defines new elements.
                self.add(self._differential(data, here))
            for url in wanted:
                self._profile(
                    url, data, here, own_scope, resource_type, explicit=url in profiles and explicit
                )

    def _note_entry_profiles(self, bundle: FhirJson) -> None:
        entries = bundle.get("entry")
        seen: dict[str, int] = {}
        for entry in entries if isinstance(entries, list) else []:
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
                continue
            kind = resource["resourceType"]
            position = seen[kind] = seen.get(kind, -1) + 1
            for wanted, index, url in self.context.bundle_profiles:
                if wanted == kind and index in (None, position):
                    self._entry_profiles.setdefault(id(resource), []).append(url)

    def _covers_base(self, urls: Sequence[str], resource_type: str) -> bool:
        for url in urls:
            found = self.context.library.structure(url)
            if (
                found is not None
                and found.type == resource_type
                and found.derivation == "constraint"
                and not found.problems
            ):
                return True
        return False

    def _differential(self, definition: FhirJson, path: str) -> list[Issue]:
        """A StructureDefinition's differential must be placeable on its base, in order."""
        problems = self.context.library.differential_problems(definition)
        issues = [*check_bindable(definition, path), *check_discriminators(definition, path)]
        issues += [
            Issue.error("invalid", "profile.differential", p.text, f"{path}.differential.element[{p.index}]")
            for p in problems
        ]
        if problems:
            text = (
                f"The profile {definition.get('url')} has {len(problems)} differential element(s) that do "
                "not match the generated snapshot: check that the paths are legal and in order"
            )
            issues.append(Issue.error("invalid", "profile.differential-summary", text, path))
        return issues

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
        code = item.type_code or element.single_code
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
            if element.binding is not None and code is not None:
                self._primitive_binding(element, code, value, item.path)
            if element.has_invariants:
                self._invariants(element, item, code, scope)
            return
        if element is not structure.root and (
            code in RESOURCE_TYPES_ABSTRACT or (code is not None and self.context.is_resource_type(code))
        ):
            self._contained_resource(element, item, scope)
            return
        else:
            bound = element.binding.value_set if element.binding is not None else None
            if bound is not None and code == "CodeableConcept":
                # The displays a bound value set gives its codes are valid displays of its Codings.
                self._value_sets.append(bound)
                try:
                    self._complex(element, code, item, structure, scope)
                finally:
                    self._value_sets.pop()
            else:
                self._complex(element, code, item, structure, scope)
        if code is not None:
            if element.binding is not None:
                self.add(check_binding(self.context.terminology, element, code, value, item.path))
            if code == "Coding":
                own = element.binding.value_set if element.binding is not None else None
                value_set = own or (self._value_sets[-1] if self._value_sets else None)
                self.add(check_coding_systems(self.context.terminology, value, item.path, value_set))
            if code == "Reference" and isinstance(value, dict):
                trust = self.context.assume_valid_rest_references
                self.add(check_reference(element, value, item.path, scope, self.context.library, trust))
                if any(t.target_profiles for t in element.types):
                    self.add(
                        check_target_profiles(
                            element, value, item.path, scope, self.context.library, self._conforms
                        )
                    )
            if code == "Attachment":
                self.add(check_attachment(value, item.path))
            if code == "Identifier":
                self.add(check_identifier(value, item.path))
            if code == "Narrative" and isinstance(value, dict):
                self.add(check_narrative(value, item.path, scope.contained))
                language = scope.resource.get("language") if isinstance(scope.resource, dict) else None
                self.add(check_narrative_controls(element, value, item.path, structure.url, language))
        if element.has_invariants:
            self._invariants(element, item, code, scope)

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
        if element.base_path == "DomainResource.contained":
            self.add(check_contained_id(data, scope.resource, item.path))
        profiles = [p for t in element.types for p in t.profiles]
        profiles += self._entry_profiles.get(id(data), [])
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                self.add([too_deep(item.path)])
                return
            if len(profiles) > 1 and isinstance(data, dict):
                # Several profiles on one type are alternatives: meeting any one of them is enough.
                met = next((p for p in profiles if self._conforms(data, p)), None)
                if met is not None:
                    profiles = [met]
                else:
                    choices = ", ".join(profiles)
                    text = f"Unable to find a match for the specified profile among choices: {choices}"
                    self.add([Issue.error("structure", "type.profile-no-match", text, item.path)])
            self.resource(data, item.path, scope, profiles)
        finally:
            self._depth -= 1

    def _primitive(
        self, element: ElementRecord, code: str, item: Item, structure: StructureRecord, scope: Scope
    ) -> None:
        value, path = item.value, item.path
        if (
            item.extras is None
            and type(value) is str
            and (code, value) in self.context.valid_primitives
            and not element.has_limits
            and self.context.allow_example_urls
        ):
            return  # the common case: a string met before in this type's lexical form, nothing more
        if value is not None and self._primitive_value(code, value, path):
            if not self.context.allow_example_urls and code in primitives.URL_TYPES:
                self.add(primitives.check_example_url(value, path))
            if element.has_limits:
                self.add(values.check_limits(element, code, value, path))
        if item.extras is not None:
            if not isinstance(item.extras, dict):
                self.add([expected_object(path, "primitive extension")])
            else:
                if "id" in item.extras:
                    self._element_id(item.extras, path, scope)
                holder = element if element.children else self._type_root(code)
                if holder is not None:
                    self._parents.append(Parent(element.path, element.base_path, code, item.extras))
                    try:
                        self._object(holder, item.extras, path, structure, scope, primitive=True)
                    finally:
                        self._parents.pop()
        if value is None and element.value_alternatives and isinstance(item.extras, dict):
            self.add(check_value_alternatives(element, item.extras, path, structure.url))
        extras_only_id = not isinstance(item.extras, dict) or not set(item.extras) - {"id"}
        if (value is None or value == "") and extras_only_id:
            self.add([ele_1(path)])

    def _primitive_binding(self, element: ElementRecord, code: str, value: Any, path: str) -> None:
        """A bound primitive (a status code): a value found in its value set is remembered."""
        known = self.context.bound_primitives
        key = (id(element), value) if type(value) is str else None
        if key is not None and key in known:
            return
        found = list(check_binding(self.context.terminology, element, code, value, path))
        if found:
            self.add(found)
        elif key is not None:
            if len(known) > VALID_PRIMITIVES_HELD:
                known.clear()
            known.add(key)

    def _primitive_value(self, code: str, value: Any, path: str) -> bool:
        """JSON type and lexical form of one primitive value; False when the JSON type is wrong."""
        known = self.context.valid_primitives
        if type(value) is str and (code, value) in known:
            return True  # this lexical form of this type was checked before and found good
        problem = primitives.json_type_issue(code, value, path)
        if problem is not None:
            self.add([problem])
            return False
        markdown_html = self.context.html_in_markdown
        found = list(
            primitives.check_format(code, value, path, self.context.regex_for, markdown_html=markdown_html)
        )
        if found:
            self.add(found)
        elif type(value) is str:
            if len(known) > VALID_PRIMITIVES_HELD:
                known.clear()
            known.add((code, value))
        return True

    def _complex(
        self, element: ElementRecord, code: str | None, item: Item, structure: StructureRecord, scope: Scope
    ) -> None:
        value, path = item.value, item.path
        if not isinstance(value, dict):
            self.add([expected_object(path, code or "element")])
            return
        plan = self.context.plans.get((id(element), code, id(structure)))
        if (
            not isinstance(plan, _ComplexPlan)
            or plan.element is not element
            or plan.structure is not structure
        ):
            plan = self._complex_plan(element, code, structure)
        holder = plan.holder
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
        for key in value:
            if key != "id":
                break
        else:
            self.add([ele_1(path)])
        if "id" in value and "resourceType" not in value and code != "ElementDefinition":
            # (A StructureDefinition's snapshot and differential repeat their element ids by design.)
            self._element_id(value, path, scope)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                self.add([too_deep(path)])
                return
            # A value whose definition is a profile (an extension by its url, a typed profile) is
            # walked against that profile alone: its snapshot already holds the base type's rules,
            # and walking both would double the work at every level of nesting.
            for url in plan.unknown_profiles:
                # A profile the definitions do not hold cannot be checked: say so at each value.
                self.add([Issue.error("not-found", "type.profile-unknown", f"Unknown profile {url}", path)])
            if not element.children and (plan.candidates or code == "Extension"):
                definition = self._definition(plan.candidates, element, code, value, path, scope)
                if definition is not None and definition is not structure:
                    self.structure(definition, value, path, scope)
                    return
            for part in plan.parts:
                # One element of another profile (profile-element): its rules apply as well.
                self.structure(part, value, path, scope)
            if plan.quantity_limits:
                self.add(values.check_limits(element, code or "Quantity", value, path))
            is_resource = element is structure.root
            if code == "Extension" or "extension" in value or "modifierExtension" in value:
                # Extensions are checked against where they sit: this value is their parent (and an
                # extension encloses whatever extensions its value carries).
                self._parents.append(Parent(element.path, plan.defined_at, code, value))
                try:
                    self._object(holder, value, path, structure, scope, is_resource=is_resource)
                finally:
                    self._parents.pop()
            else:
                self._object(holder, value, path, structure, scope, is_resource=is_resource)
            if holder is not element and code is not None and holder.has_invariants:
                # The type's own invariants (per-1 on Period, ref-1 on Reference...) live on its root.
                self._invariants(holder, item, code, scope)
        finally:
            self._depth -= 1

    def _element_id(self, value: FhirJson, path: str, scope: Scope) -> None:
        """Element ids are unique within their resource (R4 Element.id): a second element with the
        same id is an error where it stands. A value walked twice (a slice and its element) is one."""
        element_id = value["id"]
        if not isinstance(element_id, str):
            return
        first = scope.element_ids.setdefault(element_id, value)
        if first is not value:
            text = f"Duplicate id value '{element_id}': element ids must be unique within a resource"
            self.add([Issue.error("business-rule", "element.id-duplicate", text, path)])

    def _complex_plan(
        self, element: ElementRecord, code: str | None, structure: StructureRecord
    ) -> _ComplexPlan:
        """What the walk of a complex value of this element needs, worked out once per element."""
        key = (id(element), code, id(structure))
        library = self.context.library
        declared = [p for t in element.types if t.code == code for p in t.profiles]
        unknown: tuple[str, ...] = ()
        if element.types and code != "Extension":
            unknown = tuple(url for url in declared if library.structure(url) is None)
        parts = tuple(
            found for url in declared if "#" in url and (found := library.structure(url)) is not None
        )
        candidates = tuple(found for url in declared if (found := library.structure(url)) is not None)
        # Where an extension may sit is named by the element's definition path, or by the
        # element a content reference points at (OperationDefinition.parameter.part).
        defined_at = (element.content_reference or "").rpartition("#")[2] or element.base_path
        plan = _ComplexPlan(
            element=element,
            structure=structure,
            holder=self._holder(element, code, structure),
            unknown_profiles=unknown,
            candidates=candidates,
            parts=parts,
            defined_at=defined_at,
            quantity_limits=code in QUANTITIES and element.has_limits,
        )
        self.context.plans[key] = plan
        return plan

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
        self,
        candidates: Sequence[StructureRecord],
        element: ElementRecord,
        code: str | None,
        value: FhirJson,
        path: str,
        scope: Scope,
    ) -> StructureRecord | None:
        """The profile this value must meet instead of its bare type, if one applies."""
        if len(candidates) > 1:
            # Several profiles: the value must meet one of them. The first it meets is walked; if
            # it meets none, that is an error and each profile's own issues say why.
            for candidate in candidates:
                if self._conforms(value, candidate.url):
                    return candidate
            choices = ", ".join(c.url for c in candidates)
            text = f"Unable to find a match for the specified profile among choices: {choices}"
            self.add([Issue.error("structure", "type.profile-no-match", text, path)])
            for candidate in candidates[1:]:
                self.structure(candidate, value, path, scope)
        if candidates:
            return candidates[0]
        if code == "Extension":
            definition, issues = extension_definition(
                element, value, path, self._parents, self.context, scope.resource, self._conforms
            )
            self.add(issues)
            return definition
        return None

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
        positions = holder.child_positions
        children = holder.children
        # Only the children the instance names, and those it must name, are walked, in the
        # definition's order.
        choices = holder.choice_positions
        wanted = set(holder.needed_positions)
        chosen: dict[int, str] = {}  # a choice element's one typed property (valueQuantity)
        crowded: set[int] = set()  # choice elements named more than once, or with a twin
        for key in data:
            position = positions.get(key)
            if position is not None and not primitive:
                wanted.add(position)
                if choices and position in choices:
                    if position in chosen or key.startswith("_"):
                        crowded.add(position)
                    chosen[position] = key
                continue
            name = key[1:] if key.startswith("_") else key
            position = positions.get(name)
            if position is not None and not (primitive and name == "value"):
                wanted.add(position)
                crowded.add(position)
                continue
            if is_resource and key == "resourceType":
                continue
            choice = next(
                (i for i, c in enumerate(children) if disallowed_type(c, name, self.context.is_type)), None
            )
            if choice is not None:
                wanted.add(choice)  # reported with the element it belongs to (choice.type-not-allowed)
                crowded.add(choice)
                continue
            self.add(
                [Issue.error("structure", "type.unknown-element", f"Unrecognized property '{key}'", path)]
            )
        element_value = self.element_value
        known = self.context.valid_primitives
        for position in sorted(wanted) if len(wanted) > 1 else wanted:
            child = children[position]
            name = child.name
            if primitive and name == "value":
                continue
            if child.plain and (raw := data.get(name)) is not None and child.twin not in data:
                # The common cases - values with no twins and no slicing - walked without building
                # the general shape (element_items gives the same items and issues, slower).
                bare = child.bare_primitive if self.context.allow_example_urls else None
                if not child.is_array and type(raw) is not list:
                    if not child.one_allowed:
                        self.add(check_cardinality(child, 1, path, structure.url))
                    if bare is not None and type(raw) is str and (bare, raw) in known:
                        continue  # a bare primitive in a form already checked good: nothing more
                    element_value(child, Item(raw, None, f"{path}.{name}", None), structure, scope)
                    continue
                if child.is_array and type(raw) is list and raw and None not in raw:
                    count = len(raw)
                    if count < child.min or (child.max is not None and count > child.max):
                        self.add(check_cardinality(child, count, path, structure.url))
                    for index, value in enumerate(raw):
                        if bare is not None and type(value) is str and (bare, value) in known:
                            continue
                        item = Item(value, None, f"{path}.{name}[{index}]", None)
                        element_value(child, item, structure, scope)
                    continue
            if (
                child.is_choice
                and position not in crowded
                and (typed_key := chosen.get(position)) is not None
                and (child.slicing is None or not child.slices)
                and not child.is_array
                and (raw := data[typed_key]) is not None
                and type(raw) is not list
            ):
                # One typed property of a choice element, no twin: as element_items would give it.
                if child.min > 1 or (child.max is not None and child.max < 1):
                    self.add(check_cardinality(child, 1, path, structure.url))
                typed = holder.child_index[typed_key][1]
                item = Item(raw, None, f"{path}.{name[:-3]}.ofType({typed})", typed)
                self.element_value(child, item, structure, scope)
                continue
            items, disallowed, issues = element_items(child, data, path, self.context.is_type)
            if issues:
                self.add(issues)
            self._child(child, items, path, structure, scope, disallowed)

    def _child(
        self,
        child: ElementRecord,
        items: list[Item],
        path: str,
        structure: StructureRecord,
        scope: Scope,
        disallowed: int = 0,
    ) -> None:
        if child.slicing is None or not child.slices:
            count = len(items) + disallowed
            if count < child.min or (child.max is not None and count > child.max):
                self.add(check_cardinality(child, count, path, structure.url))
            for item in items:
                self.element_value(child, item, structure, scope)
            return
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
        self.add(check_cardinality(child, len(items) + disallowed, path, structure.url))
        refines = self._reslice(child, assigned, items, path, structure, scope)
        for item, element in zip(items, assigned, strict=True):
            self.element_value(element, item, structure, scope)
            for outer in (refines.get(id(element)), child):
                if outer is not None and element is not outer and outer.children and element.children:
                    # An item in a slice meets the unsliced element's rules as well as the slice's,
                    # and an item in a re-slice those of the slice it refines.
                    self.element_value(outer, item, structure, scope)

    def _reslice(
        self,
        sliced: ElementRecord,
        assigned: list[ElementRecord],
        items: Sequence[Item],
        path: str,
        structure: StructureRecord,
        scope: Scope,
    ) -> dict[int, ElementRecord]:
        """Re-slicing (FHIR R4 profiling.html, "Re-slicing"): a slice that is sliced again
        (``vs/one``) assigns its own members to its re-slices, by its own discriminators, with its
        re-slices' cardinalities counted among its members - also when it has none, as the
        reference validator's checkCardinalities checks every slice definition, re-slices
        included. ``assigned`` is updated in place; the result names the slice each re-slice
        refines (by id() of the re-slice)."""
        refines: dict[int, ElementRecord] = {}
        for inner in sliced.slices:
            if inner.slicing is None or not inner.slices:
                continue
            positions = [i for i, e in enumerate(assigned) if e is inner]
            members = [items[i] for i in positions]
            matched, issues = assign_slices(
                inner,
                members,
                self._conforms,
                self._type_root,
                structure.url,
                path,
                self._in_value_set,
                scope.resolve,
            )
            self.add(issues)
            placed = [m or inner for m in matched]
            deeper = self._reslice(inner, placed, members, path, structure, scope)
            for position, element in zip(positions, placed, strict=True):
                assigned[position] = element
                if element is not inner:
                    refines[id(element)] = deeper.get(id(element), inner)
        return refines

    def _in_value_set(self, value: Any, value_set: str) -> bool | None:
        """Slicing by binding: is any code of the value in the value set?"""
        answers = {self.context.terminology.expand(value_set).contains(s, c) for s, c in codes_of(value)}
        if "yes" in answers:
            return True
        return None if "unknown" in answers else False

    def _conforms(self, value: Any, profile_url: str) -> bool:
        """Does a value meet a profile? (the profile discriminator, a profile-qualified extension
        context) - a silent sub-walk. A question already being answered for this value and profile
        (a profile whose check comes back to itself: an extension whose context names the profile
        of the resource it sits in) is taken as met, so the walk ends."""
        target = self.context.library.structure(profile_url)
        if target is None:
            return False
        asking = (id(value), profile_url)
        if asking in self.context.conforming:
            return True
        known = self._conformance.get(asking)
        if known is not None:
            return known
        # An answer reached while another question is open may lean on that one being taken as met:
        # only an answer to an outermost question is remembered.
        outermost = not self.context.conforming
        self.context.conforming.add(asking)
        try:
            probe = Walker(self.context)
            probe._conformance = self._conformance
            probe._depth = self._depth
            if isinstance(value, dict) and "resourceType" in value and target.kind == "resource":
                probe.structure(target, value, target.type, Scope(value, value))
            else:
                probe.structure(target, value, target.type, Scope({}, {}))
        finally:
            self.context.conforming.discard(asking)
        met = not any(i.is_error for i in probe.issues)
        if outermost:
            self._conformance[asking] = met
        return met

    # -- invariants ---------------------------------------------------------------------------

    def _invariants(self, element: ElementRecord, item: Item, code: str | None, scope: Scope) -> None:
        active = self.context.active_constraints.get(id(element))
        if active is None:
            active = self.context.constraints_of(element)
        value = item.value
        if not active or value is None:
            return
        type_path = code if code and code not in ("BackboneElement", "Element") else element.path
        evaluate = self.context.invariants.evaluate
        for constraint in active:
            native = NATIVE_CHECKS.get(constraint.key)
            if native is not None:
                try:
                    found = native(value, item.path)
                except (TypeError, AttributeError, KeyError, ValueError):
                    # Content of the wrong JSON kind (reported by the shape check): the rule cannot
                    # read it, and says so rather than passing it or breaking the whole walk.
                    found = [
                        Issue(
                            "warning",
                            "not-supported",
                            "invariant.not-evaluated",
                            f"Invariant {constraint.key} was not checked: the content does not have the "
                            "shape it reads",
                            item.path,
                        )
                    ]
                if found:
                    self.add(found)
                continue
            if constraint.key in SKIPPED:
                continue
            outcome = evaluate(constraint, value, type_path, scope.resource, scope.root)
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


@dataclass(frozen=True, slots=True)
class _ComplexPlan:
    """The parts of a complex element's walk that depend only on its definition."""

    element: ElementRecord
    structure: StructureRecord
    holder: ElementRecord | None
    """The element whose children describe the value's properties."""
    unknown_profiles: tuple[str, ...]
    """Profiles the element names for this type that the definitions do not hold."""
    candidates: tuple[StructureRecord, ...]
    """Profiles the element names for this type (the value must meet one of them)."""
    parts: tuple[StructureRecord, ...]
    """Single elements of other profiles (profile-element) whose rules apply as well."""
    defined_at: str
    quantity_limits: bool


class _ResourceTypes:
    """``name in resource_types`` answered by the definitions (any resource type they hold)."""

    def __init__(self, library: StructureLibrary) -> None:
        self.library = library

    def __contains__(self, name: object) -> bool:
        found = self.library.structure(name) if isinstance(name, str) else None
        return found is not None and found.kind == "resource"
