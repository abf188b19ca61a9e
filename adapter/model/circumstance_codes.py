"""The vocabularies of the client's own record: who they are and the circumstances the services rely on.

Seed 003 (the care co-ordinator's role 2) asks that "the care plan takes account of the service user's
presenting needs, and their culture, ethnicity, gender and sexuality"; seed 004 (3.9.2) names what
treatment must attend to beyond drugs: hepatitis C, injecting, housing, employment, the children of
service users, and the waiting times the treatment system is assessed on. The categories are those the
National Drug Treatment Monitoring System (NDTMS) collects, in its words; no external code was confirmed
for them, so each is one of our own CodeSystems (``CODE_SYSTEMS`` in :mod:`adapter.model.codes`).

The exception is the ethnic category: the NHS Data Dictionary's ETHNIC CATEGORY codes as UK Core
publishes them, in CodeSystem ``UKCore-EthnicCategoryEngland`` (1.1.1, shipped in ig/input/ukcore with
UK Core's extension that carries it): an external code system (``EXTERNAL_CODE_SYSTEMS``).

Where a client was asked and chose not to say, the code is ``declined`` (NDTMS "client declined to
answer"): an answer, unlike an absent field (not asked, not recorded). These enums have no
``not-stated`` code: every field that holds them is optional, so an imported plan leaves it out.
"""

from __future__ import annotations

from enum import StrEnum


class SexAtBirth(StrEnum):
    """The client's sex registered at birth, distinct from administrative gender (FHIR Patient.gender):
    seed 003 asks the plan to reflect gender, and whether a pregnancy is possible turns on sex."""

    FEMALE = "female"
    MALE = "male"
    INDETERMINATE = "indeterminate"
    DECLINED = "declined"


class EthnicCategory(StrEnum):
    """NHS Data Dictionary ethnic category (UK Core CodeSystem UKCore-EthnicCategoryEngland)."""

    WHITE_BRITISH = "A"
    WHITE_IRISH = "B"
    WHITE_OTHER = "C"
    MIXED_WHITE_AND_BLACK_CARIBBEAN = "D"
    MIXED_WHITE_AND_BLACK_AFRICAN = "E"
    MIXED_WHITE_AND_ASIAN = "F"
    MIXED_OTHER = "G"
    ASIAN_INDIAN = "H"
    ASIAN_PAKISTANI = "J"
    ASIAN_BANGLADESHI = "K"
    ASIAN_OTHER = "L"
    BLACK_CARIBBEAN = "M"
    BLACK_AFRICAN = "N"
    BLACK_OTHER = "P"
    CHINESE = "R"
    OTHER = "S"
    NOT_STATED = "Z"
    NOT_KNOWN = "99"


ETHNIC_CATEGORY_DISPLAY: dict[EthnicCategory, str] = {
    EthnicCategory.WHITE_BRITISH: "White - British",
    EthnicCategory.WHITE_IRISH: "White - Irish",
    EthnicCategory.WHITE_OTHER: "White - Any other White background",
    EthnicCategory.MIXED_WHITE_AND_BLACK_CARIBBEAN: "Mixed - White and Black Caribbean",
    EthnicCategory.MIXED_WHITE_AND_BLACK_AFRICAN: "Mixed - White and Black African",
    EthnicCategory.MIXED_WHITE_AND_ASIAN: "Mixed - White and Asian",
    EthnicCategory.MIXED_OTHER: "Mixed - Any other mixed background",
    EthnicCategory.ASIAN_INDIAN: "Asian or Asian British - Indian",
    EthnicCategory.ASIAN_PAKISTANI: "Asian or Asian British - Pakistani",
    EthnicCategory.ASIAN_BANGLADESHI: "Asian or Asian British - Bangladeshi",
    EthnicCategory.ASIAN_OTHER: "Asian or Asian British - Any other Asian background",
    EthnicCategory.BLACK_CARIBBEAN: "Black or Black British - Caribbean",
    EthnicCategory.BLACK_AFRICAN: "Black or Black British - African",
    EthnicCategory.BLACK_OTHER: "Black or Black British - Any other Black background",
    EthnicCategory.CHINESE: "Other Ethnic Groups - Chinese",
    EthnicCategory.OTHER: "Other Ethnic Groups - Any other ethnic group",
    EthnicCategory.NOT_STATED: "Not stated",
    EthnicCategory.NOT_KNOWN: "Not known",
}
"""The displays of UK Core's CodeSystem UKCore-EthnicCategoryEngland (ig/input/ukcore; a test holds them
equal), for narrative."""


class SexualOrientation(StrEnum):
    """The client's sexual orientation as they state it (seed 003, role 2: "sexuality")."""

    HETEROSEXUAL = "heterosexual"
    GAY_OR_LESBIAN = "gay-or-lesbian"
    BISEXUAL = "bisexual"
    OTHER = "other"
    NOT_SURE = "not-sure"
    DECLINED = "declined"


class Religion(StrEnum):
    """The client's religion or belief, part of the culture the plan takes account of (seed 003, role 2)."""

    NO_RELIGION = "no-religion"
    BUDDHIST = "buddhist"
    CHRISTIAN = "christian"
    HINDU = "hindu"
    JEWISH = "jewish"
    MUSLIM = "muslim"
    SIKH = "sikh"
    OTHER = "other"
    DECLINED = "declined"


class Disability(StrEnum):
    """A disability the client has, as the NDTMS records it (one code each; ``none`` or ``declined``
    stand alone)."""

    BEHAVIOUR_AND_EMOTIONAL = "behaviour-and-emotional"
    HEARING = "hearing"
    MANUAL_DEXTERITY = "manual-dexterity"
    LEARNING_AND_UNDERSTANDING = "learning-and-understanding"
    MOBILITY = "mobility"
    PERCEPTION_OF_DANGER = "perception-of-danger"
    PERSONAL_CARE = "personal-care"
    PROGRESSIVE_PHYSICAL = "progressive-physical"
    SIGHT = "sight"
    SPEECH = "speech"
    OTHER = "other"
    NONE = "none"
    DECLINED = "declined"


class AccommodationStatus(StrEnum):
    """The client's housing, as the NDTMS asks it (accommodation need): no fixed abode is an urgent
    housing problem (seed 004, 3.9.2: improving housing status)."""

    NO_HOUSING_PROBLEM = "no-housing-problem"
    HOUSING_PROBLEM = "housing-problem"
    NO_FIXED_ABODE = "no-fixed-abode"
    DECLINED = "declined"


class EmploymentStatus(StrEnum):
    """The client's employment status (seed 001, 5.3.2: social functioning includes employment)."""

    REGULAR_EMPLOYMENT = "regular-employment"
    STUDENT = "student"
    LONG_TERM_SICK_OR_DISABLED = "long-term-sick-or-disabled"
    LOOKING_AFTER_HOME = "looking-after-home"
    UNEMPLOYED_SEEKING_WORK = "unemployed-seeking-work"
    NOT_SEEKING_WORK = "not-seeking-work"
    VOLUNTARY_WORK = "voluntary-work"
    RETIRED = "retired"
    OTHER = "other"
    DECLINED = "declined"


class ChildrenLivingWithClient(StrEnum):
    """Whether the client's children under 18 live with them (seed 004, 3.9.2: the children of
    service users; seed 003: child protection)."""

    ALL = "all"
    SOME = "some"
    NONE = "none"
    NOT_A_PARENT = "not-a-parent"
    DECLINED = "declined"


class InjectingStatus(StrEnum):
    """Never, previously or currently injecting (NDTMS injecting status)."""

    NEVER = "never"
    PREVIOUSLY = "previously"
    CURRENTLY = "currently"
    DECLINED = "declined"


class HepatitisBVaccination(StrEnum):
    """Where the client stands on hepatitis B vaccination."""

    NOT_OFFERED = "not-offered"
    OFFERED_AND_REFUSED = "offered-and-refused"
    NOT_APPROPRIATE = "not-appropriate"
    ALREADY_IMMUNE = "already-immune"
    COURSE_STARTED = "course-started"
    COURSE_COMPLETED = "course-completed"


class VirusTesting(StrEnum):
    """Whether the client was tested for a blood-borne virus (hepatitis C, HIV)."""

    NOT_OFFERED = "not-offered"
    OFFERED_AND_REFUSED = "offered-and-refused"
    NOT_APPROPRIATE = "not-appropriate"
    TESTED = "tested"


class VirusTestResult(StrEnum):
    """The result of a blood-borne virus test; ``awaited`` until it comes back."""

    NEGATIVE = "negative"
    POSITIVE = "positive"
    AWAITED = "awaited"


CIRCUMSTANCE_CODE_SYSTEMS: dict[type[StrEnum], str] = {
    SexAtBirth: "sex-at-birth",
    SexualOrientation: "sexual-orientation",
    Religion: "religion",
    Disability: "disability",
    AccommodationStatus: "accommodation-status",
    EmploymentStatus: "employment-status",
    ChildrenLivingWithClient: "children-living-with-client",
    InjectingStatus: "injecting-status",
    HepatitisBVaccination: "hepatitis-b-vaccination",
    VirusTesting: "virus-testing",
    VirusTestResult: "virus-test-result",
}
"""Our own CodeSystems for these enums: the name after ``CODE_SYSTEM_BASE``."""

UK_CORE_ETHNIC_CATEGORY = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland"
EXTERNAL_CODE_SYSTEMS: dict[type[StrEnum], str] = {EthnicCategory: UK_CORE_ETHNIC_CATEGORY}
"""Enums whose codes are another publisher's: the CodeSystem's canonical URL."""

LANGUAGE_SYSTEM = "urn:ietf:bcp:47"
"""BCP 47 language tags: the system of FHIR R4's all-languages ValueSet, to which UK Core binds
Patient.communication.language (shared/ukcore, UKCore-Patient)."""
