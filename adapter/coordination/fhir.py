"""Findings as FHIR R4: an OperationOutcome to answer a request, DetectedIssues to keep with the plan.

Both come from the one :class:`~adapter.coordination.findings.Finding` shape, because they serve
different readers:

- An **OperationOutcome** is the answer to a question asked now (``careplan check``, a ``$check``
  operation): transient, one per request, each issue with its ``expression`` into the record. It
  starts with an information issue naming who co-ordinates, so the answer is complete on its own.
- A **DetectedIssue** is a clinical record: it can be stored beside the CarePlan, point at it
  (``implicated``), carry the patient, the day it was identified and a severity, and be referenced
  and later resolved (``mitigation``). That is what a receiving team needs when a handed-over plan has
  gaps. Information-severity findings (a plan not checked at all) are not issues with the plan and
  make no DetectedIssue.

The finding code is a Coding in :data:`~adapter.coordination.codes.FINDING_CODE_SYSTEM` in both
(``OperationOutcome.issue.details``, ``DetectedIssue.code``). DetectedIssue has no element for a path
into the plan or for the guidance it enforces, so two extensions carry them
(:data:`EXPRESSION_EXTENSION`, :data:`SOURCE_EXTENSION`, both ``valueString``).
"""

from __future__ import annotations

import uuid

from adapter.coordination.codes import FINDING_CODE_SYSTEM, FINDING_DEFINITIONS
from adapter.coordination.findings import CoordinationReport, Finding
from adapter.coordination.responsibility import CoordinationDecision
from adapter.fhir.narrative import person
from adapter.model import ClientRecord
from adapter.model.identifiers import NHS_NUMBER_SYSTEM
from adapter.model.record import given_and_family
from adapter.outcome import Issue, OperationOutcome
from adapter.types import FhirJson
from adapter.urls import DETECTED_ISSUE_PROFILE, FINDING_EXPRESSION_EXTENSION, FINDING_SOURCE_EXTENSION

EXPRESSION_EXTENSION = FINDING_EXPRESSION_EXTENSION
SOURCE_EXTENSION = FINDING_SOURCE_EXTENSION

DETECTED_ISSUE_SEVERITY = {"fatal": "high", "error": "high", "warning": "moderate", "information": "low"}
"""Issue severity -> DetectedIssue.severity (detectedissue-severity)."""

# Ids derived from the content, so checking the same record twice yields the same resources.
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, FINDING_CODE_SYSTEM)


def _coding(finding: Finding) -> FhirJson:
    return {
        "system": FINDING_CODE_SYSTEM,
        "code": str(finding.code),
        "display": FINDING_DEFINITIONS[finding.code].display,
    }


def _name(decision: CoordinationDecision) -> str:
    people = ", ".join(f"{given_and_family(m.name)}" for m in decision.holders)
    if decision.role is None:
        return "a decision is needed"
    return f"{decision.role} ({people or 'nobody on the team holds this role'})"


def decision_issue(decision: CoordinationDecision) -> Issue:
    """Who co-ordinates, as an information issue."""
    return Issue(
        "information",
        "informational",
        "coordination.responsible",
        f"care co-ordination: {_name(decision)}; rule {decision.rule}: {decision.reason} ({decision.source})",
        "care_team",
    )


def operation_outcome(report: CoordinationReport) -> FhirJson:
    """The report as a FHIR OperationOutcome: the decision first, then every finding."""
    outcome = OperationOutcome.of([decision_issue(report.decision), *(f.to_issue() for f in report.findings)])
    resource = outcome.to_fhir()
    for issue, finding in zip(resource["issue"][1:], report.findings, strict=True):
        issue["details"]["coding"].append(_coding(finding))
    return resource


def patient_reference(record: ClientRecord) -> FhirJson:
    """A logical reference to the service user: by NHS number when there is one."""
    reference: FhirJson = {"display": person(record.service_user.name)}
    if record.service_user.nhs_number:
        reference["identifier"] = {"system": NHS_NUMBER_SYSTEM, "value": record.service_user.nhs_number}
    return reference


def detected_issues(
    record: ClientRecord, report: CoordinationReport, *, care_plan: FhirJson | None = None
) -> list[FhirJson]:
    """One DetectedIssue per warning or error, implicating the CarePlan.

    ``care_plan`` is the Reference to use; by default ``CarePlan/<plan.id>``.
    """
    implicated = care_plan or {"reference": f"CarePlan/{record.plan.id}"}
    issues: list[FhirJson] = []
    for finding in report.findings:
        if finding.severity == "information":
            continue
        key = f"{record.plan.id}|{finding.code}|{finding.expression}|{finding.text}|{report.today}"
        issues.append(
            {
                "resourceType": "DetectedIssue",
                "id": str(uuid.uuid5(_ID_NAMESPACE, key)),
                "meta": {"profile": [DETECTED_ISSUE_PROFILE]},
                "extension": [
                    {"url": EXPRESSION_EXTENSION, "valueString": finding.expression},
                    {"url": SOURCE_EXTENSION, "valueString": str(finding.source)},
                ],
                "status": "final",
                "code": {"coding": [_coding(finding)], "text": FINDING_DEFINITIONS[finding.code].display},
                "severity": DETECTED_ISSUE_SEVERITY[finding.severity],
                "patient": patient_reference(record),
                "identifiedDateTime": report.today.isoformat(),
                "implicated": [implicated],
                "detail": finding.text,
            }
        )
    return issues
