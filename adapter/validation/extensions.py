"""Where an extension may be used: its definition's ``context`` and ``contextInvariant``.

A context of kind ``element`` names an element path (``Patient.name``) or a type (``Address``,
``Element``); kind ``extension`` names the url of the extension it may sit inside; kind
``fhirpath`` is an expression selecting, from the resource, the elements where it may be used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
    names = {parent.path, parent.base_path, "Element"}
    if parent.type_code:
        names.add(parent.type_code)
        found = context.library.structure(parent.type_code)
        if found is not None and found.kind == "resource":
            names |= {"Resource", "DomainResource"}
        if found is not None and found.kind == "complex-type" and parent.type_code != "Element":
            names.add("DataType")
    if parent.type_code in ("BackboneElement", None) or "." in parent.path:
        names.add("BackboneElement")
    return names


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
) -> Iterable[Issue]:
    """Is the extension allowed on this parent, and do its context invariants hold there?"""
    if definition.contexts:
        names = _names(parent, context)
        allowed = CONTEXT_ERRATA.get(definition.url) in names or any(
            (rule.kind == "element" and rule.expression in names)
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
        enclosing = next(
            (
                p.value.get("url")
                for p in reversed(parents)
                if p.type_code == "Extension" and isinstance(p.value, dict)
            ),
            None,
        )
        issues.extend(check_context(definition, parents[-1], path, context, resource, enclosing))
    return definition, issues
