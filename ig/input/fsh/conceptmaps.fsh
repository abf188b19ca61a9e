// Our codes -> SNOMED CT, where a concept exists. Equivalence reads as in R4 ConceptMap: "wider" means
// the SNOMED CT concept is wider in meaning than our code, "narrower" that it is narrower (and says in
// the comment when it applies); codes with no concept are listed as "unmatched" with the reason, so a
// mapper can tell "no concept" from "forgotten".
// SNOMED CT ids and displays confirmed against published value sets: 768820003 (care coordinator,
// occupation) and 62247001 (family medicine specialist, occupation; UK synonym "General
// practitioner") in public FHIR implementation guides' practitioner-role codes; 266707007, 310653000,
// 792901003, 56876005, 61480009, 720174008, 720177001 (regime/therapy) in the eCQM and CDC opioid
// guideline value sets for substance misuse treatment.

RuleSet: OurConceptMap
* status = #draft
* experimental = false
* publisher = "Care-plan adapter project"
* targetUri = "http://snomed.info/sct?fhir_vs"

Instance: care-team-role-to-snomed
InstanceOf: ConceptMap
Usage: #definition
Title: "Care team roles to SNOMED CT"
Description: "Maps the care-team-role codes to SNOMED CT occupations where one exists; each role without one is listed as unmatched with the reason."
* insert OurConceptMap
* url = "https://fhir.careplan-adapter.org/ConceptMap/care-team-role-to-snomed"
* name = "CareTeamRoleToSnomed"
* sourceCanonical = "https://fhir.careplan-adapter.org/ValueSet/care-team-role"
* group[0].source = "https://fhir.careplan-adapter.org/CodeSystem/care-team-role"
* group[0].target = "http://snomed.info/sct"
* group[0].element[0].code = #keyworker
* group[0].element[0].target[0].equivalence = #unmatched
* group[0].element[0].target[0].comment = "No SNOMED CT concept for the Models of Care keyworker, a role any drugs worker, nurse, doctor or criminal justice professional may hold."
* group[0].element[1].code = #care-coordinator
* group[0].element[1].target[0].code = #768820003
* group[0].element[1].target[0].display = "Care coordinator"
* group[0].element[1].target[0].equivalence = #equivalent
* group[0].element[2].code = #care-manager
* group[0].element[2].target[0].equivalence = #unmatched
* group[0].element[2].target[0].comment = "No SNOMED CT concept for a substance misuse care manager was confirmed."
* group[0].element[3].code = #treatment-coordinator
* group[0].element[3].target[0].equivalence = #unmatched
* group[0].element[3].target[0].comment = "A local protocol's role (seed 003); no SNOMED CT concept."
* group[0].element[4].code = #gp-prescriber
* group[0].element[4].target[0].code = #62247001
* group[0].element[4].target[0].display = "General practitioner"
* group[0].element[4].target[0].equivalence = #wider
* group[0].element[4].target[0].comment = "The occupation; ours is the GP leading prescribing in a shared care arrangement."
* group[0].element[5].code = #shared-care-worker
* group[0].element[5].target[0].equivalence = #unmatched
* group[0].element[5].target[0].comment = "No SNOMED CT concept for a shared care drugs worker was confirmed."
* group[0].element[6].code = #cjit-worker
* group[0].element[6].target[0].equivalence = #unmatched
* group[0].element[6].target[0].comment = "CJITs are an English criminal justice arrangement; no SNOMED CT concept."
* group[0].element[7].code = #carat-worker
* group[0].element[7].target[0].equivalence = #unmatched
* group[0].element[7].target[0].comment = "CARAT services are specific to prisons in England and Wales; no SNOMED CT concept."
* group[0].element[8].code = #dip-worker
* group[0].element[8].target[0].equivalence = #unmatched
* group[0].element[8].target[0].comment = "The Drug Interventions Programme is an English programme; no SNOMED CT concept."
* group[0].element[9].code = #probation-offender-manager
* group[0].element[9].target[0].equivalence = #unmatched
* group[0].element[9].target[0].comment = "No SNOMED CT concept for a probation offender manager was confirmed."
* group[0].element[10].code = #cmht-care-coordinator
* group[0].element[10].target[0].code = #768820003
* group[0].element[10].target[0].display = "Care coordinator"
* group[0].element[10].target[0].equivalence = #wider
* group[0].element[10].target[0].comment = "The SNOMED CT occupation covers care co-ordinators of any service; ours is the CMHT's named co-ordinator under CPA."
* group[0].element[11].code = #community-care-manager
* group[0].element[11].target[0].equivalence = #unmatched
* group[0].element[11].target[0].comment = "No SNOMED CT concept for a community care manager was confirmed."
* group[0].element[12].code = #prescriber
* group[0].element[12].target[0].equivalence = #unmatched
* group[0].element[12].target[0].comment = "Prescribers of a drug service or prison healthcare are of several professions; no single SNOMED CT concept was confirmed."
* group[0].element[13].code = #social-worker
* group[0].element[13].target[0].equivalence = #unmatched
* group[0].element[13].target[0].comment = "No SNOMED CT concept was confirmed from the material available here."
* group[0].element[14].code = #recovery-worker
* group[0].element[14].target[0].equivalence = #unmatched
* group[0].element[14].target[0].comment = "No SNOMED CT concept for a recovery or peer-support worker was confirmed."
* group[0].element[15].code = #not-stated
* group[0].element[15].target[0].equivalence = #unmatched
* group[0].element[15].target[0].comment = "An imported plan that did not say the role: no concept can be claimed for it."
// A role added later and not listed here is written with our code alone.
* group[0].unmapped.mode = #provided

Instance: intervention-modality-to-snomed
InstanceOf: ConceptMap
Usage: #definition
Title: "Intervention modalities to SNOMED CT"
Description: "Maps the intervention-modality codes to SNOMED CT regimes and therapies; the mapper writes the SNOMED CT coding beside ours in CarePlan.activity.detail.code. Substitution maps to the methadone or buprenorphine concept only when the medicine names the drug (dependsOn medicine); every modality falls back to 266707007 Drug addiction therapy, which is wider."
* insert OurConceptMap
* url = "https://fhir.careplan-adapter.org/ConceptMap/intervention-modality-to-snomed"
* name = "InterventionModalityToSnomed"
* sourceCanonical = "https://fhir.careplan-adapter.org/ValueSet/intervention-modality"
* group[0].source = "https://fhir.careplan-adapter.org/CodeSystem/intervention-modality"
* group[0].target = "http://snomed.info/sct"
* group[0].element[0].code = #opioid-substitution
* group[0].element[0].target[0].code = #266707007
* group[0].element[0].target[0].display = "Drug addiction therapy"
* group[0].element[0].target[0].equivalence = #wider
* group[0].element[0].target[0].comment = "Covers any drug addiction therapy, not only opioid substitution."
* group[0].element[0].target[1].code = #310653000
* group[0].element[0].target[1].display = "Drug addiction therapy using methadone"
* group[0].element[0].target[1].equivalence = #narrower
* group[0].element[0].target[1].comment = "Applies only when the substitute medicine prescribed is methadone."
* group[0].element[0].target[1].dependsOn[0].property = "medicine"
* group[0].element[0].target[1].dependsOn[0].value = "methadone"
* group[0].element[0].target[2].code = #792901003
* group[0].element[0].target[2].display = "Drug addiction therapy using buprenorphine"
* group[0].element[0].target[2].equivalence = #narrower
* group[0].element[0].target[2].comment = "Applies only when the substitute medicine prescribed is buprenorphine."
* group[0].element[0].target[2].dependsOn[0].property = "medicine"
* group[0].element[0].target[2].dependsOn[0].value = "buprenorphine"
* group[0].element[1].code = #other-prescribing
* group[0].element[1].target[0].code = #266707007
* group[0].element[1].target[0].display = "Drug addiction therapy"
* group[0].element[1].target[0].equivalence = #wider
* group[0].element[1].target[0].comment = "Covers any drug addiction therapy, not only prescribing."
* group[0].element[2].code = #psychosocial
* group[0].element[2].target[0].code = #266707007
* group[0].element[2].target[0].display = "Drug addiction therapy"
* group[0].element[2].target[0].equivalence = #wider
* group[0].element[2].target[0].comment = "No closer concept was confirmed for psychosocial interventions; the general drug addiction therapy concept is wider."
* group[0].element[3].code = #harm-reduction
* group[0].element[3].target[0].code = #720174008
* group[0].element[3].target[0].display = "Drug harm reduction program"
* group[0].element[3].target[0].equivalence = #equivalent
* group[0].element[4].code = #community-detoxification
* group[0].element[4].target[0].code = #61480009
* group[0].element[4].target[0].display = "Drug detoxification"
* group[0].element[4].target[0].equivalence = #wider
* group[0].element[4].target[0].comment = "Detoxification in any setting; ours is delivered in the community."
* group[0].element[4].target[1].code = #56876005
* group[0].element[4].target[1].display = "Drug rehabilitation and detoxification"
* group[0].element[4].target[1].equivalence = #wider
* group[0].element[4].target[1].comment = "Covers rehabilitation and detoxification in any setting."
* group[0].element[5].code = #inpatient-detoxification
* group[0].element[5].target[0].code = #61480009
* group[0].element[5].target[0].display = "Drug detoxification"
* group[0].element[5].target[0].equivalence = #wider
* group[0].element[5].target[0].comment = "Detoxification in any setting; ours is delivered as an inpatient."
* group[0].element[5].target[1].code = #56876005
* group[0].element[5].target[1].display = "Drug rehabilitation and detoxification"
* group[0].element[5].target[1].equivalence = #wider
* group[0].element[5].target[1].comment = "Covers rehabilitation and detoxification in any setting."
* group[0].element[6].code = #residential-rehabilitation
* group[0].element[6].target[0].code = #56876005
* group[0].element[6].target[0].display = "Drug rehabilitation and detoxification"
* group[0].element[6].target[0].equivalence = #wider
* group[0].element[6].target[0].comment = "Covers drug rehabilitation in any setting and detoxification; ours is residential."
* group[0].element[7].code = #structured-day-programme
* group[0].element[7].target[0].code = #266707007
* group[0].element[7].target[0].display = "Drug addiction therapy"
* group[0].element[7].target[0].equivalence = #wider
* group[0].element[7].target[0].comment = "No closer concept was confirmed for structured day programmes; the general drug addiction therapy concept is wider."
* group[0].element[8].code = #relapse-prevention
* group[0].element[8].target[0].code = #720177001
* group[0].element[8].target[0].display = "Drug relapse prevention program"
* group[0].element[8].target[0].equivalence = #equivalent
* group[0].element[9].code = #brief-intervention
* group[0].element[9].target[0].code = #266707007
* group[0].element[9].target[0].display = "Drug addiction therapy"
* group[0].element[9].target[0].equivalence = #wider
* group[0].element[9].target[0].comment = "No closer concept was confirmed for brief interventions; the general drug addiction therapy concept is wider."
* group[0].element[10].code = #not-stated
* group[0].element[10].target[0].equivalence = #unmatched
* group[0].element[10].target[0].comment = "An activity of an imported plan that did not say its modality may be no drug treatment at all: the fallback must not claim one."
// Every modality is a drug treatment intervention, so a code added later and not listed here still
// has the wider general concept.
* group[0].unmapped.mode = #fixed
* group[0].unmapped.code = #266707007
* group[0].unmapped.display = "Drug addiction therapy"

// Foreign codes -> ours, for plans imported from systems that are not ours (adapter.fhir.importer):
// what our model needs and such a plan does not say is inferred only where one of its own codes says
// it unambiguously; every other code falls to not-stated (unmapped mode fixed), and the importer adds
// a finding that a person must review.

Instance: snomed-to-care-plan-domain
InstanceOf: ConceptMap
Usage: #definition
Title: "SNOMED CT drug and alcohol treatment concepts to care plan domains"
Description: "A CarePlan category or activity code of an imported plan that is one of the SNOMED CT drug treatment concepts this guide maps its modalities to says the plan (or activity) is in the drug and alcohol misuse domain. Any other code says no domain: not-stated."
* insert OurConceptMap
* url = "https://fhir.careplan-adapter.org/ConceptMap/snomed-to-care-plan-domain"
* name = "SnomedToCarePlanDomain"
* targetUri = "https://fhir.careplan-adapter.org/ValueSet/care-plan-domain"
* group[0].source = "http://snomed.info/sct"
* group[0].target = "https://fhir.careplan-adapter.org/CodeSystem/care-plan-domain"
* group[0].element[0].code = #266707007
* group[0].element[0].display = "Drug addiction therapy"
* group[0].element[0].target[0].code = #drug-alcohol-misuse
* group[0].element[0].target[0].equivalence = #wider
* group[0].element[1].code = #310653000
* group[0].element[1].display = "Drug addiction therapy using methadone"
* group[0].element[1].target[0].code = #drug-alcohol-misuse
* group[0].element[1].target[0].equivalence = #wider
* group[0].element[2].code = #792901003
* group[0].element[2].display = "Drug addiction therapy using buprenorphine"
* group[0].element[2].target[0].code = #drug-alcohol-misuse
* group[0].element[2].target[0].equivalence = #wider
* group[0].element[3].code = #720174008
* group[0].element[3].display = "Drug harm reduction program"
* group[0].element[3].target[0].code = #drug-alcohol-misuse
* group[0].element[3].target[0].equivalence = #wider
* group[0].element[4].code = #720177001
* group[0].element[4].display = "Drug relapse prevention program"
* group[0].element[4].target[0].code = #drug-alcohol-misuse
* group[0].element[4].target[0].equivalence = #wider
* group[0].element[5].code = #61480009
* group[0].element[5].display = "Drug detoxification"
* group[0].element[5].target[0].code = #drug-alcohol-misuse
* group[0].element[5].target[0].equivalence = #wider
* group[0].element[6].code = #56876005
* group[0].element[6].display = "Drug rehabilitation and detoxification"
* group[0].element[6].target[0].code = #drug-alcohol-misuse
* group[0].element[6].target[0].equivalence = #wider
* group[0].unmapped.mode = #fixed
* group[0].unmapped.code = #not-stated
* group[0].unmapped.display = "Not stated"

Instance: ods-role-to-organisation-kind
InstanceOf: ConceptMap
Usage: #definition
Title: "ODS organisation roles to organisation kinds"
Description: "An imported Organization's type in the ODS organisation role code system: a GP practice (RO76) is our gp-practice. Any other role says no kind this guide knows: not-stated."
* insert OurConceptMap
* url = "https://fhir.careplan-adapter.org/ConceptMap/ods-role-to-organisation-kind"
* name = "OdsRoleToOrganisationKind"
* targetUri = "https://fhir.careplan-adapter.org/ValueSet/organisation-kind"
* group[0].source = "https://digital.nhs.uk/services/organisation-data-service/CodeSystem/ODSOrganisationRole"
* group[0].target = "https://fhir.careplan-adapter.org/CodeSystem/organisation-kind"
* group[0].element[0].code = #RO76
* group[0].element[0].display = "GP PRACTICE"
* group[0].element[0].target[0].code = #gp-practice
* group[0].element[0].target[0].equivalence = #equivalent
* group[0].unmapped.mode = #fixed
* group[0].unmapped.code = #not-stated
* group[0].unmapped.display = "Not stated"
