"""The co-ordination checks' local settings: intervals the guidance leaves to local protocol.

The checks are pure functions: they take a :class:`CoordinationSettings` (defaults below) and never
read the environment. Every place that judges co-ordination is given the same settings (hazard H-56):
the command line reads :class:`CoordinationEnvironment` (``CAREPLAN_*`` variables) once per command
(adapter.cli.io ``coordination_settings``) and passes them to ``check``, ``handover``, ``update`` and
``due``; the REST facade's Settings carry the same two variables, with the same bounds (:data:`FORMS`).

- ``risk_assessment_max_age_months`` (``CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS``, default 3): how
  old a risk assessment may be before the ``risk-assessment-out-of-date`` finding. Seed 003 (Role and
  Responsibilities of the Care Co-ordinator) asks the care co-ordinator "to develop, manage and review
  documented care plans based on ongoing assessment (including risk assessment)" and "to ensure
  ongoing risk assessment"; the same list sets the review rhythm, the TOP "3 monthly review
  thereafter". A plan reviewed every three months on an ongoing risk assessment has one no older than
  its last review: three months.
- ``discharge_top_window_days`` (default 28): how near the closure date an exit TOP counts as "at
  discharge"; the protocol gives no window, and 28 days is the TOP's own look-back period.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_RISK_ASSESSMENT_MAX_AGE_MONTHS = 3
DEFAULT_DISCHARGE_TOP_WINDOW_DAYS = 28
RISK_ASSESSMENT_MAX_AGE_MONTHS_RANGE = (1, 24)
DISCHARGE_TOP_WINDOW_DAYS_RANGE = (0, 90)

FORMS = {
    "risk_assessment_max_age_months": "a whole number of months from {} to {}".format(
        *RISK_ASSESSMENT_MAX_AGE_MONTHS_RANGE
    ),
    "discharge_top_window_days": "a whole number of days from {} to {}".format(
        *DISCHARGE_TOP_WINDOW_DAYS_RANGE
    ),
}
"""What each setting must be, in the words every refusal of a bad value uses."""


@dataclass(frozen=True, slots=True)
class CoordinationSettings:
    """The intervals the checks use (see the module docstring for each default's reason)."""

    risk_assessment_max_age_months: int = DEFAULT_RISK_ASSESSMENT_MAX_AGE_MONTHS
    discharge_top_window_days: int = DEFAULT_DISCHARGE_TOP_WINDOW_DAYS

    def __post_init__(self) -> None:
        low, high = RISK_ASSESSMENT_MAX_AGE_MONTHS_RANGE
        if not low <= self.risk_assessment_max_age_months <= high:
            raise ValueError(
                f"risk_assessment_max_age_months: expected {low} to {high} months, got "
                f"{self.risk_assessment_max_age_months}"
            )
        low, high = DISCHARGE_TOP_WINDOW_DAYS_RANGE
        if not low <= self.discharge_top_window_days <= high:
            raise ValueError(
                f"discharge_top_window_days: expected {low} to {high} days, "
                f"got {self.discharge_top_window_days}"
            )


DEFAULTS = CoordinationSettings()
"""The settings when a local protocol sets none (the default of every function that takes them)."""


def risk_assessment_max_age_field() -> Any:
    """The ``risk_assessment_max_age_months`` field of a ``CAREPLAN_*`` settings class."""
    low, high = RISK_ASSESSMENT_MAX_AGE_MONTHS_RANGE
    return Field(
        DEFAULT_RISK_ASSESSMENT_MAX_AGE_MONTHS,
        ge=low,
        le=high,
        description="Months a risk assessment stays current (seed 003, role 3; the review interval).",
    )


def discharge_top_window_field() -> Any:
    """The ``discharge_top_window_days`` field of a ``CAREPLAN_*`` settings class."""
    low, high = DISCHARGE_TOP_WINDOW_DAYS_RANGE
    return Field(
        DEFAULT_DISCHARGE_TOP_WINDOW_DAYS,
        ge=low,
        le=high,
        description="Days before closure an exit TOP counts as at discharge (the TOP's 28-day period).",
    )


class CoordinationEnvironment(BaseSettings):
    """The settings as ``CAREPLAN_*`` environment variables (read by the command line)."""

    model_config = SettingsConfigDict(env_prefix="CAREPLAN_", extra="ignore", frozen=True)

    risk_assessment_max_age_months: int = risk_assessment_max_age_field()
    discharge_top_window_days: int = discharge_top_window_field()

    def settings(self) -> CoordinationSettings:
        return CoordinationSettings(self.risk_assessment_max_age_months, self.discharge_top_window_days)
