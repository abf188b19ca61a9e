// Our own vocabularies, in the guidance's words. Each CodeSystem's id is the name in
// adapter/model/codes.py CODE_SYSTEMS and holds exactly that enum's codes (tests/ig checks both ways).
// Sources ("seeds"): Models of care for treatment of adult drug misusers: Update 2006 (NTA) -
// seed 004 p24 s3.9.2, seed 001 p28 s5-5.3.2, seed 002 p31 s5.3.3-5.3.4, seed 000 p32 s5.3.5-5.3.7 -
// and seed 003, a local care co-ordination protocol.

RuleSet: OurCodeSystem
* ^status = #draft
* ^experimental = false
* ^caseSensitive = true
* ^content = #complete
* ^publisher = "Care-plan adapter project"

CodeSystem: CarePlanDomain
Id: care-plan-domain
Title: "Care plan domains"
Description: "The four key domains a care plan covers (seed 001, 5.3.2), with the named parts of the health and social functioning domains as child concepts."
* insert OurCodeSystem
// An area is a part of its domain ("Health (physical and psychological)"), not a kind of it.
* ^hierarchyMeaning = #part-of
* #drug-alcohol-misuse "Drug and alcohol misuse" "The client's misuse of drugs and alcohol: one of the four key domains across which a care plan documents needs, goals and progress."
* #health "Health (physical and psychological)" "The client's physical and psychological health: one of the four key domains of the care plan."
  * #physical-health "Physical health" "Physical health needs, e.g. hepatitis C infection, liver disease and dentistry (seed 004)."
  * #psychological-health "Psychological health" "Psychological and mental health needs, including mental health co-morbidity."
* #offending "Offending" "The client's offending behaviour: one of the four key domains of the care plan."
* #social-functioning "Social functioning (including housing, employment and education)" "The client's social functioning: one of the four key domains of the care plan."
  * #housing "Housing" "Housing status and needs within social functioning."
  * #employment "Employment" "Employment, and help back to work, within social functioning."
  * #education "Education" "Education and training within social functioning."
* #not-stated "Not stated" "The plan was imported from a system that did not say this; a person must review it before relying on the plan."

CodeSystem: CarePlanKind
Id: care-plan-kind
Title: "Care plan kinds"
Description: "The kinds of written care plan through a treatment journey (seeds 000, 002)."
* insert OurCodeSystem
* #initial "Initial care plan" "A care plan drawn up following triage-level assessment to address the client's immediate needs."
* #comprehensive "Comprehensive care plan" "The care plan developed and agreed with the client following comprehensive assessment."
* #aftercare "Aftercare plan" "The plan for a client being discharged from treatment, covering both drug-related and non-drug-related support."
* #not-stated "Not stated" "The plan was imported from a system that did not say this; a person must review it before relying on the plan."

CodeSystem: TreatmentPhase
Id: treatment-phase
Title: "Treatment journey phases"
Description: "The overlapping components of the treatment journey (seed 004, 3.9.2); not a linear sequence."
* insert OurCodeSystem
// "Clients who are on long-term maintenance ... should be considered to be continuing in the
// delivery phase of treatment" (seed 004): maintenance is a kind of delivery.
* ^hierarchyMeaning = #is-a
* #engagement "Treatment engagement" "Engaging the client rapidly and retaining them once they have entered treatment: assessment, motivational work, induction and the initial care plan."
* #delivery "Treatment delivery" "Delivery of evidence-based drug treatment interventions following completion of a care plan agreed with the client."
  * #maintenance "Maintenance" "Long-term maintenance, e.g. on substitute medication, ideally in shared care; continuing in the delivery phase of treatment."
* #community-integration "Community integration" "Interventions to meet the client's wider needs (housing, work, education, family), which underpin both delivery and treatment maintenance or completion."
* #completion "Treatment completion" "Completion of treatment for all those who choose to be drug-free and who can benefit."

CodeSystem: TreatmentTier
Id: treatment-tier
Title: "Treatment tiers"
Description: "The four tiers of local drug treatment systems (seed 003; the tiered framework of Models of Care)."
* insert OurCodeSystem
* #tier-1 "Tier 1" "Non-substance-misuse-specific services that work with drug misusers, with screening and referral to drug treatment."
* #tier-2 "Tier 2" "Open-access, drug-specific interventions that are not care-planned, e.g. harm reduction and advice."
* #tier-3 "Tier 3" "Community-based, structured and care-planned drug treatment."
* #tier-4 "Tier 4" "Residential specialist drug treatment: inpatient treatment and residential rehabilitation."
* #not-stated "Not stated" "The plan was imported from a system that did not say this; a person must review it before relying on the plan."

CodeSystem: CareTeamRole
Id: care-team-role
Title: "Care team roles"
Description: "The roles in co-ordinating and delivering a client's care (seeds 000, 002, 003)."
* insert OurCodeSystem
* #keyworker "Keyworker" "The dedicated and named practitioner responsible for ensuring the client's care plan is delivered and reviewed; normally the practitioner in most regular contact with the client."
* #care-coordinator "Care co-ordinator" "The named person with overall responsibility for completing and co-ordinating the over-arching care plan where a client receives more than one treatment intervention."
* #care-manager "Care manager" "The substance misuse care manager, responsible for care co-ordination once allocated to a client who meets the criteria for care manager involvement, following detox, and under a residential DRR."
* #treatment-coordinator "Treatment co-ordinator" "The worker allocated to every service user accessing tier 3 services; the care co-ordinator where the client accesses only one tier 3 modality."
* #gp-prescriber "GP prescriber" "The GP in a shared care arrangement, who is likely to lead on prescribing interventions, changes and additions to medication."
* #shared-care-worker "Shared care worker" "The drugs worker supporting the GP in shared care, who is likely to lead on monitoring progress against treatment goals."
* #cjit-worker "CJIT worker" "A worker in the criminal justice integrated team, the keyworker for clients taken onto the caseload following a triage assessment, e.g. in a custody suite or court."
* #carat-worker "CARAT worker" "A counselling, assessment, referral, advice and throughcare worker, who takes on the role of keyworker while the client is in custody."
* #dip-worker "DIP worker" "The Drug Interventions Programme worker, the care co-ordinator pre and post DRR for clients engaged with DIP."
* #probation-offender-manager "Probation offender manager" "The probation service's offender manager, responsible for care co-ordination of service users subject to a community DRR."
* #cmht-care-coordinator "CMHT care co-ordinator" "The named mental healthcare co-ordinator of the community mental health team, responsible for care co-ordination under enhanced CPA."
* #community-care-manager "Community care manager" "The community care manager responsible for the treatment of a client receiving community care funding, who may provide their co-ordination of care and case management."
* #prescriber "Prescriber" "A doctor or non-medical prescriber of a drug service or prison healthcare who prescribes within the client's treatment; the GP in shared care is gp-prescriber."
* #social-worker "Social worker" "A social worker, e.g. of children's social care where child protection concerns affect the client's care."
* #recovery-worker "Recovery worker" "A recovery, peer-support or wraparound worker supporting community integration and aftercare (seed 002, 5.3.4: providers of wraparound support)."
* #not-stated "Not stated" "The plan was imported from a system that did not say this; a person must review it before relying on the plan."

CodeSystem: OrganisationKind
Id: organisation-kind
Title: "Organisation kinds"
Description: "The kinds of service that share a client's care (seeds 000, 002, 003)."
* insert OurCodeSystem
* #cjit "Criminal justice integrated team (CJIT)" "A criminal justice integrated team, which case-manages drug-misusing offenders in the community."
* #carat-team "CARAT team" "A prison counselling, assessment, referral, advice and throughcare service."
* #prison-healthcare "Prison healthcare" "The healthcare service of a prison, including its clinical substance misuse service."
* #gp-practice "GP practice" "A general practice, which may maintain clients in primary care under shared care."
* #cmht "Community mental health team (CMHT)" "A community mental health team, responsible for care co-ordination under enhanced CPA."
* #probation "Probation service" "The probation service, which supervises offenders, including those on a Drug Rehabilitation Requirement."
* #treatment-provider "Structured treatment provider" "A provider of structured drug treatment interventions."
* #residential-rehabilitation "Residential rehabilitation service" "A residential rehabilitation service."
* #local-authority "Local authority" "A local authority, e.g. funding community care through a community care manager."
* #police-custody "Police custody suite" "A police custody suite, where a CJIT may complete a triage assessment (seed 002, 5.3.4)."
* #court "Court" "A court, where a CJIT may complete a triage assessment and which may make a Drug Rehabilitation Requirement."
* #pharmacy "Community pharmacy" "A community pharmacy dispensing the client's prescribed medicine, e.g. the first dose after release."
* #recovery-service "Recovery service" "A recovery, mutual-aid or wraparound support service contributing to community integration and aftercare."
* #childrens-social-care "Children's social care" "The local authority's children's social care service, which leads child protection."
* #not-stated "Not stated" "The plan was imported from a system that did not say this; a person must review it before relying on the plan."

CodeSystem: InterventionModality
Id: intervention-modality
Title: "Treatment intervention modalities"
Description: "The modalities of drug treatment interventions in a care plan. Mapped to SNOMED CT by the ConceptMap intervention-modality-to-snomed-ct."
* insert OurCodeSystem
* #opioid-substitution "Opioid substitution treatment" "Prescribing of substitute medication for opioid dependence, including maintenance."
* #other-prescribing "Other prescribing" "Prescribing interventions other than opioid substitution."
* #psychosocial "Psychosocial intervention" "Structured psychosocial interventions, including motivational interventions."
* #harm-reduction "Harm reduction" "Harm reduction work."
* #community-detoxification "Community detoxification" "Detoxification delivered in the community."
* #inpatient-detoxification "Inpatient detoxification" "Detoxification delivered in an inpatient setting."
* #residential-rehabilitation "Residential rehabilitation" "Treatment in a residential rehabilitation service."
* #structured-day-programme "Structured day programme" "A structured day programme."
* #relapse-prevention "Relapse prevention" "Support to maintain the changes made in treatment and prevent relapse."
* #brief-intervention "Brief intervention" "A brief intervention, e.g. to support engagement."
* #not-stated "Not stated" "The plan was imported from a system that did not say this; a person must review it before relying on the plan."

CodeSystem: RiskLevel
Id: risk-level
Title: "Risk levels"
Description: "The level of risk found by a risk assessment (seed 003: ongoing risk assessment and risk management)."
* insert OurCodeSystem
* #low "Low" "Low risk."
* #medium "Medium" "Medium risk."
* #high "High" "High risk."

CodeSystem: RiskArea
Id: risk-area
Title: "Risk areas"
Description: "What a client's risk assessment covers (seeds 001, 003)."
* insert OurCodeSystem
* #overdose "Overdose" "Risk of overdose, including on release from custody."
* #self-harm "Self-harm" "Risk of self-harm."
* #suicide "Suicide" "Risk of suicide."
* #harm-to-others "Harm to others" "Risk the client poses to others."
* #blood-borne-virus "Blood-borne virus" "Risk of blood-borne virus infection, e.g. through injecting."
* #child-safeguarding "Child safeguarding" "Risks to children, including child protection concerns."
* #domestic-abuse "Domestic abuse" "Risk of or from domestic abuse."
* #disengagement "Disengagement" "Risk of leaving treatment early or dropping out."

CodeSystem: CpaLevel
Id: cpa-level
Title: "Care Programme Approach levels"
Description: "The level of a client's care under the Care Programme Approach (seed 000, 5.3.7; seed 003)."
* insert OurCodeSystem
* #standard "Standard CPA" "Care under the standard Care Programme Approach."
* #enhanced "Enhanced CPA" "Care under the enhanced Care Programme Approach: the client has a named mental healthcare co-ordinator and the CMHT is responsible for care co-ordination."

CodeSystem: DrrKind
Id: drr-kind
Title: "Drug Rehabilitation Requirement kinds"
Description: "The kind of Drug Rehabilitation Requirement of a community order (seed 003)."
* insert OurCodeSystem
* #community "Community DRR" "A community Drug Rehabilitation Requirement: care co-ordination is the responsibility of the probation service."
* #residential "Residential DRR" "A residential Drug Rehabilitation Requirement: the care manager is responsible for care co-ordination."

CodeSystem: ConsentPurpose
Id: consent-purpose
Title: "Purposes of sharing information"
Description: "Why a client's information may be shared with another agency, with their consent (seeds 000, 002)."
* insert OurCodeSystem
* #continuity-of-care "Continuity of care" "Continuity of care as the client moves between criminal justice and treatment agencies."
* #referral-to-treatment "Referral to treatment" "Referral to a specialist treatment service, e.g. from custody to the CJIT single point of contact."
* #shared-care "Shared care" "Care shared between a GP and a specialist drug service."
* #cpa-coordination "CPA co-ordination" "Contributing to the client's mental health CPA plan of care."
* #offender-management "Offender management" "Links with offender management arrangements for offenders on statutory supervision."
* #aftercare "Aftercare" "Aftercare support for a client discharged from treatment."
* #safeguarding "Safeguarding" "Protecting children or adults at risk, e.g. a child protection forum (seed 003)."

CodeSystem: EngagementEvent
Id: engagement-event
Title: "Engagement events"
Description: "A client dropping out of treatment or being re-engaged (seed 003 aims; seed 002)."
* insert OurCodeSystem
* #dropped-out "Dropped out" "The client lost contact with, or disengaged from, treatment."
* #re-engaged "Re-engaged" "A client who had dropped out was re-engaged in treatment."

CodeSystem: ClosureKind
Id: closure-kind
Title: "Closure kinds"
Description: "Closure of care co-ordination, or its transfer (seed 003, closures and transfers)."
* insert OurCodeSystem
* #closure "Closure" "Care co-ordination of the client is closed."
* #transfer "Transfer" "Care co-ordination of the client is transferred to another service."

CodeSystem: ClosureReason
Id: closure-reason
Title: "Closure reasons"
Description: "Why care co-ordination was closed or transferred (seeds 002, 003)."
* insert OurCodeSystem
* #treatment-completed "Treatment completed" "The client completed treatment."
* #transferred-to-provider "Transferred to another provider" "The client was transferred to another service provider to continue treatment."
* #transferred-to-shared-care "Transferred to shared care" "The client moved into shared care, maintained in primary care."
* #transferred-between-prisons "Transferred between prisons" "The client was transferred to another prison."
* #released-from-prison "Released from prison" "The client was released from custody."
* #taken-into-custody "Taken into custody" "The client was taken into custody."
* #dropped-out "Dropped out" "The client dropped out of treatment."
* #declined-treatment "Declined treatment" "The client declined treatment."
* #moved-away "Moved away" "The client moved out of the area."
* #died "Died" "The client died."

CodeSystem: HandoverReason
Id: handover-reason
Title: "Handover reasons"
Description: "Why a care plan is handed over to another service, in the manner of the Drug Interventions Record (seeds 000, 002, 003)."
* insert OurCodeSystem
* #prison-release "Release from prison" "The client is released from custody: the CARAT team refers to the single point of contact of the CJIT of the release area."
* #prison-transfer "Transfer between prisons" "The client is transferred between prisons; the CARAT team of the receiving prison takes on keyworking."
* #custody-referral "Referral from custody" "A CJIT triage assessment, e.g. in a custody suite or court, refers the client on."
* #referral-to-treatment "Referral to treatment" "The client is referred to another specialist treatment service, which usually takes on keyworking."
* #shared-care "Shared care" "The client moves into shared care with a GP, maintained in primary care."
* #cpa-coordination "CPA co-ordination" "The substance misuse element of the plan is shared with the CMHT for a client on CPA."
* #discharge-aftercare "Discharge with aftercare" "The client is discharged from treatment with an aftercare plan."
* #prison-reception "Reception into prison" "A client on a community plan is received into custody: the community service hands the plan to the prison's healthcare or CARAT team, with the community dose to be confirmed before it is continued (seed 002, 5.3.4; seed 000, 5.3.6)."
* #offender-management "Offender management" "The plan's offending domain and engagement are shared with probation for a client on statutory supervision, e.g. a DRR (seed 000, 5.3.6 and 5.3.7; seed 003)."
* #safeguarding "Safeguarding" "The child protection concern, risk and risk management plan are shared with children's social care for the child protection forum (seed 003)."

CodeSystem: ActivityType
Id: activity-type
Title: "Care plan activity types"
Description: "Whether a care plan activity is a treatment intervention or an action of the plan."
* insert OurCodeSystem
* #intervention "Intervention" "A treatment intervention, with its tier and modality."
* #action "Action" "A step of the care plan, with the role and organisation responsible for it."

CodeSystem: Substance
Id: substance
Title: "Substances"
Description: "A substance in the client's drug-use profile, as the DIR records it (seed 000, 5.3.6) and the Treatment Outcomes Profile counts it (seed 003)."
* insert OurCodeSystem
* #heroin "Heroin" "Illicit heroin (diamorphine)."
* #methadone-illicit "Methadone (illicit)" "Methadone not prescribed to the client."
* #buprenorphine-illicit "Buprenorphine (illicit)" "Buprenorphine not prescribed to the client."
* #other-opioids "Other opioids" "Opioids other than heroin, methadone and buprenorphine."
* #crack-cocaine "Crack cocaine" "Cocaine in its smokable (base) form."
* #cocaine-powder "Cocaine powder" "Cocaine hydrochloride."
* #amphetamines "Amphetamines" "Amphetamine-type stimulants."
* #cannabis "Cannabis" "Cannabis in any form."
* #benzodiazepines "Benzodiazepines" "Benzodiazepines, prescribed or not, used as a problem substance."
* #alcohol "Alcohol" "Alcohol."
* #new-psychoactive-substances "New psychoactive substances" "Substances made to mimic controlled drugs."
* #other "Other" "A substance not listed here."

CodeSystem: RouteOfUse
Id: route-of-use
Title: "Routes of use"
Description: "How a substance is taken."
* insert OurCodeSystem
* #injecting "Injecting" "Injected into a vein, muscle or under the skin."
* #smoking "Smoking" "Smoked or inhaled as vapour."
* #oral "Oral" "Swallowed or drunk."
* #snorting "Snorting" "Taken through the nose."
* #other "Other" "Another route."

CodeSystem: ReferralSetting
Id: referral-setting
Title: "Criminal justice referral settings"
Description: "Where a criminal justice referral into treatment came from (seed 002, 5.3.4: CJIT workers in custody suites and courts; seed 000, 5.3.6)."
* insert OurCodeSystem
* #police-custody "Police custody" "Referred from a police custody suite, after arrest."
* #court "Court" "Referred at court."
* #prison "Prison" "Referred from prison, on release or transfer."
* #probation "Probation" "Referred by the probation service."
* #self-referral "Self-referral" "The client referred themselves through a criminal justice route."
* #other "Other" "Another criminal justice setting."

CodeSystem: DrugTestResult
Id: drug-test-result
Title: "Drug test results"
Description: "The result of a test for opiates and cocaine on arrest or charge (seed 000, 5.3.6)."
* insert OurCodeSystem
* #positive-opiates "Positive for opiates" "Positive for opiates only."
* #positive-cocaine "Positive for cocaine" "Positive for cocaine only."
* #positive-both "Positive for opiates and cocaine" "Positive for both opiates and cocaine."
* #negative "Negative" "Negative for both."
* #not-tested "Not tested" "No test was taken."
