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


def test_a_versioned_canonical_finds_that_version() -> None:
    def value_set(version: str) -> dict[str, str]:
        return {
            "resourceType": "ValueSet",
            "url": "https://example.test/ValueSet/v",
            "version": version,
            "status": "draft",
        }

    defs = Definitions.core_only().with_source(
        MemorySource([value_set("0.1.3"), value_set("0.2.1"), value_set("0.2.10"), value_set("1.0")])
    )

    def version(url: str) -> object:
        found = defs.get(url)
        return found["version"] if found is not None else None

    assert version("https://example.test/ValueSet/v|0.2.1") == "0.2.1"
    # a partial version names the latest it covers, compared number by number
    assert version("https://example.test/ValueSet/v|0.2") == "0.2.10"
    # no version, or one not held: the first held under the URL
    assert version("https://example.test/ValueSet/v") == "0.1.3"
    assert version("https://example.test/ValueSet/v|9") == "0.1.3"
