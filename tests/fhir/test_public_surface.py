"""adapter.fhir's public surface is its ``__all__``, every name importable."""

from __future__ import annotations

from types import ModuleType

import adapter.fhir


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
