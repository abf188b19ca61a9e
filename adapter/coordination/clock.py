"""Where "today" comes from: a :class:`Clock` with one method.

Every rule takes the day it judges against as a parameter, so a check is a pure function of the
record and the day, and a test pins the day with :class:`FixedClock`. :class:`SystemClock` is the one
place the system clock is read, and only the command line uses it.

    >>> FixedClock(date(2026, 5, 1)).today()
    datetime.date(2026, 5, 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol


class Clock(Protocol):
    """Tells the day that "overdue" and "in force" are judged against."""

    def today(self) -> date: ...


@dataclass(frozen=True, slots=True)
class FixedClock:
    """Always the same day: for tests, and for ``careplan check --today``."""

    day: date

    def today(self) -> date:
        return self.day


class SystemClock:
    """The machine's local date."""

    def today(self) -> date:
        return date.today()
