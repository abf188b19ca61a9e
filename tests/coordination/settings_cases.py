"""One record judged in every place that judges co-ordination, under the local protocol's settings.

Fixture 03 (GP shared care) had its risk assessed on 2026-08-11. On the fixtures' day, 2026-11-25,
that is more than three months and less than 24 months ago: under
``CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS=3`` (the default, seed 003's three-monthly review) the
assessment is out of date; under 24 it is current. Every place must say the same (hazard H-56).
"""

from __future__ import annotations

from pathlib import Path

import orjson

from adapter.coordination.codes import FINDING_CODE_SYSTEM
from adapter.model import ClientRecord, load_record
from adapter.store import open_store
from adapter.types import FhirJson
from adapter.urls import FINDING_EXPRESSION_EXTENSION

RECORD = Path(__file__).resolve().parents[2] / "fixtures" / "clients" / "03-gp-shared-care.json"
SENDER, GP = "Y03456", "B82017"
"""Fixture 03's treatment provider (the episode's provider) hands the plan to the GP (shared care)."""
AT, TODAY = "2026-11-25T10:30:00+00:00", "2026-11-25"
RISK_OUT_OF_DATE = ("risk-assessment-out-of-date", "plan.risk.assessed_on")
VARIABLE = "CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS"
EXPECTED = {"3": True, "24": False}
"""The setting's value -> whether fixture 03's risk assessment is out of date on the fixtures' day."""
BAD_VALUES = ("0", "25", "three")


def record() -> ClientRecord:
    return load_record(orjson.loads(RECORD.read_bytes()))


def outcome_findings(outcome: FhirJson) -> set[tuple[str, str]]:
    """(finding code, expression) of each co-ordination finding in an OperationOutcome."""
    found = set()
    for issue in outcome.get("issue", []):
        codes = [
            c["code"]
            for c in issue.get("details", {}).get("coding", [])
            if c["system"] == FINDING_CODE_SYSTEM
        ]
        for code in codes:
            found.add((code, issue["expression"][0]))
    return found


def message_findings(message: FhirJson) -> set[tuple[str, str]]:
    """(finding code, expression) of each DetectedIssue a handover message carries."""
    found = set()
    for entry in message["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] != "DetectedIssue":
            continue
        [code] = [c["code"] for c in resource["code"]["coding"] if c["system"] == FINDING_CODE_SYSTEM]
        [where] = [
            e["valueString"] for e in resource["extension"] if e["url"] == FINDING_EXPRESSION_EXTENSION
        ]
        found.add((code, where))
    return found


def store_holding_the_plan(db: Path) -> str:
    """A SQLite store (and outbox) in which the treatment provider holds fixture 03's plan."""
    open_store(str(db)).save_plan(SENDER, record())
    return str(db)
