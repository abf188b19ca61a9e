// Rules that cardinality cannot say. Each expression is plain FHIRPath (choice elements read with
// value.ofType(...), as the FHIRPath spec has it, so evaluators need the R4 model - fhirpathpy's
// models["r4"]). tests/ig evaluates each on a conforming and a breaking example.

Invariant: cp-review-due
Description: "An active care plan says when it is next due for review (seed 003: reviewed at least every three months)."
Severity: #error
Expression: "status = 'active' implies extension('https://fhir.careplan-adapter.org/StructureDefinition/next-review-due').exists()"

Invariant: cp-activity-type
Description: "Every activity of the plan says whether it is a treatment intervention or an action."
Severity: #error
Expression: "detail.extension('https://fhir.careplan-adapter.org/StructureDefinition/activity-type').exists()"

Invariant: cp-agreement
Description: "An active comprehensive care plan records when it was agreed with the service user (seed 003: a written care plan, agreed with and signed by the service user)."
Severity: #error
Expression: "(status = 'active' and extension('https://fhir.careplan-adapter.org/StructureDefinition/care-plan-kind').value.ofType(Coding).where(system = 'https://fhir.careplan-adapter.org/CodeSystem/care-plan-kind' and code = 'comprehensive').exists()) implies extension('https://fhir.careplan-adapter.org/StructureDefinition/service-user-agreement').extension('agreed').exists()"

// Who co-ordinates (seed 003): the keyworker, or the care co-ordinator, care manager, CMHT (enhanced
// CPA), probation (community DRR), DIP worker; CARAT (in custody) and CJIT workers keywork (seed 002).
Invariant: ct-coordinator
Description: "The care team names the person who co-ordinates the client's care: a member in the role of keyworker, care co-ordinator, care manager, CMHT care co-ordinator, probation offender manager, DIP worker, CARAT worker or CJIT worker."
Severity: #error
Expression: "participant.where(member.exists() and role.coding.where(system = 'https://fhir.careplan-adapter.org/CodeSystem/care-team-role' and (code in ('keyworker' | 'care-coordinator' | 'care-manager' | 'cmht-care-coordinator' | 'probation-offender-manager' | 'dip-worker' | 'carat-worker' | 'cjit-worker'))).exists()).exists()"

Invariant: nhs-number-format
Description: "An NHS Number is ten digits (the modulus 11 check digit is checked by the adapter, not here)."
Severity: #error
Expression: "value.matches('^[0-9]{10}$')"

// Where the guidance says a plan "must" or is to be "signed": each a warning, not an error - paperwork
// travels with the plan and never blocks continuity of care (hazard H-05); a receiver shows it.

// Seed 003, aims: "Those who enter into structured drug and alcohol treatment services receive a
// written care plan, which is agreed with and signed by the service user".
Invariant: cp-signed
Description: "An active comprehensive care plan is signed by the service user (seed 003: a written care plan, which is agreed with and signed by the service user)."
Severity: #warning
Expression: "(status = 'active' and extension('https://fhir.careplan-adapter.org/StructureDefinition/care-plan-kind').value.ofType(Coding).where(system = 'https://fhir.careplan-adapter.org/CodeSystem/care-plan-kind' and code = 'comprehensive').exists()) implies extension('https://fhir.careplan-adapter.org/StructureDefinition/service-user-agreement').extension('signedByServiceUser').value.ofType(boolean).where($this = true).exists()"

// Seed 003, closures and transfers: "The closure or transfer of care co-ordination must be made in line
// with local protocols. Evidence of this process must be contained within the client file."
Invariant: cp-closure-evidence
Description: "A closure or transfer of care co-ordination has its evidence on the client file (seed 003: evidence of this process must be contained within the client file)."
Severity: #warning
Expression: "extension('https://fhir.careplan-adapter.org/StructureDefinition/closure').all(extension('evidenceOnFile').value.ofType(boolean).where($this = true).exists())"
