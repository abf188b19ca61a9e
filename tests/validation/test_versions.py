"""Versioned canonicals: ``meta.profile`` with ``|version`` is checked against that version
(this was a strict xfail while the definitions chain dropped versions)."""

from __future__ import annotations

from typing import Any

from adapter.definitions import Definitions, MemorySource
from adapter.validation import Validator

BASE = "http://hl7.org/fhir/StructureDefinition/"


def errors(outcome_issues: Any) -> set[str]:
    return {i.message_id for i in outcome_issues if i.severity in ("error", "fatal")}


def test_meta_profile_with_a_version_picks_that_version() -> None:
    def version(number: str, name_max: str) -> dict[str, Any]:
        return {
            "resourceType": "StructureDefinition",
            "url": "https://example.test/StructureDefinition/versioned",
            "version": number,
            "name": "Versioned",
            "status": "draft",
            "kind": "resource",
            "abstract": False,
            "type": "Patient",
            "baseDefinition": BASE + "Patient",
            "derivation": "constraint",
            "differential": {"element": [{"id": "Patient.name", "path": "Patient.name", "max": name_max}]},
        }

    checker = Validator(
        Definitions.core_only().with_source(MemorySource([version("1", "1"), version("2", "0")]))
    )
    patient = {
        "resourceType": "Patient",
        "meta": {"profile": ["https://example.test/StructureDefinition/versioned|2"]},
        "name": [{"family": "Smith"}],
    }
    assert "cardinality.max" in errors(checker.validate(patient).issues)
