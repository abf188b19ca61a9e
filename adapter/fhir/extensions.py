"""Our extensions as one table that both directions read: which canonical field each (sub-)extension
carries, with what value type. The writer (to_fhir) and the reader (from_fhir) walk the same rows,
so an extension cannot be written one way and read another. Ids and sub-extension names are those
of docs/fhir-mapping.md; rows are in its order, which is the order they are written in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal

from adapter.model.circumstance_codes import (
    AccommodationStatus,
    ChildrenLivingWithClient,
    Disability,
    EmploymentStatus,
    HepatitisBVaccination,
    InjectingStatus,
    Religion,
    SexAtBirth,
    SexualOrientation,
    VirusTesting,
    VirusTestResult,
)
from adapter.model.codes import (
    ClosureKind,
    ClosureReason,
    CpaLevel,
    Domain,
    DrrKind,
    DrugTestResult,
    EngagementEvent,
    Modality,
    Phase,
    PlanKind,
    ReferralSetting,
    RiskArea,
    RiskLevel,
    RouteOfUse,
    Substance,
    Tier,
)
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

Kind = Literal[
    "date", "datetime", "string", "boolean", "integer", "decimal", "code", "member", "organisation", "period"
]

VALUE_KEYS: Final[dict[Kind, str]] = {
    "date": "valueDate",
    "datetime": "valueDateTime",
    "string": "valueString",
    "boolean": "valueBoolean",
    "integer": "valueInteger",
    "decimal": "valueDecimal",
    "code": "valueCoding",
    "member": "valueReference",
    "organisation": "valueReference",
    "period": "valuePeriod",
}
"""The value[x] each kind of value is written as. A member is a Reference(PractitionerRole)."""


@dataclass(frozen=True, slots=True)
class Part:
    """One value: the (sub-)extension ``name``, the canonical ``field``, its kind; a ``code`` names its
    CodeSystem by ``enum``; a ``period`` spreads over ``field`` and ``end_field``; ``repeats`` for a
    list field written as one (sub-)extension per item."""

    name: str
    field: str
    kind: Kind
    enum: type[StrEnum] | None = None
    end_field: str | None = None
    repeats: bool = False

    @property
    def value_key(self) -> str:
        return VALUE_KEYS[self.kind]


@dataclass(frozen=True, slots=True)
class Complex:
    """A complex extension ``name`` holding the canonical object in ``field`` (a list if ``repeats``).
    A part may itself be a Complex: a separate complex extension (its own url) nested inside this one."""

    name: str
    field: str
    parts: tuple[Part | Complex, ...]
    repeats: bool = False


TOP_OUTCOME: Final = Complex(
    "top-outcome",
    "top",
    (
        Part("stage", "stage", "code", TopStage),
        Part("alcoholDays", "alcohol_days", "integer"),
        Part("alcoholUnitsPerDrinkingDay", "alcohol_units_per_drinking_day", "decimal"),
        Part("opiatesDays", "opiates_days", "integer"),
        Part("opiatesGramsPerDay", "opiates_grams_per_day", "decimal"),
        Part("crackDays", "crack_days", "integer"),
        Part("crackGramsPerDay", "crack_grams_per_day", "decimal"),
        Part("cocaineDays", "cocaine_days", "integer"),
        Part("cocaineGramsPerDay", "cocaine_grams_per_day", "decimal"),
        Part("amphetaminesDays", "amphetamines_days", "integer"),
        Part("amphetaminesGramsPerDay", "amphetamines_grams_per_day", "decimal"),
        Part("cannabisDays", "cannabis_days", "integer"),
        Part("cannabisJointsPerDay", "cannabis_joints_per_day", "decimal"),
        Part("otherDrugDays", "other_drug_days", "integer"),
        Part("injectingDays", "injecting_days", "integer"),
        Part("sharedNeedleOrSyringe", "shared_needle_or_syringe", "boolean"),
        Part("sharedSpoonWaterOrFilter", "shared_spoon_water_or_filter", "boolean"),
        Part("shopliftingDays", "shoplifting_days", "integer"),
        Part("sellingDrugsDays", "selling_drugs_days", "integer"),
        Part("theftFromOrOfVehicle", "theft_from_or_of_vehicle", "boolean"),
        Part("otherPropertyTheftOrBurglary", "other_property_theft_or_burglary", "boolean"),
        Part("fraudForgeryOrHandling", "fraud_forgery_or_handling_stolen_goods", "boolean"),
        Part("assaultOrViolence", "assault_or_violence", "boolean"),
        Part("psychologicalHealth", "psychological_health", "integer"),
        Part("paidWorkDays", "paid_work_days", "integer"),
        Part("educationDays", "education_days", "integer"),
        Part("physicalHealth", "physical_health", "integer"),
        Part("qualityOfLife", "quality_of_life", "integer"),
        Part("acuteHousingProblem", "acute_housing_problem", "boolean"),
        Part("atRiskOfEviction", "at_risk_of_eviction", "boolean"),
    ),
)
"""The Treatment Outcomes Profile of one review: nested inside ``care-plan-review`` (its own url)."""

CARE_MANAGER_CRITERIA: Final = Complex(
    "care-manager-criteria",
    "care_manager_criteria",
    (
        Part("assessed", "assessed_on", "date"),
        Complex(
            "care-manager-criterion",
            "limbs",
            (
                Part("limb", "limb", "code", CareManagerLimb),
                Part("met", "met", "boolean"),
                Part("evidence", "evidence", "string"),
            ),
            repeats=True,
        ),
    ),
)
"""Seed 003's criteria for care manager involvement, limb by limb: nested in ``external-coordination``."""


VIRUS_TEST: Final[tuple[Part | Complex, ...]] = (
    Part("testing", "status", "code", VirusTesting),
    Part("date", "on", "date"),
    Part("result", "result", "code", VirusTestResult),
    Part("note", "note", "string"),
)
"""The parts of a blood-borne virus test (hepatitis-c-test, hiv-test), each nested in
``blood-borne-virus-status``."""

INTERPRETER_REQUIRED: Final = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
"""R4 core extension on Patient (valueBoolean) that UK Core's Patient profile slices in: whether the
client needs an interpreter. Not ours, so not a row of the table; people.py and parties.py use it."""

UK_CORE_ETHNIC_CATEGORY_EXTENSION: Final = (
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory"
)
"""UK Core's ethnic category extension (UK Core 2.3.0, its definitions shipped in ig/input/ukcore:
context Patient, valueCodeableConcept bound extensibly to UKCore-EthnicCategory, the England and Wales
code systems). The client's ethnic category is written and read in it, with the England coding (the
NHS Data Dictionary codes, ``EthnicCategory``). Not ours, so not a row of the table; people.py and
parties.py use it (docs/fhir-mapping.md)."""

PATIENT_EXTENSIONS: Final[tuple[Part | Complex, ...]] = (
    Part("sex-at-birth", "sex_at_birth", "code", SexAtBirth),
    Part("sexual-orientation", "sexual_orientation", "code", SexualOrientation),
    Part("religion", "religion", "code", Religion),
    Part("disability", "disabilities", "code", Disability, repeats=True),
)
"""Patient.extension from the table (the first language is Patient.communication, the interpreter
R4's core patient-interpreterRequired and the ethnic category UK Core's extension: written by hand)."""

PLAN_EXTENSIONS: Final[tuple[Part | Complex, ...]] = (
    Part("care-plan-kind", "kind", "code", PlanKind),
    Part("treatment-phase", "phases", "code", Phase, repeats=True),
    Part("treatment-tier", "tier", "code", Tier),
    Complex(
        "service-user-agreement",
        "agreement",
        (
            Part("agreed", "agreed_on", "date"),
            Part("signedByServiceUser", "signed_by_service_user", "boolean"),
            Part("serviceUserSigned", "service_user_signed_on", "date"),
            Part("signedByKeyworker", "signed_by_keyworker", "boolean"),
            Part("keyworkerSigned", "keyworker_signed_on", "date"),
        ),
    ),
    Part("next-review-due", "next_review_due", "date"),
    Complex(
        "domain-assessment",
        "assessments",
        (
            Part("domain", "domain", "code", Domain),
            Part("assessed", "assessed_on", "date"),
            Part("summary", "summary", "string"),
        ),
        repeats=True,
    ),
    Complex(
        "substance-use",
        "substance_use",
        (
            Part("substance", "substance", "code", Substance),
            Part("rank", "rank", "integer"),
            Part("route", "route", "code", RouteOfUse),
            Part("daysUsedLast28", "days_used_last_28", "integer"),
            Part("ageFirstUsed", "age_first_used", "integer"),
            Part("injectedEver", "injected_ever", "boolean"),
        ),
        repeats=True,
    ),
    Complex(
        "risk-assessment",
        "risk",
        (
            Part("assessed", "assessed_on", "date"),
            Part("level", "level", "code", RiskLevel),
            Part("area", "areas", "code", RiskArea, repeats=True),
            Part("summary", "summary", "string"),
            Part("significantImmediateRisk", "significant_immediate_risk", "boolean"),
            Part("overdoseRiskOnRelease", "overdose_risk_on_release", "code", RiskLevel),
        ),
    ),
    Part("risk-management-plan", "risk_management_plan", "string"),
    Part("complex-needs", "complex_needs", "boolean"),
    Part("contingency-plan", "contingency_plan", "string"),
    Part("crisis-plan", "crisis_plan", "string"),
    Complex(
        "child-protection-concern",
        "child_protection",
        (
            Part("raised", "raised_on", "date"),
            Part("summary", "summary", "string"),
            Part("inRiskManagementPlan", "in_risk_management_plan", "boolean"),
            Part("forumAttendedBy", "forum_attended_by", "member"),
        ),
    ),
    Complex(
        "external-coordination",
        "external_coordination",
        (
            Part("cpaLevel", "cpa_level", "code", CpaLevel),
            Part("drr", "drr", "code", DrrKind),
            Part("drrPeriod", "drr_start", "period", end_field="drr_end"),
            Part("communityCareFunded", "community_care_funded", "boolean"),
            Part("dipClient", "dip_client", "boolean"),
            Part("note", "note", "string"),
            CARE_MANAGER_CRITERIA,
        ),
    ),
    Complex(
        "care-plan-review",
        "reviews",
        (
            Part("date", "date", "date"),
            Part("topCompleted", "top_completed", "boolean"),
            Part("outcome", "outcome", "string"),
            Part("changesAgreed", "changes_agreed", "string"),
            Part("reviewer", "reviewer", "member"),
            TOP_OUTCOME,
        ),
        repeats=True,
    ),
    Complex(
        "engagement-event",
        "engagement",
        (
            Part("date", "date", "date"),
            Part("event", "event", "code", EngagementEvent),
            Part("note", "note", "string"),
            Part("reEngagementAction", "re_engagement_action", "string"),
        ),
        repeats=True,
    ),
    Complex(
        "closure",
        "closure",
        (
            Part("kind", "kind", "code", ClosureKind),
            Part("reason", "reason", "code", ClosureReason),
            Part("date", "date", "date"),
            Part("destination", "destination", "organisation"),
            Part("evidenceOnFile", "evidence_on_file", "boolean"),
            Part("note", "note", "string"),
            Complex(
                "post-discharge-follow-up",
                "follow_up",
                (
                    Part("due", "due", "date"),
                    Part("done", "done_on", "date"),
                    Part("by", "by", "member"),
                    Part("outcome", "outcome", "string"),
                ),
            ),
        ),
    ),
    Complex(
        "custody",
        "custody",
        (
            Part("prison", "prison", "organisation"),
            Part("receptionDate", "reception_date", "date"),
            Part("releaseDate", "release_date", "date"),
            Part("releaseArea", "release_area", "string"),
            Part("receivingCjit", "receiving_cjit", "organisation"),
            Part("firstCommunityAppointment", "first_community_appointment", "datetime"),
        ),
    ),
    Complex(
        "coordination-agreement",
        "coordination_agreement",
        (
            Part("decided", "decided_on", "date"),
            Part("coordinator", "coordinator", "member"),
            Part("reason", "reason", "string"),
            Part("alternativeArrangement", "alternative_arrangement", "boolean"),
            Part("decidedBy", "decided_by", "member", repeats=True),
        ),
    ),
    Complex(
        "waiting-duty-of-care",
        "waiting_duty_of_care",
        (
            Part("awaitedAgency", "awaited_agency", "organisation"),
            Part("referringAgency", "referring_agency", "organisation"),
            Part("triageAgency", "triage_agency", "organisation"),
            Part("recorded", "recorded_on", "date"),
            Part("tier2ServicesAdvised", "tier_2_services_advised_on", "date"),
            Part("tier2ServicesAdvice", "tier_2_services_advised", "string"),
        ),
        repeats=True,
    ),
    Complex(
        "social-circumstances",
        "circumstances",
        (
            Part("assessed", "assessed_on", "date"),
            Part("accommodation", "accommodation", "code", AccommodationStatus),
            Part("employment", "employment", "code", EmploymentStatus),
            Part("parentalResponsibility", "parental_responsibility", "boolean"),
            Part("childrenLivingWithClient", "children_living_with_client", "code", ChildrenLivingWithClient),
        ),
    ),
    Complex(
        "pregnancy",
        "pregnancy",
        (
            Part("recorded", "recorded_on", "date"),
            Part("pregnant", "pregnant", "boolean"),
            Part("expectedDelivery", "expected_delivery", "date"),
        ),
    ),
    Complex(
        "injecting-status",
        "injecting",
        (
            Part("recorded", "recorded_on", "date"),
            Part("status", "status", "code", InjectingStatus),
            Part("everShared", "ever_shared", "boolean"),
            Part("currentlySharing", "currently_sharing", "boolean"),
        ),
    ),
    Complex(
        "blood-borne-virus-status",
        "blood_borne_viruses",
        (
            Complex(
                "hepatitis-b-vaccination",
                "hepatitis_b",
                (Part("status", "status", "code", HepatitisBVaccination), Part("date", "on", "date")),
            ),
            Complex("hepatitis-c-test", "hepatitis_c", VIRUS_TEST),
            Complex("hiv-test", "hiv", VIRUS_TEST),
        ),
    ),
    Complex(
        "keyworker-contact",
        "contacts",
        (
            Part("date", "date", "date"),
            Part("time", "time", "datetime"),
            Part("worker", "worker", "member"),
            Part("kind", "kind", "code", ContactKind),
            Part("attendance", "attendance", "code", ContactAttendance),
            Part("durationMinutes", "duration_minutes", "integer"),
            Part("note", "note", "string"),
        ),
        repeats=True,
    ),
    Complex(
        "offender-management",
        "offender_management",
        (
            Part("offenderManager", "offender_manager", "member"),
            Part("licenceEnd", "licence_end", "date"),
            Part("requirement", "requirements", "code", SentenceRequirement, repeats=True),
            Part("riskOfSeriousHarm", "risk_of_serious_harm", "code", RoshLevel),
            Part("riskAssessed", "risk_assessed_on", "date"),
            Part("riskSummary", "risk_summary", "string"),
        ),
    ),
    Complex(
        "mental-health-act",
        "mental_health_act",
        (
            Part("status", "status", "code", MentalHealthActStatus),
            Part("since", "since", "date"),
            Part("section117Aftercare", "section_117_aftercare", "boolean"),
        ),
    ),
    Complex(
        "imported-for-review",
        "import_review",
        (
            Part("source", "source", "string"),
            Part("finding", "findings", "string", repeats=True),
        ),
    ),
)
"""CarePlan.extension, in order."""

GOAL_MILESTONE: Final = Complex(
    "goal-milestone",
    "milestones",
    (
        Part("description", "description", "string"),
        Part("due", "due", "date"),
        Part("achieved", "achieved_on", "date"),
    ),
    repeats=True,
)
"""Goal.extension."""

EPISODE_EXTENSIONS: Final[tuple[Part | Complex, ...]] = (
    Complex(
        "criminal-justice-referral",
        "criminal_justice_referral",
        (
            Part("date", "date", "date"),
            Part("setting", "setting", "code", ReferralSetting),
            Part("triggerOffence", "trigger_offence", "string"),
            Part("drugTest", "drug_test", "code", DrugTestResult),
            Part("requiredAssessment", "required_assessment", "boolean"),
            Part("dirForm", "dir_form", "code", DirForm),
        ),
    ),
    Part("referral-received", "referral_received", "date"),
    Part("first-appointment-offered", "first_appointment_offered", "date"),
    Part("treatment-start", "treatment_start", "date"),
    Complex(
        "treatment-history",
        "treatment_history",
        (
            Part("previouslyTreated", "previously_treated", "boolean"),
            Complex(
                "previous-treatment",
                "episodes",
                (
                    Part("period", "start", "period", end_field="end"),
                    Part("modality", "modality", "code", Modality),
                    Part("provider", "provider", "string"),
                    Part("note", "note", "string"),
                ),
                repeats=True,
            ),
        ),
    ),
)
"""EpisodeOfCare.extension written from the table (after ``referral-source`` and ``triage-date``)."""
