"""An OperationDefinition's inputProfile and outputProfile must agree with its parameters.

Each profile constrains Parameters with one slice of ``Parameters.parameter`` per parameter, the
slice's ``name`` fixed to the parameter's name. Per R4 OperationDefinition.inputProfile ("if present
the profile SHALL not conflict with what is specified in the parameters"), the validator compares,
for each top-level parameter of the matching ``use``: that the profile has a slice for it (and no
slice for a parameter the definition lacks), the slice's min and max, the types its ``value[x]``
and ``resource`` allow, and the target profiles of those types.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from adapter.outcome import Issue
from adapter.types import FhirJson
from adapter.validation.library import StructureLibrary
from adapter.validation.records import ElementRecord, StructureRecord
from adapter.validation.resource_types import RESOURCE_TYPES_R4

PROFILE_ELEMENTS = {"in": "inputProfile", "out": "outputProfile"}
"""Which OperationDefinition element profiles the parameters of each ``use``."""

ANY_TYPE = frozenset({"Resource", "DomainResource", "Element", "Any"})
"""Parameter types that stand for any type or resource: the profile may name any of them."""


def check_opd_3(value: Any, path: str) -> list[Issue]:
    """opd-3 as R5 corrected it: a parameter's targetProfile needs a type that can have a target -
    Reference, canonical, or a resource type (the profile its resource must meet). R4's expression
    names only Reference and canonical; the reference validator does not report a resource-typed
    parameter with a targetProfile (fhir-test-cases opdef-params), as R5's expression allows it."""
    if not isinstance(value, dict) or not value.get("targetProfile"):
        return []
    kind = value.get("type")
    if kind in ("Reference", "canonical") or kind in RESOURCE_TYPES_R4:
        return []
    text = (
        "Constraint failed: opd-3: 'A targetProfile can only be specified for parameters of type "
        "Reference, Canonical, or a Resource'"
    )
    return [Issue.error("invariant", "invariant.opd-3", text, path)]


@dataclass(frozen=True)
class ProfiledParameter:
    """What one slice of a Parameters profile says about one parameter."""

    name: str
    min: int
    max: str
    types: frozenset[str] | None
    """The types value[x] and resource allow; None when the slice leaves them as the base has them."""
    target_profiles: frozenset[str]


def check_operation_profiles(definition: FhirJson, path: str, library: StructureLibrary) -> list[Issue]:
    """Issues where an OperationDefinition's input or output profile disagrees with its parameters."""
    issues: list[Issue] = []
    parameters = [p for p in definition.get("parameter") or [] if isinstance(p, dict)]
    for use, element in PROFILE_ELEMENTS.items():
        url = definition.get(element)
        if not isinstance(url, str):
            continue
        where = f"{path}.{element}"
        profile = library.structure(url)
        if profile is None:
            text = f"The '{use}' profile {url} could not be found, so the parameters were not compared"
            issues.append(Issue.warning("not-found", "operation.profile-unknown", text, where))
            continue
        label = f"{profile.url}|{version}" if (version := _version(library, profile.url)) else profile.url
        profiled = {p.name: p for p in _profiled_parameters(profile, library)}
        defined = {str(p.get("name")) for p in parameters if p.get("use") == use}
        for name in profiled:
            if name not in defined:
                text = (
                    f"The '{use}' profile {label} defines a parameter '{name}' but this is not in the "
                    "parameters list in the operation definition"
                )
                issues.append(
                    Issue.warning("business-rule", "operation.profile-extra-parameter", text, where)
                )
        for index, parameter in enumerate(parameters):
            if parameter.get("use") != use:
                continue
            at = f"{where}.parameter[{index}]"
            found = profiled.get(str(parameter.get("name")))
            if found is None:
                text = (
                    f"The '{use}' profile does not have a parameter '{parameter.get('name')}' but it is in "
                    "the parameters list in the operation definition"
                )
                issues.append(Issue.warning("business-rule", "operation.profile-missing-parameter", text, at))
            else:
                issues += _compare(parameter, found, use, label, at)
    return issues


def _compare(parameter: FhirJson, profiled: ProfiledParameter, use: str, label: str, at: str) -> list[Issue]:
    issues = []
    name = profiled.name
    for facet, ours in (("min", str(parameter.get("min"))), ("max", str(parameter.get("max")))):
        theirs = str(profiled.min) if facet == "min" else profiled.max
        if theirs != ours:
            text = (
                f"The parameter '{name}' has a value for '{facet}' of '{theirs}' in the '{use}' profile "
                f"{label} that is different to '{ours}' which is the value in the parameter definition "
                "in the operation definition"
            )
            issues.append(Issue.error("business-rule", f"operation.profile-{facet}", text, at))
    declared = parameter.get("type")
    if profiled.types is not None and isinstance(declared, str) and declared not in ANY_TYPE:
        for code in sorted(profiled.types - {declared}):
            text = (
                f"The type '{code}' is allowed for the parameter '{name}' in the '{use}' profile {label} "
                f"but is not in the list of allowed types for the parameter in the operation definition: "
                f"{declared}"
            )
            issues.append(Issue.error("business-rule", "operation.profile-type-extra", text, at))
        if declared not in profiled.types:
            text = (
                f"The type '{declared}' is not allowed for the parameter '{name}' in the '{use}' profile "
                f"{label} but is in the list of allowed types for the parameter in the operation "
                f"definition (allowed types = {', '.join(sorted(profiled.types))})"
            )
            issues.append(Issue.error("business-rule", "operation.profile-type-missing", text, at))
    targets = frozenset(str(t) for t in parameter.get("targetProfile") or [])
    for target in sorted(targets - profiled.target_profiles):
        text = (
            f"The target profile '{target}' is not allowed for the parameter '{name}' in the '{use}' "
            f"profile {label} but is in the list of target profiles for the parameter in the operation "
            f"definition (profile target profiles = {_listed(profiled.target_profiles)})"
        )
        issues.append(Issue.error("business-rule", "operation.profile-target-missing", text, at))
    for target in sorted(profiled.target_profiles - targets):
        text = (
            f"The target profile '{target}' is allowed for the parameter '{name}' in the '{use}' profile "
            f"{label} but is not in the list of target profiles for the parameter in the operation "
            f"definition: {_listed(targets)}"
        )
        issues.append(Issue.error("business-rule", "operation.profile-target-extra", text, at))
    return issues


def _profiled_parameters(profile: StructureRecord, library: StructureLibrary) -> Iterator[ProfiledParameter]:
    """One record per slice of Parameters.parameter whose name is fixed."""
    base = library.structure("Parameters")
    base_parameter = _child(base.root, "parameter") if base is not None else None
    parameter = _child(profile.root, "parameter")
    if parameter is None:
        return
    for part in parameter.slices:
        name = _child(part, "name")
        if name is None or not isinstance(name.fixed, str):
            continue
        carriers = [c for c in (_child(part, "value[x]"), _child(part, "resource")) if c is not None]
        open_types = any(
            c.max != 0 and base_parameter is not None and c.type_codes == _base_types(base_parameter, c.name)
            for c in carriers
        )
        allowed = [t for c in carriers if c.max != 0 for t in c.types]
        yield ProfiledParameter(
            name=name.fixed,
            min=part.min,
            max="*" if part.max is None else str(part.max),
            types=None if open_types else frozenset(t.code for t in allowed),
            target_profiles=frozenset(p for t in allowed for p in t.target_profiles),
        )


def _base_types(parameter: ElementRecord, name: str) -> tuple[str, ...]:
    found = _child(parameter, name)
    return found.type_codes if found is not None else ()


def _child(element: ElementRecord, name: str) -> ElementRecord | None:
    return next((c for c in element.children if c.name == name), None)


def _version(library: StructureLibrary, url: str) -> str | None:
    found = library.definitions.get(url)
    version = found.get("version") if found is not None else None
    return version if isinstance(version, str) else None


def _listed(urls: frozenset[str]) -> str:
    return ", ".join(sorted(urls)) or "(none)"
