"""Fixtures for the dialect tests."""

from __future__ import annotations

import pytest

from dialects.helpers import CLIENTS


@pytest.fixture(params=[path.stem for path in CLIENTS])
def client_name(request: pytest.FixtureRequest) -> str:
    """Each fixture client's file stem in turn."""
    return str(request.param)
