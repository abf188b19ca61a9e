"""Elements that change the meaning of what holds them: carried, or the import is refused by name.

R4 marks such elements ``isModifier`` (R4 §2.1.0.7 "Modifier Elements": "an element that changes the
interpretation of the element that contains it"; a system that does not understand one must not treat
the resource as if it were absent, §2.4.0.5 "modifierExtension"). So a mapper that leaves one unread
must not return a record: ``doNotPerform = true`` read as a thing to do, a ``deny`` provision read as a
permit, an ``entered-in-error`` team read as the team. The rule here is the spec's, not a list of
cases: every element of a resource the record was read from that the R4 definitions mark as a
modifier, and that the mapping did not read, refuses the import with an error at its FHIRPath, unless
its value is the one that modifies nothing (:data:`NEUTRAL`, data). Importing a plan another system
made, ``entered-in-error`` refuses even when read: R4 says such a resource "should not be treated as
valid" (request-status), and a plan imported for review is no place to keep one. (Our own bundles may
carry it: the record's statuses hold it, so it is carried, not inverted.)
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any, Final

from adapter.definitions import Definitions
from adapter.fhir.from_fhir.context import Import
from adapter.fhir.from_fhir.node import unread
from adapter.fhir.references import Target
from adapter.outcome import Issue
from adapter.types import FhirJson

CORE = "http://hl7.org/fhir/StructureDefinition/"

NEUTRAL: Final[dict[str, tuple[object, ...]]] = {
    "CarePlan.activity.detail.doNotPerform": (False,),
    "CarePlan.intent": ("plan", "order"),
    "CareTeam.status": ("active",),
    "Consent.provision.type": ("permit",),
    "Patient.active": (True,),
    "Practitioner.active": (True,),
    "PractitionerRole.active": (True,),
    "Organization.active": (True,),
}
"""Modifier elements and the values that leave their container's meaning as it reads without them
(R4's own defaults and meanings: a missing ``doNotPerform`` means false, ``active`` true)."""

ALSO_MODIFIERS: Final = frozenset({"Consent.provision.type"})
"""Elements R4 does not flag ``isModifier`` that decide the meaning of what holds them all the same:
``Consent.provision.type`` is "permit or deny - when the rule conditions are met" (R4 Consent), so a
deny read as nothing is a refusal read as consent. Data, beside the spec's own flags."""

WHY: Final[dict[str, str]] = {
    "CarePlan.activity.detail.doNotPerform": (
        "the activity is one NOT to perform; the record has no way to say 'do not', so the import is "
        "refused rather than read as an activity to perform"
    ),
    "CarePlan.intent": (
        "the plan's intent is not 'plan' or 'order' (a proposal or an option is not a plan in force); "
        "it is refused rather than imported as the plan"
    ),
    "CareTeam.status": "a team that is not active cannot be imported as the plan's care team",
    "Consent.provision.type": (
        "a provision of this type is not one the record can carry; the import is refused rather than "
        "read as a permit"
    ),
    "modifierExtension": (
        "an extension that changes the meaning of what holds it, which this adapter does not understand"
    ),
    "implicitRules": "the resource is to be read under rules this adapter does not know",
}


@cache
def _modifiers(resource_type: str) -> tuple[frozenset[str], dict[str, str]]:
    """The modifier element paths of a core resource, and its contentReferences (path -> path)."""
    definition = Definitions.default().get(CORE + resource_type)
    elements = definition.get("snapshot", {}).get("element", []) if definition else []
    modifiers = frozenset(e["path"] for e in elements if e.get("isModifier")) | ALSO_MODIFIERS
    references = {
        e["path"]: e["contentReference"].split("#", 1)[1] for e in elements if "contentReference" in e
    }
    return modifiers, references


def _element(path: str, references: dict[str, str]) -> str:
    """``Consent.provision.provision.type`` -> ``Consent.provision.type`` (through contentReference)."""
    for source, target in references.items():
        if path == source or path.startswith(source + "."):
            return _element(target + path[len(source) :], references)
    return path


def _read(imp: Import, path: str, value: Any) -> bool:
    """Whether ``path`` was carried: it or an element above it read, or (a complex value) everything
    inside it read."""
    if isinstance(value, dict) and path in imp.tracker.touched:
        return next(unread(value, path, imp.tracker), None) is None
    while path:
        if path in imp.tracker.read:
            return True
        cut = max(path.rfind("."), path.rfind("["))
        if cut <= 0:
            return False
        path = path[:cut]
    return False


def _walk(data: Any, path: str, element: str) -> Iterator[tuple[str, str, Any]]:
    """(instance path, element path, value) for every element under ``data``."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key.startswith("_") or key in ("resourceType", "contained"):
                continue
            yield from _walk(value, f"{path}.{key}", f"{element}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _walk(value, f"{path}[{i}]", element)
    if not isinstance(data, list):
        yield path, element, data


def _entered_in_error(value: Any) -> bool:
    if value == "entered-in-error":
        return True
    codings = value.get("coding") if isinstance(value, dict) else None
    return isinstance(codings, list) and any(
        isinstance(c, dict) and c.get("code") == "entered-in-error" for c in codings
    )


def _shown(value: Any) -> object:
    """A value as found: a primitive itself, a CodeableConcept its codes, an extension its url."""
    if not isinstance(value, dict):
        return value
    coding = value.get("coding")
    codes = [c.get("code") for c in coding if isinstance(c, dict)] if isinstance(coding, list) else []
    if codes:
        return ", ".join(str(c) for c in codes)
    return value.get("url") or value.get("text") or "present"


def _refusal(path: str, element: str, value: Any) -> Issue:
    leaf = element.rsplit(".", 1)[-1]
    why = (
        WHY.get(element)
        or WHY.get(leaf)
        or (
            "R4 marks this element as changing the meaning of what holds it, and the record cannot carry "
            "it; the import is refused rather than read with another meaning"
        )
    )
    shown = _shown(value)
    return Issue.error("business-rule", "fhir.meaning-not-carried", f"{element} is {shown!r}: {why}", path)


def refusals(imp: Import, targets: list[Target]) -> list[Issue]:
    """Every modifier element of ``targets`` (the resources the record was read from) that the mapping
    did not carry, and every ``entered-in-error`` status among them, as errors at their FHIRPath."""
    issues: list[Issue] = []
    for target in targets:
        issues += _refusals_in(imp, target.resource, target.path)
    return issues


def _refusals_in(imp: Import, resource: FhirJson, where: str) -> list[Issue]:
    resource_type = str(resource.get("resourceType", ""))
    modifiers, references = _modifiers(resource_type)
    issues: list[Issue] = []
    for path, raw, value in _walk(resource, where, resource_type):
        element = _element(raw, references)
        leaf = element.rsplit(".", 1)[-1]
        if (
            imp.foreign
            and leaf in ("status", "lifecycleStatus", "verificationStatus")
            and _entered_in_error(value)
        ):
            issues.append(
                Issue.error(
                    "business-rule",
                    "fhir.entered-in-error",
                    f"{element} is 'entered-in-error': R4 says such a record should not be treated as "
                    "valid, so it is not imported",
                    path,
                )
            )
            continue
        if element not in modifiers and leaf != "modifierExtension":
            continue
        if value in NEUTRAL.get(element, ()) and not isinstance(value, (dict, list)):
            # The record means just this without saying it (R4's own default): carried, not lost.
            imp.tracker.mark(path)
            continue
        if not _read(imp, path, value):
            issues.append(_refusal(path, element, value))
    return issues
