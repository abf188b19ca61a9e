"""Where an extension may be used: its definition's ``context`` and ``contextInvariant``.

The rule is R4 StructureDefinition.context ("Identifies the types of resource or data type
elements to which the extension can be applied") as the reference validator reads it
(InstanceValidator.checkExtensionContext):

- kind ``element``: ``Element`` and ``Any`` allow any place; ``Resource`` any resource;
  ``CanonicalResource`` a resource of a canonical type (one with a ``url`` element); otherwise an
  element path (``Patient.name``, ``Observation.value[x]``) or a type (``Address``,
  ``DomainResource``), matched against the parent's path and along its type's base definitions;
  ``url#path`` limits that path to resources that conform to the profile ``url``;
- kind ``extension``: the url of the extension it sits in directly (or whose value it sits in);
- kind ``fhirpath``: an expression selecting, from the resource, the elements where it may be used;
- each ``contextInvariant`` must hold on the element it sits in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from adapter.outcome import Issue
from adapter.types import FhirJson
from adapter.validation.records import Constraint, ElementRecord, StructureRecord

if TYPE_CHECKING:
    from adapter.validation.context import Context


class Parent(NamedTuple):
    """The element an extension sits in: its definition path, its type, and its JSON value.

    A named tuple: one is made for every complex value walked."""

    path: str
    base_path: str
    type_code: str | None
    value: Any


CONTEXT_ERRATA = {
    "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type": "ElementDefinition.type",
    "http://hl7.org/fhir/StructureDefinition/regex": "ElementDefinition.type",
    "http://hl7.org/fhir/StructureDefinition/structuredefinition-normative-version": "ElementDefinition",
}
"""Extra places an extension may be used, where the R4 definitions themselves use it outside its
stated context: the R4 snapshots put structuredefinition-fhir-type and regex on
ElementDefinition.type and structuredefinition-normative-version on element definitions, while
their definitions name other elements."""


def _names(parent: Parent, context: Context) -> set[str]:
    names = {parent.path, parent.base_path, "Element", "Any"}
    if parent.type_code:
        names |= _type_and_bases(parent.type_code, context)
        found = context.library.structure(parent.type_code)
        if found is not None and found.kind == "resource":
            names |= {"Resource", "DomainResource"}
            if _is_canonical(parent.type_code, context):
                names.add("CanonicalResource")
        if found is not None and found.kind == "complex-type" and parent.type_code != "Element":
            names.add("DataType")
    if parent.type_code in ("BackboneElement", None) or "." in parent.path:
        names.add("BackboneElement")
    return names


def _type_and_bases(type_code: str, context: Context) -> set[str]:
    """The type and the types its definition derives from (Age -> Quantity -> Element)."""
    found: set[str] = set()
    url: str | None = CORE_EXTENSIONS + type_code if "/" not in type_code else type_code
    while url is not None and len(found) < 10:
        definition = context.library.definitions.get(url)
        if definition is None:
            break
        found.add(str(definition.get("type", type_code)))
        base = definition.get("baseDefinition")
        url = base if isinstance(base, str) else None
    return found or {type_code}


def _is_canonical(resource_type: str, context: Context) -> bool:
    elements = context.library.elements(resource_type) or ()
    return any(e.get("path") == f"{resource_type}.url" for e in elements)


def _element_context(
    expression: str, names: set[str], resource: Any, conforms: Callable[[Any, str], bool] | None
) -> bool:
    if "#" not in expression:
        return expression in names
    profile, _, path = expression.partition("#")
    if path not in names:
        return False
    kind = resource.get("resourceType") if isinstance(resource, dict) else None
    if profile == f"{CORE_EXTENSIONS}{kind}":
        return True
    return conforms is not None and conforms(resource, profile)


def _in_fhirpath_context(expression: str, parent: Parent, resource: Any, context: Context) -> bool:
    # The context names the elements it selects from the resource; the parent must be one of them.
    # A context that cannot be evaluated allows the use rather than raise a false error.
    selected = context.invariants.select(expression, resource)
    return isinstance(selected, str) or any(found == parent.value for found in selected)


def check_context(
    definition: StructureRecord,
    parent: Parent,
    path: str,
    context: Context,
    resource: Any,
    enclosing_extension: str | None = None,
    conforms: Callable[[Any, str], bool] | None = None,
) -> Iterable[Issue]:
    """Is the extension allowed on this parent, and do its context invariants hold there?
    ``conforms(resource, profile)`` answers profile-qualified element contexts (``url#path``)."""
    if definition.contexts:
        names = _names(parent, context)
        allowed = CONTEXT_ERRATA.get(definition.url) in names or any(
            (rule.kind == "element" and _element_context(rule.expression, names, resource, conforms))
            or (rule.kind == "extension" and rule.expression == enclosing_extension)
            or (rule.kind == "fhirpath" and _in_fhirpath_context(rule.expression, parent, resource, context))
            for rule in definition.contexts
        )
        if not allowed:
            wanted = ", ".join(f"{r.kind}:{r.expression}" for r in definition.contexts)
            yield Issue.error(
                "business-rule",
                "extension.context",
                f"The extension {definition.url} is not allowed to be used at this point (this element is "
                f"[{parent.type_code}, {parent.path}]; allowed = {wanted})",
                path,
            )
    for expression in definition.context_invariants:
        rule = Constraint(
            key="context", severity="error", human=expression, expression=expression, source=None
        )
        outcome = context.invariants.evaluate(rule, parent.value, parent.type_code or parent.path, None, None)
        if outcome is False:
            yield Issue.error(
                "business-rule",
                "extension.context-invariant",
                f"The extension {definition.url} is not allowed to be used at this point (based on context "
                f"invariant '{expression}')",
                path,
            )


CORE_EXTENSIONS = "http://hl7.org/fhir/StructureDefinition/"
EXAMPLE_HOSTS = ("example.org", "example.com", "example.net")


def _is_example(url: str) -> bool:
    host = url.split("://", 1)[-1].split("/", 1)[0]
    return any(host == h or host.endswith("." + h) for h in EXAMPLE_HOSTS)


def extension_definition(
    element: ElementRecord,
    value: FhirJson,
    path: str,
    parents: Sequence[Parent],
    context: Context,
    resource: Any,
    conforms: Callable[[Any, str], bool] | None = None,
) -> tuple[StructureRecord | None, list[Issue]]:
    """The definition an extension's url names, and the issues with that url and where it is used.

    A relative url names a sub-extension of a complex extension: the parent's definition lists the
    allowed ones as slices of ``Extension.extension`` (``element``); one that matched none is not
    defined there. An url the definitions do not hold is an error, except example URLs and HL7
    core URLs of later FHIR versions' extension packs, which are warnings that say nothing was checked.
    """
    url = value.get("url")
    if not isinstance(url, str):
        text = "Extension.url is required in order to identify, use and validate the extension"
        return None, [Issue.error("required", "extension.url-missing", text, path)]
    if ":" not in url and parents and parents[-1].type_code == "Extension":
        if element.slices:
            text = f"Sub-extension url '{url}' is not defined by the extension"
            return None, [Issue.error("structure", "extension.sub-unknown", text, path)]
        return None, []
    if ":" not in url:
        return None, [
            Issue.error("value", "extension.url-absolute", "Extension.url must be an absolute URL", path)
        ]
    issues: list[Issue] = []
    if "|" in url:
        text = f"The extension URL must not contain a version ({url})"
        issues.append(Issue.error("value", "extension.url-versioned", text, path))
    definition = context.library.structure(url)
    if definition is None and url.startswith(CORE_EXTENSIONS):
        text = (
            f"The extension {url} is not an R4 core extension (it may come from a later FHIR "
            "version's extension pack), so it was not checked"
        )
        issues.append(Issue.warning("not-found", "extension.unknown-core", text, path))
    elif definition is None and _is_example(url):
        text = f"The extension {url} is an example URL with no definition, so it was not checked"
        issues.append(Issue.warning("not-found", "extension.unknown-example", text, path))
    elif definition is None and url.startswith(context.allowed_extension_domains):
        # The caller vouches for this domain's extensions (the reference validator's
        # -allowed-extension-domain): an unknown one there is not an error, only unchecked.
        text = f"The extension {url} is from an allowed domain but has no definition, so it was not checked"
        issues.append(Issue("information", "not-found", "extension.unknown-allowed", text, path))
    elif definition is None:
        text = f"The extension {url} could not be found so is not allowed here"
        issues.append(Issue.error("structure", "extension.unknown", text, path))
    elif parents:
        enclosing = _enclosing_extension(parents)
        issues.extend(check_context(definition, parents[-1], path, context, resource, enclosing, conforms))
    return definition, issues


def _enclosing_extension(parents: Sequence[Parent]) -> str | None:
    """The url of the extension this one sits in directly, or whose value it sits in."""
    holder = parents[-1]
    if holder.type_code != "Extension" and holder.base_path == "Extension.value[x]" and len(parents) > 1:
        holder = parents[-2]
    if holder.type_code == "Extension" and isinstance(holder.value, dict):
        url = holder.value.get("url")
        return url if isinstance(url, str) else None
    return None
