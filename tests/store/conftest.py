"""The store under test: a real SQLite file, and PostgreSQL when CAREPLAN_TEST_POSTGRES_URL names one."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapter.store import SqlStore, open_store
from adapter.store.sql import metadata

POSTGRES_URL = os.environ.get("CAREPLAN_TEST_POSTGRES_URL")


def postgres_skip_reason() -> str | None:
    """Why the PostgreSQL half of a test cannot run here, or None when it can."""
    if POSTGRES_URL is None:
        return "no PostgreSQL server given (set CAREPLAN_TEST_POSTGRES_URL to a database URL to run)"
    if importlib.util.find_spec("psycopg") is None:
        return "the psycopg driver is not installed"
    return None


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file, or the PostgreSQL database given (emptied afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'careplan.db'}"
        return
    reason = postgres_skip_reason()
    if reason is not None:
        pytest.skip(reason)
    assert POSTGRES_URL is not None
    yield POSTGRES_URL
    cleanup = open_store(POSTGRES_URL)
    metadata.drop_all(cleanup.engine)
    cleanup.engine.dispose()


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    opened = open_store(database_url)
    yield opened
    opened.engine.dispose()
