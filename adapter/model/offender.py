"""Offender management in the plan: the licence or order the client is supervised under, who
supervises, its requirements, and the risk information probation holds (seed 000, 5.3.7: "Offenders
on statutory supervision should have links with the appropriate offender management arrangements";
"The probation service may have information (particularly regarding risk issues and offending
behaviour) that may need to be incorporated into the care plan"; seed 002, 5.3.4: release on licence
from custody)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from adapter.model.base import LocalId, Model, Text
from adapter.model.system_codes import RoshLevel, SentenceRequirement


class OffenderManagement(Model):
    """Statutory supervision and probation's risk information, as the offender manager gives it."""

    offender_manager: LocalId | None = Field(
        default=None, description="The care-team member who supervises: the offender manager"
    )
    licence_end: date | None = Field(default=None, description="The end of the licence after release")
    requirements: list[SentenceRequirement] = Field(
        default_factory=list, description="What the order or licence requires, as the court or licence set it"
    )
    risk_of_serious_harm: RoshLevel | None = Field(
        default=None, description="Risk of serious harm as probation assessed it (OASys levels)"
    )
    risk_assessed_on: date | None = Field(default=None, description="When probation assessed that risk")
    risk_summary: Text | None = Field(
        default=None, description="Probation's risk information for the plan: to whom, and when it rises"
    )
