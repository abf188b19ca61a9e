"""References: the target's type against the element's targetProfiles, and resolution inside a
resource (``#id`` contained) and inside a Bundle (``urn:uuid:``, absolute and relative references
against each entry's fullUrl). Nothing an instance names is ever fetched.

targetProfile (FHIR R4 elementdefinition.html, ElementDefinition.type.targetProfile: the target
"SHALL conform to at least one" of them): the target's type is checked against every reference
that names one; a target held here - contained, or an entry of the Bundle - is also checked against
the profiles, as the reference validator's InstanceValidator.checkReference does with its fixed
CHECK_VALID policy for contained and Bundle-internal references (REFERENCE_REF_CANTMATCHCHOICE).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
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
    sharing: dict[str, list[FhirJson]] = field(default_factory=dict)
    """Every entry resource under each fullUrl (versions of one resource may share it)."""
    versions: dict[str, list[str | None]] = field(default_factory=dict)
    """The meta.versionId of each entry holding a fullUrl (several entries may share one)."""
    head: int | None = None
    """id() of the Composition or MessageHeader that heads a document or message Bundle."""

    @classmethod
    def of(cls, bundle: FhirJson) -> BundleIndex:
        index = cls()
        entries = bundle.get("entry")
        if bundle.get("type") in ("document", "message") and isinstance(entries, list) and entries:
            first = entries[0].get("resource") if isinstance(entries[0], dict) else None
            index.head = id(first) if isinstance(first, dict) else None
        for entry in bundle.get("entry", []) if isinstance(bundle.get("entry"), list) else []:
            if not isinstance(entry, dict):
                continue
            resource = entry.get("resource")
            full_url = entry.get("fullUrl")
            if not isinstance(resource, dict):
                continue
            if isinstance(full_url, str):
                index.by_full_url[full_url] = resource
                index.sharing[full_url] = [*index.sharing.get(full_url, []), resource]
                index.full_urls[id(resource)] = full_url
                meta = resource.get("meta")
                version = meta.get("versionId") if isinstance(meta, dict) else None
                index.versions.setdefault(full_url, []).append(version if isinstance(version, str) else None)
            if isinstance(resource.get("resourceType"), str) and isinstance(resource.get("id"), str):
                index.by_type_and_id.setdefault((resource["resourceType"], resource["id"]), resource)
        return index

    def full_url_of(self, resource: FhirJson) -> str | None:
        return self.full_urls.get(id(resource))

    def resolve(self, reference: str, base_full_url: str | None) -> FhirJson | None:
        """The entry a reference points at, by the Bundle resolution rules (None if absent): the
        entry whose fullUrl is the reference's :func:`target_url`."""
        target = target_url(reference, base_full_url)
        if target is None:
            return None
        version = reference.partition("/_history/")[2]
        if not version:
            return self.by_full_url.get(target)
        # A versioned reference names the entry under that fullUrl whose meta.versionId it gives.
        return next((r for r in self.sharing.get(target, []) if _version_of(r) == version), None)

    def near_miss(self, reference: str) -> str | None:
        """The fullUrl of an entry with the type and id a relative reference names, when the
        Bundle resolution rules do not let the reference reach it."""
        literal = LITERAL.search(reference)
        if literal is None or "://" in reference or reference.startswith("urn:"):
            return None
        found = self.by_type_and_id.get((literal["type"], literal["id"]))
        return self.full_urls.get(id(found)) if found is not None else None


def _version_of(resource: FhirJson) -> str | None:
    meta = resource.get("meta")
    version = meta.get("versionId") if isinstance(meta, dict) else None
    return version if isinstance(version, str) else None


def target_url(reference: str, base_full_url: str | None) -> str | None:
    """The fullUrl a reference inside a Bundle entry names (FHIR R4 Bundle, "Resolving references
    in Bundles", as the reference validator's BaseValidator.getFromBundle applies it):

    - an absolute reference (``http(s)://``, ``urn:``) names itself;
    - a relative one (``Type/id`` or ``Type/id/_history/v``) is read against the entry's fullUrl:
      a RESTful fullUrl gives its base (the fullUrl less its last two segments:
      ``http://a.org/fhir/Observation/1`` -> ``http://a.org/fhir/``), so ``Patient/p1`` names
      ``http://a.org/fhir/Patient/p1``; a URN fullUrl gives its prefix (``urn:uuid:``) and the
      reference's id is appended (``urn:uuid:<id>``);
    - an entry without a fullUrl, or a reference of any other shape, names nothing.

    The version of a ``_history`` reference is left to the caller (several entries may share a
    fullUrl, told apart by meta.versionId). An entry that merely has the same type and id under
    another fullUrl is *not* what the reference names."""
    unversioned = reference.split("/_history/", 1)[0]
    if "://" in unversioned or unversioned.startswith("urn:"):
        return unversioned
    if not base_full_url:
        return None
    parts = unversioned.split("/")
    if len(parts) != 2 or not all(parts):
        return None
    if base_full_url.startswith("urn:"):
        return base_full_url.rpartition(":")[0] + ":" + parts[1]
    segments = base_full_url.split("/")
    if len(segments) < 3:
        return None
    return "/".join(segments[:-2]) + "/" + unversioned


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
            # A core URL names a type (Patient) or a core profile of one (vitalsigns: Observation):
            # the definition says which; without it, the URL's tail is taken as the type.
            declared = library.declared(url)
            if declared is not None:
                allowed.add(declared[0])
            elif url.startswith(CORE_PREFIX) and "/" not in url[len(CORE_PREFIX) :]:
                allowed.add(url[len(CORE_PREFIX) :])
    return set() if {"Resource", "DomainResource"} & allowed else allowed


def _aggregation(element: ElementRecord, reference: str, path: str, scope: Scope) -> Iterable[Issue]:
    """A profile's aggregation modes (contained, bundled, referenced) against where the target is.
    Outside a Bundle an external reference cannot be told from a bundled one: not checked there."""
    modes = {m for t in element.types if t.code == "Reference" for m in t.aggregation}
    if not modes:
        return
    if reference.startswith("#"):
        where = "contained"
    elif scope.bundle is None:
        return
    elif scope.bundle.resolve(reference, scope.full_url) is not None:
        where = "bundled"
    else:
        where = "referenced"
    if where in modes or (where == "bundled" and "referenced" in modes):
        return
    if where == "referenced" and modes <= {"contained", "bundled"}:
        text = f"Bundled or contained reference not found within the bundle/resource {reference}"
    else:
        text = (
            f"The reference {reference} is {where}, which the aggregation mode(s) for this reference "
            f"({', '.join(sorted(modes))}) do not allow"
        )
    yield Issue.error("structure", "reference.aggregation", text, path)


def _ambiguous(bundle: BundleIndex, resolved: FhirJson, reference: str, path: str) -> Iterable[Issue]:
    """Several entries share the target's fullUrl (versions of one resource): a versioned reference
    must name one of their versions, an unversioned one matches them all - an error."""
    full_url = bundle.full_url_of(resolved)
    versions = bundle.versions.get(full_url, []) if full_url else []
    if len(versions) < 2:
        return
    if reference.partition("/_history/")[2]:
        return  # a versioned reference names one of them, or none (then it is not resolved)
    text = f"Multiple matches in bundle for reference {reference} ({len(versions)} entries have {full_url})"
    yield Issue.error("invalid", "reference.bundle-ambiguous", text, path)


def check_reference(
    element: ElementRecord,
    value: FhirJson,
    path: str,
    scope: Scope,
    library: StructureLibrary,
    trust_urls: bool = True,
) -> Iterable[Issue]:
    """Resolve a Reference where it can be resolved locally, then check the target's type.

    A reference that cannot be resolved here has only its URL to say what it points at;
    ``trust_urls`` (the reference validator's assumeValidRestReferences, off by default there)
    takes ``Group/1`` to name a Group and checks that type against the element's targets."""
    reference = value.get("reference")
    if not isinstance(reference, str) or not reference:
        return
    yield from _aggregation(element, reference, path, scope)
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
            yield from _ambiguous(scope.bundle, resolved, reference, path)
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
        elif (near := scope.bundle.near_miss(reference)) is not None:
            # The reference validator's BUNDLE_BUNDLE_POSSIBLE_MATCH_WRONG_FU: a warning beside
            # whatever the reference's own URL then says.
            yield Issue.warning(
                "not-found",
                "reference.bundle-possible-match",
                f"The reference {reference} names {target_url(reference, scope.full_url)}, which no entry "
                f"has; the entry with fullUrl {near} has the same type and id but is not what it names",
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
    known = target_type is not None  # the target was found: its own type, not its URL's
    if target_type is None:
        literal = LITERAL.search(reference.split("?", 1)[0])
        if "://" in reference and not reference.startswith(("http://", "https://")):
            literal = None  # "Organization/https://..." is neither relative nor absolute
        if literal is not None:
            target_type = literal["type"]
        elif scope.bundle is not None and ":" not in reference and "/" not in reference:
            # Inside a Bundle a relative reference is resolved as [type]/[id] against the entry's
            # fullUrl; one that names no type cannot be resolved at all.
            text = f"Relative URLs must be of the format [ResourceName]/[id]. Encountered {reference}"
            yield Issue.error("invalid", "reference.relative-format", text, path)
            return
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
    if not known and not trust_urls:
        return
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


def check_target_profiles(
    element: ElementRecord,
    value: FhirJson,
    path: str,
    scope: Scope,
    library: StructureLibrary,
    conforms: Callable[[Any, str], bool],
) -> Iterable[Issue]:
    """A target held here (contained, or an entry of the Bundle) must meet one of the element's
    target profiles of its type. As InstanceValidator.checkReference does for contained and
    Bundle-internal references (its policy is then CHECK_VALID): the profiles are the target
    profiles whose type is the target's; it meets one, or REFERENCE_REF_CANTMATCHCHOICE is an
    error - unless every one of them is a core definition (areAllBaseProfiles: the target's own
    walk already holds it to those). A Resource target profile allows any target."""
    reference = value.get("reference")
    if not isinstance(reference, str) or not reference or reference == "#":
        return
    if reference.startswith("#"):
        target = scope.contained.get(reference[1:])
    elif scope.bundle is not None:
        target = scope.bundle.resolve(reference, scope.full_url)
    else:
        return
    target_type = _type_of(target)
    if target is None or target_type is None:
        return
    listed = [u for t in element.types if t.code == "Reference" for u in t.target_profiles]
    if CORE_PREFIX + "Resource" in listed:
        return
    profiles = [
        url for url in listed if (found := library.structure(url)) is not None and found.type == target_type
    ]
    if all(url.startswith(CORE_PREFIX) for url in profiles):
        return
    if any(conforms(target, url) for url in profiles):
        return
    text = f"Unable to find a profile match for {reference} among choices: {', '.join(sorted(listed))}"
    yield Issue.error("structure", "reference.target-profile", text, path)
