"""The finding codes: one CodeSystem of the implementation guide.

Canonical URL :data:`FINDING_CODE_SYSTEM`. The table :data:`FINDING_DEFINITIONS` is the data the IG
defines the CodeSystem from (code, display, definition) and says which FHIR ``issue-type`` each
finding becomes in an OperationOutcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from adapter.model.codes import CODE_SYSTEM_BASE

FINDING_CODE_SYSTEM = CODE_SYSTEM_BASE + "coordination-finding"


class FindingCode(StrEnum):
    """What is missing or due in a client's care co-ordination."""

    NO_NAMED_KEYWORKER = "no-named-keyworker"
    COORDINATOR_NOT_IN_TEAM = "coordinator-not-in-team"
    COORDINATION_DECISION_NEEDED = "coordination-decision-needed"
    AGREEMENT_CONFLICTS_WITH_RULE = "agreement-conflicts-with-rule"
    AGREED_COORDINATOR_LEFT_TEAM = "agreed-coordinator-left-team"
    CARE_MANAGER_NOT_ALLOCATED = "care-manager-not-allocated"
    PLAN_NOT_AGREED = "plan-not-agreed"
    PLAN_NOT_SIGNED = "plan-not-signed"
    DOMAIN_NOT_ASSESSED = "domain-not-assessed"
    REVIEW_OVERDUE = "review-overdue"
    TOP_NOT_AT_ASSESSMENT = "top-not-at-assessment"
    TOP_NOT_AT_DISCHARGE = "top-not-at-discharge"
    RISK_NOT_ASSESSED = "risk-not-assessed"
    RISK_WITHOUT_MANAGEMENT_PLAN = "risk-without-management-plan"
    COMPLEX_NEEDS_WITHOUT_CONTINGENCY_PLAN = "complex-needs-without-contingency-plan"
    COMPLEX_NEEDS_WITHOUT_CRISIS_PLAN = "complex-needs-without-crisis-plan"
    WAITING_AT_RISK_WITHOUT_PLAN = "waiting-at-risk-without-plan"
    DISCHARGE_WITHOUT_AFTERCARE_PLAN = "discharge-without-aftercare-plan"
    AFTERCARE_PLAN_DRUG_SUPPORT_ONLY = "aftercare-plan-drug-support-only"
    DISENGAGED_WITHOUT_RE_ENGAGEMENT = "disengaged-without-re-engagement"
    CHILD_PROTECTION_NOT_IN_RISK_PLAN = "child-protection-not-in-risk-plan"
    CHILD_PROTECTION_FORUM_UNATTENDED = "child-protection-forum-unattended"
    PLAN_NOT_IN_FORCE = "plan-not-in-force"
    CARE_MANAGER_CRITERION_WITHOUT_EVIDENCE = "care-manager-criterion-without-evidence"
    WAITING_DUTY_OF_CARE_NOT_RECORDED = "waiting-duty-of-care-not-recorded"
    TIER_2_SERVICES_NOT_ADVISED = "tier-2-services-not-advised"
    RISK_ASSESSMENT_OUT_OF_DATE = "risk-assessment-out-of-date"
    TOP_REVIEW_OVERDUE = "top-review-overdue"
    POST_DISCHARGE_FOLLOW_UP_DUE = "post-discharge-follow-up-due"
    CLOSURE_EVIDENCE_NOT_ON_FILE = "closure-evidence-not-on-file"
    SHARED_CARE_GP_NOT_NAMED = "shared-care-gp-not-named"
    SHARED_CARE_WORKER_NOT_NAMED = "shared-care-worker-not-named"


@dataclass(frozen=True, slots=True)
class FindingDefinition:
    display: str
    definition: str
    issue_type: str
    """FHIR issue-type code used in an OperationOutcome."""


FINDING_DEFINITIONS: dict[FindingCode, FindingDefinition] = {
    FindingCode.NO_NAMED_KEYWORKER: FindingDefinition(
        "No named keyworker",
        "A client accessing tier 3 services has no named keyworker or treatment co-ordinator on the team.",
        "required",
    ),
    FindingCode.COORDINATOR_NOT_IN_TEAM: FindingDefinition(
        "Co-ordinating role not on the team",
        "Nobody on the care team holds the role that the protocol makes responsible for co-ordination.",
        "business-rule",
    ),
    FindingCode.COORDINATION_DECISION_NEEDED: FindingDefinition(
        "Decision on co-ordination needed",
        "The client was referred to more than one tier 3 service at once and the keyworkers have not "
        "yet decided who co-ordinates care.",
        "business-rule",
    ),
    FindingCode.AGREEMENT_CONFLICTS_WITH_RULE: FindingDefinition(
        "Co-ordination agreement conflicts with the protocol",
        "The recorded co-ordination agreement names someone other than the role a rule of the protocol "
        "makes responsible, and that rule is not one an alternative arrangement may displace (or the "
        "agreement is not marked as one).",
        "business-rule",
    ),
    FindingCode.AGREED_COORDINATOR_LEFT_TEAM: FindingDefinition(
        "Agreed co-ordinator has left the care team",
        "The team member the co-ordination agreement names is no longer on the care team, so the "
        "agreement no longer decides who co-ordinates care.",
        "business-rule",
    ),
    FindingCode.CARE_MANAGER_NOT_ALLOCATED: FindingDefinition(
        "Care manager not allocated",
        "The client meets all three limbs of the criteria for care manager involvement but no care "
        "manager is allocated.",
        "business-rule",
    ),
    FindingCode.PLAN_NOT_AGREED: FindingDefinition(
        "Plan not agreed", "The care plan has no date of agreement with the service user.", "required"
    ),
    FindingCode.PLAN_NOT_SIGNED: FindingDefinition(
        "Plan not signed", "The care plan is not signed by the service user.", "required"
    ),
    FindingCode.DOMAIN_NOT_ASSESSED: FindingDefinition(
        "Domain not assessed",
        "One of the four domains of the care plan has no recorded assessment.",
        "required",
    ),
    FindingCode.REVIEW_OVERDUE: FindingDefinition(
        "Review overdue",
        "The care plan's review date has passed, or its last review was more than three months ago.",
        "business-rule",
    ),
    FindingCode.TOP_NOT_AT_ASSESSMENT: FindingDefinition(
        "No TOP at comprehensive assessment",
        "A comprehensive care plan has no review with a Treatment Outcomes Profile at the start stage.",
        "business-rule",
    ),
    FindingCode.TOP_NOT_AT_DISCHARGE: FindingDefinition(
        "No TOP at discharge",
        "The client was discharged without an exit-stage Treatment Outcomes Profile near the discharge.",
        "business-rule",
    ),
    FindingCode.RISK_NOT_ASSESSED: FindingDefinition(
        "Risk not assessed", "A care plan in force has no risk assessment.", "required"
    ),
    FindingCode.RISK_WITHOUT_MANAGEMENT_PLAN: FindingDefinition(
        "Risk without a risk management plan",
        "A medium or high risk, a significant and immediate risk, or a medium or high overdose risk on "
        "release is recorded but there is no risk management plan.",
        "business-rule",
    ),
    FindingCode.COMPLEX_NEEDS_WITHOUT_CONTINGENCY_PLAN: FindingDefinition(
        "Complex needs without a contingency plan",
        "The client has complex needs and the care plan has no contingency plan.",
        "business-rule",
    ),
    FindingCode.COMPLEX_NEEDS_WITHOUT_CRISIS_PLAN: FindingDefinition(
        "Complex needs without a crisis plan",
        "The client has complex needs and the care plan has no crisis management plan.",
        "business-rule",
    ),
    FindingCode.WAITING_AT_RISK_WITHOUT_PLAN: FindingDefinition(
        "Waiting for tier 3 at risk without a plan",
        "The client waits for a tier 3 intervention with a significant and immediate risk, and has "
        "neither interim tier 2 support nor a risk management plan.",
        "business-rule",
    ),
    FindingCode.DISCHARGE_WITHOUT_AFTERCARE_PLAN: FindingDefinition(
        "Discharge without an aftercare plan",
        "The client was discharged from treatment and the plan is not an aftercare plan.",
        "business-rule",
    ),
    FindingCode.AFTERCARE_PLAN_DRUG_SUPPORT_ONLY: FindingDefinition(
        "Aftercare plan covers drug-related support only",
        "An aftercare plan has no goal or action outside the drug and alcohol misuse domain.",
        "business-rule",
    ),
    FindingCode.DISENGAGED_WITHOUT_RE_ENGAGEMENT: FindingDefinition(
        "Dropped out with no re-engagement action",
        "The client's latest engagement event is a drop-out with no re-engagement action recorded.",
        "business-rule",
    ),
    FindingCode.CHILD_PROTECTION_NOT_IN_RISK_PLAN: FindingDefinition(
        "Child protection concern not in the risk plan",
        "A child protection concern is recorded but is not addressed in the risk management plan.",
        "business-rule",
    ),
    FindingCode.CHILD_PROTECTION_FORUM_UNATTENDED: FindingDefinition(
        "No one attends the child protection forum",
        "A child protection concern is recorded with no team member named as attending the forum.",
        "business-rule",
    ),
    FindingCode.PLAN_NOT_IN_FORCE: FindingDefinition(
        "Plan not in force",
        "The plan is revoked or entered in error; no co-ordination checks were run on it.",
        "informational",
    ),
    FindingCode.CARE_MANAGER_CRITERION_WITHOUT_EVIDENCE: FindingDefinition(
        "Care manager criterion met without evidence",
        "A limb of the criteria for care manager involvement is recorded as met with no evidence.",
        "business-rule",
    ),
    FindingCode.WAITING_DUTY_OF_CARE_NOT_RECORDED: FindingDefinition(
        "Duty of care while waiting not recorded",
        "The client waits for a tier 3 intervention and the plan does not record the referring, triage "
        "and awaited agencies that owe a duty of care meanwhile.",
        "business-rule",
    ),
    FindingCode.TIER_2_SERVICES_NOT_ADVISED: FindingDefinition(
        "Tier 2 services not advised",
        "The client waits for a tier 3 intervention and the plan does not record that they were "
        "advised of the tier 2 services open meanwhile.",
        "business-rule",
    ),
    FindingCode.RISK_ASSESSMENT_OUT_OF_DATE: FindingDefinition(
        "Risk assessment out of date",
        "The risk assessment of a plan in force is older than the interval set for ongoing risk assessment.",
        "business-rule",
    ),
    FindingCode.TOP_REVIEW_OVERDUE: FindingDefinition(
        "Three-monthly TOP overdue",
        "The latest Treatment Outcomes Profile of a plan in force is more than three months old; a "
        "review without a TOP does not count.",
        "business-rule",
    ),
    FindingCode.POST_DISCHARGE_FOLLOW_UP_DUE: FindingDefinition(
        "Follow-up after discharge due",
        "The client was discharged and no early follow-up is recorded, or the one due has passed "
        "without being done.",
        "business-rule",
    ),
    FindingCode.CLOSURE_EVIDENCE_NOT_ON_FILE: FindingDefinition(
        "Closure or transfer without evidence on file",
        "Care co-ordination was closed or transferred and the client file does not hold the evidence "
        "of the process.",
        "business-rule",
    ),
    FindingCode.SHARED_CARE_GP_NOT_NAMED: FindingDefinition(
        "Shared care without a named GP",
        "Treatment is delivered in GP shared care and the care team names no prescribing GP.",
        "required",
    ),
    FindingCode.SHARED_CARE_WORKER_NOT_NAMED: FindingDefinition(
        "Shared care without a named shared-care worker",
        "Treatment is delivered in GP shared care and the care team names no shared-care worker.",
        "required",
    ),
}
