"""What the care co-ordination protocol (seed 003) asks to be recorded, beyond the plan itself.

- :class:`CareManagerCriteria`: the three limbs of "Criteria for Care Manager Involvement", each
  with whether it is met and the evidence for it (the protocol joins them with "and": all three).
- :class:`WaitingDutyOfCare`: while a client waits for a tier 3 intervention, the referring agency,
  the agency that completed the triage assessment and the agency awaited "all owe a duty of care",
  and the triage worker "should also advise service users of Tier 2 services" (Criteria for Care
  Planning and Care Co-ordination, 2-3).
- :class:`PostDischargeFollowUp`: "the early follow-up of discharged service users where possible
  and appropriate" (Role and Responsibilities of the Care Co-ordinator).

The co-ordination agreement's "who decided" is ``CoordinationAgreement.decided_by`` in
:mod:`adapter.model.record`.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from adapter.model.identifiers import OdsCode

_Text = Annotated[str, StringConstraints(min_length=1)]
_LocalId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9\-.]{1,64}$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class CareManagerLimb(StrEnum):
    """The limbs of seed 003's "Criteria for Care Manager Involvement" (joined by "and")."""

    WILLING_TO_ADDRESS_MISUSE = "willing-to-address-misuse"
    """ "Individuals who demonstrate a willingness to address their substance misuse" """
    SERIOUS_OR_PROLONGED_HAZARDOUS_MISUSE = "serious-or-prolonged-hazardous-misuse"
    """ "have a history of serious or prolonged substance misuse, which is hazardous to themselves,
    carers/partners or the general public" """
    PREVIOUS_INTERVENTIONS_DID_NOT_MEET_NEEDS = "previous-interventions-did-not-meet-needs"
    """ "have tried community or prison based interventions and who have found that these services did
    not meet their needs" """


class CriterionLimb(_Model):
    """One limb of the care manager criteria: which, met or not, and the evidence the judgement rests on."""

    limb: CareManagerLimb
    met: bool
    evidence: _Text | None = Field(default=None, description="What on file shows the limb is (not) met")


class CareManagerCriteria(_Model):
    """Seed 003, Criteria for Care Manager Involvement, limb by limb with the evidence for each. The
    criteria are met when every limb is recorded and met (the protocol joins them with "and")."""

    assessed_on: date | None = None
    limbs: list[CriterionLimb] = Field(min_length=1)

    @property
    def met(self) -> bool:
        judged = {limb.limb: limb.met for limb in self.limbs}
        return all(judged.get(limb, False) for limb in CareManagerLimb)

    @model_validator(mode="after")
    def _each_limb_once(self) -> CareManagerCriteria:
        seen = [limb.limb for limb in self.limbs]
        twice = sorted({str(limb) for limb in seen if seen.count(limb) > 1})
        if twice:
            raise ValueError(f"limbs: each limb is judged once; {', '.join(twice)} appears more than once")
        return self


class WaitingDutyOfCare(_Model):
    """The duty of care while a client waits for a tier 3 intervention (seed 003, Criteria for Care
    Planning and Care Co-ordination 2-3): the three agencies that owe it, and the tier 2 advice."""

    awaited_agency: OdsCode = Field(description="The agency from whom the client awaits a tier 3 service")
    referring_agency: OdsCode
    triage_agency: OdsCode = Field(description="The agency that completed the triage assessment")
    recorded_on: date
    tier_2_services_advised_on: date | None = Field(
        default=None, description="When the client was advised of the tier 2 services open while waiting"
    )
    tier_2_services_advised: _Text | None = Field(default=None, description="Which tier 2 services")


class PostDischargeFollowUp(_Model):
    """The early follow-up of a discharged client (seed 003, Role and Responsibilities of the Care
    Co-ordinator): when it is due, when it was done, by whom, and what was found."""

    due: date
    done_on: date | None = None
    by: _LocalId | None = Field(default=None, description="The care team member who followed up")
    outcome: _Text | None = None
