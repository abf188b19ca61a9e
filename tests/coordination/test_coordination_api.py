"""The co-ordination package's public surface is what its ``__all__`` lists."""

from __future__ import annotations

import adapter.coordination as coordination


def _isort_style(name: str) -> tuple[int, str]:
    """ruff's order for ``__all__`` (RUF022): CONSTANTS, then Classes, then functions."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_names_resolve_and_are_sorted() -> None:
    assert [name for name in coordination.__all__ if not hasattr(coordination, name)] == []
    assert list(coordination.__all__) == sorted(set(coordination.__all__), key=_isort_style)


def test_nothing_public_is_left_out_of_all() -> None:
    modules = {
        "clock",
        "codes",
        "fhir",
        "findings",
        "responsibility",
        "settings",
        "situation",
        "sources",
        "command",
    }
    public = {name for name in vars(coordination) if not name.startswith("_")} - modules - {"annotations"}
    assert public == set(coordination.__all__)
