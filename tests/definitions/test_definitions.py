"""The lookup chain: bundled R4 core first, then what is added."""

from __future__ import annotations

import pytest

from adapter.definitions import Definitions, MemorySource
from adapter.errors import DefinitionNotFound


def test_core_structure_definition_by_type_and_url() -> None:
    defs = Definitions.core_only()
    by_type = defs.structure_definition("CarePlan")
    assert by_type["url"] == "http://hl7.org/fhir/StructureDefinition/CarePlan"
    assert by_type["snapshot"]["element"][0]["path"] == "CarePlan"
    assert "differential" not in by_type


def test_value_set_whose_url_is_not_its_file_name() -> None:
    found = Definitions.core_only().get("http://terminology.hl7.org/CodeSystem/goal-achievement")
    assert found is not None
    assert [c["code"] for c in found["concept"]][:2] == ["in-progress", "achieved"]


def test_first_source_wins_and_added_sources_answer() -> None:
    mine = {"resourceType": "ValueSet", "url": "http://example.org/vs", "status": "draft"}
    shadow = {
        "resourceType": "StructureDefinition",
        "url": "http://hl7.org/fhir/StructureDefinition/CarePlan",
    }
    defs = Definitions.core_only().with_source(MemorySource([mine, shadow]))
    assert defs.get("http://example.org/vs|1.0") is mine
    assert defs.structure_definition("CarePlan") is not shadow


def test_unknown_url_is_a_clear_error() -> None:
    with pytest.raises(DefinitionNotFound) as caught:
        Definitions.core_only().require("http://example.org/nothing")
    assert "http://example.org/nothing" in caught.value.outcome.issues[0].text
