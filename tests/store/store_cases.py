"""Shared by the store tests: the fixtures' client records and the instant receipts are made at."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson

from adapter.model import ClientRecord, load_record

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "clients"
AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def fixture_record(name: str) -> ClientRecord:
    """The client record of ``fixtures/clients/<name>``."""
    return load_record(orjson.loads((FIXTURES / name).read_bytes()))
