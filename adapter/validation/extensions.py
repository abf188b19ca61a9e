"""Where an extension may be used: its definition's ``context`` and ``contextInvariant``.

A context of kind ``element`` names an element path (``Patient.name``) or a type (``Address``,
``Element``); kind ``extension`` names the url of the extension it may sit inside; kind
``fhirpath`` is an expression selecting, from the resource, the elements where it may be used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from adapter.outcome import Issue
from adapter.validation.records import Constraint, StructureRecord

if TYPE_CHECKING:
    from adapter.validation.walker import Context


@dataclass(frozen=True, slots=True)
class Parent:
    """The element an extension sits in: its definition path, its type, and its JSON value."""

    path: str
    base_path: str
    type_code: str | None
    value: Any


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
        allowed = any(
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
