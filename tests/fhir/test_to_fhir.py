"""to_fhir: what the canonical record allows but FHIR cannot carry is refused, naming the element."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from adapter.errors import InvalidRecord
from adapter.fhir import to_fhir
from adapter.model import load_record

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "clients" / "01-custody-triage.json"


def test_values_fhir_cannot_carry_are_named() -> None:
    if not FIXTURE.exists():
        pytest.skip("fixture not present")
    data = orjson.loads(FIXTURE.read_bytes())
    data["plan"]["title"] = "\u00a0"  # a no-break space alone: no FHIR string
    data["plan"]["crisis_plan"] = "\u2003"  # nor an em space
    record = load_record(data)
    with pytest.raises(InvalidRecord) as caught:
        to_fhir(record)
    unchecked = to_fhir(record, typed_check=False)["entry"][0]["resource"]["extension"]
    crisis = next(i for i, ext in enumerate(unchecked) if ext["url"].endswith("/crisis-plan"))
    assert sorted(i.expression or "" for i in caught.value.outcome.issues) == [
        f"Bundle.entry[0].resource.extension[{crisis}].valueString",
        "Bundle.entry[0].resource.title",
    ]
