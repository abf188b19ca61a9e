"""Where "now" comes from: a message carries instants (MessageHeader, Task, Provenance), so the
handover's clock tells the instant; :class:`FixedInstant` also tells the day, so it serves as the
co-ordination checks' :class:`adapter.coordination.Clock` too.

    >>> FixedInstant(datetime(2026, 11, 25, 10, 30, tzinfo=UTC)).today()
    datetime.date(2026, 11, 25)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol


class InstantClock(Protocol):
    """Tells the instant a message is built or received at (always with its UTC offset)."""

    def now(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class FixedInstant:
    """Always the same instant: for tests and the demo."""

    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("a handover instant needs its UTC offset")

    def now(self) -> datetime:
        return self.at

    def today(self) -> date:
        return self.at.date()


class SystemInstant:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC).replace(microsecond=0)

    def today(self) -> date:
        return self.now().date()
