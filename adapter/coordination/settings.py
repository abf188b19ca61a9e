"""The co-ordination checks' local settings: intervals the guidance leaves to local protocol.

The checks are pure functions: they take a :class:`CoordinationSettings` (defaults below) and never
read the environment. The command line reads :class:`CoordinationEnvironment` (``CAREPLAN_*``
variables) once and passes its settings in.

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

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_RISK_ASSESSMENT_MAX_AGE_MONTHS = 3
DEFAULT_DISCHARGE_TOP_WINDOW_DAYS = 28


@dataclass(frozen=True, slots=True)
class CoordinationSettings:
    """The intervals the checks use (see the module docstring for each default's reason)."""

    risk_assessment_max_age_months: int = DEFAULT_RISK_ASSESSMENT_MAX_AGE_MONTHS
    discharge_top_window_days: int = DEFAULT_DISCHARGE_TOP_WINDOW_DAYS

    def __post_init__(self) -> None:
        if not 1 <= self.risk_assessment_max_age_months <= 24:
            raise ValueError(
                "risk_assessment_max_age_months: expected 1 to 24 months, got "
                f"{self.risk_assessment_max_age_months}"
            )
        if not 0 <= self.discharge_top_window_days <= 90:
            raise ValueError(
                f"discharge_top_window_days: expected 0 to 90 days, got {self.discharge_top_window_days}"
            )


class CoordinationEnvironment(BaseSettings):
    """The settings as ``CAREPLAN_*`` environment variables (read by the command line only)."""

    model_config = SettingsConfigDict(env_prefix="CAREPLAN_", extra="ignore", frozen=True)

    risk_assessment_max_age_months: int = Field(default=DEFAULT_RISK_ASSESSMENT_MAX_AGE_MONTHS, ge=1, le=24)
    discharge_top_window_days: int = Field(default=DEFAULT_DISCHARGE_TOP_WINDOW_DAYS, ge=0, le=90)

    def settings(self) -> CoordinationSettings:
        return CoordinationSettings(self.risk_assessment_max_age_months, self.discharge_top_window_days)
