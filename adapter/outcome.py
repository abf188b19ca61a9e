"""Issues and the FHIR OperationOutcome they become.

Every problem the adapter finds - in a canonical record, a FHIR instance, a handover - is an
:class:`Issue`. One Issue maps one-to-one to an ``OperationOutcome.issue``.

    >>> outcome = OperationOutcome.of([Issue.error("required", "model.missing", "Field required",
    ...                                            "CarePlan.status")])
    >>> outcome.to_fhir()["issue"][0]["expression"]
    ['CarePlan.status']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from adapter.types import FhirJson, FhirPath

Severity = Literal["fatal", "error", "warning", "information"]

MESSAGE_ID_SYSTEM = "https://fhir.careplan-adapter.org/CodeSystem/message-id"

_SHOWN_ESCAPED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape(text: str) -> str:
    """``text`` with control characters (CR too: it rewrites a terminal line) shown as ``\\xNN``:
    input quoted in a message never reaches a terminal or a log raw."""
    return _SHOWN_ESCAPED.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding: severity, FHIR issue-type code, stable message id, text and where it is."""

    severity: Severity
    code: str
    message_id: str
    text: str
    expression: FhirPath | None = None

    def __post_init__(self) -> None:
        # Messages quote input: whatever it held, the text shown is escaped (one policy, one place).
        if _SHOWN_ESCAPED.search(self.text):
            object.__setattr__(self, "text", escape(self.text))
        if self.expression is not None and _SHOWN_ESCAPED.search(self.expression):
            object.__setattr__(self, "expression", escape(self.expression))

    @classmethod
    def error(cls, code: str, message_id: str, text: str, expression: FhirPath | None = None) -> Issue:
        return cls("error", code, message_id, text, expression)

    @classmethod
    def warning(cls, code: str, message_id: str, text: str, expression: FhirPath | None = None) -> Issue:
        return cls("warning", code, message_id, text, expression)

    @property
    def is_error(self) -> bool:
        return self.severity in ("fatal", "error")

    def to_fhir(self) -> FhirJson:
        issue: FhirJson = {
            "severity": self.severity,
            "code": self.code,
            "details": {
                "coding": [{"system": MESSAGE_ID_SYSTEM, "code": self.message_id}],
                "text": self.text,
            },
            "diagnostics": self.text,
        }
        if self.expression:
            issue["expression"] = [self.expression]
        return issue

    def __str__(self) -> str:
        where = f" @ {self.expression}" if self.expression else ""
        return f"{self.severity}: {self.text}{where}"


@dataclass(frozen=True, slots=True)
class OperationOutcome:
    """An ordered collection of issues; renders as a FHIR R4 OperationOutcome."""

    issues: tuple[Issue, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, issues: Iterable[Issue]) -> OperationOutcome:
        return cls(tuple(issues))

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.is_error)

    @property
    def ok(self) -> bool:
        """True when no issue is an error or fatal."""
        return not self.errors

    def to_fhir(self) -> FhirJson:
        issues = [i.to_fhir() for i in self.issues] or [
            {"severity": "information", "code": "informational", "diagnostics": "No issues found"}
        ]
        return {"resourceType": "OperationOutcome", "issue": issues}

    def __str__(self) -> str:
        return "\n".join(str(i) for i in self.issues) or "no issues"
