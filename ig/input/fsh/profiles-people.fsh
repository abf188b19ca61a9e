// The client, the practitioners and the organisations around them, following UK Core's conventions by
// hand: identifiers sliced on system with UK Core's slice names, NHS Number
// https://fhir.nhs.uk/Id/nhs-number and ODS https://fhir.nhs.uk/Id/ods-organization-code as fixed
// systems, must-support on what UK Core marks (shared/ukcore UKCore-Patient, -Organization,
// -Practitioner, -PractitionerRole).

Profile: ServiceUserPatient
Parent: Patient
Id: ServiceUserPatient
Title: "Service user"
Description: "The client in drug treatment, identified by NHS Number where known and by prison number or PNC id in the criminal justice system."
* ^status = #draft
* identifier MS
* identifier ^slicing.discriminator.type = #value
* identifier ^slicing.discriminator.path = "system"
* identifier ^slicing.rules = #open
* identifier contains nhsNumber 0..1 MS and prisonNumber 0..1 and pncId 0..1
* identifier[nhsNumber] obeys nhs-number-format
* identifier[nhsNumber].system 1..1
* identifier[nhsNumber].system = "https://fhir.nhs.uk/Id/nhs-number" (exactly)
* identifier[nhsNumber].value 1..1
* identifier[prisonNumber].system 1..1
* identifier[prisonNumber].system = "https://fhir.careplan-adapter.org/Id/prison-number" (exactly)
* identifier[prisonNumber].value 1..1
* identifier[pncId].system 1..1
* identifier[pncId].system = "https://fhir.careplan-adapter.org/Id/pnc-id" (exactly)
* identifier[pncId].value 1..1
* name 1..* MS
* gender 1..1 MS
* birthDate 1..1 MS
* telecom MS
* address MS
* generalPractitioner MS
// Who the client is (seed 003, role 2: culture, ethnicity, gender and sexuality; circumstances.fsh).
// The ethnic category is UK Core's own extension (definitions in input/resources/ukcore, UK Core
// 2.3.0): what a GP or hospital system in England reads.
// The first language is communication (preferred), in BCP 47; the interpreter R4's core extension,
// as UK Core slices it (UKCore-Patient patientInterpreterRequired).
* extension contains
    SexAtBirthExtension named sexAtBirth 0..1 and
    $UKCoreEthnicCategory named ethnicCategory 0..1 MS and
    SexualOrientationExtension named sexualOrientation 0..1 and
    ReligionExtension named religion 0..1 and
    DisabilityExtension named disability 0..* and
    http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired named interpreterRequired 0..1 MS
* communication MS
* communication.language MS
* communication.preferred MS

Profile: CarePlanPractitioner
Parent: Practitioner
Id: CarePlanPractitioner
Title: "Care team practitioner"
Description: "A practitioner in a client's care team: keyworker, care co-ordinator, GP, CARAT or CJIT worker..."
* ^status = #draft
* identifier MS
* name 1..* MS
* telecom MS

Profile: CarePlanPractitionerRole
Parent: PractitionerRole
Id: CarePlanPractitionerRole
Title: "Care team role"
Description: "A practitioner's roles in one client's care, at one organisation."
* ^status = #draft
* practitioner 1..1 MS
* practitioner only Reference(CarePlanPractitioner)
* organization 1..1 MS
* organization only Reference(CarePlanOrganization)
* code 1..* MS
* code from CareTeamRoleVS (extensible)
* period MS
* telecom MS

Profile: CarePlanOrganization
Parent: Organization
Id: CarePlanOrganization
Title: "Service sharing the client's care"
Description: "A CJIT, CARAT team, GP practice, CMHT, probation service or treatment provider, identified by its ODS code."
* ^status = #draft
* extension contains SinglePointOfContact named singlePointOfContact 0..1
* identifier 1..* MS
* identifier ^slicing.discriminator.type = #value
* identifier ^slicing.discriminator.path = "system"
* identifier ^slicing.rules = #open
* identifier contains odsOrganisationCode 1..1 MS
* identifier[odsOrganisationCode].system 1..1
* identifier[odsOrganisationCode].system = "https://fhir.nhs.uk/Id/ods-organization-code" (exactly)
* identifier[odsOrganisationCode].value 1..1
* type 1..* MS
* type from OrganisationKindVS (extensible)
* name 1..1 MS
* telecom MS
* address MS
