"""Store errors (both carry an OperationOutcome, like every adapter error)."""

from __future__ import annotations

from adapter.errors import AdapterError


class StoreError(AdapterError):
    """The store could not do what was asked (bad URL, database unreachable, corrupt row)."""


class DuplicateMessage(StoreError):
    """A message with this MessageHeader id was already recorded (the unique constraint held)."""
