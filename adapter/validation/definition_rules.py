"""Rules on conformance resources that reach beyond the resource itself: what the definitions it
names say must agree with it. Each resource type's rules live in their own module."""

from __future__ import annotations

from adapter.outcome import Issue
from adapter.types import FhirJson
from adapter.validation.library import StructureLibrary
from adapter.validation.obligations import check_inherited_obligations
from adapter.validation.operations import check_operation_profiles


def check_definition(resource: FhirJson, path: str, library: StructureLibrary) -> list[Issue]:
    """Cross-checks of a StructureDefinition or OperationDefinition against what it names."""
    kind = resource.get("resourceType")
    if kind == "StructureDefinition":
        return check_inherited_obligations(resource, path, library.definitions)
    if kind == "OperationDefinition":
        return check_operation_profiles(resource, path, library)
    return []
