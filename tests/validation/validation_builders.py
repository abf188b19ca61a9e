"""Small builders the validation tests share: a differential-only profile and a validator that
holds it beside R4 core."""

from __future__ import annotations

from typing import Any

from adapter.definitions import Definitions, MemorySource
from adapter.validation import Validator

BASE = "http://hl7.org/fhir/StructureDefinition/"
TEST = "https://example.test/StructureDefinition/"


def profile(name: str, kind: str, elements: list[dict[str, Any]]) -> dict[str, Any]:
    """A differential-only StructureDefinition on a core type."""
    return {
        "resourceType": "StructureDefinition",
        "url": TEST + name,
        "name": name,
        "status": "draft",
        "kind": "resource",
        "abstract": False,
        "type": kind,
        "baseDefinition": BASE + kind,
        "derivation": "constraint",
        "differential": {"element": [{"id": kind, "path": kind}, *elements]},
    }


def validator(*definitions: dict[str, Any], **options: Any) -> Validator:
    """A Validator over R4 core and these definitions (options as Validator takes them)."""
    source = MemorySource(list(definitions), name="test")
    return Validator(Definitions.core_only().with_source(source), **options)
