// What the source systems hold beyond the drug plan itself (issue 11, deliverable 2): the keyworker's
// contact log (seed 003, role 10), offender management and probation's risk information (seed 000,
// 5.3.7; seed 002, 5.3.4), the CPA client's mental health (seed 000, 5.3.7; seed 003) and the form of
// the DIR suite a referral was recorded on (seed 000, 5.3.6). Each CodeSystem's id is a name in
// adapter/model/codes.py CODE_SYSTEMS (the enums are in adapter/model/system_codes.py).

// ---- Code systems and their value sets ----

CodeSystem: ContactKind
Id: contact-kind
Title: "Kinds of keyworker contact"
Description: "How the keyworker kept in touch with the client (seed 003, role 10; seed 000, 5.3.5)."
* insert OurCodeSystem
* #keywork-session "Keywork session" "A one-to-one keywork session."
* #care-plan-review "Care plan review" "A keywork session at which the care plan was reviewed with the client."
* #joint-session "Joint session" "A session held jointly with another agency's worker (e.g. the CPA care co-ordinator)."
* #group-session "Group session" "A group session the keyworker ran or arranged."
* #telephone "Telephone contact" "A contact by telephone."
* #home-visit "Home visit" "A visit to the client at home."
* #letter "Letter" "A letter to the client (e.g. after a missed appointment)."
* #not-stated "Not stated" "The plan was imported from a system that did not say this; a person must review it before relying on the plan."

ValueSet: ContactKindVS
Id: contact-kind
Title: "Kinds of keyworker contact"
Description: "Every code of the contact-kind code system."
* insert OurValueSet
* include codes from system ContactKind

CodeSystem: ContactAttendance
Id: contact-attendance
Title: "Attendance at a contact"
Description: "Whether the client came to an arranged contact (seed 003, role 10: keeping in touch; drop-out followed up)."
* insert OurCodeSystem
* #attended "Attended" "The client came."
* #did-not-attend "Did not attend" "The client did not come and gave no notice."
* #cancelled-by-client "Cancelled by the client" "The client cancelled beforehand."
* #cancelled-by-service "Cancelled by the service" "The service cancelled."
* #not-stated "Not stated" "The plan was imported from a system that did not say this; a person must review it before relying on the plan."

ValueSet: ContactAttendanceVS
Id: contact-attendance
Title: "Attendance at a contact"
Description: "Every code of the contact-attendance code system."
* insert OurValueSet
* include codes from system ContactAttendance

CodeSystem: RiskOfSeriousHarm
Id: risk-of-serious-harm
Title: "Risk of serious harm (probation)"
Description: "Risk of serious harm as probation records it: the four levels of the Offender Assessment System (OASys Manual chapter 8, revised by Probation Circular 36/2006: all four levels deal with risk of serious harm; there is no 'no risk')."
* insert OurCodeSystem
* #low "Low" "No current evidence that serious harm is likely."
* #medium "Medium" "Signs of a risk of serious harm, unlikely to be acted on unless circumstances change."
* #high "High" "Signs of a risk of serious harm that could be acted on at any time, with a serious impact."
* #very-high "Very high" "Serious harm is imminent: more likely than not to happen soon, with a serious impact."
* #not-stated "Not stated" "The plan was imported from a system that did not say this; a person must review it before relying on the plan."

ValueSet: RiskOfSeriousHarmVS
Id: risk-of-serious-harm
Title: "Risk of serious harm (probation)"
Description: "Every code of the risk-of-serious-harm code system."
* insert OurValueSet
* include codes from system RiskOfSeriousHarm

CodeSystem: SentenceRequirement
Id: sentence-requirement
Title: "Requirements of an order or licence"
Description: "What a community order or suspended sentence order requires (Criminal Justice Act 2003, section 177(1)), and the drug conditions of a licence on release, as the offender manager supervises them (seed 000, 5.3.7: the Drug Rehabilitation Requirement)."
* insert OurCodeSystem
* #drug-rehabilitation "Drug rehabilitation requirement" "Treatment and testing for drug misuse (DRR)."
* #alcohol-treatment "Alcohol treatment requirement" "Treatment for alcohol dependency."
* #mental-health-treatment "Mental health treatment requirement" "Treatment for a mental health condition."
* #supervision "Supervision requirement" "Appointments with the offender manager."
* #unpaid-work "Unpaid work requirement" "Unpaid work in the community."
* #curfew "Curfew requirement" "A curfew."
* #residence "Residence requirement" "Living where the court or licence directs."
* #programme "Programme requirement" "An accredited programme."
* #licence-drug-testing "Licence: drug testing" "A licence condition to take drug tests."
* #licence-drug-appointment "Licence: drug appointment" "A licence condition to attend drug appointments."
* #not-stated "Not stated" "The plan was imported from a system that did not say this; a person must review it before relying on the plan."

ValueSet: SentenceRequirementVS
Id: sentence-requirement
Title: "Requirements of an order or licence"
Description: "Every code of the sentence-requirement code system."
* insert OurValueSet
* include codes from system SentenceRequirement

CodeSystem: MentalHealthActStatus
Id: mental-health-act-status
Title: "Mental Health Act status"
Description: "The client's status under the Mental Health Act 1983; each code names the Act's section."
* insert OurCodeSystem
* #informal "Informal" "Not detained or subject to any power of the Act."
* #section-2 "Section 2" "Detained for assessment (section 2)."
* #section-3 "Section 3" "Detained for treatment (section 3)."
* #section-4 "Section 4" "Detained for assessment in an emergency (section 4)."
* #section-5-2 "Section 5(2)" "Held in hospital by a doctor's holding power (section 5(2))."
* #section-5-4 "Section 5(4)" "Held in hospital by a nurse's holding power (section 5(4))."
* #section-35 "Section 35" "Remanded to hospital for a report (section 35)."
* #section-36 "Section 36" "Remanded to hospital for treatment (section 36)."
* #section-37 "Section 37" "A hospital order made by a court (section 37)."
* #section-37-41 "Section 37 with section 41" "A hospital order with a restriction order (sections 37 and 41)."
* #section-38 "Section 38" "An interim hospital order (section 38)."
* #section-47 "Section 47" "Transferred from prison to hospital (section 47)."
* #section-48 "Section 48" "Transferred to hospital while on remand or otherwise detained (section 48)."
* #section-135 "Section 135" "Removed to a place of safety under a warrant (section 135)."
* #section-136 "Section 136" "Removed to a place of safety by the police (section 136)."
* #community-treatment-order "Community treatment order" "Discharged from detention on a community treatment order (section 17A)."
* #guardianship "Guardianship" "Received into guardianship (section 7 or 37)."
* #conditional-discharge "Conditional discharge" "A restricted patient conditionally discharged (section 42(2) or 73)."
* #not-stated "Not stated" "The plan was imported from a system that did not say this; a person must review it before relying on the plan."

ValueSet: MentalHealthActStatusVS
Id: mental-health-act-status
Title: "Mental Health Act status"
Description: "Every code of the mental-health-act-status code system."
* insert OurValueSet
* include codes from system MentalHealthActStatus

CodeSystem: DirForm
Id: dir-form
Title: "Forms of the Drug Interventions Record suite"
Description: "The form of the Drug Interventions Record suite a referral was recorded on (Home Office Drug Interventions Programme: the 2007 DIR background guidance and the 2009 DIR forms; seed 000, 5.3.6)."
* insert OurCodeSystem
* #drug-interventions-record "Drug Interventions Record" "The DIR itself: the common record for continuity of care (CJITs and CARATs)."
* #initial-contact "Initial contact form" "A client's first contact with a CJIT or CARAT team."
* #required-assessment "Required assessment form" "An assessment required after a positive test on arrest (CJITs only)."
* #activity "Activity form" "Significant changes while the client is case managed, and a client referred in with a DIR already received."
* #continuity-of-care-update "Continuity of care update form" "An update of the client's details that changed significantly since the DIR."
* #substance-misuse-triage-assessment "Substance misuse triage assessment" "The triage assessment in prison, recorded on the DIR."
* #not-stated "Not stated" "The plan was imported from a system that did not say this; a person must review it before relying on the plan."

ValueSet: DirFormVS
Id: dir-form
Title: "Forms of the Drug Interventions Record suite"
Description: "Every code of the dir-form code system."
* insert OurValueSet
* include codes from system DirForm

// ---- Extensions on CarePlan ----

Extension: KeyworkerContact
Id: keyworker-contact
Title: "Keyworker contact"
Description: "One arranged contact with the client, the contact log of keeping in touch (seed 003, role 10): when, with whom, what kind, whether the client attended. An extension on the plan rather than an Encounter: R4 Encounter.status has no 'did not attend', and the log travels, and is minimised, with the plan it serves."
Context: CarePlan
* insert OurExtension
* extension contains
    date 1..1 and
    time 0..1 and
    worker 0..1 and
    kind 1..1 and
    attendance 0..1 and
    durationMinutes 0..1 and
    note 0..1
* extension[date].value[x] only date
* extension[time].value[x] only dateTime
* extension[worker].value[x] only Reference(PractitionerRole)
* extension[kind].value[x] only Coding
* extension[kind].value[x] from ContactKindVS (required)
* extension[attendance].value[x] only Coding
* extension[attendance].value[x] from ContactAttendanceVS (required)
* extension[durationMinutes].value[x] only integer
* extension[note].value[x] only string
* value[x] 0..0

Extension: OffenderManagement
Id: offender-management
Title: "Offender management"
Description: "The statutory supervision the client is under and probation's risk information for the plan (seed 000, 5.3.7: links with offender management; 'the probation service may have information (particularly regarding risk issues ...) that may need to be incorporated into the care plan'): the offender manager, the end of the licence, the requirements, and risk of serious harm at its OASys level."
Context: CarePlan
* insert OurExtension
* extension contains
    offenderManager 0..1 and
    licenceEnd 0..1 and
    requirement 0..* and
    riskOfSeriousHarm 0..1 and
    riskAssessed 0..1 and
    riskSummary 0..1
* extension[offenderManager].value[x] only Reference(PractitionerRole)
* extension[licenceEnd].value[x] only date
* extension[requirement].value[x] only Coding
* extension[requirement].value[x] from SentenceRequirementVS (required)
* extension[riskOfSeriousHarm].value[x] only Coding
* extension[riskOfSeriousHarm].value[x] from RiskOfSeriousHarmVS (required)
* extension[riskAssessed].value[x] only date
* extension[riskSummary].value[x] only string
* value[x] 0..0

Extension: MentalHealthAct
Id: mental-health-act
Title: "Mental Health Act status"
Description: "The CPA client's status under the Mental Health Act 1983 and whether section 117 aftercare applies: R4 has no element for either."
Context: CarePlan
* insert OurExtension
* extension contains
    status 0..1 and
    since 0..1 and
    section117Aftercare 0..1
* extension[status].value[x] only Coding
* extension[status].value[x] from MentalHealthActStatusVS (required)
* extension[since].value[x] only date
* extension[section117Aftercare].value[x] only boolean
* value[x] 0..0

// ---- Profiles ----

Profile: MentalHealthDiagnosis
Parent: Condition
Id: MentalHealthDiagnosis
Title: "Mental health diagnosis"
Description: "A CPA client's mental health diagnosis as the CMHT records it (seed 000, 5.3.7), named in the drug treatment plan's supportingInfo: the plan does not address it, but is made knowing it."
* ^status = #draft
* clinicalStatus 1..1 MS
* category 1..* MS
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category contains problemListItem 1..1 MS
* category[problemListItem] = http://terminology.hl7.org/CodeSystem/condition-category#problem-list-item
* code 1..1 MS
* code.text 1..1 MS
* subject only Reference(ServiceUserPatient)
* subject MS

Profile: PsychiatricMedicationStatement
Parent: MedicationStatement
Id: PsychiatricMedicationStatement
Title: "Psychiatric medication"
Description: "A psychiatric medicine a CPA client takes (seed 000, 5.3.7): what, the dose and how often as prescribed, and who prescribes it. It travels to every prescriber (hazard H-40)."
* ^status = #draft
* status = #active (exactly)
* status MS
* medication[x] only CodeableConcept
* medicationCodeableConcept.text 1..1 MS
* subject only Reference(ServiceUserPatient)
* subject MS
* informationSource only Reference(CarePlanPractitionerRole)
* informationSource MS
* dosage ..1 MS
* dosage.text 1..1 MS

// ---- Examples (they reference the examples of examples.fsh; illustrative only) ----

Instance: example-mental-health-diagnosis
InstanceOf: MentalHealthDiagnosis
Usage: #example
Title: "Mental health diagnosis (illustrative)"
* clinicalStatus = http://terminology.hl7.org/CodeSystem/condition-clinical#active
* category[problemListItem] = http://terminology.hl7.org/CodeSystem/condition-category#problem-list-item
* code.text = "Recurrent depressive disorder"
* subject = Reference(tomasz-wisniewski)

Instance: example-psychiatric-medication
InstanceOf: PsychiatricMedicationStatement
Usage: #example
Title: "Psychiatric medication (illustrative)"
* status = #active
* medicationCodeableConcept.text = "Sertraline 100 mg tablets"
* subject = Reference(tomasz-wisniewski)
* informationSource = Reference(owen-price-at-nti)
* dosage.text = "100 mg each morning"
