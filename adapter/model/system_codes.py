"""Vocabularies of what the source systems hold beyond the drug plan itself: the keyworker's contact
log (seed 003, role 10), offender management and probation risk (seed 000, 5.3.7; seed 002, 5.3.4),
the CPA client's mental health (seed 000, 5.3.7; seed 003) and the DIR's forms (seed 000, 5.3.6).

Each enum is one CodeSystem of the IG (ig/input/fsh/systems.fsh), registered in
:data:`adapter.model.codes.CODE_SYSTEMS`; each keeps the ``not-stated`` code a plan imported for
review may carry.
"""

from __future__ import annotations

from enum import StrEnum


class ContactKind(StrEnum):
    """How the keyworker kept in touch with the client (seed 003, role 10: "keeping in touch with the
    service user"; seed 000, 5.3.5: keywork sessions through the phases of treatment)."""

    KEYWORK_SESSION = "keywork-session"
    CARE_PLAN_REVIEW = "care-plan-review"
    JOINT_SESSION = "joint-session"
    GROUP_SESSION = "group-session"
    TELEPHONE = "telephone"
    HOME_VISIT = "home-visit"
    LETTER = "letter"
    NOT_STATED = "not-stated"


class ContactAttendance(StrEnum):
    """Whether the client came to an arranged contact (seed 003: drop-out is followed up, role 10)."""

    ATTENDED = "attended"
    DID_NOT_ATTEND = "did-not-attend"
    CANCELLED_BY_CLIENT = "cancelled-by-client"
    CANCELLED_BY_SERVICE = "cancelled-by-service"
    NOT_STATED = "not-stated"


class RoshLevel(StrEnum):
    """Risk of serious harm as probation records it: the four levels of the Offender Assessment System
    (OASys Manual, chapter 8, as revised by Probation Circular 36/2006: "all four harm levels (Low,
    Medium, High and Very High) deal with risk of serious harm"; there is no "no risk")."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very-high"
    NOT_STATED = "not-stated"


class SentenceRequirement(StrEnum):
    """The requirements of a community order or suspended sentence order that the offender manager
    supervises (Criminal Justice Act 2003, section 177(1), the requirements a court may impose; seed
    000, 5.3.7: the Drug Rehabilitation Requirement), and licence conditions on release."""

    DRUG_REHABILITATION = "drug-rehabilitation"
    ALCOHOL_TREATMENT = "alcohol-treatment"
    MENTAL_HEALTH_TREATMENT = "mental-health-treatment"
    SUPERVISION = "supervision"
    UNPAID_WORK = "unpaid-work"
    CURFEW = "curfew"
    RESIDENCE = "residence"
    PROGRAMME = "programme"
    LICENCE_DRUG_TESTING = "licence-drug-testing"
    LICENCE_DRUG_APPOINTMENT = "licence-drug-appointment"
    NOT_STATED = "not-stated"


class MentalHealthActStatus(StrEnum):
    """The client's status under the Mental Health Act 1983 (each code names the Act's section):
    informal, detained for assessment or treatment, a hospital order (with restrictions), a community
    treatment order (section 17A), guardianship, or conditionally discharged (section 42(2))."""

    INFORMAL = "informal"
    SECTION_2 = "section-2"
    SECTION_3 = "section-3"
    SECTION_4 = "section-4"
    SECTION_5_2 = "section-5-2"
    SECTION_5_4 = "section-5-4"
    SECTION_35 = "section-35"
    SECTION_36 = "section-36"
    SECTION_37 = "section-37"
    SECTION_37_41 = "section-37-41"
    SECTION_38 = "section-38"
    SECTION_47 = "section-47"
    SECTION_48 = "section-48"
    SECTION_135 = "section-135"
    SECTION_136 = "section-136"
    COMMUNITY_TREATMENT_ORDER = "community-treatment-order"
    GUARDIANSHIP = "guardianship"
    CONDITIONAL_DISCHARGE = "conditional-discharge"
    NOT_STATED = "not-stated"


class DirForm(StrEnum):
    """The form of the Drug Interventions Record suite a referral was recorded on (Home Office Drug
    Interventions Programme, 2007 DIR background guidance and the 2009 forms: the Drug Interventions
    Record itself, the initial contact form, the required assessment form (CJITs only), the activity
    form, the continuity of care update form; in prisons the DIR is the substance misuse triage
    assessment form)."""

    DRUG_INTERVENTIONS_RECORD = "drug-interventions-record"
    INITIAL_CONTACT = "initial-contact"
    REQUIRED_ASSESSMENT = "required-assessment"
    ACTIVITY = "activity"
    CONTINUITY_OF_CARE_UPDATE = "continuity-of-care-update"
    SUBSTANCE_MISUSE_TRIAGE_ASSESSMENT = "substance-misuse-triage-assessment"
    NOT_STATED = "not-stated"
