"""The Treatment Outcomes Profile in full through the systems that record a TOP (the DIR and the CPA
record): its stage, the average amount on a using day, injecting with sharing, the crime section, days
of paid work and education (the NTA TOP's four sections as NDTMS records them). CARAT's export says
only whether a TOP was done: the TOP is a reported loss there."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from adapter.dialects import read, write
from adapter.dialects.errors import InvalidSystemRecord
from adapter.model import load_record

CLIENTS = Path(__file__).resolve().parents[2] / "fixtures" / "clients"


def _data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads((CLIENTS / f"{name}.json").read_bytes())
    return data


def _cpa_client_with_a_full_top() -> dict[str, Any]:
    """Fixture 04 (on enhanced CPA, so every system with a TOP holds it) with fixture 13's start TOP."""
    data = _data("04-enhanced-cpa")
    data["plan"]["reviews"][0]["top"] = _data("13-dip-client-in-custody")["plan"]["reviews"][0]["top"]
    return data


@pytest.mark.parametrize("system", ["cjit-dir", "cmht-cpa"])
def test_the_top_in_full_goes_through_a_system_that_records_a_top(system: str) -> None:
    original = load_record(_cpa_client_with_a_full_top())
    written = write(system, original)
    assert not [path for path in written.lost_paths if ".top" in path]
    back = read(system, written.data).record
    top = back.plan.reviews[0].top
    assert top == original.plan.reviews[0].top
    assert top is not None
    assert (top.stage, top.opiates_grams_per_day, top.shared_spoon_water_or_filter) == (
        "start",
        Decimal("0.5"),
        True,
    )
    assert (top.shoplifting_days, top.other_property_theft_or_burglary, top.paid_work_days) == (12, True, 0)


def test_a_top_stage_the_dir_does_not_know_is_refused_by_its_schema() -> None:
    data = write("cjit-dir", load_record(_cpa_client_with_a_full_top())).data
    broken = data.replace(b"<Stage>start</Stage>", b"<Stage>intake</Stage>")
    assert broken != data
    with pytest.raises(InvalidSystemRecord) as caught:
        read("cjit-dir", broken)
    assert [issue.expression for issue in caught.value.outcome.issues] == [
        "/DIRRecord/ContinuityOfCare/Review/TOP/Stage"
    ]


def test_carat_reports_the_top_as_lost() -> None:
    original = load_record(_data("13-dip-client-in-custody"))
    lost = set(write("carat", original).lost_paths)
    assert {"plan.reviews[0].top.stage", "plan.reviews[0].top.shoplifting_days"} <= lost
