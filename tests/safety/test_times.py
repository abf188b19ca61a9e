"""H-13: a local time in the hour the clocks go back (it happens twice) or forward (it never happens)
is an error naming the field, unless the source gives its offset."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapter.dialects import read as read_system
from adapter.errors import AdapterError

CARAT_EXPORT = Path(__file__).resolve().parents[2] / "fixtures" / "systems" / "carat" / "02-carat-release.csv"


@pytest.mark.parametrize(
    ("local", "said"),
    [("25/10/2026 01:30", "occurs twice"), ("29/03/2026 01:30", "does not exist")],
    ids=["clocks-go-back", "clocks-go-forward"],
)
def test_h13_a_local_time_in_a_clock_change_hour_is_an_error_naming_the_field(local: str, said: str) -> None:
    text = CARAT_EXPORT.read_text(encoding="utf-8").replace("25/11/2026 10:15", local, 1)
    with pytest.raises(AdapterError) as refused:
        read_system("carat", text.encode("utf-8"))
    found = [i for i in refused.value.outcome.issues if said in i.text]
    assert len(found) == 1 and found[0].severity == "error"
    assert found[0].expression is not None and "last_updated" in found[0].expression


def test_h13_an_ordinary_local_time_reads_as_its_instant() -> None:
    text = CARAT_EXPORT.read_text(encoding="utf-8").replace("25/11/2026 10:15", "25/10/2026 02:30", 1)
    assert (
        read_system("carat", text.encode("utf-8")).record.recorded_at.isoformat()
        == "2026-10-25T02:30:00+00:00"
    )  # type: ignore[union-attr]
