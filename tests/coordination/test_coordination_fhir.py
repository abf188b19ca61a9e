"""Findings as FHIR: an OperationOutcome and DetectedIssues from the same report, both valid R4."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
from coordination_records import CLOCK, Data, build, report
from fhir.resources.R4B.detectedissue import DetectedIssue
from fhir.resources.R4B.operationoutcome import OperationOutcome

from adapter.clock import FixedClock
from adapter.coordination import (
    FINDING_CODE_SYSTEM,
    check_coordination,
    detected_issues,
    operation_outcome,
)
from adapter.coordination.fhir import DETECTED_ISSUE_PROFILE, EXPRESSION_EXTENSION, SOURCE_EXTENSION
from adapter.model import load_record
from adapter.validation import Validator

FIXTURE_FOLDER = Path(__file__).resolve().parents[2] / "fixtures" / "clients"


def _gaps(data: Data) -> None:
    data["plan"]["agreement"] = {}
    data["plan"]["assessments"] = data["plan"]["assessments"][:3]


def test_operation_outcome_starts_with_the_decision_then_every_finding() -> None:
    outcome = operation_outcome(report(_gaps))
    OperationOutcome.model_validate(outcome)
    issues = outcome["issue"]
    assert [(i["severity"], i["expression"]) for i in issues] == [
        ("information", ["care_team"]),
        ("error", ["plan.agreement.agreed_on"]),
        ("error", ["plan.agreement.signed_by_service_user"]),
        ("error", ["plan.assessments"]),
    ]
    assert "keyworker (Alex Reid)" in issues[0]["diagnostics"]
    assert "rule one-intervention" in issues[0]["diagnostics"]
    finding_codes = [
        c["code"] for i in issues[1:] for c in i["details"]["coding"] if c["system"] == FINDING_CODE_SYSTEM
    ]
    assert finding_codes == ["plan-not-agreed", "plan-not-signed", "domain-not-assessed"]
    assert issues[1]["details"]["coding"][0]["code"] == "coordination.plan-not-agreed"
    assert issues[1]["code"] == "required"
    assert "(seed 003, Overarching Principles)" in issues[1]["diagnostics"]


def test_clean_record_outcome_holds_only_the_decision() -> None:
    issues = operation_outcome(report())["issue"]
    assert [i["severity"] for i in issues] == ["information"]


def test_detected_issues_implicate_the_care_plan_and_carry_the_expression() -> None:
    record = build(_gaps)
    checked = check_coordination(record, today=CLOCK)
    issues = detected_issues(record, checked)
    for issue in issues:
        DetectedIssue.model_validate(issue)
    assert [i["code"]["coding"][0]["code"] for i in issues] == [
        "plan-not-agreed",
        "plan-not-signed",
        "domain-not-assessed",
    ]
    first = issues[0]
    assert first["implicated"] == [{"reference": "CarePlan/plan-1"}]
    assert first["severity"] == "high"
    assert first["identifiedDateTime"] == "2026-05-01"
    assert first["patient"]["identifier"] == {
        "system": "https://fhir.nhs.uk/Id/nhs-number",
        "value": "9434765919",
    }
    extensions = {e["url"]: e["valueString"] for e in first["extension"]}
    assert extensions == {
        EXPRESSION_EXTENSION: "plan.agreement.agreed_on",
        SOURCE_EXTENSION: "seed 003, Overarching Principles",
    }
    # ids come from the content: the same check twice gives the same resources, distinct per finding
    assert [i["id"] for i in detected_issues(record, checked)] == [i["id"] for i in issues]
    assert len({i["id"] for i in issues}) == 3


def test_detected_issue_uses_the_given_care_plan_reference_and_skips_information() -> None:
    record = build(lambda data: data["plan"].update(status="revoked"))
    checked = check_coordination(record, today=CLOCK)
    assert [f.severity for f in checked.findings] == ["information"]
    assert detected_issues(record, checked) == []
    warned = build(lambda data: data["plan"].pop("risk"))
    issues = detected_issues(
        warned, check_coordination(warned, today=CLOCK), care_plan={"reference": "urn:uuid:1"}
    )
    assert [(i["severity"], i["implicated"]) for i in issues] == [("moderate", [{"reference": "urn:uuid:1"}])]


def test_every_fixtures_detected_issues_meet_the_ig_profile() -> None:
    validator = Validator()
    checked = 0
    for path in sorted(FIXTURE_FOLDER.glob("*.json")):
        record = load_record(orjson.loads(path.read_bytes()))
        report = check_coordination(record, today=FixedClock(date(2026, 11, 25)))
        for issue in detected_issues(record, report):
            assert issue["meta"]["profile"] == [DETECTED_ISSUE_PROFILE]
            assert validator.validate(issue).errors == (), path.name
            checked += 1
    assert checked > 0
