"""Known gaps, named: each test states what the validator should do and fails until it does.

They are strict xfails, so the day one starts passing the suite says so and the mark comes off.
"""

from __future__ import annotations

from typing import Any

import pytest

from adapter.definitions import Definitions, MemorySource
from adapter.validation import Validator

BASE = "http://hl7.org/fhir/StructureDefinition/"


def errors(outcome_issues: Any) -> set[str]:
    return {i.message_id for i in outcome_issues if i.severity in ("error", "fatal")}


@pytest.mark.xfail(strict=True, reason="the definitions chain indexes canonical URLs without versions")
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
