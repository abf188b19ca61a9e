// The operations the server defines itself (the CapabilityStatement names the others from R4 core:
// MessageHeader-process-message and Resource-validate). Element names and codes are R4's
// OperationDefinition (http://hl7.org/fhir/R4/operationdefinition.html).

Instance: CarePlan-check
InstanceOf: OperationDefinition
Usage: #definition
Title: "Check a care plan's co-ordination"
Description: "Who co-ordinates the posted plan's care (seed 003, care co-ordination) and what is missing or due on the server's day, as one OperationOutcome: each finding an issue with its FHIRPath expression."
* url = "https://fhir.careplan-adapter.org/OperationDefinition/CarePlan-check"
* version = "0.1.0"
* name = "CarePlanCheck"
* title = "Check a care plan's co-ordination"
* status = #draft
* kind = #operation
* experimental = false
* publisher = "Care-plan adapter project"
* description = "Reads the posted care plan (a Bundle of any type holding a CarePlan and what it references, or a CarePlan with what it contains) and answers with the co-ordination findings for the day: who is responsible for co-ordination and by which rule, and each duty that is missing or overdue. Nothing is stored."
* affectsState = false
* code = #check
* comment = "POST [base]/CarePlan/$check with the resource as the body (the single resource in-parameter); the answer is the OperationOutcome itself. A body that cannot be read as a care plan is answered 422 with an OperationOutcome naming each problem's FHIRPath."
* resource[0] = #CarePlan
* system = false
* type = true
* instance = false
* parameter[0].name = #resource
* parameter[0].use = #in
* parameter[0].min = 1
* parameter[0].max = "1"
* parameter[0].type = #Resource
* parameter[0].documentation = "The care plan to check: a Bundle (any type) holding a CarePlan and what it references, or a CarePlan with what it contains. R4 gives a parameter one type, so it is Resource; a body that holds no CarePlan is refused (422)."
* parameter[1].name = #return
* parameter[1].use = #out
* parameter[1].min = 1
* parameter[1].max = "1"
* parameter[1].type = #OperationOutcome
* parameter[1].documentation = "The findings: who co-ordinates (information) and each missing or overdue duty (warning or error), each issue with its FHIRPath expression into the posted plan."
