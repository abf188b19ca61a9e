"""The handover and store packages' public surfaces are what their ``__all__`` lists."""

from __future__ import annotations

from types import ModuleType

import adapter.handover as handover
import adapter.store as store


def _isort_style(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def _public(package: ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(package).items()
        if not name.startswith("_") and not isinstance(value, ModuleType) and name != "annotations"
    }


def test_all_lists_exactly_the_public_names_in_order() -> None:
    for package in (handover, store):
        assert _public(package) == set(package.__all__), package.__name__
        assert list(package.__all__) == sorted(package.__all__, key=_isort_style), package.__name__
