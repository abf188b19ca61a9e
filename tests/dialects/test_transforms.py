"""The named transforms and code maps, one value at a time."""

from __future__ import annotations

from typing import Any

import pytest

from adapter.dialects import TRANSFORMS, TransformError, load_code_map, read, write
from adapter.dialects.transforms import FellBack
from adapter.model.codes import Modality
from dialects.helpers import client


@pytest.mark.parametrize(
    ("name", "args", "system_value", "canonical"),
    [
        ("date", {"format": "%d/%m/%Y"}, "09/12/2026", "2026-12-09"),
        ("datetime", {"format": "%d/%m/%Y %H:%M"}, "21/10/2026 07:45", "2026-10-21T06:45:00Z"),  # BST
        ("datetime", {"format": "%d/%m/%Y %H:%M"}, "25/11/2026 08:10", "2026-11-25T08:10:00Z"),  # GMT
        ("boolean", {}, "Y", True),
        ("boolean", {"when_true": "true", "when_false": "false"}, "false", False),
        ("split", {}, "a;b;c", ["a", "b", "c"]),
        ("split", {"separator": "|"}, "Flat 2|3 Mill Lane", ["Flat 2", "3 Mill Lane"]),
        ("words", {}, "Zoë Anne", ["Zoë", "Anne"]),
        ("surname_first", {}, "Wiśniewski, Tomasz Jan", {"family": "Wiśniewski", "given": ["Tomasz", "Jan"]}),
        ("decimal", {}, "45.50", "45.50"),
        ("dated_flag", {}, "2026-07-21", {"date": "2026-07-21", "flag": True}),
    ],
)
def test_read_and_write_back(name: str, args: dict[str, Any], system_value: str, canonical: Any) -> None:
    transform = TRANSFORMS[name]
    assert transform.read(system_value, args) == canonical
    assert transform.write(canonical, args) == system_value


@pytest.mark.parametrize(
    ("name", "args", "value", "says"),
    [
        ("date", {"format": "%d/%m/%Y"}, "2026-12-09", "expected a date as DD/MM/YYYY, got '2026-12-09'"),
        ("date", {"format": "%d/%m/%Y"}, "31/02/2026", "expected a date as DD/MM/YYYY"),
        (
            "datetime",
            {"format": "%d/%m/%Y %H:%M"},
            "25/11/2026",
            "expected a date and time as DD/MM/YYYY hh:mm",
        ),
        ("boolean", {}, "yes", "expected 'Y' or 'N', got 'yes'"),
        ("surname_first", {}, "Tomasz Wiśniewski", "expected 'SURNAME, Forenames'"),
        ("decimal", {}, "forty", "expected a number, got 'forty'"),
        ("decimal", {}, "NaN", "expected a finite number"),
    ],
)
def test_bad_values_say_what_was_expected(name: str, args: dict[str, Any], value: str, says: str) -> None:
    with pytest.raises(TransformError, match=says):
        TRANSFORMS[name].read(value, args)


def test_a_signed_flag_without_its_date_cannot_be_written() -> None:
    with pytest.raises(TransformError, match="marked signed but no signature date"):
        TRANSFORMS["dated_flag"].write({"date": None, "flag": True}, {})
    assert TRANSFORMS["dated_flag"].write({"date": None, "flag": False}, {}) is None


LEVELS = {
    "resourceType": "ConceptMap",
    "sourceUri": "urn:levels",
    "group": [
        {
            "source": "urn:levels",
            "element": [
                {"code": "L", "target": [{"code": "low", "equivalence": "equivalent"}]},
                {"code": "H", "target": [{"code": "high", "equivalence": "equivalent"}]},
                {"code": "VH", "target": [{"code": "high", "equivalence": "narrower"}]},
            ],
            "unmapped": {"mode": "reject"},
        },
        {
            "source": "canonical",
            "element": [{"code": "medium", "target": [{"code": "H", "equivalence": "wider"}]}],
            "unmapped": {"mode": "fixed", "code": "L"},
        },
    ],
}


def test_code_map_both_ways() -> None:
    levels = load_code_map(LEVELS, "levels")
    assert levels.to_canonical("L").code == "low"
    assert levels.to_canonical("L").note is None
    assert levels.to_system("high").code == "H"  # the first equivalent inverse wins over VH
    narrower = levels.to_canonical("VH")
    assert (narrower.code, narrower.note is not None) == ("high", True)
    wider = levels.to_system("medium")
    assert wider.code == "H"
    assert "maps only approximately to 'H'" in (wider.note or "")
    fallback = levels.to_system("very-low")
    assert fallback.code == "L"
    assert "'very-low' is not in code map levels (writing); used 'L'" in (fallback.note or "")
    with pytest.raises(TransformError, match="expected one of: H, L, VH"):
        levels.to_canonical("X")


def test_code_transform_applies_per_item_and_reports_fallbacks() -> None:
    levels = load_code_map(LEVELS, "levels")
    code = TRANSFORMS["code"]
    assert code.read(["L", "H"], {"map": levels}) == ["low", "high"]
    with pytest.raises(FellBack) as fell_back:
        code.write(["low", "medium"], {"map": levels})
    assert fell_back.value.value == ["L", "H"]


def test_an_approximate_code_is_a_loss_when_written() -> None:
    record = client("11-prison-transfer")
    intervention = record.plan.interventions[0].model_copy(
        update={"modality": Modality.COMMUNITY_DETOXIFICATION}
    )
    plan = record.plan.model_copy(update={"interventions": [intervention, *record.plan.interventions[1:]]})
    written = write("carat", record.model_copy(update={"plan": plan}))
    [loss] = [loss for loss in written.losses if loss.path == "plan.interventions[0].modality"]
    assert "'community-detoxification' maps only approximately to 'DETOX'" in loss.reason
    assert (
        read("carat", written.data).record.plan.interventions[0].modality == Modality.INPATIENT_DETOXIFICATION
    )
