// One synthetic client at prison release (fixtures/clients/02-carat-release.json, trimmed): an instance
// of every profile, referencing each other, so SUSHI checks the profiles can be met together and
// tools have a conforming example. All names, numbers and codes are made up.

Instance: tomasz-wisniewski
InstanceOf: ServiceUserPatient
Usage: #example
Title: "Service user at prison release"
* identifier[nhsNumber].system = "https://fhir.nhs.uk/Id/nhs-number"
* identifier[nhsNumber].value = "9990629072"
* identifier[prisonNumber].system = "https://fhir.careplan-adapter.org/Id/prison-number"
* identifier[prisonNumber].value = "A4821KD"
* name.family = "Wiśniewski"
* name.given = "Tomasz"
* gender = #male
* birthDate = "1988-02-19"
* generalPractitioner = Reference(canal-street-medical-centre)

Instance: hmp-northtown-carat
InstanceOf: CarePlanOrganization
Usage: #example
Title: "Prison CARAT team"
* identifier[odsOrganisationCode].system = "https://fhir.nhs.uk/Id/ods-organization-code"
* identifier[odsOrganisationCode].value = "NTI"
* type = OrganisationKind#carat-team
* name = "HMP Northtown CARAT team"

Instance: northtown-cjit
InstanceOf: CarePlanOrganization
Usage: #example
Title: "CJIT of the release area"
* extension[singlePointOfContact].valueString = "CJIT duty desk, 0113 496 0100, 08:30-17:00 Monday to Saturday"
* identifier[odsOrganisationCode].system = "https://fhir.nhs.uk/Id/ods-organization-code"
* identifier[odsOrganisationCode].value = "Y02345"
* type = OrganisationKind#cjit
* name = "Northtown Criminal Justice Integrated Team"

Instance: canal-street-medical-centre
InstanceOf: CarePlanOrganization
Usage: #example
Title: "The client's GP practice"
* identifier[odsOrganisationCode].system = "https://fhir.nhs.uk/Id/ods-organization-code"
* identifier[odsOrganisationCode].value = "B82017"
* type = OrganisationKind#gp-practice
* name = "Canal Street Medical Centre"

Instance: owen-price
InstanceOf: CarePlanPractitioner
Usage: #example
Title: "CARAT worker"
* name.family = "Price"
* name.given = "Owen"

Instance: owen-price-at-nti
InstanceOf: CarePlanPractitionerRole
Usage: #example
Title: "CARAT worker, keyworker and care co-ordinator in custody"
* practitioner = Reference(owen-price)
* organization = Reference(hmp-northtown-carat)
* code[+] = CareTeamRole#carat-worker
* code[+] = CareTeamRole#keyworker
* code[+].coding[+] = CareTeamRole#care-coordinator
* code[=].coding[+] = $sct#768820003 "Care coordinator"
* period.start = "2026-07-14"

Instance: care-team-nti-a4821kd
InstanceOf: CareCoordinationTeam
Usage: #example
Title: "Care team in custody"
* status = #active
* category[longitudinal] = $loinc#LA28865-6 "Longitudinal care-coordination focused care team"
* subject = Reference(tomasz-wisniewski)
* participant[+].role = $sct#116154003 "Patient"
* participant[=].member = Reference(tomasz-wisniewski)
* participant[+].role[+] = CareTeamRole#carat-worker
* participant[=].role[+] = CareTeamRole#keyworker
* participant[=].member = Reference(owen-price-at-nti)
* managingOrganization = Reference(hmp-northtown-carat)

Instance: need-continuity-prescribing
InstanceOf: AssessedNeed
Usage: #example
Title: "Need: methadone without a gap at release"
* clinicalStatus = http://terminology.hl7.org/CodeSystem/condition-clinical#active
* category[healthConcern] = $us-condition-category#health-concern "Health Concern"
* category[domain] = CarePlanDomain#drug-alcohol-misuse
* code.text = "Methadone must continue without a gap from release day"
* subject = Reference(tomasz-wisniewski)

Instance: goal-seamless-script
InstanceOf: TreatmentGoal
Usage: #example
Title: "Goal: community methadone dose on release day"
* extension[milestone].extension[description].valueString = "Referral accepted by the CJIT single point of contact"
* extension[milestone].extension[due].valueDate = "2026-11-27"
* lifecycleStatus = #active
* category[domain] = CarePlanDomain#drug-alcohol-misuse
* description.text = "Collect a community methadone dose on the day of release and the following day"
* subject = Reference(tomasz-wisniewski)
* target.dueDate = "2026-12-10"
* addresses = Reference(need-continuity-prescribing)

Instance: plan-nti-a4821kd
InstanceOf: DrugTreatmentCarePlan
Usage: #example
Title: "Comprehensive care plan in custody, ahead of release"
* extension[carePlanKind].valueCoding = CarePlanKind#comprehensive
* extension[treatmentPhase][+].valueCoding = TreatmentPhase#delivery
* extension[treatmentPhase][+].valueCoding = TreatmentPhase#community-integration
* extension[treatmentTier].valueCoding = TreatmentTier#tier-3
* extension[serviceUserAgreement].extension[agreed].valueDate = "2026-07-21"
* extension[serviceUserAgreement].extension[signedByServiceUser].valueBoolean = true
* extension[serviceUserAgreement].extension[serviceUserSigned].valueDate = "2026-07-21"
* extension[nextReviewDue].valueDate = "2026-12-04"
* extension[complexNeeds].valueBoolean = false
* status = #active
* intent = #plan
* category[carePlan] = $sct#734163000 "Care plan"
* title = "CARAT care plan: custody and release to Northtown"
* subject = Reference(tomasz-wisniewski)
* period.start = "2026-07-21"
* created = "2026-07-21"
* author = Reference(owen-price-at-nti)
* careTeam = Reference(care-team-nti-a4821kd)
* addresses = Reference(need-continuity-prescribing)
* goal = Reference(goal-seamless-script)
* activity[+].id = "methadone-in-custody"
* activity[=].detail.extension[activityType].valueCode = #intervention
* activity[=].detail.extension[treatmentTier].valueCoding = TreatmentTier#tier-3
* activity[=].detail.extension[supervisedConsumption].valueBoolean = true
* activity[=].detail.code.coding[+] = InterventionModality#opioid-substitution
* activity[=].detail.code.coding[+] = $sct#310653000 "Drug addiction therapy using methadone"
* activity[=].detail.status = #in-progress
* activity[=].detail.goal = Reference(goal-seamless-script)
* activity[=].detail.productCodeableConcept.text = "Methadone oral solution 1 mg/mL"
* activity[=].detail.dailyAmount = 60 'mg' "mg"
* activity[+].id = "refer-to-cjit"
* activity[=].detail.extension[activityType].valueCode = #action
* activity[=].detail.extension[responsibleRole].valueCoding = CareTeamRole#carat-worker
* activity[=].detail.code = CarePlanDomain#drug-alcohol-misuse
* activity[=].detail.status = #in-progress
* activity[=].detail.description = "Refer to the CJIT single point of contact of the release area, with consent"
* activity[=].detail.goal = Reference(goal-seamless-script)

Instance: ep-nti-a4821kd
InstanceOf: TreatmentEpisodeOfCare
Usage: #example
Title: "Episode of treatment in custody"
* extension[triageDate].valueDate = "2026-07-12"
* status = #active
* patient = Reference(tomasz-wisniewski)
* managingOrganization = Reference(hmp-northtown-carat)
* period.start = "2026-07-12"
* team = Reference(care-team-nti-a4821kd)

Instance: consent-release-cjit
InstanceOf: ConsentToShare
Usage: #example
Title: "Consent to pass the plan to the CJIT and GP at release"
* status = #active
* scope = $consentscope#patient-privacy
* category[informationAccess] = $v3-ActCode#INFA
* patient = Reference(tomasz-wisniewski)
* dateTime = "2026-11-18"
* performer = Reference(tomasz-wisniewski)
* policyRule = $v3-ActCode#OPTIN
* provision.type = #permit
* provision.period.start = "2026-11-18"
* provision.actor[recipient][+].role = $v3-ParticipationType#IRCP
* provision.actor[recipient][=].reference = Reference(northtown-cjit)
* provision.actor[recipient][+].role = $v3-ParticipationType#IRCP
* provision.actor[recipient][=].reference = Reference(canal-street-medical-centre)
* provision.purpose = ConsentPurpose#continuity-of-care

Instance: provenance-plan-nti-a4821kd
InstanceOf: CarePlanProvenance
Usage: #example
Title: "Who recorded the plan"
* target[+] = Reference(plan-nti-a4821kd)
* target[+] = Reference(goal-seamless-script)
* recorded = "2026-11-18T16:30:00Z"
* agent.type = http://terminology.hl7.org/CodeSystem/provenance-participant-type#author
* agent.who = Reference(owen-price-at-nti)
* agent.onBehalfOf = Reference(hmp-northtown-carat)
