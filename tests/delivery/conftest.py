"""Fixtures for the delivery tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from delivery.live import LiveServer, serve_cjit


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The real app under uvicorn on 127.0.0.1 (a free port), in a thread, stopped after the test."""
    with serve_cjit(tmp_path) as server:
        yield server
