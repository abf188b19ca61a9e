"""The client's own record beyond name and address: the facts the services rely on.

Hung off the record where each belongs: who the client is on :class:`~adapter.model.record.ServiceUser`
(sex at birth, ethnic category, sexual orientation, religion, first language and interpreter,
disability: seed 003, role 2, "culture, ethnicity, gender and sexuality"); what is assessed with the
plan on :class:`~adapter.model.record.CarePlan` (social circumstances, pregnancy, blood-borne virus
status, injecting status: seed 004, 3.9.2, housing, employment, the children of service users,
hepatitis C and injecting); the client's treatment history and the waiting-time dates on
:class:`~adapter.model.record.TreatmentEpisode` (seed 004, 3.9.2: "timely access to treatment ...
national waiting times"). The vocabularies are in :mod:`adapter.model.circumstance_codes`; the rules
that tie these fields to each other and to the rest of the record in
:mod:`adapter.model.circumstance_rules`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from adapter.model.base import Model, Text
from adapter.model.circumstance_codes import (
    AccommodationStatus,
    ChildrenLivingWithClient,
    EmploymentStatus,
    HepatitisBVaccination,
    InjectingStatus,
    VirusTesting,
    VirusTestResult,
)
from adapter.model.codes import Modality

LanguageTag = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]
"""A BCP 47 language tag (``en``, ``pl``, ``en-GB``, ``pa-Guru``; case is not significant): a primary
language subtag then subtags of one to eight letters or digits. The code of FHIR's all-languages
ValueSet."""


class SocialCircumstances(Model):
    """Housing, work and children as assessed with the plan (seed 001, 5.3.2: social functioning
    "including housing, employment and education"; seed 004, 3.9.2: the children of service users)."""

    assessed_on: date
    accommodation: AccommodationStatus | None = None
    employment: EmploymentStatus | None = None
    parental_responsibility: bool | None = Field(
        default=None, description="Parental responsibility for one or more children under 18"
    )
    children_living_with_client: ChildrenLivingWithClient | None = None


class Pregnancy(Model):
    """Whether the client is pregnant, as recorded on a day (prescribing and overdose risk change with
    it: a safety element of every prescribing handover, hazard H-30)."""

    recorded_on: date
    pregnant: bool
    expected_delivery: date | None = Field(default=None, description="Only for a pregnancy")


class Injecting(Model):
    """Injecting status: never, previously or currently injecting, and sharing of injecting equipment."""

    recorded_on: date
    status: InjectingStatus
    ever_shared: bool | None = Field(default=None, description="Ever shared needles, syringes or other kit")
    currently_sharing: bool | None = Field(default=None, description="Sharing in the last 28 days")


class VirusTest(Model):
    """Testing for one blood-borne virus: tested or not (and why), on which day, with what result."""

    status: VirusTesting
    on: date = Field(description="The day of the test, or of the offer refused or judged not appropriate")
    result: VirusTestResult | None = Field(default=None, description="Only for a test: its result")
    note: Text | None = None


class HepatitisB(Model):
    """Hepatitis B vaccination: where the client stands, as of a day."""

    status: HepatitisBVaccination
    on: date


class BloodBorneViruses(Model):
    """Blood-borne virus status (seed 004, 3.9.2: "hepatitis C infection"; risk area blood-borne-virus).
    Special-category health data: it travels only to clinical destinations (hazard H-31)."""

    hepatitis_b: HepatitisB | None = None
    hepatitis_c: VirusTest | None = None
    hiv: VirusTest | None = None


class PreviousTreatment(Model):
    """An earlier episode of drug treatment: when, what and where."""

    start: date | None = None
    end: date | None = None
    modality: Modality
    provider: Text = Field(description="Where: the service's name (it need not be one of this record's)")
    note: Text | None = None


class TreatmentHistory(Model):
    """The client's previous contact with treatment (NDTMS: previously treated), with the episodes known."""

    previously_treated: bool
    episodes: list[PreviousTreatment] = Field(default_factory=list)
