// Findings of care co-ordination (adapter/coordination): what is missing or due in a client's care,
// by the rules of seed 003 (and seeds 000-002). Each becomes an OperationOutcome issue or a DetectedIssue
// implicating the CarePlan. tests/ig holds this CodeSystem equal to adapter.coordination.codes.

CodeSystem: CoordinationFinding
Id: coordination-finding
Title: "Care co-ordination findings"
Description: "What is missing or due in a client's care co-ordination, by the local care co-ordination protocol (seed 003) and Models of care (seeds 000-002)."
* insert OurCodeSystem
* #no-named-keyworker "No named keyworker" "A client accessing tier 3 services has no named keyworker or treatment co-ordinator on the team."
* #coordinator-not-in-team "Co-ordinating role not on the team" "Nobody on the care team holds the role that the protocol makes responsible for co-ordination."
* #coordination-decision-needed "Decision on co-ordination needed" "The client was referred to more than one tier 3 service at once and the keyworkers have not yet decided who co-ordinates care."
* #agreement-conflicts-with-rule "Co-ordination agreement conflicts with the protocol" "The recorded co-ordination agreement names someone other than the role a rule of the protocol makes responsible, and that rule is not one an alternative arrangement may displace (or the agreement is not marked as one)."
* #agreed-coordinator-left-team "Agreed co-ordinator has left the care team" "The team member the co-ordination agreement names is no longer on the care team, so the agreement no longer decides who co-ordinates care."
* #care-manager-not-allocated "Care manager not allocated" "The client meets all three limbs of the criteria for care manager involvement but no care manager is allocated."
* #plan-not-agreed "Plan not agreed" "The care plan has no date of agreement with the service user."
* #plan-not-signed "Plan not signed" "The care plan is not signed by the service user."
* #domain-not-assessed "Domain not assessed" "One of the four domains of the care plan has no recorded assessment."
* #review-overdue "Review overdue" "The care plan's review date has passed, or its last review was more than three months ago."
* #top-not-at-assessment "No TOP at comprehensive assessment" "A comprehensive care plan has no review with a Treatment Outcomes Profile at the start stage."
* #top-not-at-discharge "No TOP at discharge" "The client was discharged without an exit-stage Treatment Outcomes Profile near the discharge."
* #risk-not-assessed "Risk not assessed" "A care plan in force has no risk assessment."
* #risk-without-management-plan "Risk without a risk management plan" "A medium or high risk, a significant and immediate risk, or a medium or high overdose risk on release is recorded but there is no risk management plan."
* #complex-needs-without-contingency-plan "Complex needs without a contingency plan" "The client has complex needs and the care plan has no contingency plan."
* #complex-needs-without-crisis-plan "Complex needs without a crisis plan" "The client has complex needs and the care plan has no crisis management plan."
* #waiting-at-risk-without-plan "Waiting for tier 3 at risk without a plan" "The client waits for a tier 3 intervention with a significant and immediate risk, and has neither interim tier 2 support nor a risk management plan."
* #discharge-without-aftercare-plan "Discharge without an aftercare plan" "The client was discharged from treatment and the plan is not an aftercare plan."
* #aftercare-plan-drug-support-only "Aftercare plan covers drug-related support only" "An aftercare plan has no goal or action outside the drug and alcohol misuse domain."
* #disengaged-without-re-engagement "Dropped out with no re-engagement action" "The client's latest engagement event is a drop-out with no re-engagement action recorded."
* #child-protection-not-in-risk-plan "Child protection concern not in the risk plan" "A child protection concern is recorded but is not addressed in the risk management plan."
* #child-protection-forum-unattended "No one attends the child protection forum" "A child protection concern is recorded with no team member named as attending the forum."
* #plan-not-in-force "Plan not in force" "The plan is revoked or entered in error; no co-ordination checks were run on it."
* #care-manager-criterion-without-evidence "Care manager criterion met without evidence" "A limb of the criteria for care manager involvement is recorded as met with no evidence."
* #waiting-duty-of-care-not-recorded "Duty of care while waiting not recorded" "The client waits for a tier 3 intervention and the plan does not record the referring, triage and awaited agencies that owe a duty of care meanwhile."
* #tier-2-services-not-advised "Tier 2 services not advised" "The client waits for a tier 3 intervention and the plan does not record that they were advised of the tier 2 services open meanwhile."
* #risk-assessment-out-of-date "Risk assessment out of date" "The risk assessment of a plan in force is older than the interval set for ongoing risk assessment."
* #top-review-overdue "Three-monthly TOP overdue" "The latest Treatment Outcomes Profile of a plan in force is more than three months old; a review without a TOP does not count."
* #post-discharge-follow-up-due "Follow-up after discharge due" "The client was discharged and no early follow-up is recorded, or the one due has passed without being done."
* #closure-evidence-not-on-file "Closure or transfer without evidence on file" "Care co-ordination was closed or transferred and the client file does not hold the evidence of the process."
* #shared-care-gp-not-named "Shared care without a named GP" "Treatment is delivered in GP shared care and the care team names no prescribing GP."
* #shared-care-worker-not-named "Shared care without a named shared-care worker" "Treatment is delivered in GP shared care and the care team names no shared-care worker."

ValueSet: CoordinationFindingVS
Id: coordination-finding
Title: "Care co-ordination findings"
Description: "Every code of the coordination-finding code system."
* insert OurValueSet
* include codes from system CoordinationFinding

Extension: FindingExpression
Id: finding-expression
Title: "Finding expression"
Description: "Where in the canonical client record the finding points (e.g. plan.reviews), so a system can show it beside the field."
Context: DetectedIssue
* insert OurExtension
* value[x] only string
* value[x] 1..1

Extension: FindingSource
Id: finding-source
Title: "Finding source"
Description: "The section of the guidance or protocol the finding rests on (e.g. seed 003, Overarching Principles)."
Context: DetectedIssue
* insert OurExtension
* value[x] only string
* value[x] 1..1

Profile: CoordinationFindingIssue
Parent: DetectedIssue
Id: CoordinationFindingIssue
Title: "Care co-ordination finding"
Description: "A finding of the care co-ordination rules about one client's plan, kept with the plan: the code says what is missing or due, `implicated` names the CarePlan."
* ^status = #draft
* extension contains
    FindingExpression named expression 0..1 and
    FindingSource named source 0..1
* code 1..1 MS
* code from CoordinationFindingVS (required)
* implicated 1..* MS
* implicated only Reference(DrugTreatmentCarePlan)
* patient MS
