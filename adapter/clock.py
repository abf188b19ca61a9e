"""Where "now" and "today" come from: one :class:`Clock` Protocol for the whole adapter.

Every rule takes its clock as a parameter, so a check, a handover or a receipt is a plain function
of its input and the time; tests and the demo pin the time with :class:`FixedClock`.
:class:`SystemClock` is the one place the machine's clock is read, and only the command line and the
server use it.

    >>> FixedClock(date(2026, 11, 25)).today()
    datetime.date(2026, 11, 25)
    >>> FixedClock(datetime(2026, 11, 25, 10, 30, tzinfo=UTC)).now().isoformat()
    '2026-11-25T10:30:00+00:00'

"Today" is the day in England (Europe/London), where the services this adapter serves are: a review
due "today" is judged on the English calendar, whatever zone the machine is set to. A fixed instant
tells its day in its own offset, as the source wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo

ENGLAND = ZoneInfo("Europe/London")


class Clock(Protocol):
    """Tells the instant a message is built or received at, and the day rules are judged on."""

    def now(self) -> datetime:
        """The current instant, with its UTC offset."""
        ...

    def today(self) -> date:
        """The current day."""
        ...


@dataclass(frozen=True, slots=True, init=False)
class FixedClock:
    """Always the same instant: for tests, the demo and ``--today`` / ``--at``.

    Given a day, the instant is that day's noon in England (so "today" is the day given); given an
    instant, it must carry its UTC offset.
    """

    at: datetime

    def __init__(self, at: date | datetime) -> None:
        if isinstance(at, datetime):
            if at.tzinfo is None:
                raise ValueError("a fixed instant needs its UTC offset")
            instant = at
        else:
            instant = datetime.combine(at, time(12), tzinfo=ENGLAND)
        object.__setattr__(self, "at", instant)

    def now(self) -> datetime:
        return self.at

    def today(self) -> date:
        return self.at.date()


class SystemClock:
    """The machine's clock: the instant in UTC (to the second), the day in England."""

    def now(self) -> datetime:
        return datetime.now(UTC).replace(microsecond=0)

    def today(self) -> date:
        return datetime.now(ENGLAND).date()
