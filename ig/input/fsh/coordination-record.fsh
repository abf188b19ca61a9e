// What seed 003 (the local care co-ordination protocol) asks to be recorded beyond the plan itself:
// the criteria for care manager involvement limb by limb, the duty of care while a client waits for
// tier 3, and the early follow-up after discharge; and the TOP's stage. adapter/model/coordination.py,
// adapter/model/top.py; adapter/fhir/extensions.py carries them both ways.

CodeSystem: TopStage
Id: top-stage
Title: "Treatment Outcomes Profile stages"
Description: "When in the treatment journey a Treatment Outcomes Profile was completed (the TOP's stages as NDTMS records them; seed 003: at comprehensive assessment, 3-monthly thereafter, at discharge, and early follow-up after discharge)."
* insert OurCodeSystem
* #start "Start of treatment" "The TOP at the start of treatment: at comprehensive assessment."
* #review "Review" "A TOP at a review during treatment: every three months after the start."
* #exit "Exit" "The TOP at discharge from treatment."
* #post-exit "Post-exit" "A TOP at follow-up after discharge."

ValueSet: TopStageVS
Id: top-stage
Title: "Treatment Outcomes Profile stages"
Description: "Every code of the top-stage code system."
* insert OurValueSet
* include codes from system TopStage

CodeSystem: CareManagerCriterion
Id: care-manager-criterion
Title: "Criteria for care manager involvement"
Description: "The limbs of the criteria for Substance Misuse Care Manager involvement (seed 003), joined by 'and': all three must be met."
* insert OurCodeSystem
* #willing-to-address-misuse "Willing to address substance misuse" "The individual demonstrates a willingness to address their substance misuse."
* #serious-or-prolonged-hazardous-misuse "Serious or prolonged hazardous misuse" "The individual has a history of serious or prolonged substance misuse, hazardous to themselves, carers/partners or the general public."
* #previous-interventions-did-not-meet-needs "Previous interventions did not meet needs" "The individual has tried community or prison based interventions and found that these did not meet their needs."

ValueSet: CareManagerCriterionVS
Id: care-manager-criterion
Title: "Criteria for care manager involvement"
Description: "Every code of the care-manager-criterion code system."
* insert OurValueSet
* include codes from system CareManagerCriterion

Extension: CareManagerCriteria
Id: care-manager-criteria
Title: "Criteria for care manager involvement"
Description: "Seed 003's criteria for care manager involvement, limb by limb with the evidence for each; met when all three limbs are met. Nested inside external-coordination."
* ^context[0].type = #extension
* ^context[0].expression = "https://fhir.careplan-adapter.org/StructureDefinition/external-coordination"
* insert OurExtension
* extension contains assessed 0..1
* extension[assessed].value[x] only date
* extension contains CareManagerCriterionExtension named criterion 1..*
* value[x] 0..0

Extension: CareManagerCriterionExtension
Id: care-manager-criterion
Title: "Criterion for care manager involvement"
Description: "One limb of the criteria for care manager involvement (seed 003): which, whether met, and the evidence. Nested inside care-manager-criteria."
* ^context[0].type = #extension
* ^context[0].expression = "https://fhir.careplan-adapter.org/StructureDefinition/care-manager-criteria"
* insert OurExtension
* extension contains
    limb 1..1 and
    met 1..1 and
    evidence 0..1
* extension[limb].value[x] only Coding
* extension[limb].value[x] from CareManagerCriterionVS (required)
* extension[met].value[x] only boolean
* extension[evidence].value[x] only string
* value[x] 0..0

Extension: WaitingDutyOfCare
Id: waiting-duty-of-care
Title: "Duty of care while waiting for tier 3"
Description: "While a client waits for a tier 3 intervention, the referring agency, the agency that completed the triage assessment and the agency awaited all owe a duty of care; the client is advised of tier 2 services meanwhile (seed 003, criteria for care planning and care co-ordination 2-3)."
Context: CarePlan
* insert OurExtension
* extension contains
    awaitedAgency 1..1 and
    referringAgency 1..1 and
    triageAgency 1..1 and
    recorded 1..1 and
    tier2ServicesAdvised 0..1 and
    tier2ServicesAdvice 0..1
* extension[awaitedAgency].value[x] only Reference(Organization)
* extension[referringAgency].value[x] only Reference(Organization)
* extension[triageAgency].value[x] only Reference(Organization)
* extension[recorded].value[x] only date
* extension[tier2ServicesAdvised].value[x] only date
* extension[tier2ServicesAdvice].value[x] only string
* value[x] 0..0

Extension: PostDischargeFollowUp
Id: post-discharge-follow-up
Title: "Follow-up after discharge"
Description: "The early follow-up of a discharged client (seed 003, role and responsibilities of the care co-ordinator): when due, when done, by whom, what was found. Nested inside closure."
* ^context[0].type = #extension
* ^context[0].expression = "https://fhir.careplan-adapter.org/StructureDefinition/closure"
* insert OurExtension
* extension contains
    due 1..1 and
    done 0..1 and
    by 0..1 and
    outcome 0..1
* extension[due].value[x] only date
* extension[done].value[x] only date
* extension[by].value[x] only Reference(PractitionerRole)
* extension[outcome].value[x] only string
* value[x] 0..0
