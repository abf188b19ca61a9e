"""The canonical care plan, in the guidance's words.

    >>> record = load_record(orjson.loads(Path("fixtures/clients/01-custody-triage.json").read_bytes()))
    >>> record.plan.kind
    <PlanKind.INITIAL: 'initial'>

:func:`load_record` is the one way in from untrusted data: it reports every problem at once as an
:class:`~adapter.errors.InvalidRecord` whose OperationOutcome names each field.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from adapter.errors import InvalidRecord
from adapter.model import codes
from adapter.model.circumstances import (
    BloodBorneViruses,
    HepatitisB,
    Injecting,
    Pregnancy,
    PreviousTreatment,
    SocialCircumstances,
    TreatmentHistory,
    VirusTest,
)
from adapter.model.contacts import KeyworkerContact
from adapter.model.coordination import (
    CareManagerCriteria,
    CareManagerLimb,
    CriterionLimb,
    PostDischargeFollowUp,
    WaitingDutyOfCare,
)
from adapter.model.identifiers import is_valid_nhs_number, is_valid_pnc_id
from adapter.model.mental_health import MentalHealthAct, MentalHealthDiagnosis, PsychiatricMedication
from adapter.model.offender import OffenderManagement
from adapter.model.record import (
    Action,
    Address,
    Agreement,
    CarePlan,
    CareTeamMember,
    ChildProtectionConcern,
    ClientRecord,
    Closure,
    ConsentToShare,
    CoordinationAgreement,
    CriminalJusticeReferral,
    Custody,
    DailyDose,
    DomainAssessment,
    DoseStrength,
    Engagement,
    ExternalCoordination,
    Goal,
    Intervention,
    Milestone,
    Need,
    Organisation,
    OtherIdentifier,
    PersonName,
    Prescribing,
    ProgressNote,
    Review,
    RiskAssessment,
    ServiceUser,
    SubstanceUse,
    TopOutcome,
    TreatmentEpisode,
)
from adapter.model.rules import record_problems
from adapter.model.top import TopStage
from adapter.outcome import Issue, OperationOutcome
from adapter.types import FhirJson

__all__ = [
    "Action",
    "Address",
    "Agreement",
    "BloodBorneViruses",
    "CareManagerCriteria",
    "CareManagerLimb",
    "CarePlan",
    "CareTeamMember",
    "ChildProtectionConcern",
    "ClientRecord",
    "Closure",
    "ConsentToShare",
    "CoordinationAgreement",
    "CriminalJusticeReferral",
    "CriterionLimb",
    "Custody",
    "DailyDose",
    "DomainAssessment",
    "DoseStrength",
    "Engagement",
    "ExternalCoordination",
    "Goal",
    "HepatitisB",
    "Injecting",
    "Intervention",
    "KeyworkerContact",
    "MentalHealthAct",
    "MentalHealthDiagnosis",
    "Milestone",
    "Need",
    "OffenderManagement",
    "Organisation",
    "OtherIdentifier",
    "PersonName",
    "PostDischargeFollowUp",
    "Pregnancy",
    "Prescribing",
    "PreviousTreatment",
    "ProgressNote",
    "PsychiatricMedication",
    "Review",
    "RiskAssessment",
    "ServiceUser",
    "SocialCircumstances",
    "SubstanceUse",
    "TopOutcome",
    "TopStage",
    "TreatmentEpisode",
    "TreatmentHistory",
    "VirusTest",
    "WaitingDutyOfCare",
    "codes",
    "dump_record",
    "is_valid_nhs_number",
    "is_valid_pnc_id",
    "load_json_record",
    "load_record",
    "record_problems",
]


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _found(value: Any) -> str:
    shown = (
        repr(value)
        if not isinstance(value, (dict, list))
        else ("a list" if isinstance(value, list) else "an object")
    )
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _in_words(detail: Any) -> str:
    """A field error as the user would say it (what was found, what was expected), not the library's."""
    kind, ctx = detail["type"], detail.get("ctx") or {}
    if kind == "missing":
        return "required, but nothing was given"
    if kind == "extra_forbidden":
        return "unknown field: the canonical model has no such field"
    if kind == "too_short":
        return f"found {ctx.get('actual_length', 0)} item(s), expected at least {ctx.get('min_length', 1)}"
    if kind == "enum":
        return (
            f"found {_found(detail.get('input'))}, expected one of {ctx.get('expected', 'the listed codes')}"
        )
    if kind == "string_too_short":
        return "found an empty text, expected some text"
    if kind.startswith("date") or kind.startswith("datetime"):
        expected = (
            "a date YYYY-MM-DD" if kind.startswith("date_") or kind == "date_type" else "a date and time"
        )
        return f"found {_found(detail.get('input'))}, expected {expected}"
    return f"found {_found(detail.get('input'))}, expected {detail['msg'][0].lower()}{detail['msg'][1:]}"


def _issues(error: ValidationError) -> list[Issue]:
    issues: list[Issue] = []
    for detail in error.errors():
        ctx = detail.get("ctx") or {}
        if detail["type"] == "impossible_record":
            issues += [
                Issue.error("invariant", "model.impossible", message, path)
                for path, message in ctx["problems"]
            ]
            continue
        path = _path(tuple(detail["loc"]))
        code = (
            "required"
            if detail["type"] == "missing"
            else "structure"
            if detail["type"] == "extra_forbidden"
            else "value"
        )
        text = _in_words(detail)
        issues.append(Issue.error(code, f"model.{detail['type']}", f"{path}: {text}", path or None))
    return issues


def load_record(data: Any) -> ClientRecord:
    """Build a :class:`ClientRecord` from parsed JSON, or raise InvalidRecord naming every problem
    (a control character in any text among them: adapter.text's policy)."""
    from adapter.text import control_issues

    refused = control_issues(data, "")
    if refused:
        raise InvalidRecord(OperationOutcome.of(refused))
    try:
        return ClientRecord.model_validate(data)
    except ValidationError as error:
        raise InvalidRecord(OperationOutcome.of(_issues(error))) from None


def load_json_record(data: bytes) -> ClientRecord:
    """A canonical record from JSON text: text that is not JSON, or JSON that is not an object, is
    an InvalidRecord naming where it breaks."""
    import codecs

    import orjson

    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4]:
        issue = Issue.error(
            "structure", "model.encoding", "a client record is UTF-8 JSON; this looks like UTF-16"
        )
        raise InvalidRecord(OperationOutcome.of([issue]))
    try:
        parsed = orjson.loads(data.removeprefix(codecs.BOM_UTF8))
    except orjson.JSONDecodeError as error:
        issue = Issue.error("structure", "model.not-json", f"not JSON: {error}")
        raise InvalidRecord(OperationOutcome.of([issue])) from None
    if not isinstance(parsed, dict):
        issue = Issue.error(
            "structure",
            "model.not-object",
            f"expected a JSON object (a client record), got {type(parsed).__name__}",
        )
        raise InvalidRecord(OperationOutcome.of([issue])) from None
    return load_record(parsed)


def dump_record(record: ClientRecord) -> FhirJson:
    """The record as canonical JSON (absent optional fields left out)."""
    return record.model_dump(mode="json", exclude_none=True)
