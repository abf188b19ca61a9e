"""adapter.fhir's public surface is its ``__all__``, every name importable."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import orjson

import adapter.fhir
from adapter.fhir import care_plan_id, to_fhir
from adapter.model import load_record


def test_all_names_resolve_and_are_sorted() -> None:
    assert [n for n in adapter.fhir.__all__ if not hasattr(adapter.fhir, n)] == []
    assert list(adapter.fhir.__all__) == sorted(set(adapter.fhir.__all__))


def test_nothing_public_beyond_all() -> None:
    public = {
        name
        for name, value in vars(adapter.fhir).items()
        if not name.startswith("_") and not isinstance(value, ModuleType) and name != "annotations"
    }
    assert public == set(adapter.fhir.__all__)


def test_care_plan_id_is_the_id_to_fhir_gives_the_care_plan() -> None:
    fixture = Path(__file__).resolve().parents[2] / "fixtures" / "clients" / "02-carat-release.json"
    record = load_record(orjson.loads(fixture.read_bytes()))
    plans = [e["resource"] for e in to_fhir(record)["entry"] if e["resource"]["resourceType"] == "CarePlan"]
    assert [p["id"] for p in plans] == [care_plan_id(record)]
