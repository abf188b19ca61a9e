"""What a walk reads: the shared, compiled knowledge (:class:`Context`) and where in the instance
it is (:class:`Scope` - the resource, its container and its Bundle)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from adapter.types import FhirJson
from adapter.validation.element_rules import NATIVE_CHECKS
from adapter.validation.invariants import SKIPPED, Invariants
from adapter.validation.library import StructureLibrary
from adapter.validation.primitives import REGEX_EXTENSION
from adapter.validation.records import Constraint, ElementRecord
from adapter.validation.references import BundleIndex
from adapter.validation.terminology import Terminology


@dataclass
class Scope:
    """The resource being walked and what surrounds it (for %resource, references and bundles)."""

    resource: FhirJson
    root: FhirJson
    bundle: BundleIndex | None = None
    contained: Mapping[str, FhirJson] = field(default_factory=dict)
    full_url: str | None = None
    element_ids: dict[str, Any] = field(default_factory=dict)
    """The element ids met so far in this resource, each with the JSON object that carries it."""

    def resolve(self, reference: Any) -> FhirJson | None:
        """The resource a reference points at, if this resource or its Bundle holds it."""
        if not isinstance(reference, str) or not reference:
            return None
        if reference.startswith("#"):
            return self.resource if reference == "#" else self.contained.get(reference[1:])
        if self.bundle is not None:
            return self.bundle.resolve(reference, self.full_url)
        return None

    def inner(self, data: FhirJson) -> Scope:
        """The scope of a resource found inside this one (contained, in a Bundle entry)."""
        own = data.get("contained")
        contained = (
            {str(c.get("id")): c for c in own if isinstance(c, dict) and "id" in c}
            if isinstance(own, list)
            else {}
        )
        if any(c is data for c in self.contained.values()):
            # A contained resource's "#id" references resolve against its container's contained list.
            contained = {**self.contained, **contained}
        bundle = BundleIndex.of(data) if data.get("resourceType") == "Bundle" else self.bundle
        full_url = bundle.full_url_of(data) if bundle else None
        return Scope(resource=data, root=self.root, bundle=bundle, contained=contained, full_url=full_url)

    @classmethod
    def outermost(cls, data: FhirJson) -> Scope:
        """The scope of the resource handed to the validator."""
        return cls(resource=data, root=data).inner(data)


@dataclass
class Context:
    """Shared, compiled knowledge the walk reads: structures, terminology, invariants."""

    library: StructureLibrary
    terminology: Terminology
    invariants: Invariants
    regex_cache: dict[str, re.Pattern[str] | None] = field(default_factory=dict)
    resource_types: dict[str, bool] = field(default_factory=dict)
    active_constraints: dict[int, tuple[Constraint, ...]] = field(default_factory=dict)
    plans: dict[tuple[int, str | None, int], object] = field(default_factory=dict)
    """Per-element walk plans, worked out once (see the walker)."""
    bound_primitives: set[tuple[int, str]] = field(default_factory=set)
    """(id of an element record, string value) pairs whose binding check found nothing to say."""
    conforming: set[tuple[int, str]] = field(default_factory=set)
    """(id of a value, profile URL) conformance questions being answered now (cycles end there)."""
    valid_primitives: set[tuple[str, str]] = field(default_factory=set)
    """(type code, string value) pairs whose JSON type and lexical form were checked and found good."""
    # Example hosts (example.org, example.com) in uri/url values: fine in examples, an error when
    # the caller says the instances are real content (the reference validator's -examples off).
    allow_example_urls: bool = True
    # Profiles for Bundle entries, chosen by the caller: (resource type, index among the entries of
    # that type or None for all of them, profile URL) - the reference validator's -bundle option.
    bundle_profiles: tuple[tuple[str, int | None, str], ...] = ()
    # Whether a reference that cannot be resolved is taken to name its target's type by its URL
    # (Group/1 is a Group) and checked against the allowed targets. The reference validator's
    # assumeValidRestReferences is off by default; ours is on: a care plan's references to
    # services outside the bundle are RESTful, and a wrong type there is worth an error.
    assume_valid_rest_references: bool = True
    # URL prefixes whose extensions need no definition (the reference validator's
    # -allowed-extension-domain): a service's own extensions the caller knows of.
    allowed_extension_domains: tuple[str, ...] = ()
    # What embedded HTML in markdown is: "warning" (the reference validator's default,
    # InstanceValidatorParameters.htmlInMarkdownCheck), "error" or "none".
    html_in_markdown: str = "warning"

    def is_resource_type(self, code: str) -> bool:
        """Is this type code a resource type (answered once per code)?"""
        known = self.resource_types.get(code)
        if known is None:
            found = self.library.declared(code)
            known = self.resource_types[code] = found is not None and found[1] == "resource"
        return known

    def is_type(self, code: str) -> bool:
        """Is this a type (or resource) the definitions hold?"""
        return self.library.structure(code) is not None

    def constraints_of(self, element: ElementRecord) -> tuple[Constraint, ...]:
        """The element's invariants less the ones handled elsewhere (ele-1...), once per element."""
        found = self.active_constraints.get(id(element))
        if found is None:
            found = tuple(c for c in element.constraints if c.key not in SKIPPED or c.key in NATIVE_CHECKS)
            self.active_constraints[id(element)] = found
        return found

    def regex_for(self, code: str) -> re.Pattern[str] | None:
        """The regex a primitive type's definition gives for its values (None: none given)."""
        if code not in self.regex_cache:
            self.regex_cache[code] = _regex(self.library.elements(code))
        return self.regex_cache[code]


def _regex(elements: Sequence[FhirJson] | None) -> re.Pattern[str] | None:
    for element in elements or ():
        if str(element.get("path", "")).endswith(".value"):
            for type_ref in element.get("type", []):
                for extension in type_ref.get("extension", []):
                    if extension.get("url") == REGEX_EXTENSION:
                        return re.compile(str(extension.get("valueString")))
    return None
