"""Persistence behind one interface: plans held, messages received (idempotent by id), handover Tasks
and refusals. SQLite is the embedded default; PostgreSQL by URL, through the same code.

    >>> from adapter.store import open_store
    >>> store = open_store(tmp_path / "careplan.db")
    >>> store.find_answer("no-such-message") is None
    True
"""

from __future__ import annotations

from adapter.store.errors import DuplicateMessage, StoreError
from adapter.store.protocol import Store
from adapter.store.records import (
    OpenHandover,
    PlanVersion,
    Receipt,
    Refusal,
    Standing,
    StoredAnswer,
    TaskState,
)
from adapter.store.sql import SqlStore, open_store

__all__ = [
    "DuplicateMessage",
    "OpenHandover",
    "PlanVersion",
    "Receipt",
    "Refusal",
    "SqlStore",
    "Standing",
    "Store",
    "StoreError",
    "StoredAnswer",
    "TaskState",
    "open_store",
]
