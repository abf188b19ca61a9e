// Extensions, exactly as listed in docs/fhir-mapping.md (id, value type, sub-extensions, context).
// Cardinality at the point of use (0..1 or 0..*) is set where the profiles slice them in.
// Coded values are bound (required) to our ValueSets.

RuleSet: DaysInLast28(part)
* extension[{part}].value[x] only integer
* extension[{part}].valueInteger ^minValueInteger = 0
* extension[{part}].valueInteger ^maxValueInteger = 28

RuleSet: TopScore(part)
* extension[{part}].value[x] only integer
* extension[{part}].valueInteger ^minValueInteger = 0
* extension[{part}].valueInteger ^maxValueInteger = 20

RuleSet: TopAmount(part)
* extension[{part}].value[x] only decimal
* extension[{part}].valueDecimal ^minValueDecimal = 0

RuleSet: OurExtension
* ^status = #draft
* ^experimental = false
* ^publisher = "Care-plan adapter project"

// ---- On CarePlan ----

Extension: CarePlanKindExtension
Id: care-plan-kind
Title: "Care plan kind"
Description: "Whether the plan is the initial care plan after triage, the comprehensive care plan or the aftercare plan."
Context: CarePlan
* insert OurExtension
* value[x] only Coding
* value[x] 1..1
* value[x] from CarePlanKindVS (required)

Extension: ImportedForReview
Id: imported-for-review
Title: "Imported for review"
Description: "The plan was imported from a system that is not ours and did not say everything this guide needs: what it lacked is coded not-stated (or inferred from its own codes), and each finding is something a person must review before relying on the plan."
Context: CarePlan
* insert OurExtension
* extension contains
    source 0..1 and
    finding 1..*
* extension[source].value[x] only string
* extension[finding].value[x] only string
* value[x] 0..0

Extension: TreatmentPhaseExtension
Id: treatment-phase
Title: "Treatment phase"
Description: "A phase of the treatment journey the plan focuses on; phases overlap, so a plan may carry several."
Context: CarePlan
* insert OurExtension
* value[x] only Coding
* value[x] 1..1
* value[x] from TreatmentPhaseVS (required)

Extension: TreatmentTierExtension
Id: treatment-tier
Title: "Treatment tier"
Description: "The tier of the plan's structured treatment, or, on an activity, of one intervention."
Context: CarePlan, CarePlan.activity.detail
* insert OurExtension
* value[x] only Coding
* value[x] 1..1
* value[x] from TreatmentTierVS (required)

Extension: ServiceUserAgreement
Id: service-user-agreement
Title: "Agreement by the service user"
Description: "Agreement of the written care plan with the service user and its signatures (seed 003: a written care plan, agreed with and signed by the service user)."
Context: CarePlan
* insert OurExtension
* extension contains
    agreed 0..1 and
    signedByServiceUser 0..1 and
    serviceUserSigned 0..1 and
    signedByKeyworker 0..1 and
    keyworkerSigned 0..1
* extension[agreed].value[x] only date
* extension[agreed] ^short = "When the plan was agreed with the service user"
* extension[signedByServiceUser].value[x] only boolean
* extension[serviceUserSigned].value[x] only date
* extension[signedByKeyworker].value[x] only boolean
* extension[keyworkerSigned].value[x] only date
* value[x] 0..0

Extension: NextReviewDue
Id: next-review-due
Title: "Next review due"
Description: "When the care plan is next due for review with the service user (at least every three months, seed 003)."
Context: CarePlan
* insert OurExtension
* value[x] only date
* value[x] 1..1

Extension: DomainAssessment
Id: domain-assessment
Title: "Domain assessment"
Description: "The assessment of one of the four key domains: when, and what it found."
Context: CarePlan
* insert OurExtension
* extension contains
    domain 1..1 and
    assessed 1..1 and
    summary 1..1
* extension[domain].value[x] only Coding
* extension[domain].value[x] from CarePlanKeyDomainVS (required)
* extension[assessed].value[x] only date
* extension[summary].value[x] only string
* value[x] 0..0

Extension: RiskAssessment
Id: risk-assessment
Title: "Risk assessment"
Description: "The client's current risk assessment (seed 003: ongoing risk assessment, with a risk management plan)."
Context: CarePlan
* insert OurExtension
* extension contains
    assessed 1..1 and
    level 1..1 and
    area 0..* and
    summary 1..1 and
    significantImmediateRisk 0..1 and
    overdoseRiskOnRelease 0..1
* extension[assessed].value[x] only date
* extension[level].value[x] only Coding
* extension[level].value[x] from RiskLevelVS (required)
* extension[area].value[x] only Coding
* extension[area].value[x] from RiskAreaVS (required)
* extension[summary].value[x] only string
* extension[significantImmediateRisk].value[x] only boolean
* extension[significantImmediateRisk] ^short = "A significant and immediate risk to self or others (seed 003: triage must establish care co-ordination)"
* extension[overdoseRiskOnRelease].value[x] only Coding
* extension[overdoseRiskOnRelease].value[x] from RiskLevelVS (required)
* extension[level] MS
* extension[area] MS
* extension[overdoseRiskOnRelease] MS
* extension[overdoseRiskOnRelease] ^short = "The risk of overdose on release from custody: a receiver must show it (tolerance falls in custody)"
* value[x] 0..0

Extension: RiskManagementPlan
Id: risk-management-plan
Title: "Risk management plan"
Description: "The plan that manages the risks found by the risk assessment."
Context: CarePlan
* insert OurExtension
* value[x] only string
* value[x] 1..1

Extension: ComplexNeeds
Id: complex-needs
Title: "Complex needs"
Description: "Whether the service user has complex needs (which call for contingency and crisis plans, seed 003)."
Context: CarePlan
* insert OurExtension
* value[x] only boolean
* value[x] 1..1

Extension: ContingencyPlan
Id: contingency-plan
Title: "Contingency plan"
Description: "The contingency plan for a service user with complex needs."
Context: CarePlan
* insert OurExtension
* value[x] only string
* value[x] 1..1

Extension: CrisisPlan
Id: crisis-plan
Title: "Crisis plan"
Description: "The crisis management plan for a service user with complex needs."
Context: CarePlan
* insert OurExtension
* value[x] only string
* value[x] 1..1

Extension: ChildProtectionConcern
Id: child-protection-concern
Title: "Child protection concern"
Description: "A child protection concern: who attends the forum, and whether its risk factors are in the risk management plan (seed 003)."
Context: CarePlan
* insert OurExtension
* extension contains
    raised 1..1 and
    summary 1..1 and
    inRiskManagementPlan 1..1 and
    forumAttendedBy 0..1
* extension[raised].value[x] only date
* extension[summary].value[x] only string
* extension[inRiskManagementPlan].value[x] only boolean
* extension[forumAttendedBy].value[x] only Reference(PractitionerRole)
* extension[raised] MS
* extension[inRiskManagementPlan] MS
* value[x] 0..0

Extension: ExternalCoordination
Id: external-coordination
Title: "External co-ordination"
Description: "Care co-ordinated with, or by, another agency: CPA, a Drug Rehabilitation Requirement, community care funding, DIP (seed 000, 5.3.7; seed 003)."
Context: CarePlan
* insert OurExtension
* extension contains
    cpaLevel 0..1 and
    drr 0..1 and
    drrPeriod 0..1 and
    communityCareFunded 0..1 and
    dipClient 0..1 and
    note 0..1
* extension[cpaLevel].value[x] only Coding
* extension[cpaLevel].value[x] from CpaLevelVS (required)
* extension[drr].value[x] only Coding
* extension[drr].value[x] from DrrKindVS (required)
* extension[drrPeriod].value[x] only Period
* extension[communityCareFunded].value[x] only boolean
* extension[dipClient].value[x] only boolean
* extension[note].value[x] only string
* extension contains CareManagerCriteria named careManagerCriteria 0..1
* extension[careManagerCriteria] ^short = "The criteria for care manager involvement, limb by limb with evidence (seed 003)"
* value[x] 0..0

Extension: CarePlanReview
Id: care-plan-review
Title: "Care plan review"
Description: "A review of the care plan with the service user (seed 003: TOP at comprehensive assessment, every three months, at discharge)."
Context: CarePlan
* insert OurExtension
* extension contains
    date 1..1 and
    topCompleted 1..1 and
    outcome 1..1 and
    changesAgreed 0..1 and
    reviewer 0..1
* extension[date].value[x] only date
* extension[topCompleted].value[x] only boolean
* extension[topCompleted] ^short = "Whether the Treatment Outcomes Profile was completed at this review"
* extension[outcome].value[x] only string
* extension[changesAgreed].value[x] only string
* extension[reviewer].value[x] only Reference(PractitionerRole)
* extension contains TopOutcome named top 0..1
* extension[top] ^short = "The Treatment Outcomes Profile completed at this review (only when topCompleted is true)"
* value[x] 0..0

Extension: TopOutcome
Id: top-outcome
Title: "Treatment Outcomes Profile"
Description: "The Treatment Outcomes Profile (TOP) completed at a care-plan review (seed 003: at comprehensive assessment, every three months, at discharge), with its stage (start, review, exit, post-exit). Section 1: days of use in the last 28 and the average amount on a using day (alcohol units; opiates, crack, cocaine, amphetamines grams; cannabis joints). Section 2: days injected and sharing of a needle or syringe, or of a spoon, water or filter. Section 3: days of shoplifting and of selling drugs; theft from or of a vehicle, other property theft or burglary, fraud, forgery or handling, assault or violence. Section 4: the client's own ratings (0 poor to 20 good), days of paid work and of education, and housing. Nested inside care-plan-review."
* ^context[0].type = #extension
* ^context[0].expression = "https://fhir.careplan-adapter.org/StructureDefinition/care-plan-review"
* insert OurExtension
* extension contains
    stage 0..1 and
    alcoholDays 0..1 and
    alcoholUnitsPerDrinkingDay 0..1 and
    opiatesDays 0..1 and
    opiatesGramsPerDay 0..1 and
    crackDays 0..1 and
    crackGramsPerDay 0..1 and
    cocaineDays 0..1 and
    cocaineGramsPerDay 0..1 and
    amphetaminesDays 0..1 and
    amphetaminesGramsPerDay 0..1 and
    cannabisDays 0..1 and
    cannabisJointsPerDay 0..1 and
    otherDrugDays 0..1 and
    injectingDays 1..1 and
    sharedNeedleOrSyringe 0..1 and
    sharedSpoonWaterOrFilter 0..1 and
    shopliftingDays 0..1 and
    sellingDrugsDays 0..1 and
    theftFromOrOfVehicle 0..1 and
    otherPropertyTheftOrBurglary 0..1 and
    fraudForgeryOrHandling 0..1 and
    assaultOrViolence 0..1 and
    psychologicalHealth 1..1 and
    paidWorkDays 0..1 and
    educationDays 0..1 and
    physicalHealth 1..1 and
    qualityOfLife 1..1 and
    acuteHousingProblem 1..1 and
    atRiskOfEviction 1..1
* insert DaysInLast28(alcoholDays)
* insert DaysInLast28(opiatesDays)
* insert DaysInLast28(crackDays)
* insert DaysInLast28(cocaineDays)
* insert DaysInLast28(amphetaminesDays)
* insert DaysInLast28(cannabisDays)
* insert DaysInLast28(otherDrugDays)
* insert DaysInLast28(injectingDays)
* insert DaysInLast28(shopliftingDays)
* insert DaysInLast28(sellingDrugsDays)
* insert DaysInLast28(paidWorkDays)
* insert DaysInLast28(educationDays)
* insert TopAmount(alcoholUnitsPerDrinkingDay)
* insert TopAmount(opiatesGramsPerDay)
* insert TopAmount(crackGramsPerDay)
* insert TopAmount(cocaineGramsPerDay)
* insert TopAmount(amphetaminesGramsPerDay)
* insert TopAmount(cannabisJointsPerDay)
* extension[stage].value[x] only Coding
* extension[stage].value[x] from TopStageVS (required)
* extension[sharedNeedleOrSyringe].value[x] only boolean
* extension[sharedSpoonWaterOrFilter].value[x] only boolean
* extension[theftFromOrOfVehicle].value[x] only boolean
* extension[otherPropertyTheftOrBurglary].value[x] only boolean
* extension[fraudForgeryOrHandling].value[x] only boolean
* extension[assaultOrViolence].value[x] only boolean
* insert TopScore(psychologicalHealth)
* insert TopScore(physicalHealth)
* insert TopScore(qualityOfLife)
* extension[acuteHousingProblem].value[x] only boolean
* extension[atRiskOfEviction].value[x] only boolean
* value[x] 0..0

Extension: SubstanceUse
Id: substance-use
Title: "Substance use"
Description: "One substance in the client's drug-use profile (the DIR's drug use, seed 000, 5.3.6): its rank (1 = the main problem substance), route, days used in the last 28, age first used, and whether the client ever injected."
Context: CarePlan
* insert OurExtension
* extension contains
    substance 1..1 and
    rank 1..1 and
    route 1..1 and
    daysUsedLast28 1..1 and
    ageFirstUsed 0..1 and
    injectedEver 0..1
* extension[substance].value[x] only Coding
* extension[substance].value[x] from SubstanceVS (required)
* extension[rank].value[x] only integer
* extension[rank].valueInteger ^minValueInteger = 1
* extension[route].value[x] only Coding
* extension[route].value[x] from RouteOfUseVS (required)
* insert DaysInLast28(daysUsedLast28)
* extension[ageFirstUsed].value[x] only integer
* extension[ageFirstUsed].valueInteger ^minValueInteger = 5
* extension[ageFirstUsed].valueInteger ^maxValueInteger = 99
* extension[injectedEver].value[x] only boolean
* value[x] 0..0

Extension: EngagementEventExtension
Id: engagement-event
Title: "Engagement event"
Description: "The client dropping out of treatment, or being re-engaged."
Context: CarePlan
* insert OurExtension
* extension contains
    date 1..1 and
    event 1..1 and
    note 0..1 and
    reEngagementAction 0..1
* extension[date].value[x] only date
* extension[event].value[x] only Coding
* extension[event].value[x] from EngagementEventVS (required)
* extension[note].value[x] only string
* extension[reEngagementAction].value[x] only string
* value[x] 0..0

Extension: Closure
Id: closure
Title: "Closure or transfer"
Description: "Closure or transfer of care co-ordination, with whether the evidence is on the client file (seed 003)."
Context: CarePlan
* insert OurExtension
* extension contains
    kind 1..1 and
    reason 1..1 and
    date 1..1 and
    destination 0..1 and
    evidenceOnFile 1..1 and
    note 0..1
* extension[kind].value[x] only Coding
* extension[kind].value[x] from ClosureKindVS (required)
* extension[reason].value[x] only Coding
* extension[reason].value[x] from ClosureReasonVS (required)
* extension[date].value[x] only date
* extension[destination].value[x] only Reference(Organization)
* extension[evidenceOnFile].value[x] only boolean
* extension[note].value[x] only string
* extension contains PostDischargeFollowUp named followUp 0..1
* extension[followUp] ^short = "The early follow-up after discharge (seed 003, role and responsibilities)"
* value[x] 0..0

// ---- On CarePlan.activity.detail ----

Extension: ReferredOn
Id: referred-on
Title: "Referred on"
Description: "When the client was referred to this intervention."
Context: CarePlan.activity.detail
* insert OurExtension
* value[x] only date
* value[x] 1..1

Extension: ResponsibleRole
Id: responsible-role
Title: "Responsible role"
Description: "The care team role responsible for an action of the plan."
Context: CarePlan.activity.detail
* insert OurExtension
* value[x] only Coding
* value[x] 1..1
* value[x] from CareTeamRoleVS (required)

Extension: DoseStrength
Id: dose-strength
Title: "Dose strength"
Description: "For a daily dose given as a volume (dailyAmount in mL): the strength of the liquid as a Ratio of mass to one unit of volume (methadone oral solution 1 mg/mL), so the dose is never read without it."
Context: CarePlan.activity.detail
* insert OurExtension
* value[x] only Ratio
* value[x] 1..1
* valueRatio.numerator 1..1
* valueRatio.denominator 1..1

Extension: LastDose
Id: last-dose
Title: "Last dose"
Description: "When the last dose of a prescribed medicine was given (continuity of prescribing at release from custody)."
Context: CarePlan.activity.detail
* insert OurExtension
* value[x] only dateTime
* value[x] 1..1

Extension: SupervisedConsumption
Id: supervised-consumption
Title: "Supervised consumption"
Description: "Whether the prescribed medicine is taken under supervision."
Context: CarePlan.activity.detail
* insert OurExtension
* value[x] only boolean
* value[x] 1..1

Extension: Prescriber
Id: prescriber
Title: "Prescriber"
Description: "The care team member who prescribes within an intervention, e.g. the GP in shared care (seed 002, 5.3.4)."
Context: CarePlan.activity.detail
* insert OurExtension
* value[x] only Reference(PractitionerRole)
* value[x] 1..1

Extension: ActivityTypeExtension
Id: activity-type
Title: "Activity type"
Description: "Whether the activity is a treatment intervention or an action of the plan."
Context: CarePlan.activity.detail
* insert OurExtension
* value[x] only code
* value[x] 1..1
* value[x] from ActivityTypeVS (required)

// ---- On Goal ----

Extension: GoalMilestone
Id: goal-milestone
Title: "Goal milestone"
Description: "A milestone towards a goal, against which progress is checked in keywork sessions (seed 002, 5.3.4)."
Context: Goal
* insert OurExtension
* extension contains
    description 1..1 and
    due 0..1 and
    achieved 0..1
* extension[description].value[x] only string
* extension[due].value[x] only date
* extension[achieved].value[x] only date
* value[x] 0..0

// ---- On EpisodeOfCare ----

Extension: ReferralSource
Id: referral-source
Title: "Referral source"
Description: "The organisation that referred the client into this episode of treatment."
Context: EpisodeOfCare
* insert OurExtension
* value[x] only Reference(Organization)
* value[x] 1..1

Extension: CriminalJusticeReferral
Id: criminal-justice-referral
Title: "Criminal justice referral"
Description: "How a criminal justice route brought the client to treatment (seed 002, 5.3.4; seed 000, 5.3.6: the DIR's arrest referral): when, from where, the trigger offence, the drug test result, and whether an assessment was required."
Context: EpisodeOfCare
* insert OurExtension
* extension contains
    date 1..1 and
    setting 1..1 and
    triggerOffence 0..1 and
    drugTest 1..1 and
    requiredAssessment 1..1 and
    dirForm 0..1
* extension[date].value[x] only date
* extension[setting].value[x] only Coding
* extension[setting].value[x] from ReferralSettingVS (required)
* extension[triggerOffence].value[x] only string
* extension[drugTest].value[x] only Coding
* extension[drugTest].value[x] from DrugTestResultVS (required)
* extension[requiredAssessment].value[x] only boolean
* extension[dirForm].value[x] only Coding
* extension[dirForm].value[x] from DirFormVS (required)
* extension[dirForm] ^short = "The form of the DIR suite the referral was recorded on"
* value[x] 0..0

Extension: TriageDate
Id: triage-date
Title: "Triage date"
Description: "When the client's triage assessment took place."
Context: EpisodeOfCare
* insert OurExtension
* value[x] only date
* value[x] 1..1

// ---- On Organization ----

Extension: SinglePointOfContact
Id: single-point-of-contact
Title: "Single point of contact"
Description: "The team's single point of contact for referrals, e.g. of a CJIT for clients released from prison (seed 002, 5.3.4)."
Context: Organization
* insert OurExtension
* value[x] only string
* value[x] 1..1

Extension: Custody
Id: custody
Title: "Custody"
Description: "A client in prison: the prison, reception, and the release that continuity of care turns on (seed 002, 5.3.4: CARATs refer to the single point of contact of the CJIT of the release area)."
Context: CarePlan
* insert OurExtension
* extension contains
    prison 1..1 and
    receptionDate 1..1 and
    releaseDate 0..1 and
    releaseArea 0..1 and
    receivingCjit 0..1 and
    firstCommunityAppointment 0..1
* extension[prison].value[x] only Reference(Organization)
* extension[receptionDate].value[x] only date
* extension[releaseDate].value[x] only date
* extension[releaseArea].value[x] only string
* extension[receivingCjit].value[x] only Reference(Organization)
* extension[firstCommunityAppointment].value[x] only dateTime
* extension[prison] MS
* extension[receptionDate] MS
* extension[releaseDate] MS
* extension[releaseDate] ^short = "The release date continuity of care turns on: a receiver must show it"
* extension[receivingCjit] MS
* value[x] 0..0

Extension: CoordinationAgreement
Id: coordination-agreement
Title: "Co-ordination agreement"
Description: "Who was agreed to co-ordinate the client's care, when and why (seed 003: a decision taken between the treatment co-ordinators/key workers, or alternative arrangements agreed)."
Context: CarePlan
* insert OurExtension
* extension contains
    decided 1..1 and
    coordinator 1..1 and
    reason 1..1 and
    alternativeArrangement 0..1 and
    decidedBy 0..*
* extension[decidedBy].value[x] only Reference(PractitionerRole)
* extension[decidedBy] ^short = "The keyworkers / treatment co-ordinators who took the decision (seed 003)"
* extension[decided].value[x] only date
* extension[coordinator].value[x] only Reference(PractitionerRole)
* extension[reason].value[x] only string
* extension[alternativeArrangement].value[x] only boolean
* value[x] 0..0

Extension: DispensingPharmacy
Id: dispensing-pharmacy
Title: "Dispensing pharmacy"
Description: "The community pharmacy that dispenses the prescribed medicine (continuity of opioid substitution at release)."
Context: CarePlan.activity.detail
* insert OurExtension
* value[x] only Reference(Organization)
* value[x] 1..1

Extension: ImmediateNeed
Id: immediate-need
Title: "Immediate need"
Description: "An immediate need met by the initial care plan drawn up after triage (seed 002, 5.3.4; seed 000, 5.3.5)."
Context: Condition
* insert OurExtension
* value[x] only boolean
* value[x] 1..1
