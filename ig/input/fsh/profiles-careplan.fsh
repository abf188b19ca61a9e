// The care plan and what hangs from it: CarePlan, CareTeam, Goal, Condition.
// UK Core's CarePlan and CareTeam add only must-support flags (status, intent, category, subject;
// participant role and member); we carry those flags and the real constraints of the guidance.

Profile: DrugTreatmentCarePlan
Parent: CarePlan
Id: DrugTreatmentCarePlan
Title: "Drug treatment care plan"
Description: "The written care plan agreed between a client in structured drug treatment and their provider, covering the four key domains, with a named keyworker or care co-ordinator and regular review (seeds 001, 002, 003)."
* ^status = #draft
* obeys cp-review-due and cp-agreement and cp-signed and cp-closure-evidence
* extension contains
    CarePlanKindExtension named carePlanKind 1..1 MS and
    TreatmentPhaseExtension named treatmentPhase 0..* and
    TreatmentTierExtension named treatmentTier 1..1 MS and
    ServiceUserAgreement named serviceUserAgreement 0..1 MS and
    NextReviewDue named nextReviewDue 0..1 MS and
    DomainAssessment named domainAssessment 0..* and
    SubstanceUse named substanceUse 0..* and
    RiskAssessment named riskAssessment 0..1 MS and
    RiskManagementPlan named riskManagementPlan 0..1 MS and
    ComplexNeeds named complexNeeds 0..1 and
    ContingencyPlan named contingencyPlan 0..1 and
    CrisisPlan named crisisPlan 0..1 and
    ChildProtectionConcern named childProtectionConcern 0..1 MS and
    ExternalCoordination named externalCoordination 0..1 and
    CarePlanReview named review 0..* and
    EngagementEventExtension named engagementEvent 0..* and
    Closure named closure 0..1 and
    Custody named custody 0..1 MS and
    CoordinationAgreement named coordinationAgreement 0..1 and
    KeyworkerContact named keyworkerContact 0..* and
    OffenderManagement named offenderManagement 0..1 and
    MentalHealthAct named mentalHealthAct 0..1 and
    WaitingDutyOfCare named waitingDutyOfCare 0..* and
    ImportedForReview named importedForReview 0..1 MS
// The client's own record (circumstances.fsh): pregnancy and injecting status are safety elements.
* extension contains
    SocialCircumstances named socialCircumstances 0..1 and
    PregnancyExtension named pregnancy 0..1 MS and
    InjectingStatusExtension named injectingStatus 0..1 MS and
    BloodBorneVirusStatus named bloodBorneVirusStatus 0..1
* status MS
* intent = #plan (exactly)
* intent MS
* category 1..* MS
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category ^slicing.description = "The SNOMED CT care plan category is always present; others may follow."
* category contains carePlan 1..1 MS
// SNOMED CT 734163000 |Care plan (record artifact)|: the root of R4's care-plan-category value set.
* category[carePlan] = $sct#734163000
* subject only Reference(ServiceUserPatient)
* subject MS
* period 1..1 MS
* period.start 1..1
* author only Reference(CarePlanPractitionerRole or CarePlanPractitioner)
* careTeam 1..* MS
* careTeam only Reference(CareCoordinationTeam)
* addresses only Reference(AssessedNeed)
// supportingInfo: the treatment episode, and a CPA client's mental health diagnoses and psychiatric
// medication (MentalHealthDiagnosis, PsychiatricMedicationStatement); left open to others.
* goal 1..* MS
* goal only Reference(TreatmentGoal)
* activity obeys cp-activity-type
// What a receiver must not ignore (issue 11; hazards H-04, H-08, H-09, H-10, H-45): the overdose risk
// on release, the child-protection flag, the release date (the extensions above) and the current
// prescribing with its last dose - the medicine, the daily dose (with a liquid's strength), when it
// was last taken, who prescribes it and where it is dispensed.
* activity MS
* activity.detail MS
* activity.detail.status MS
* activity.detail.product[x] MS
* activity.detail.dailyAmount MS
* activity.detail.extension contains
    ActivityTypeExtension named activityType 0..1 MS and
    TreatmentTierExtension named treatmentTier 0..1 and
    ReferredOn named referredOn 0..1 and
    ResponsibleRole named responsibleRole 0..1 and
    DoseStrength named doseStrength 0..1 MS and
    LastDose named lastDose 0..1 MS and
    SupervisedConsumption named supervisedConsumption 0..1 and
    Prescriber named prescriber 0..1 MS and
    DispensingPharmacy named dispensingPharmacy 0..1 MS
// detail.code is left unbound: an intervention carries its modality (with the SNOMED CT concept of
// ConceptMap intervention-modality-to-snomed), an action the domain it serves (care-plan-domain).
* activity.detail.goal only Reference(TreatmentGoal)

Profile: CareCoordinationTeam
Parent: CareTeam
Id: CareCoordinationTeam
Title: "Care co-ordination team"
Description: "Everyone involved in co-ordinating and delivering one client's care, the client among them, with the named keyworker or care co-ordinator (seed 003)."
* ^status = #draft
* obeys ct-coordinator
* status MS
* category 1..* MS
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category contains longitudinal 1..1 MS
// LOINC LA28865-6 |Longitudinal care-coordination focused care team| (R4 care-team-category).
* category[longitudinal] = $loinc#LA28865-6
* subject 1..1 MS
* subject only Reference(ServiceUserPatient)
* participant 1..* MS
* participant.role 1..* MS
// Preferred, not extensible: the service user takes part with SNOMED CT 116154003 |Patient|, which
// our roles do not cover; ct-coordinator still asks for our codes where co-ordination is concerned.
* participant.role from CareTeamRoleVS (preferred)
* participant.member 1..1 MS
* managingOrganization only Reference(CarePlanOrganization)

Profile: TreatmentGoal
Parent: Goal
Id: TreatmentGoal
Title: "Treatment goal"
Description: "A goal of the care plan, in exactly one of the four key domains and optionally one of its areas (seed 001, 5.3.2). UK Core has no Goal profile."
* ^status = #draft
* extension contains GoalMilestone named milestone 0..*
* lifecycleStatus MS
* achievementStatus MS
* category 1..* MS
// Domains and areas share one code system, so the slices are told apart by their required bindings
// to enumerated value sets (a "value" discriminator tests fixed, pattern or required-binding values).
* category ^slicing.discriminator.type = #value
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category ^slicing.description = "The goal's key domain, and the area of that domain when given."
* category contains domain 1..1 MS and area 0..1 MS
* category[domain] from CarePlanKeyDomainVS (required)
* category[area] from CarePlanDomainAreaVS (required)
* description MS
* subject 1..1 MS
* subject only Reference(ServiceUserPatient)
* addresses only Reference(AssessedNeed)
// supportingInfo: the treatment episode, and a CPA client's mental health diagnoses and psychiatric
// medication (MentalHealthDiagnosis, PsychiatricMedicationStatement); left open to others.

Profile: AssessedNeed
Parent: Condition
Id: AssessedNeed
Title: "Assessed need"
Description: "A need found by assessment, in one of the four key domains, that the care plan's goals address (seed 001, 5.3.1)."
* ^status = #draft
* extension contains ImmediateNeed named immediateNeed 0..1
* category 1..* MS
* category ^slicing.discriminator.type = #value
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category contains healthConcern 1..1 MS and domain 1..1 MS and area 0..1 MS
* category[healthConcern] = $us-condition-category#health-concern
* category[domain] from CarePlanKeyDomainVS (required)
* category[area] from CarePlanDomainAreaVS (required)
* code 1..1 MS
* subject only Reference(ServiceUserPatient)
* subject MS
