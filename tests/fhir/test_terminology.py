"""The code tables are data: fixed codings agree with the R4 core, ConceptMaps translate both ways,
and our displays come from the IG's CodeSystems once it is built."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from adapter.definitions import Definitions
from adapter.fhir.terminology import DATA, DefinitionsDisplays, Terminology, derived_display
from adapter.model.codes import CODE_SYSTEMS, Modality, Role, Tier, code_system_url
from adapter.packaged import ig_folder

MODALITY = "intervention-modality-to-snomed"


class NoDisplays:
    def display(self, system: str, code: str) -> str | None:
        return None


def test_fixed_codings_match_the_core_code_systems() -> None:
    displays = DefinitionsDisplays(Definitions.core_only())
    checked = 0
    for name, coding in Terminology.default().fixed_codings.items():
        known = displays.display(coding["system"], coding["code"])
        if known is not None:
            assert coding["display"] == known, name
            checked += 1
    assert checked >= 5


@pytest.mark.parametrize(
    ("medicine", "code"),
    [
        ("Methadone oral solution 1mg/mL", "310653000"),
        ("buprenorphine 8 mg sublingual", "792901003"),
        ("Espranor", "266707007"),
    ],
)
def test_opioid_substitution_follows_the_medicine(medicine: str, code: str) -> None:
    concept = Terminology.default().concept(Modality.OPIOID_SUBSTITUTION, MODALITY, medicine=medicine)
    assert concept["coding"][0]["code"] == "opioid-substitution"
    assert concept["coding"][1]["system"] == "http://snomed.info/sct"
    assert concept["coding"][1]["code"] == code


def test_unmapped_codes_take_the_fallback_or_stand_alone() -> None:
    terminology = Terminology.default()
    assert terminology.maps[MODALITY].translate("brief-intervention") == {
        "system": "http://snomed.info/sct",
        "code": "266707007",
        "display": "Drug addiction therapy",
    }
    assert len(terminology.concept(Role.KEYWORKER, "care-team-role-to-snomed")["coding"]) == 1
    assert (
        terminology.concept(Role.CARE_COORDINATOR, "care-team-role-to-snomed")["coding"][1]["code"]
        == "768820003"
    )


def test_reverse_only_where_unambiguous() -> None:
    table = Terminology.default().maps[MODALITY]
    assert table.reverse("720174008") == "harm-reduction"
    assert table.reverse("310653000") == "opioid-substitution"
    assert table.reverse("56876005") is None  # wider than three modalities
    assert table.reverse("266707007") is None


def test_displays_fall_back_to_the_code_without_the_ig() -> None:
    coding = Terminology(NoDisplays()).coding(Tier.TIER_3)
    assert coding == {"system": code_system_url(Tier), "code": "tier-3", "display": "Tier 3"}
    assert derived_display("drug-alcohol-misuse") == "Drug alcohol misuse"


@pytest.mark.skipif(not ig_folder().exists(), reason="the IG is not built")
def test_displays_come_from_the_ig() -> None:
    definitions = Definitions.default()
    displays = DefinitionsDisplays(definitions)
    for enum, name in CODE_SYSTEMS.items():
        assert definitions.get(code_system_url(enum)) is not None, f"the IG has no CodeSystem {name}"
        for member in enum:
            display = displays.display(code_system_url(enum), member.value)
            assert display is not None, f"{name}#{member.value} has no display in the IG"
            assert Terminology.default().coding(member)["display"] == display


def _table(concept_map: dict[str, Any]) -> dict[str, list[tuple[str, str, str]]]:
    group = concept_map["group"][0]
    return {
        element["code"]: sorted(
            (t["code"], t["equivalence"], orjson.dumps(t.get("dependsOn", [])).decode())
            for t in element.get("target", [])
            if "code" in t
        )
        for element in group["element"]
        if any("code" in t for t in element.get("target", []))
    }


@pytest.mark.skipif(not ig_folder().exists(), reason="the IG is not built")
@pytest.mark.parametrize("map_id", ["intervention-modality-to-snomed", "care-team-role-to-snomed"])
def test_mapping_tables_agree_with_the_ig_concept_maps(map_id: str) -> None:
    ours = next(cm for cm in orjson.loads((DATA / "concept-maps.json").read_bytes()) if cm["id"] == map_id)
    published = Definitions.default().get(ours["url"])
    assert published is not None, f"the IG publishes no ConceptMap {ours['url']}"
    assert _table(ours) == _table(published)
    assert ours["group"][0]["unmapped"] == published["group"][0]["unmapped"]
