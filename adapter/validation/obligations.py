"""Obligation profiles a StructureDefinition inherits from (the inherit-obligations extension).

A profile may take over the obligations of other profiles by naming them with
``http://hl7.org/fhir/StructureDefinition/inherit-obligations``. Each profile named must be an
obligation profile (marked with ``obligation-profile`` = true), and must constrain the same base
as the profile that inherits from it, or its obligations would land on elements it does not share.
"""

from __future__ import annotations

from adapter.outcome import Issue
from adapter.types import FhirJson
from adapter.validation.terminology import DefinitionLookup

INHERIT_OBLIGATIONS = "http://hl7.org/fhir/StructureDefinition/inherit-obligations"
OBLIGATION_PROFILE = "http://hl7.org/fhir/StructureDefinition/obligation-profile"


def check_inherited_obligations(definition: FhirJson, path: str, lookup: DefinitionLookup) -> list[Issue]:
    """Issues with each profile a StructureDefinition inherits obligations from."""
    issues: list[Issue] = []
    base = definition.get("baseDefinition")
    for index, extension in enumerate(definition.get("extension") or []):
        if not isinstance(extension, dict) or extension.get("url") != INHERIT_OBLIGATIONS:
            continue
        url = extension.get("valueCanonical")
        if not isinstance(url, str):
            continue
        where = f"{path}.extension[{index}]"
        named = lookup.get(url)
        if named is None:
            text = f"The profile '{url}' could not be found, so its obligations cannot be inherited"
            issues.append(Issue.warning("not-found", "obligations.profile-unknown", text, where))
        elif not _is_obligation_profile(named):
            text = f"The profile '{url}' is not marked as an obligation profile"
            issues.append(Issue.error("business-rule", "obligations.not-obligation-profile", text, where))
        elif named.get("baseDefinition") != base:
            text = (
                f"The profile '{url}' has a different base '{named.get('baseDefinition')}' from that "
                f"expected '{base}'"
            )
            issues.append(Issue.error("business-rule", "obligations.different-base", text, where))
    return issues


def _is_obligation_profile(definition: FhirJson) -> bool:
    return any(
        isinstance(e, dict) and e.get("url") == OBLIGATION_PROFILE and e.get("valueBoolean") is True
        for e in definition.get("extension") or []
    )
