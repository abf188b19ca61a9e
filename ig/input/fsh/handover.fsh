// The DIR-style handover (adapter/handover): a FHIR message Bundle handing a care plan from one service
// to another, with the handover Task, the consent it travels under, and a signed Provenance.
// Seed 000, 5.3.6 and seed 002, 5.3.4: continuity of care rests on "timely, targeted and correct
// information" passed with the client's consent; at release the CARAT team refers to the single point
// of contact of the CJIT of the release area, which decides whether to take the client on.
// The RuleSets OurCodeSystem, OurValueSet and OurExtension are defined in codesystems.fsh,
// valuesets.fsh and extensions.fsh.

CodeSystem: HandoverEvent
Id: handover-event
Title: "Handover message events"
Description: "What a handover message is about (MessageHeader.eventCoding; an acknowledgement repeats its request's event)."
* insert OurCodeSystem
* #care-plan-handover "Care plan handover" "A care plan is handed from one service to another: the message carries the handover Task, the consent that permits it and the plan as the receiving service needs it."
* #consent-withdrawn "Consent withdrawn" "The client has withdrawn a consent to share: the message carries the Consent, now inactive, and goes to every organisation the plan went to under it (hazard H-16)."
* #care-plan-update "Care plan update" "The plan handed over has changed: the message carries the plan as it now stands, minimised for the destination as the handover was, to an organisation that holds a copy under a consent that still covers it (seed 003: the care co-ordinator advises other professionals of changes in the service user's circumstances)."

CodeSystem: HandoverInput
Id: handover-input
Title: "Handover Task inputs"
Description: "What a handover Task carries besides the plan: the consent it travels under and the prison-release minimum data set (seed 002, 5.3.4)."
* insert OurCodeSystem
* #consent "Consent to share" "The client's consent that permits this handover (Reference to the Consent in the message)."
* #release-date "Release date" "The date the client is (to be) released from custody."
* #release-area "Release area" "The area the client is released to, whose CJIT takes the referral."
* #receiving-cjit "Receiving CJIT" "The criminal justice integrated team of the release area (Reference to the Organization)."
* #first-community-appointment "First community appointment" "When the client is first to be seen in the community after release."
* #current-prescribing "Current prescribing" "A medicine currently prescribed, with its daily dose and the date and time of the last dose (continuity of opioid substitution); the detail is in the handover-prescribing extension."
* #overdose-risk-on-release "Overdose risk on release" "The assessed risk of overdose on release from custody (risk-level)."
* #open-risk "Open risks" "The areas of risk still open (risk-area codes) and the risk summary."
* #keyworker-contact "Keyworker contact" "A keyworker or care co-ordinator of the client, with their contact details (Reference to the PractitionerRole)."
* #reception-date "Reception date" "The date the client was received into custody (prison-reception)."
* #community-dose-to-confirm "Community dose to confirm" "A community dose the prison must confirm with the prescriber and the dispensing pharmacy (the dose, and when it was last taken) before it is continued (prison-reception; seed 002, 5.3.4)."

ValueSet: HandoverEventVS
Id: handover-event
Title: "Handover message events"
Description: "Every code of the handover-event code system."
* insert OurValueSet
* include codes from system HandoverEvent

ValueSet: HandoverInputVS
Id: handover-input
Title: "Handover Task inputs"
Description: "Every code of the handover-input code system."
* insert OurValueSet
* include codes from system HandoverInput

// Task.input's extensions are left open in HandoverTask, so this extension is defined for the
// current-prescribing input without being sliced into the profile.
Extension: HandoverPrescribing
Id: handover-prescribing
Title: "Prescribing handed over"
Description: "The daily dose and the date and time of the last dose of a medicine handed over at release, so opioid substitution continues without a gap (seed 002, 5.3.4). The medicine is the input's valueString."
Context: Task.input
* insert OurExtension
* extension contains
    dailyDose 1..1 and
    strength 0..1 and
    lastDose 0..1 and
    dispensingPharmacy 0..1 and
    prescriber 0..1
* extension[dailyDose].value[x] only Quantity
* extension[dailyDose] ^short = "The daily dose (UCUM unit)"
* extension[strength].value[x] only Ratio
* extension[strength] ^short = "For a dose given as a volume: the liquid's strength (mass per volume)"
* extension[lastDose].value[x] only dateTime
* extension[lastDose] ^short = "When the last dose was taken"
* extension[dispensingPharmacy].value[x] only Identifier
* extension[dispensingPharmacy] ^short = "The community pharmacy that dispenses it (ODS code)"
* extension[prescriber].value[x] only Reference(PractitionerRole)
* extension[prescriber] ^short = "Who prescribes it: the dose is confirmed with them"
* extension[dailyDose] MS
* extension[strength] MS
* extension[lastDose] MS
* value[x] 0..0

Profile: HandoverMessage
Parent: Bundle
Id: HandoverMessage
Title: "Handover message"
Description: "A DIR-style handover: a message Bundle whose MessageHeader's focus is the handover Task; then the Task, the signed Provenance, and the care plan with everything it references and the one Consent that permits the handover. The signature covers the whole Bundle (adapter/handover/signing.py says how it is made canonical)."
* ^status = #draft
* type = #message
* timestamp 1..1 MS
* entry 4..* MS
* entry.fullUrl 1..1 MS
* entry.resource 1..1 MS
* entry.request 0..0
* entry.response 0..0

Profile: HandoverMessageHeader
Parent: MessageHeader
Id: HandoverMessageHeader
Title: "Handover message header"
Description: "The header of a handover message: the event, who sends it from which endpoint, the one destination (organisation and endpoint), the reason, and the handover Task as its focus."
* ^status = #draft
* event[x] only Coding
* event[x] MS
* event[x] from HandoverEventVS (required)
* destination 1..1 MS
* destination.endpoint MS
* destination.receiver 1..1 MS
* destination.receiver only Reference(CarePlanOrganization)
* sender 1..1 MS
* sender only Reference(CarePlanOrganization)
* source.endpoint MS
* reason 1..1 MS
* reason from HandoverReasonVS (required)
* response 0..0
* focus 1..1 MS
* focus only Reference(HandoverTask)

Profile: HandoverTask
Parent: Task
Id: HandoverTask
Title: "Handover Task"
Description: "The handover as a piece of work for the receiving team: requested by the sending organisation, owned by the receiving team (its single point of contact), about the care plan, for the service user. Status requested -> received -> accepted | rejected -> completed (adapter/handover/data/task-transitions.json)."
* ^status = #draft
* status MS
* statusReason MS
* intent = #order
* code 1..1 MS
* code from HandoverEventVS (required)
* focus 1..1 MS
* focus only Reference(DrugTreatmentCarePlan)
* for 1..1 MS
* for only Reference(ServiceUserPatient)
* authoredOn 1..1 MS
* requester 1..1 MS
* requester only Reference(CarePlanOrganization)
* owner 1..1 MS
* owner only Reference(CarePlanOrganization)
* reasonCode 1..1 MS
* reasonCode from HandoverReasonVS (required)
* input 1..* MS
* input.type from HandoverInputVS (required)

Profile: HandoverProvenance
Parent: Provenance
Id: HandoverProvenance
Title: "Handover provenance"
Description: "Who sent the handover and when, with the sender's signature over the message: Ed25519, a detached JWS (application/jose) over the canonical form of the Bundle without this signature."
* ^status = #draft
* target 2..* MS
* recorded MS
* agent 1..1 MS
* agent.who only Reference(CarePlanOrganization)
* signature 1..1 MS
* signature.who only Reference(CarePlanOrganization)
* signature.targetFormat 1..1
* signature.targetFormat = #application/fhir+json
* signature.sigFormat 1..1
* signature.sigFormat = #application/jose
* signature.data 1..1 MS

Profile: HandoverAcknowledgementHeader
Parent: MessageHeader
Id: HandoverAcknowledgementHeader
Title: "Handover acknowledgement header"
Description: "The header of the answer to a handover message: the original MessageHeader id, ok (accepted) or fatal-error (refused or rejected), and the OperationOutcome that says why; its focus is the handover Task as it now stands, when there is one."
* ^status = #draft
* event[x] only Coding
* event[x] from HandoverEventVS (required)
* response 1..1 MS
* response.details 1..1 MS
* response.details only Reference(OperationOutcome)
