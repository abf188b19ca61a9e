// One ValueSet per CodeSystem, with the same id (so {base}/ValueSet/<name> holds every code of
// {base}/CodeSystem/<name>), plus the two parts of care-plan-domain that Goal and Condition
// categories slice on: the four key domains and their areas.

RuleSet: OurValueSet
* ^status = #draft
* ^experimental = false
* ^publisher = "Care-plan adapter project"

ValueSet: CarePlanDomainVS
Id: care-plan-domain
Title: "Care plan domains"
Description: "Every code of the care-plan-domain code system."
* insert OurValueSet
* include codes from system CarePlanDomain

ValueSet: CarePlanKindVS
Id: care-plan-kind
Title: "Care plan kinds"
Description: "Every code of the care-plan-kind code system."
* insert OurValueSet
* include codes from system CarePlanKind

ValueSet: TreatmentPhaseVS
Id: treatment-phase
Title: "Treatment journey phases"
Description: "Every code of the treatment-phase code system."
* insert OurValueSet
* include codes from system TreatmentPhase

ValueSet: TreatmentTierVS
Id: treatment-tier
Title: "Treatment tiers"
Description: "Every code of the treatment-tier code system."
* insert OurValueSet
* include codes from system TreatmentTier

ValueSet: CareTeamRoleVS
Id: care-team-role
Title: "Care team roles"
Description: "Every code of the care-team-role code system."
* insert OurValueSet
* include codes from system CareTeamRole

ValueSet: OrganisationKindVS
Id: organisation-kind
Title: "Organisation kinds"
Description: "Every code of the organisation-kind code system."
* insert OurValueSet
* include codes from system OrganisationKind

ValueSet: InterventionModalityVS
Id: intervention-modality
Title: "Treatment intervention modalities"
Description: "Every code of the intervention-modality code system."
* insert OurValueSet
* include codes from system InterventionModality

ValueSet: RiskLevelVS
Id: risk-level
Title: "Risk levels"
Description: "Every code of the risk-level code system."
* insert OurValueSet
* include codes from system RiskLevel

ValueSet: RiskAreaVS
Id: risk-area
Title: "Risk areas"
Description: "Every code of the risk-area code system."
* insert OurValueSet
* include codes from system RiskArea

ValueSet: CpaLevelVS
Id: cpa-level
Title: "Care Programme Approach levels"
Description: "Every code of the cpa-level code system."
* insert OurValueSet
* include codes from system CpaLevel

ValueSet: DrrKindVS
Id: drr-kind
Title: "Drug Rehabilitation Requirement kinds"
Description: "Every code of the drr-kind code system."
* insert OurValueSet
* include codes from system DrrKind

ValueSet: ConsentPurposeVS
Id: consent-purpose
Title: "Purposes of sharing information"
Description: "Every code of the consent-purpose code system."
* insert OurValueSet
* include codes from system ConsentPurpose

ValueSet: EngagementEventVS
Id: engagement-event
Title: "Engagement events"
Description: "Every code of the engagement-event code system."
* insert OurValueSet
* include codes from system EngagementEvent

ValueSet: ClosureKindVS
Id: closure-kind
Title: "Closure kinds"
Description: "Every code of the closure-kind code system."
* insert OurValueSet
* include codes from system ClosureKind

ValueSet: ClosureReasonVS
Id: closure-reason
Title: "Closure reasons"
Description: "Every code of the closure-reason code system."
* insert OurValueSet
* include codes from system ClosureReason

ValueSet: HandoverReasonVS
Id: handover-reason
Title: "Handover reasons"
Description: "Every code of the handover-reason code system."
* insert OurValueSet
* include codes from system HandoverReason

ValueSet: ActivityTypeVS
Id: activity-type
Title: "Care plan activity types"
Description: "Every code of the activity-type code system."
* insert OurValueSet
* include codes from system ActivityType

ValueSet: CarePlanKeyDomainVS
Id: care-plan-key-domain
Title: "The four key domains"
Description: "The four key domains of a care plan (seed 001, 5.3.2), without their areas: every goal and need is in exactly one of them (or, only in a plan imported for review, not stated)."
* insert OurValueSet
// Listed, not filtered: Goal and Condition categories slice on these bindings, and R4 profiling asks
// a slice told apart by a required binding for a value set that enumerates its codes; it also lets the
// validator expand it without a terminology server.
* CarePlanDomain#drug-alcohol-misuse
* CarePlanDomain#health
* CarePlanDomain#offending
* CarePlanDomain#social-functioning
// A goal or need of a plan imported for review whose source named no domain (never in our own plans).
* CarePlanDomain#not-stated

ValueSet: CarePlanDomainAreaVS
Id: care-plan-domain-area
Title: "Areas of the key domains"
Description: "The named parts of the health and social functioning domains."
* insert OurValueSet
* CarePlanDomain#physical-health
* CarePlanDomain#psychological-health
* CarePlanDomain#housing
* CarePlanDomain#employment
* CarePlanDomain#education

ValueSet: SubstanceVS
Id: substance
Title: "Substances"
Description: "Every code of the substance code system."
* insert OurValueSet
* include codes from system Substance

ValueSet: RouteOfUseVS
Id: route-of-use
Title: "Routes of use"
Description: "Every code of the route-of-use code system."
* insert OurValueSet
* include codes from system RouteOfUse

ValueSet: ReferralSettingVS
Id: referral-setting
Title: "Criminal justice referral settings"
Description: "Every code of the referral-setting code system."
* insert OurValueSet
* include codes from system ReferralSetting

ValueSet: DrugTestResultVS
Id: drug-test-result
Title: "Drug test results"
Description: "Every code of the drug-test-result code system."
* insert OurValueSet
* include codes from system DrugTestResult
