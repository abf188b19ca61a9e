"""The package's public surface is what ``adapter.__all__`` lists, and each name is importable."""

from __future__ import annotations
import __future__

from types import ModuleType

import pytest

import adapter


def test_all_names_resolve() -> None:
    missing = [name for name in adapter.__all__ if not hasattr(adapter, name)]
    assert missing == []


def test_all_is_sorted_and_unique() -> None:
    assert list(adapter.__all__) == sorted(set(adapter.__all__))


def test_public_surface_is_exactly_the_listed_names() -> None:
    # Names are imported from their rooms on first use: what is loaded so far is part of __all__,
    # dir() lists exactly __all__, and every listed name resolves.
    public = {
        name
        for name, value in vars(adapter).items()
        if not name.startswith("_") and not isinstance(value, ModuleType | __future__._Feature)
    }
    assert public <= set(adapter.__all__)
    assert dir(adapter) == sorted(adapter.__all__)
    assert all(getattr(adapter, name) is not None for name in adapter.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nonesuch'"):
        adapter.nonesuch  # noqa: B018
