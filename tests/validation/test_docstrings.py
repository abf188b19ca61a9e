"""The usage lines in the public docstrings run and say what they show."""

from __future__ import annotations

import doctest

import adapter.validation
import adapter.validation.validator


def test_public_docstring_examples() -> None:
    for module in (adapter.validation, adapter.validation.validator):
        result = doctest.testmod(module)
        assert result.attempted > 0
        assert result.failed == 0
