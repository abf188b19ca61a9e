"""The guidance's vocabularies as code enums.

Each enum here is one CodeSystem of our implementation guide (ig/input/fsh/codesystems.fsh), whose
canonical URL is ``CODE_SYSTEM_BASE + <name>`` with the name in :data:`CODE_SYSTEMS`; the codes are
the same strings. Statuses that FHIR already defines use FHIR's own codes (noted per enum).
Sources: seed 001 (5.3.2, four domains), seed 004 (3.9.2, treatment journey), seed 002 (5.3.4,
keyworker, shared care, CJIT, CARAT), seed 000 (5.3.5-5.3.7, phases, DIR, CPA, DRR), seed 003
(co-ordination protocol, care manager criteria, closures and transfers).
"""

from __future__ import annotations

from enum import StrEnum

from adapter.model.circumstance_codes import CIRCUMSTANCE_CODE_SYSTEMS, EXTERNAL_CODE_SYSTEMS
from adapter.model.coordination import CareManagerLimb
from adapter.model.system_codes import (
    ContactAttendance,
    ContactKind,
    DirForm,
    MentalHealthActStatus,
    RoshLevel,
    SentenceRequirement,
)
from adapter.model.top import TopStage

CANONICAL_BASE = "https://fhir.careplan-adapter.org"
CODE_SYSTEM_BASE = f"{CANONICAL_BASE}/CodeSystem/"
NOT_STATED = "not-stated"
"""The code a plan imported from another system carries where it did not say what our model needs
(kind, tier, modality, organisation kind, role, domain): explicit, never a guess, and always with a
review finding (see :class:`adapter.model.record.ImportReview`)."""


class Domain(StrEnum):
    """The four key domains of a care plan (seed 001, 5.3.2)."""

    DRUG_AND_ALCOHOL_MISUSE = "drug-alcohol-misuse"
    HEALTH = "health"
    OFFENDING = "offending"
    SOCIAL_FUNCTIONING = "social-functioning"
    NOT_STATED = "not-stated"


KEY_DOMAINS: tuple[Domain, ...] = (
    Domain.DRUG_AND_ALCOHOL_MISUSE,
    Domain.HEALTH,
    Domain.OFFENDING,
    Domain.SOCIAL_FUNCTIONING,
)
"""The four key domains every plan covers (``not-stated`` is no domain to cover)."""


class DomainArea(StrEnum):
    """The named parts of a domain: health (physical, psychological); social functioning (housing,
    employment, education). Same CodeSystem as :class:`Domain`, as child concepts."""

    PHYSICAL_HEALTH = "physical-health"
    PSYCHOLOGICAL_HEALTH = "psychological-health"
    HOUSING = "housing"
    EMPLOYMENT = "employment"
    EDUCATION = "education"


DOMAIN_OF_AREA: dict[DomainArea, Domain] = {
    DomainArea.PHYSICAL_HEALTH: Domain.HEALTH,
    DomainArea.PSYCHOLOGICAL_HEALTH: Domain.HEALTH,
    DomainArea.HOUSING: Domain.SOCIAL_FUNCTIONING,
    DomainArea.EMPLOYMENT: Domain.SOCIAL_FUNCTIONING,
    DomainArea.EDUCATION: Domain.SOCIAL_FUNCTIONING,
}


class PlanKind(StrEnum):
    """Initial care plan after triage, comprehensive care plan, aftercare plan at discharge."""

    INITIAL = "initial"
    COMPREHENSIVE = "comprehensive"
    AFTERCARE = "aftercare"
    NOT_STATED = "not-stated"


class PlanStatus(StrEnum):
    """FHIR CarePlan.status (request-status)."""

    DRAFT = "draft"
    ACTIVE = "active"
    ON_HOLD = "on-hold"
    REVOKED = "revoked"
    COMPLETED = "completed"
    ENTERED_IN_ERROR = "entered-in-error"
    UNKNOWN = "unknown"


class Phase(StrEnum):
    """Components of the treatment journey (seed 004, 3.9.2); overlapping, not linear.
    Maintenance is part of delivery ("treatment delivery (including maintenance)")."""

    ENGAGEMENT = "engagement"
    DELIVERY = "delivery"
    MAINTENANCE = "maintenance"
    COMMUNITY_INTEGRATION = "community-integration"
    COMPLETION = "completion"


class Tier(StrEnum):
    """The four tiers of the local drug treatment system (seed 003)."""

    TIER_1 = "tier-1"
    TIER_2 = "tier-2"
    TIER_3 = "tier-3"
    TIER_4 = "tier-4"
    NOT_STATED = "not-stated"


class Role(StrEnum):
    """Roles in co-ordinating and delivering a client's care (seeds 002, 000, 003)."""

    KEYWORKER = "keyworker"
    CARE_COORDINATOR = "care-coordinator"
    CARE_MANAGER = "care-manager"
    TREATMENT_COORDINATOR = "treatment-coordinator"
    GP_PRESCRIBER = "gp-prescriber"
    SHARED_CARE_WORKER = "shared-care-worker"
    CJIT_WORKER = "cjit-worker"
    CARAT_WORKER = "carat-worker"
    DIP_WORKER = "dip-worker"
    PROBATION_OFFENDER_MANAGER = "probation-offender-manager"
    CMHT_CARE_COORDINATOR = "cmht-care-coordinator"
    COMMUNITY_CARE_MANAGER = "community-care-manager"
    PRESCRIBER = "prescriber"
    SOCIAL_WORKER = "social-worker"
    RECOVERY_WORKER = "recovery-worker"
    NOT_STATED = "not-stated"


class OrganisationKind(StrEnum):
    """The kinds of service that share a client."""

    CJIT = "cjit"
    CARAT_TEAM = "carat-team"
    PRISON_HEALTHCARE = "prison-healthcare"
    GP_PRACTICE = "gp-practice"
    CMHT = "cmht"
    PROBATION = "probation"
    TREATMENT_PROVIDER = "treatment-provider"
    RESIDENTIAL_REHABILITATION = "residential-rehabilitation"
    LOCAL_AUTHORITY = "local-authority"
    POLICE_CUSTODY = "police-custody"
    COURT = "court"
    PHARMACY = "pharmacy"
    RECOVERY_SERVICE = "recovery-service"
    CHILDRENS_SOCIAL_CARE = "childrens-social-care"
    NOT_STATED = "not-stated"


class Modality(StrEnum):
    """Treatment intervention modalities."""

    OPIOID_SUBSTITUTION = "opioid-substitution"
    OTHER_PRESCRIBING = "other-prescribing"
    PSYCHOSOCIAL = "psychosocial"
    HARM_REDUCTION = "harm-reduction"
    COMMUNITY_DETOXIFICATION = "community-detoxification"
    INPATIENT_DETOXIFICATION = "inpatient-detoxification"
    RESIDENTIAL_REHABILITATION = "residential-rehabilitation"
    STRUCTURED_DAY_PROGRAMME = "structured-day-programme"
    RELAPSE_PREVENTION = "relapse-prevention"
    BRIEF_INTERVENTION = "brief-intervention"
    NOT_STATED = "not-stated"


class ActivityStatus(StrEnum):
    """FHIR CarePlan.activity.detail.status (care-plan-activity-status)."""

    NOT_STARTED = "not-started"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in-progress"
    ON_HOLD = "on-hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    STOPPED = "stopped"
    UNKNOWN = "unknown"


class GoalStatus(StrEnum):
    """FHIR Goal.lifecycleStatus (goal-status)."""

    PROPOSED = "proposed"
    PLANNED = "planned"
    ACCEPTED = "accepted"
    ACTIVE = "active"
    ON_HOLD = "on-hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class GoalProgress(StrEnum):
    """FHIR Goal.achievementStatus (terminology.hl7.org goal-achievement)."""

    IN_PROGRESS = "in-progress"
    IMPROVING = "improving"
    WORSENING = "worsening"
    NO_CHANGE = "no-change"
    ACHIEVED = "achieved"
    SUSTAINING = "sustaining"
    NOT_ACHIEVED = "not-achieved"
    NO_PROGRESS = "no-progress"
    NOT_ATTAINABLE = "not-attainable"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class RiskArea(StrEnum):
    """What a risk assessment covers."""

    OVERDOSE = "overdose"
    SELF_HARM = "self-harm"
    SUICIDE = "suicide"
    HARM_TO_OTHERS = "harm-to-others"
    BLOOD_BORNE_VIRUS = "blood-borne-virus"
    CHILD_SAFEGUARDING = "child-safeguarding"
    DOMESTIC_ABUSE = "domestic-abuse"
    DISENGAGEMENT = "disengagement"


class CpaLevel(StrEnum):
    """Care Programme Approach level (seed 000, 5.3.7; seed 003)."""

    STANDARD = "standard"
    ENHANCED = "enhanced"


class DrrKind(StrEnum):
    """Drug Rehabilitation Requirement of a community order: community or residential (seed 003)."""

    COMMUNITY = "community"
    RESIDENTIAL = "residential"


class ConsentPurpose(StrEnum):
    """Why information may be shared (seed 002, 5.3.4: prison to CJIT only with consent)."""

    CONTINUITY_OF_CARE = "continuity-of-care"
    REFERRAL_TO_TREATMENT = "referral-to-treatment"
    SHARED_CARE = "shared-care"
    CPA_COORDINATION = "cpa-coordination"
    OFFENDER_MANAGEMENT = "offender-management"
    AFTERCARE = "aftercare"
    SAFEGUARDING = "safeguarding"


class ConsentDecision(StrEnum):
    """What the client decided: share (permit) or do not share (deny). FHIR Consent.provision.type
    (consent-provision-type). A refusal is kept as a refusal, never dropped or read as a permission
    (hazard H-12)."""

    PERMIT = "permit"
    DENY = "deny"


class ConsentStatus(StrEnum):
    """FHIR Consent.status (consent-state-codes)."""

    DRAFT = "draft"
    PROPOSED = "proposed"
    ACTIVE = "active"
    REJECTED = "rejected"
    INACTIVE = "inactive"


class EpisodeStatus(StrEnum):
    """FHIR EpisodeOfCare.status (episode-of-care-status)."""

    PLANNED = "planned"
    WAITLIST = "waitlist"
    ACTIVE = "active"
    ONHOLD = "onhold"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class EngagementEvent(StrEnum):
    """A client dropping out of treatment or being re-engaged (seed 003 aims; seed 002 CJIT)."""

    DROPPED_OUT = "dropped-out"
    RE_ENGAGED = "re-engaged"


class ClosureKind(StrEnum):
    """Closure of care co-ordination, or its transfer (seed 003, closures and transfers)."""

    CLOSURE = "closure"
    TRANSFER = "transfer"


class ClosureReason(StrEnum):
    TREATMENT_COMPLETED = "treatment-completed"
    TRANSFERRED_TO_PROVIDER = "transferred-to-provider"
    TRANSFERRED_TO_SHARED_CARE = "transferred-to-shared-care"
    TRANSFERRED_BETWEEN_PRISONS = "transferred-between-prisons"
    RELEASED_FROM_PRISON = "released-from-prison"
    TAKEN_INTO_CUSTODY = "taken-into-custody"
    DROPPED_OUT = "dropped-out"
    DECLINED_TREATMENT = "declined-treatment"
    MOVED_AWAY = "moved-away"
    DIED = "died"


class Substance(StrEnum):
    """A substance the client uses, as the DIR and TOP record drug use (seed 000, 5.3.6; seed 003)."""

    HEROIN = "heroin"
    METHADONE_ILLICIT = "methadone-illicit"
    BUPRENORPHINE_ILLICIT = "buprenorphine-illicit"
    OTHER_OPIOIDS = "other-opioids"
    CRACK_COCAINE = "crack-cocaine"
    COCAINE_POWDER = "cocaine-powder"
    AMPHETAMINES = "amphetamines"
    CANNABIS = "cannabis"
    BENZODIAZEPINES = "benzodiazepines"
    ALCOHOL = "alcohol"
    NEW_PSYCHOACTIVE_SUBSTANCES = "new-psychoactive-substances"
    OTHER = "other"


class RouteOfUse(StrEnum):
    """How a substance is taken."""

    INJECTING = "injecting"
    SMOKING = "smoking"
    ORAL = "oral"
    SNORTING = "snorting"
    OTHER = "other"


class ReferralSetting(StrEnum):
    """Where a criminal justice referral into treatment came from (seed 002, 5.3.4; seed 000, 5.3.6)."""

    POLICE_CUSTODY = "police-custody"
    COURT = "court"
    PRISON = "prison"
    PROBATION = "probation"
    SELF_REFERRAL = "self-referral"
    OTHER = "other"


class DrugTestResult(StrEnum):
    """The result of a drug test on arrest or charge (opiates and cocaine, seed 000, 5.3.6)."""

    POSITIVE_OPIATES = "positive-opiates"
    POSITIVE_COCAINE = "positive-cocaine"
    POSITIVE_BOTH = "positive-both"
    NEGATIVE = "negative"
    NOT_TESTED = "not-tested"


class Gender(StrEnum):
    """FHIR administrative-gender."""

    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    UNKNOWN = "unknown"


CODE_SYSTEMS: dict[type[StrEnum], str] = {
    Domain: "care-plan-domain",
    DomainArea: "care-plan-domain",
    PlanKind: "care-plan-kind",
    Phase: "treatment-phase",
    Tier: "treatment-tier",
    Role: "care-team-role",
    OrganisationKind: "organisation-kind",
    Modality: "intervention-modality",
    RiskLevel: "risk-level",
    RiskArea: "risk-area",
    CpaLevel: "cpa-level",
    DrrKind: "drr-kind",
    ConsentPurpose: "consent-purpose",
    EngagementEvent: "engagement-event",
    ClosureKind: "closure-kind",
    ClosureReason: "closure-reason",
    Substance: "substance",
    RouteOfUse: "route-of-use",
    ReferralSetting: "referral-setting",
    DrugTestResult: "drug-test-result",
    ContactKind: "contact-kind",
    ContactAttendance: "contact-attendance",
    RoshLevel: "risk-of-serious-harm",
    SentenceRequirement: "sentence-requirement",
    MentalHealthActStatus: "mental-health-act-status",
    DirForm: "dir-form",
    TopStage: "top-stage",
    CareManagerLimb: "care-manager-criterion",
}
"""Our own CodeSystems, by enum: the name after ``CODE_SYSTEM_BASE``."""
CODE_SYSTEMS.update(CIRCUMSTANCE_CODE_SYSTEMS)  # the client's own record (circumstance_codes.py)


def code_system_url(enum: type[StrEnum]) -> str:
    """The canonical URL of the CodeSystem that holds ``enum``'s codes: ours (the IG's), or another
    publisher's (``EXTERNAL_CODE_SYSTEMS``: UK Core's ethnic category)."""
    external = EXTERNAL_CODE_SYSTEMS.get(enum)
    return external if external is not None else CODE_SYSTEM_BASE + CODE_SYSTEMS[enum]
