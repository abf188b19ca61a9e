"""The canonical client record: one service user, the services around them, and their care plan.

Named in the guidance's words (seeds 000-004). Every model forbids unknown fields; dates are ISO
dates, instants carry their UTC offset. Cross-field rules (a review before the plan starts, a
signed plan with no signature date, references to unknown goals or organisations ...) live in
:mod:`adapter.model.rules` and run whenever a :class:`ClientRecord` is built.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, Field, model_validator

from adapter.model.base import DaysInLast28, LocalId, Model, Text
from adapter.model.circumstance_codes import (
    Disability,
    EthnicCategory,
    Religion,
    SexAtBirth,
    SexualOrientation,
)
from adapter.model.circumstances import (
    BloodBorneViruses,
    Injecting,
    LanguageTag,
    Pregnancy,
    SocialCircumstances,
    TreatmentHistory,
)
from adapter.model.codes import (
    ActivityStatus,
    ClosureKind,
    ClosureReason,
    ConsentDecision,
    ConsentPurpose,
    ConsentStatus,
    CpaLevel,
    Domain,
    DomainArea,
    DrrKind,
    DrugTestResult,
    EngagementEvent,
    EpisodeStatus,
    Gender,
    GoalProgress,
    GoalStatus,
    Modality,
    OrganisationKind,
    Phase,
    PlanKind,
    PlanStatus,
    ReferralSetting,
    RiskArea,
    RiskLevel,
    Role,
    RouteOfUse,
    Substance,
    Tier,
)
from adapter.model.contacts import KeyworkerContact
from adapter.model.coordination import CareManagerCriteria, PostDischargeFollowUp, WaitingDutyOfCare
from adapter.model.identifiers import NhsNumber, OdsCode, PncId, PrisonNumber
from adapter.model.mental_health import MentalHealthAct, MentalHealthDiagnosis, PsychiatricMedication
from adapter.model.offender import OffenderManagement
from adapter.model.system_codes import DirForm
from adapter.model.top import TopStage

TopScore = Annotated[int, Field(ge=0, le=20)]
"""A TOP self-rating from 0 (poor) to 20 (good)."""
Amount = Annotated[Decimal, Field(ge=0, le=1000)]
"""A TOP average amount on a using day (units, grams or joints, by the field's name)."""


class PersonName(Model):
    given: list[Text] = Field(min_length=1)
    family: Text
    prefix: Text | None = None


def given_and_family(name: PersonName | None) -> str:
    """A name as given names then family name; "name not stated" for an imported plan that gave none."""
    return "name not stated" if name is None else f"{' '.join(name.given)} {name.family}"


class Address(Model):
    lines: list[Text] = Field(default_factory=list)
    city: Text | None = None
    district: Text | None = None
    postcode: Text | None = None


class OtherIdentifier(Model):
    """A local id of the client in one service's system (e.g. a CJIT case number)."""

    system: Text = Field(description="URI of the issuing system's identifier namespace")
    value: Text
    assigner: OdsCode | None = None


class ServiceUser(Model):
    """The client ("service user" in seed 003)."""

    nhs_number: NhsNumber | None = None
    prison_number: PrisonNumber | None = None
    pnc_id: PncId | None = None
    other_identifiers: list[OtherIdentifier] = Field(default_factory=list)
    name: PersonName | None = Field(
        default=None, description="None only in a plan imported for review whose source did not say"
    )
    birth_date: date | None = Field(
        default=None, description="None only in a plan imported for review whose source did not say"
    )
    gender: Gender
    address: Address | None = None
    phone: Text | None = None
    registered_gp_practice: OdsCode | None = None
    sex_at_birth: SexAtBirth | None = None
    ethnic_category: EthnicCategory | None = None
    sexual_orientation: SexualOrientation | None = None
    religion: Religion | None = None
    first_language: LanguageTag | None = None
    interpreter_required: bool | None = None
    disabilities: list[Disability] = Field(default_factory=list)


class Organisation(Model):
    ods_code: OdsCode
    name: Text
    kind: OrganisationKind
    address: Address | None = None
    phone: Text | None = None
    email: Text | None = None
    single_point_of_contact: Text | None = Field(
        default=None, description="The team's single point of contact for referrals (seed 002, 5.3.4)"
    )


class CareTeamMember(Model):
    """A practitioner in one or more roles for this client, at one organisation."""

    id: LocalId
    name: PersonName | None = Field(
        default=None, description="None only in a plan imported for review whose source did not say"
    )
    roles: list[Role] = Field(min_length=1)
    organisation: OdsCode
    professional_id: OtherIdentifier | None = None
    phone: Text | None = None
    email: Text | None = None
    start: date | None = None
    end: date | None = None


class CriminalJusticeReferral(Model):
    """How a criminal justice route brought the client to treatment (seed 002, 5.3.4: CJIT workers in
    custody suites and courts; seed 000, 5.3.6: the DIR's arrest referral and drug test)."""

    date: date
    setting: ReferralSetting
    trigger_offence: Text | None = Field(
        default=None, description="The offence that led to the drug test (a trigger offence)"
    )
    drug_test: DrugTestResult
    required_assessment: bool = Field(description="A positive test made an assessment a requirement")
    dir_form: DirForm | None = Field(
        default=None, description="The form of the DIR suite the referral was recorded on (seed 000, 5.3.6)"
    )


class TreatmentEpisode(Model):
    """The client's episode of structured treatment with the provider that holds the plan."""

    id: LocalId
    provider: OdsCode
    status: EpisodeStatus
    start: date
    end: date | None = None
    referral_source: OdsCode | None = None
    triage_date: date | None = None
    criminal_justice_referral: CriminalJusticeReferral | None = None
    referral_received: date | None = Field(default=None, description="NDTMS waiting times: referral received")
    first_appointment_offered: date | None = Field(
        default=None, description="NDTMS waiting times: the date of the first appointment offered"
    )
    treatment_start: date | None = Field(default=None, description="NDTMS waiting times: treatment started")
    treatment_history: TreatmentHistory | None = None


class Agreement(Model):
    """Agreement and signature of the plan (seed 003: "agreed with and signed by the service user")."""

    agreed_on: date | None = None
    signed_by_service_user: bool = False
    service_user_signed_on: date | None = None
    signed_by_keyworker: bool = False
    keyworker_signed_on: date | None = None


class Need(Model):
    """An assessed need in one domain."""

    id: LocalId
    domain: Domain
    area: DomainArea | None = None
    description: Text
    assessed_on: date | None = None
    immediate: bool = Field(
        default=False, description="An immediate need met by the initial plan after triage (seed 002, 5.3.4)"
    )


class SubstanceUse(Model):
    """One substance in the client's drug-use profile (the DIR's DrugUse, seed 000, 5.3.6)."""

    substance: Substance
    rank: int = Field(ge=1, description="1 = the main problem substance; unique within the plan")
    route: RouteOfUse
    days_used_last_28: DaysInLast28
    age_first_used: Annotated[int, Field(ge=5, le=99)] | None = None
    injected_ever: bool | None = None


class DomainAssessment(Model):
    """The assessment of one of the four domains: when, and what it found."""

    domain: Domain
    assessed_on: date
    summary: Text


class Milestone(Model):
    description: Text
    due: date | None = None
    achieved_on: date | None = None


class ProgressNote(Model):
    recorded_on: date | None = Field(default=None, description="None when the source gave no time")
    text: Text
    author: LocalId | None = None


class Goal(Model):
    id: LocalId
    domain: Domain
    area: DomainArea | None = None
    description: Text
    status: GoalStatus
    progress: GoalProgress | None = None
    start: date | None = None
    target_date: date | None = None
    milestones: list[Milestone] = Field(default_factory=list)
    progress_notes: list[ProgressNote] = Field(default_factory=list)
    addresses: list[LocalId] = Field(default_factory=list, description="ids of needs this goal meets")


class Action(Model):
    """A step of the plan, with the role and organisation responsible for it."""

    id: LocalId
    domain: Domain
    description: Text
    status: ActivityStatus
    goals: list[LocalId] = Field(default_factory=list)
    responsible_role: Role
    responsible_organisation: OdsCode
    responsible_member: LocalId | None = None
    due: date | None = None


class DoseStrength(Model):
    """How much medicine a unit of volume of a liquid holds (methadone oral solution: 1 mg/mL), so
    that a dose written as a volume is unambiguous (hazard H-09)."""

    value: Decimal = Field(gt=0)
    unit: Text = Field(description="mass per volume in UCUM, e.g. mg/mL")


class DailyDose(Model):
    value: Decimal = Field(gt=0)
    unit: Text = Field(description="UCUM unit, e.g. mg or mL")
    strength: DoseStrength | None = Field(
        default=None, description="For a dose given as a volume: the strength of the liquid"
    )


class Prescribing(Model):
    """Current prescribing within an intervention (continuity of opioid substitution at release)."""

    medicine: Text
    daily_dose: DailyDose
    last_dose_at: AwareDatetime | None = None
    prescriber: LocalId | None = None
    supervised_consumption: bool | None = None
    dispensing_pharmacy: OdsCode | None = None


class Intervention(Model):
    id: LocalId
    tier: Tier
    modality: Modality
    provider: OdsCode
    status: ActivityStatus
    description: Text | None = None
    referred_on: date | None = None
    start: date | None = None
    end: date | None = None
    keyworker: LocalId | None = None
    goals: list[LocalId] = Field(default_factory=list)
    prescribing: Prescribing | None = None


class RiskAssessment(Model):
    assessed_on: date
    level: RiskLevel
    areas: list[RiskArea] = Field(default_factory=list)
    summary: Text
    significant_immediate_risk: bool = False
    overdose_risk_on_release: RiskLevel | None = None


class ChildProtectionConcern(Model):
    raised_on: date
    summary: Text
    in_risk_management_plan: bool
    forum_attended_by: LocalId | None = None


class ExternalCoordination(Model):
    """Care co-ordinated with, or by, another agency (seed 000, 5.3.7; seed 003)."""

    cpa_level: CpaLevel | None = None
    drr: DrrKind | None = None
    drr_start: date | None = None
    drr_end: date | None = None
    community_care_funded: bool = False
    care_manager_criteria: CareManagerCriteria | None = Field(
        default=None, description="The three limbs of seed 003's criteria for care manager involvement"
    )
    dip_client: bool = False
    note: Text | None = None


class Custody(Model):
    """A client in prison: where, since when, and the release that continuity of care turns on
    (seed 002, 5.3.4: CARATs refer to the single point of contact of the CJIT of the release area)."""

    prison: OdsCode
    reception_date: date
    release_date: date | None = None
    release_area: Text | None = Field(
        default=None, description="The local authority area the client is released to"
    )
    receiving_cjit: OdsCode | None = None
    first_community_appointment: AwareDatetime | None = None


class CoordinationAgreement(Model):
    """Who was agreed to co-ordinate care, when and why (seed 003: "a decision needs to be taken
    between the relevant treatment co-ordinators/key workers"; "unless alternative arrangements are
    agreed")."""

    decided_on: date
    coordinator: LocalId
    reason: Text
    alternative_arrangement: bool = False
    decided_by: list[LocalId] = Field(
        default_factory=list,
        description="The keyworkers / treatment co-ordinators who took the decision (seed 003)",
    )


class TopOutcome(Model):
    """The Treatment Outcomes Profile (NTA TOP, 2007, as the NDTMS adult data set records it) completed
    at a review (seed 003: at comprehensive assessment, every three months, at discharge), with its
    stage. Section 1 substance use: days used in the last 28 and, where the TOP asks it, the average
    amount on a using day (alcohol in units; opiates, crack, cocaine and amphetamines in grams;
    cannabis in joints). Section 2 injecting: days injected and whether with a needle or syringe, or a
    spoon, water or filter, used by someone else. Section 3 crime: days of shoplifting and of selling
    drugs, and whether any theft from or of a vehicle, other property theft or burglary, fraud,
    forgery or handling stolen goods, or assault or violence. Section 4 health and social
    functioning: the client's own ratings, days of paid work and of education, and housing."""

    stage: TopStage | None = Field(default=None, description="None: the source did not say the stage")
    alcohol_days: DaysInLast28 | None = None
    alcohol_units_per_drinking_day: Amount | None = None
    opiates_days: DaysInLast28 | None = None
    opiates_grams_per_day: Amount | None = None
    crack_days: DaysInLast28 | None = None
    crack_grams_per_day: Amount | None = None
    cocaine_days: DaysInLast28 | None = None
    cocaine_grams_per_day: Amount | None = None
    amphetamines_days: DaysInLast28 | None = None
    amphetamines_grams_per_day: Amount | None = None
    cannabis_days: DaysInLast28 | None = None
    cannabis_joints_per_day: Amount | None = None
    other_drug_days: DaysInLast28 | None = None
    injecting_days: DaysInLast28
    shared_needle_or_syringe: bool | None = None
    shared_spoon_water_or_filter: bool | None = None
    shoplifting_days: DaysInLast28 | None = None
    selling_drugs_days: DaysInLast28 | None = None
    theft_from_or_of_vehicle: bool | None = None
    other_property_theft_or_burglary: bool | None = None
    fraud_forgery_or_handling_stolen_goods: bool | None = None
    assault_or_violence: bool | None = None
    psychological_health: TopScore
    paid_work_days: DaysInLast28 | None = None
    education_days: DaysInLast28 | None = None
    physical_health: TopScore
    quality_of_life: TopScore
    acute_housing_problem: bool
    at_risk_of_eviction: bool


class Review(Model):
    """A care-plan review (seed 003: TOP at assessment, every three months, at discharge)."""

    date: date
    top_completed: bool
    top: TopOutcome | None = None
    outcome: Text
    changes_agreed: Text | None = None
    reviewer: LocalId | None = None


class Engagement(Model):
    """A client dropping out of treatment or being re-engaged."""

    date: date
    event: EngagementEvent
    note: Text | None = None
    re_engagement_action: Text | None = None


class ConsentToShare(Model):
    """The client's decision about sharing information with named organisations for named purposes:
    a consent (``decision`` permit) or a refusal (deny). A refusal in force outweighs any consent for
    the same organisation and purpose. A withdrawal makes the consent inactive and ends it that day."""

    id: LocalId
    status: ConsentStatus
    decision: ConsentDecision = ConsentDecision.PERMIT
    organisations: list[OdsCode] = Field(min_length=1)
    purposes: list[ConsentPurpose] = Field(min_length=1)
    start: date
    end: date | None = None
    signed_on: date | None = None
    recorded_by: LocalId | None = None

    def in_force(self, day: date) -> bool:
        """Active, and ``day`` within its start and end: the one test of a consent (or a refusal) in
        force, which the handover's consent rule and the paper copy both ask."""
        return (
            self.status is ConsentStatus.ACTIVE
            and self.start <= day
            and (self.end is None or day <= self.end)
        )


class Closure(Model):
    """Closure or transfer of care co-ordination, with the evidence on file (seed 003)."""

    kind: ClosureKind
    reason: ClosureReason
    date: date
    destination: OdsCode | None = None
    evidence_on_file: bool
    note: Text | None = None
    follow_up: PostDischargeFollowUp | None = Field(
        default=None, description="The early follow-up after discharge (seed 003, role 11)"
    )


class ImportReview(Model):
    """The marker of a plan imported from a system that is not ours: it did not say everything this
    record needs, so what it lacked is "not stated" (or inferred from its own codes) and a person must
    review each finding before relying on the plan. A handover of the plan says so."""

    source: Text | None = Field(default=None, description="Where the plan came from (a file, a sender)")
    findings: list[Text] = Field(min_length=1, description="What a person must review, one line each")


class CarePlan(Model):
    """The written care plan agreed with the client (seed 001, 5.3.2)."""

    id: LocalId
    kind: PlanKind
    status: PlanStatus
    title: Text | None = None
    phases: list[Phase] = Field(default_factory=list)
    tier: Tier
    created: date | None = Field(
        default=None, description="None only in a plan imported for review whose source did not say"
    )
    start: date | None = Field(
        default=None, description="None only in a plan imported for review whose source did not say"
    )
    end: date | None = None
    agreement: Agreement = Field(default_factory=Agreement)
    next_review_due: date | None = None
    author: LocalId | None = None
    assessments: list[DomainAssessment] = Field(default_factory=list)
    substance_use: list[SubstanceUse] = Field(default_factory=list)
    needs: list[Need] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    interventions: list[Intervention] = Field(default_factory=list)
    risk: RiskAssessment | None = None
    risk_management_plan: Text | None = None
    complex_needs: bool = False
    contingency_plan: Text | None = None
    crisis_plan: Text | None = None
    child_protection: ChildProtectionConcern | None = None
    external_coordination: ExternalCoordination | None = None
    coordination_agreement: CoordinationAgreement | None = None
    custody: Custody | None = None
    waiting_duty_of_care: list[WaitingDutyOfCare] = Field(
        default_factory=list, description="While waiting for tier 3: who owes the duty of care (seed 003)"
    )
    circumstances: SocialCircumstances | None = None
    pregnancy: Pregnancy | None = None
    injecting: Injecting | None = None
    blood_borne_viruses: BloodBorneViruses | None = None
    reviews: list[Review] = Field(default_factory=list)
    engagement: list[Engagement] = Field(default_factory=list)
    closure: Closure | None = None
    notes: list[Text] = Field(default_factory=list)
    contacts: list[KeyworkerContact] = Field(default_factory=list)
    offender_management: OffenderManagement | None = None
    diagnoses: list[MentalHealthDiagnosis] = Field(default_factory=list)
    psychiatric_medication: list[PsychiatricMedication] = Field(default_factory=list)
    mental_health_act: MentalHealthAct | None = None
    import_review: ImportReview | None = None


class ClientRecord(Model):
    """Everything one service holds about one client's care plan: the unit that moves between systems."""

    service_user: ServiceUser
    organisations: list[Organisation] = Field(min_length=1)
    care_team: list[CareTeamMember] = Field(default_factory=list)
    episode: TreatmentEpisode | None = None
    consents: list[ConsentToShare] = Field(default_factory=list)
    plan: CarePlan
    recorded_at: AwareDatetime | None = Field(
        default=None, description="When the holding system last recorded this plan (for Provenance)"
    )

    @model_validator(mode="after")
    def _rules(self) -> ClientRecord:
        from adapter.model.rules import raise_if_impossible

        raise_if_impossible(self)
        return self
