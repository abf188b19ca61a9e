// The client's own record (issue 11): who they are and the circumstances the services rely on.
// Seed 003 (role 2): "the care plan takes account of the service user's presenting needs, and their
// culture, ethnicity, gender and sexuality"; seed 004 (3.9.2): hepatitis C, injecting, housing,
// employment, the children of service users, timely access to treatment (national waiting times).
// Categories in the words of the National Drug Treatment Monitoring System (NDTMS); no external code
// was confirmed for them, so they are our CodeSystems (adapter/model/circumstance_codes.py). The
// ethnic category is not here: it travels in UK Core's own Extension-UKCore-EthnicCategory (the NHS
// Data Dictionary's codes, CodeSystem UKCore-EthnicCategoryEngland), whose definitions ship in
// input/resources/ukcore (profiles-people.fsh slices it in).
// The first language is Patient.communication (BCP 47, UK Core's all-languages binding) and the
// interpreter R4 core's patient-interpreterRequired extension: standard elements, no extension here.

// ---- CodeSystems and their ValueSets ----

CodeSystem: SexAtBirth
Id: sex-at-birth
Title: "Sex registered at birth"
Description: "The client's sex registered at birth, distinct from administrative gender: seed 003 asks the plan to reflect gender; whether a pregnancy is possible turns on sex."
* insert OurCodeSystem
* #female "Female" "Sex registered at birth female."
* #male "Male" "Sex registered at birth male."
* #indeterminate "Indeterminate" "Sex registered at birth indeterminate (unable to be classified as either male or female)."
* #declined "Client declined to answer" "The client was asked and chose not to say."

CodeSystem: SexualOrientation
Id: sexual-orientation
Title: "Sexual orientation"
Description: "The client's sexual orientation as they state it (seed 003, role 2: the plan takes account of sexuality)."
* insert OurCodeSystem
* #heterosexual "Heterosexual or straight" "The client describes themself as heterosexual or straight."
* #gay-or-lesbian "Gay or lesbian" "The client describes themself as gay or lesbian."
* #bisexual "Bisexual" "The client describes themself as bisexual."
* #other "Other sexual orientation" "The client describes another sexual orientation."
* #not-sure "Not sure" "The client was asked and does not know or is not sure."
* #declined "Client declined to answer" "The client was asked and chose not to say."

CodeSystem: Religion
Id: religion
Title: "Religion or belief"
Description: "The client's religion or belief, part of the culture the plan takes account of (seed 003, role 2)."
* insert OurCodeSystem
* #no-religion "No religion" "The client has no religion or belief."
* #buddhist "Buddhist" "The client is Buddhist."
* #christian "Christian" "The client is Christian (all denominations)."
* #hindu "Hindu" "The client is Hindu."
* #jewish "Jewish" "The client is Jewish."
* #muslim "Muslim" "The client is Muslim."
* #sikh "Sikh" "The client is Sikh."
* #other "Other religion or belief" "The client has another religion or belief."
* #declined "Client declined to answer" "The client was asked and chose not to say."

CodeSystem: DisabilityCS
Id: disability
Title: "Disability"
Description: "A disability the client has, as the NDTMS records it: one code for each; none and declined stand alone."
* insert OurCodeSystem
* #behaviour-and-emotional "Behaviour and emotional" "Includes psychiatric conditions and emotional or behavioural disorders."
* #hearing "Hearing" "Deafness or serious hearing impairment."
* #manual-dexterity "Manual dexterity" "Difficulty using the hands or arms."
* #learning-and-understanding "Memory, learning or understanding" "A learning disability, or difficulty with memory, concentration, learning or understanding."
* #mobility "Mobility and gross motor" "Difficulty walking, moving or keeping balance."
* #perception-of-danger "Perception of physical danger" "Difficulty recognising physical danger."
* #personal-care "Personal, self care and continence" "Difficulty with personal care or continence."
* #progressive-physical "Progressive conditions and physical health" "A progressive or long-term physical condition (for example cancer, multiple sclerosis, fits)."
* #sight "Sight" "Blindness or serious visual impairment."
* #speech "Speech" "Difficulty speaking."
* #other "Other" "Another disability."
* #none "No disability" "The client has no disability."
* #declined "Client declined to answer" "The client was asked and chose not to say."

CodeSystem: AccommodationStatusCS
Id: accommodation-status
Title: "Accommodation status"
Description: "The client's housing as the NDTMS asks it (accommodation need); no fixed abode is an urgent housing problem (seed 004, 3.9.2: improving housing status)."
* insert OurCodeSystem
* #no-housing-problem "No housing problem" "Settled accommodation with no housing problem."
* #housing-problem "Housing problem" "Accommodation, but with a housing problem (unsettled, temporary, at risk)."
* #no-fixed-abode "No fixed abode" "No fixed abode: rough sleeping, sofa-surfing or no settled address; an urgent housing problem."
* #declined "Client declined to answer" "The client was asked and chose not to say."

CodeSystem: EmploymentStatusCS
Id: employment-status
Title: "Employment status"
Description: "The client's employment status (seed 001, 5.3.2: social functioning includes employment)."
* insert OurCodeSystem
* #regular-employment "Regular employment" "In regular paid employment."
* #student "Pupil or student" "In education or training."
* #long-term-sick-or-disabled "Long-term sick or disabled" "Not working because of long-term sickness or disability."
* #looking-after-home "Looking after the home or family" "Homemaker or carer."
* #unemployed-seeking-work "Unemployed and seeking work" "Unemployed and looking for work."
* #not-seeking-work "Not seeking work" "Unemployed and not looking for work."
* #voluntary-work "Unpaid voluntary work" "In unpaid voluntary work."
* #retired "Retired" "Retired from paid work."
* #other "Other" "Another employment status."
* #declined "Client declined to answer" "The client was asked and chose not to say."

CodeSystem: ChildrenLivingWithClientCS
Id: children-living-with-client
Title: "Children living with the client"
Description: "Whether the client's children under 18 live with them (seed 004, 3.9.2: the children of service users; seed 003: child protection)."
* insert OurCodeSystem
* #all "All live with the client" "All of the client's children under 18 live with them."
* #some "Some live with the client" "Some of the client's children under 18 live with them."
* #none "None live with the client" "None of the client's children under 18 live with them."
* #not-a-parent "Not a parent" "The client has no children under 18."
* #declined "Client declined to answer" "The client was asked and chose not to say."

CodeSystem: InjectingStatusCS
Id: injecting-status
Title: "Injecting status"
Description: "Never, previously or currently injecting (NDTMS injecting status)."
* insert OurCodeSystem
* #never "Never injected" "The client has never injected drugs."
* #previously "Previously injected" "The client has injected but not in the last 28 days."
* #currently "Currently injecting" "The client has injected in the last 28 days."
* #declined "Client declined to answer" "The client was asked and chose not to say."

CodeSystem: HepatitisBVaccinationCS
Id: hepatitis-b-vaccination
Title: "Hepatitis B vaccination"
Description: "Where the client stands on hepatitis B vaccination."
* insert OurCodeSystem
* #not-offered "Not offered" "Vaccination has not been offered."
* #offered-and-refused "Offered and refused" "Vaccination was offered and the client refused it."
* #not-appropriate "Assessed as not appropriate" "Vaccination was judged not appropriate for the client."
* #already-immune "Already immune" "The client is immune already (vaccinated before, or through past infection)."
* #course-started "Course started" "A vaccination course has started and is not complete."
* #course-completed "Course completed" "A vaccination course was completed."

CodeSystem: VirusTestingCS
Id: virus-testing
Title: "Blood-borne virus testing"
Description: "Whether the client was tested for a blood-borne virus (hepatitis C, HIV)."
* insert OurCodeSystem
* #not-offered "Not offered" "A test has not been offered."
* #offered-and-refused "Offered and refused" "A test was offered and the client refused it."
* #not-appropriate "Assessed as not appropriate" "A test was judged not appropriate for the client."
* #tested "Tested" "The client was tested (the result is given, or awaited)."

CodeSystem: VirusTestResultCS
Id: virus-test-result
Title: "Blood-borne virus test result"
Description: "The result of a blood-borne virus test."
* insert OurCodeSystem
* #negative "Negative" "The test was negative."
* #positive "Positive" "The test was positive."
* #awaited "Result awaited" "The test was taken and its result is not yet known."

ValueSet: SexAtBirthVS
Id: sex-at-birth
Title: "Sex registered at birth"
Description: "Every code of the sex-at-birth code system."
* insert OurValueSet
* include codes from system SexAtBirth

ValueSet: SexualOrientationVS
Id: sexual-orientation
Title: "Sexual orientation"
Description: "Every code of the sexual-orientation code system."
* insert OurValueSet
* include codes from system SexualOrientation

ValueSet: ReligionVS
Id: religion
Title: "Religion or belief"
Description: "Every code of the religion code system."
* insert OurValueSet
* include codes from system Religion

ValueSet: DisabilityVS
Id: disability
Title: "Disability"
Description: "Every code of the disability code system."
* insert OurValueSet
* include codes from system DisabilityCS

ValueSet: AccommodationStatusVS
Id: accommodation-status
Title: "Accommodation status"
Description: "Every code of the accommodation-status code system."
* insert OurValueSet
* include codes from system AccommodationStatusCS

ValueSet: EmploymentStatusVS
Id: employment-status
Title: "Employment status"
Description: "Every code of the employment-status code system."
* insert OurValueSet
* include codes from system EmploymentStatusCS

ValueSet: ChildrenLivingWithClientVS
Id: children-living-with-client
Title: "Children living with the client"
Description: "Every code of the children-living-with-client code system."
* insert OurValueSet
* include codes from system ChildrenLivingWithClientCS

ValueSet: InjectingStatusVS
Id: injecting-status
Title: "Injecting status"
Description: "Every code of the injecting-status code system."
* insert OurValueSet
* include codes from system InjectingStatusCS

ValueSet: HepatitisBVaccinationVS
Id: hepatitis-b-vaccination
Title: "Hepatitis B vaccination"
Description: "Every code of the hepatitis-b-vaccination code system."
* insert OurValueSet
* include codes from system HepatitisBVaccinationCS

ValueSet: VirusTestingVS
Id: virus-testing
Title: "Blood-borne virus testing"
Description: "Every code of the virus-testing code system."
* insert OurValueSet
* include codes from system VirusTestingCS

ValueSet: VirusTestResultVS
Id: virus-test-result
Title: "Blood-borne virus test result"
Description: "Every code of the virus-test-result code system."
* insert OurValueSet
* include codes from system VirusTestResultCS

// ---- On Patient ----

Extension: SexAtBirthExtension
Id: sex-at-birth
Title: "Sex registered at birth"
Description: "The client's sex registered at birth, beside (not instead of) administrative gender."
Context: Patient
* insert OurExtension
* value[x] only Coding
* value[x] 1..1
* value[x] from SexAtBirthVS (required)

Extension: SexualOrientationExtension
Id: sexual-orientation
Title: "Sexual orientation"
Description: "The client's sexual orientation as they state it (seed 003, role 2). Sent only where the plan is keyworked (minimisation)."
Context: Patient
* insert OurExtension
* value[x] only Coding
* value[x] 1..1
* value[x] from SexualOrientationVS (required)

Extension: ReligionExtension
Id: religion
Title: "Religion or belief"
Description: "The client's religion or belief (seed 003, role 2: culture). Sent only where the plan is keyworked (minimisation)."
Context: Patient
* insert OurExtension
* value[x] only Coding
* value[x] 1..1
* value[x] from ReligionVS (required)

Extension: DisabilityExtension
Id: disability
Title: "Disability"
Description: "A disability the client has (one extension each)."
Context: Patient
* insert OurExtension
* value[x] only Coding
* value[x] 1..1
* value[x] from DisabilityVS (required)

// ---- On CarePlan ----

Extension: SocialCircumstances
Id: social-circumstances
Title: "Social circumstances"
Description: "Housing, work and children as assessed with the plan (seed 001, 5.3.2: social functioning including housing, employment and education; seed 004, 3.9.2: the children of service users)."
Context: CarePlan
* insert OurExtension
* extension contains
    assessed 1..1 and
    accommodation 0..1 and
    employment 0..1 and
    parentalResponsibility 0..1 and
    childrenLivingWithClient 0..1
* extension[assessed].value[x] only date
* extension[accommodation].value[x] only Coding
* extension[accommodation].value[x] from AccommodationStatusVS (required)
* extension[employment].value[x] only Coding
* extension[employment].value[x] from EmploymentStatusVS (required)
* extension[parentalResponsibility].value[x] only boolean
* extension[parentalResponsibility] ^short = "Parental responsibility for one or more children under 18"
* extension[childrenLivingWithClient].value[x] only Coding
* extension[childrenLivingWithClient].value[x] from ChildrenLivingWithClientVS (required)
* value[x] 0..0

Extension: PregnancyExtension
Id: pregnancy
Title: "Pregnancy"
Description: "Whether the client is pregnant, as recorded on a day. Part of the safety set every prescribing or keyworking destination receives (hazard H-30)."
Context: CarePlan
* insert OurExtension
* extension contains
    recorded 1..1 and
    pregnant 1..1 and
    expectedDelivery 0..1
* extension[recorded].value[x] only date
* extension[pregnant].value[x] only boolean
* extension[expectedDelivery].value[x] only date
* value[x] 0..0

Extension: InjectingStatusExtension
Id: injecting-status
Title: "Injecting status"
Description: "Never, previously or currently injecting, and sharing of injecting equipment, as recorded on a day. Part of the safety set (hazard H-32)."
Context: CarePlan
* insert OurExtension
* extension contains
    recorded 1..1 and
    status 1..1 and
    everShared 0..1 and
    currentlySharing 0..1
* extension[recorded].value[x] only date
* extension[status].value[x] only Coding
* extension[status].value[x] from InjectingStatusVS (required)
* extension[everShared].value[x] only boolean
* extension[currentlySharing].value[x] only boolean
* value[x] 0..0

Extension: BloodBorneVirusStatus
Id: blood-borne-virus-status
Title: "Blood-borne virus status"
Description: "Hepatitis B vaccination, hepatitis C and HIV testing, each with its date (seed 004, 3.9.2: hepatitis C infection). Special-category health data: sent to clinical destinations only (hazard H-31)."
Context: CarePlan
* insert OurExtension
* extension contains
    HepatitisBVaccinationExtension named hepatitisB 0..1 and
    HepatitisCTest named hepatitisC 0..1 and
    HivTest named hiv 0..1
* value[x] 0..0

Extension: HepatitisBVaccinationExtension
Id: hepatitis-b-vaccination
Title: "Hepatitis B vaccination"
Description: "Where the client stands on hepatitis B vaccination, as of a day. Nested inside blood-borne-virus-status."
* ^context[0].type = #extension
* ^context[0].expression = "https://fhir.careplan-adapter.org/StructureDefinition/blood-borne-virus-status"
* insert OurExtension
* extension contains
    status 1..1 and
    date 1..1
* extension[status].value[x] only Coding
* extension[status].value[x] from HepatitisBVaccinationVS (required)
* extension[date].value[x] only date
* value[x] 0..0

RuleSet: VirusTest
* extension contains
    testing 1..1 and
    date 1..1 and
    result 0..1 and
    note 0..1
* extension[testing].value[x] only Coding
* extension[testing].value[x] from VirusTestingVS (required)
* extension[date].value[x] only date
* extension[date] ^short = "The day of the test, or of the offer refused or judged not appropriate"
* extension[result].value[x] only Coding
* extension[result].value[x] from VirusTestResultVS (required)
* extension[note].value[x] only string
* value[x] 0..0

Extension: HepatitisCTest
Id: hepatitis-c-test
Title: "Hepatitis C test"
Description: "Hepatitis C testing: tested or not (and why), on which day, with what result. Nested inside blood-borne-virus-status."
* ^context[0].type = #extension
* ^context[0].expression = "https://fhir.careplan-adapter.org/StructureDefinition/blood-borne-virus-status"
* insert OurExtension
* insert VirusTest

Extension: HivTest
Id: hiv-test
Title: "HIV test"
Description: "HIV testing: tested or not (and why), on which day, with what result. Nested inside blood-borne-virus-status."
* ^context[0].type = #extension
* ^context[0].expression = "https://fhir.careplan-adapter.org/StructureDefinition/blood-borne-virus-status"
* insert OurExtension
* insert VirusTest

// ---- On EpisodeOfCare ----

Extension: ReferralReceived
Id: referral-received
Title: "Referral received"
Description: "NDTMS waiting times: the day the referral into treatment was received (seed 004, 3.9.2: timely access to treatment)."
Context: EpisodeOfCare
* insert OurExtension
* value[x] only date
* value[x] 1..1

Extension: FirstAppointmentOffered
Id: first-appointment-offered
Title: "First appointment offered"
Description: "NDTMS waiting times: the date of the first appointment offered to the client."
Context: EpisodeOfCare
* insert OurExtension
* value[x] only date
* value[x] 1..1

Extension: TreatmentStart
Id: treatment-start
Title: "Treatment start"
Description: "NDTMS waiting times: the day structured treatment started."
Context: EpisodeOfCare
* insert OurExtension
* value[x] only date
* value[x] 1..1

Extension: TreatmentHistory
Id: treatment-history
Title: "Treatment history"
Description: "The client's previous contact with treatment, and the previous episodes known: when, what and where."
Context: EpisodeOfCare
* insert OurExtension
* extension contains
    previouslyTreated 1..1 and
    PreviousTreatment named episode 0..*
* extension[previouslyTreated].value[x] only boolean
* value[x] 0..0

Extension: PreviousTreatment
Id: previous-treatment
Title: "Previous treatment episode"
Description: "An earlier episode of drug treatment: when (period), what (modality) and where (the service's name). Nested inside treatment-history."
* ^context[0].type = #extension
* ^context[0].expression = "https://fhir.careplan-adapter.org/StructureDefinition/treatment-history"
* insert OurExtension
* extension contains
    period 0..1 and
    modality 1..1 and
    provider 1..1 and
    note 0..1
* extension[period].value[x] only Period
* extension[modality].value[x] only Coding
* extension[modality].value[x] from InterventionModalityVS (required)
* extension[provider].value[x] only string
* extension[note].value[x] only string
* value[x] 0..0
