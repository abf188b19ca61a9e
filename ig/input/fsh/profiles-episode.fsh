// The treatment episode, the client's consent to share, and where the plan came from.

Profile: TreatmentEpisodeOfCare
Parent: EpisodeOfCare
Id: TreatmentEpisodeOfCare
Title: "Episode of structured treatment"
Description: "The client's episode of structured drug treatment with the provider that holds the care plan."
* ^status = #draft
* extension contains
    ReferralSource named referralSource 0..1 and
    TriageDate named triageDate 0..1 and
    CriminalJusticeReferral named criminalJusticeReferral 0..1
// NDTMS waiting times and treatment history (circumstances.fsh).
* extension contains
    ReferralReceived named referralReceived 0..1 and
    FirstAppointmentOffered named firstAppointmentOffered 0..1 and
    TreatmentStart named treatmentStart 0..1 and
    TreatmentHistory named treatmentHistory 0..1
* status MS
* patient MS
* patient only Reference(ServiceUserPatient)
* managingOrganization 1..1 MS
* managingOrganization only Reference(CarePlanOrganization)
* period 1..1 MS
* period.start 1..1
* careManager MS

Profile: ConsentToShare
Parent: Consent
Id: ConsentToShare
Title: "Consent to share information"
Description: "The client's consent for their information to be passed to named organisations (seed 002, 5.3.4: referral from custody to the CJIT only with consent)."
* ^status = #draft
* status MS
* scope MS
* scope = $consentscope#patient-privacy
* category MS
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category contains informationAccess 1..1 MS
// v3-ActCode INFA |information access|: consent to access healthcare information.
* category[informationAccess] = $v3-ActCode#INFA
* patient 1..1 MS
* patient only Reference(ServiceUserPatient)
* dateTime MS
* organization only Reference(CarePlanOrganization)
* provision 1..1 MS
* provision.period 1..1 MS
* provision.period.start 1..1
* provision.actor 1..* MS
* provision.actor ^slicing.discriminator.type = #pattern
* provision.actor ^slicing.discriminator.path = "role"
* provision.actor ^slicing.rules = #open
* provision.actor contains recipient 1..* MS
// v3-ParticipationType IRCP |information recipient|: the organisations the information may go to.
* provision.actor[recipient].role = $v3-ParticipationType#IRCP
* provision.actor[recipient].reference only Reference(CarePlanOrganization)
* provision.purpose MS
// A consent permits, and says so: a refusal has its own profile (ConsentRefusal), and no nested
// provision may turn part of a permission into a refusal unseen (hazard H-12).
* provision.type 1..1 MS
* provision.type = #permit
* provision.provision 0..0

Profile: ConsentRefusal
Parent: Consent
Id: ConsentRefusal
Title: "Refusal of consent to share information"
Description: "The client's refusal to have their information passed to named organisations for named purposes. A refusal in force outweighs any consent for the same organisation and purpose (seed 002, 5.3.4: referral only with consent)."
* ^status = #draft
* status MS
* scope MS
* scope = $consentscope#patient-privacy
* category MS
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category contains informationAccess 1..1 MS
* category[informationAccess] = $v3-ActCode#INFA
* patient 1..1 MS
* patient only Reference(ServiceUserPatient)
* provision 1..1 MS
* provision.type 1..1 MS
* provision.type = #deny
* provision.provision 0..0
* provision.period 1..1 MS
* provision.period.start 1..1
* provision.actor 1..* MS
* provision.actor.reference only Reference(CarePlanOrganization)
* provision.purpose 1..* MS

Profile: CarePlanProvenance
Parent: Provenance
Id: CarePlanProvenance
Title: "Care plan provenance"
Description: "Who recorded the care plan, where and when, so a receiving service knows where a handed-over plan came from."
* ^status = #draft
* target MS
* recorded MS
* agent MS
* agent.type MS
* agent.who MS
* agent.who only Reference(CarePlanPractitionerRole or CarePlanPractitioner or CarePlanOrganization or Device)
* agent.onBehalfOf only Reference(CarePlanOrganization)
