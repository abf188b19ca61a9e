"""The mental health of a client on the Care Programme Approach, as the CMHT holds it (seed 000, 5.3.7:
clients on CPA, whose care co-ordination the CMHT provides; seed 003: enhanced CPA): diagnoses,
psychiatric medication, Mental Health Act status and section 117 aftercare. Psychiatric medication
travels to every prescriber (hazard H-40); diagnoses and the legal status only where the minimisation
table says (adapter/handover/data/minimisation.yaml)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from adapter.model.base import LocalId, Model, Text
from adapter.model.system_codes import MentalHealthActStatus


class MentalHealthDiagnosis(Model):
    """A mental health diagnosis, in the words the CMHT records it."""

    description: Text
    diagnosed_on: date | None = None


class PsychiatricMedication(Model):
    """A psychiatric medicine the client takes: what, how much and how often, who prescribes it."""

    medicine: Text
    dose: Text | None = Field(
        default=None, description="The dose and how often, as prescribed (e.g. '100 mg each morning')"
    )
    prescriber: LocalId | None = Field(default=None, description="The care-team member who prescribes it")
    start: date | None = None


class MentalHealthAct(Model):
    """The client's status under the Mental Health Act 1983, and whether section 117 aftercare applies
    (after detention under section 3, 37, 45A, 47 or 48 the CMHT and local authority must provide
    aftercare: Mental Health Act 1983, section 117)."""

    status: MentalHealthActStatus | None = None
    since: date | None = None
    section_117_aftercare: bool = False
