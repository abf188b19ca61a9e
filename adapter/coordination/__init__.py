"""Care co-ordination by the guidance: who co-ordinates a client's care, and what is missing or due.

    >>> from adapter.clock import FixedClock
    >>> from adapter.coordination import check_coordination
    >>> report = check_coordination(record, today=FixedClock(date(2026, 5, 1)))
    >>> report.decision.role, [f.code for f in report.findings]

Pure functions of a canonical record, a day (an :class:`adapter.clock.Clock`) and the local
protocol's intervals (:class:`CoordinationSettings`); every rule and finding cites its seed
section. :func:`operation_outcome` and :func:`detected_issues` render a report as FHIR R4.
"""

from __future__ import annotations

from adapter.coordination.codes import FINDING_CODE_SYSTEM, FINDING_DEFINITIONS, FindingCode
from adapter.coordination.fhir import detected_issues, operation_outcome
from adapter.coordination.findings import CHECKS, CoordinationReport, Finding, check_coordination
from adapter.coordination.responsibility import (
    RULES,
    Candidate,
    CoordinationDecision,
    responsible_for_coordination,
)
from adapter.coordination.settings import CoordinationSettings
from adapter.coordination.sources import Source

__all__ = [
    "CHECKS",
    "FINDING_CODE_SYSTEM",
    "FINDING_DEFINITIONS",
    "RULES",
    "Candidate",
    "CoordinationDecision",
    "CoordinationReport",
    "CoordinationSettings",
    "Finding",
    "FindingCode",
    "Source",
    "check_coordination",
    "detected_issues",
    "operation_outcome",
    "responsible_for_coordination",
]
