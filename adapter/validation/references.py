"""References: the target's type against the element's targetProfiles, and resolution inside a
resource (``#id`` contained) and inside a Bundle (``urn:uuid:``, absolute and relative references
against each entry's fullUrl). Nothing an instance names is ever fetched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from adapter.outcome import Issue
from adapter.types import FhirJson
from adapter.validation.records import ElementRecord

if TYPE_CHECKING:
    from adapter.validation.context import Scope
    from adapter.validation.library import StructureLibrary

CORE_PREFIX = "http://hl7.org/fhir/StructureDefinition/"
LITERAL = re.compile(
    r"(?:^|/)(?P<type>[A-Z][A-Za-z]+)/(?P<id>[A-Za-z0-9\-\.]{1,64})(?:/_history/[A-Za-z0-9\-\.]{1,64})?$"
)


@dataclass
class BundleIndex:
    """The entries of a Bundle by fullUrl, for resolving references between them."""

    by_full_url: dict[str, FhirJson] = field(default_factory=dict)
    full_urls: dict[int, str] = field(default_factory=dict)
    by_type_and_id: dict[tuple[str, str], FhirJson] = field(default_factory=dict)

    @classmethod
    def of(cls, bundle: FhirJson) -> BundleIndex:
        index = cls()
        for entry in bundle.get("entry", []) if isinstance(bundle.get("entry"), list) else []:
            if not isinstance(entry, dict):
                continue
            resource = entry.get("resource")
            full_url = entry.get("fullUrl")
            if not isinstance(resource, dict):
                continue
            if isinstance(full_url, str):
                index.by_full_url[full_url] = resource
                index.full_urls[id(resource)] = full_url
            if isinstance(resource.get("resourceType"), str) and isinstance(resource.get("id"), str):
                index.by_type_and_id.setdefault((resource["resourceType"], resource["id"]), resource)
        return index

    def full_url_of(self, resource: FhirJson) -> str | None:
        return self.full_urls.get(id(resource))

    def resolve(self, reference: str, base_full_url: str | None) -> FhirJson | None:
        """The entry a reference points at, by the Bundle resolution rules (None if absent)."""
        reference = reference.split("/_history/", 1)[0]
        if reference in self.by_full_url:
            return self.by_full_url[reference]
        literal = LITERAL.search(reference)
        if literal is None or "://" in reference:
            return None
        if base_full_url and "://" in base_full_url:
            base = LITERAL.search(base_full_url)
            if base is not None:
                absolute = base_full_url[: base.start()] + "/" + reference
                if absolute in self.by_full_url:
                    return self.by_full_url[absolute]
        found = self.by_type_and_id.get((literal["type"], literal["id"]))
        # An entry whose fullUrl is urn:uuid:<id> is what "Type/<id>" points at, as the HL7 validator
        # resolves it (and then checks that the type matches).
        return found if found is not None else self.by_full_url.get("urn:uuid:" + literal["id"])


def allowed_types(element: ElementRecord, library: StructureLibrary) -> frozenset[str]:
    """Resource types a Reference element may point at (empty: any); worked out once per element,
    kept by the library that holds the element (so the key, the element's id, stays valid)."""
    found = library.reference_targets.get(id(element))
    if found is None:
        found = library.reference_targets[id(element)] = frozenset(_allowed_types(element, library))
    return found


def _allowed_types(element: ElementRecord, library: StructureLibrary) -> set[str]:
    allowed: set[str] = set()
    for type_ref in element.types:
        if type_ref.code != "Reference":
            continue
        for target in type_ref.target_profiles:
            url = target.split("|", 1)[0]
            if url.startswith(CORE_PREFIX) and "/" not in url[len(CORE_PREFIX) :]:
                allowed.add(url[len(CORE_PREFIX) :])
                continue
            structure = library.structure(url)
            if structure is not None:
                allowed.add(structure.type)
    return set() if {"Resource", "DomainResource"} & allowed else allowed


def check_reference(
    element: ElementRecord, value: FhirJson, path: str, scope: Scope, library: StructureLibrary
) -> Iterable[Issue]:
    """Resolve a Reference where it can be resolved locally, then check the target's type."""
    reference = value.get("reference")
    if not isinstance(reference, str) or not reference:
        return
    target_type: str | None = None
    if reference.startswith("#"):
        if reference == "#":
            return
        target = scope.contained.get(reference[1:])
        if target is None:
            yield Issue.error(
                "not-found",
                "reference.contained-not-found",
                f"Unable to resolve the contained resource with reference '{reference}'",
                path,
            )
            yield Issue.error(
                "invariant",
                "invariant.ref-1",
                "Constraint failed: ref-1: 'SHALL have a contained resource if a local reference is "
                "provided'",
                path,
            )
            return
        target_type = _type_of(target)
    elif scope.bundle is not None:
        resolved = scope.bundle.resolve(reference, scope.full_url)
        if resolved is not None:
            target_type = _type_of(resolved)
            literal = LITERAL.search(reference)
            if literal is not None and target_type is not None and literal["type"] != target_type:
                yield Issue.error(
                    "invalid",
                    "reference.resolved-type",
                    f"The reference {reference} resolves to a {target_type} in the Bundle, "
                    f"not a {literal['type']}",
                    path,
                )
        elif reference.startswith("urn:"):
            yield Issue.warning(
                "not-found",
                "reference.bundle-unresolved",
                f"The reference {reference} is not to an entry of the Bundle",
                path,
            )
            return
    if target_type is None:
        literal = LITERAL.search(reference.split("?", 1)[0])
        if "://" in reference and not reference.startswith(("http://", "https://")):
            literal = None  # "Organization/https://..." is neither relative nor absolute
        if literal is not None:
            target_type = literal["type"]
        elif not reference.startswith(("urn:uuid:", "urn:oid:", "http://", "https://")) or (
            "://" in reference and not reference.startswith(("http://", "https://"))
        ):
            yield Issue.warning(
                "invalid",
                "reference.syntax",
                f"The syntax of the reference '{reference}' looks incorrect, and it should be checked",
                path,
            )
            return
    declared = value.get("type")
    if isinstance(declared, str) and target_type is not None and declared != target_type:
        yield Issue.error(
            "invalid",
            "reference.type-mismatch",
            f"The reference's type '{declared}' does not match its target type '{target_type}'",
            path,
        )
    allowed = allowed_types(element, library)
    if target_type is not None and allowed and target_type not in allowed and library.structure(target_type):
        yield Issue.error(
            "structure",
            "reference.target-type",
            f"The type '{target_type}' of the reference {reference} is not a valid target for this element "
            f"(must be one of {sorted(allowed)})",
            path,
        )


def _type_of(resource: Any) -> str | None:
    found = resource.get("resourceType") if isinstance(resource, dict) else None
    return found if isinstance(found, str) else None
