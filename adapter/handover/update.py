"""Telling the organisations that hold a copy of a plan that it has changed (hazard H-44).

    >>> copies, skipped = copies_held(record, queued, sender="Y02345")
    >>> updates = build_updates(record, copies, sender="Y02345", clock=clock, signer=signer)
    >>> [(u.copy.organisation, u.changed) for u in updates.messages]
    [('B82017', ('plan.interventions', 'plan.risk'))]

Seed 003, the care co-ordinator's role: "to advise other professionals involved in the care of the
service user of changes in the circumstances of the service user which may require a review or change
of the care plan" and "to ensure essential and appropriate information is shared between agencies";
seed 000, 5.3.5: "the care plan is regularly reviewed and revised in line with any changing needs".

**Who holds a copy** (:func:`copies_held`): the organisations this sender handed this plan (same plan
id, same client) to, as its outbox recorded them - the handover delivered (acknowledged ``ok``) and not
declined by the receiving team (a team that declined the client is not involved in their care). A
handover still pending, refused or given up has put no copy there: it is said, and nothing is sent.
Each copy remembers the reason it was handed over for, the address it went to and the plan as it was
last sent there (the handover, or the latest update delivered since).

**What goes** (:func:`build_updates`): for each copy, the plan as it now stands, through the same
machinery as the handover (adapter.handover.build): the consent asked again today for that reason
(a consent withdrawn, expired or refused since means that organisation gets nothing, and the reason is
reported), minimised for the destination's kind exactly as a handover is, prescribing checked,
signed, with the MessageHeader event ``care-plan-update`` and a Task note naming what changed. An
organisation none of whose minimised plan changed (a change to the offending domain is no news to the
GP) is sent nothing. The plan must say when it was recorded, later than the copy held: the receiver
keeps every version and an older one never replaces a newer (hazard H-01), so an update not newer
than the copy would change nothing there.

The outbox asks the consent rule once more at delivery (adapter.handover.withdraw.delivery_refusal),
and the receiver applies the update only to a plan it holds from the sender
(adapter.handover.receive).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adapter.clock import Clock
from adapter.coordination import CoordinationSettings
from adapter.coordination.settings import DEFAULTS
from adapter.errors import AdapterError
from adapter.fhir import from_fhir
from adapter.handover.build import build_handover
from adapter.handover.codes import HandoverEvent, HandoverReason
from adapter.handover.consent import covering_consent
from adapter.handover.due import QueuedMessage
from adapter.handover.entries import event_code, handover_reason, message_header, ods_code, resolve, resources
from adapter.handover.errors import HandoverRefused
from adapter.handover.minimise import minimise, rule_for
from adapter.handover.signing import Signer
from adapter.model import ClientRecord
from adapter.outcome import Issue, OperationOutcome, Severity
from adapter.store.index import client_key, patient_identifiers
from adapter.types import FhirJson, OdsCode
from adapter.urls import CARE_PLAN_ID_SYSTEM

COMPARED = ("service_user", "organisations", "care_team", "episode", "consents")
"""The parts of a record besides the plan whose change is news to a holder (the plan's own elements
are compared one by one)."""


@dataclass(frozen=True, slots=True)
class Copy:
    """A copy of the plan another organisation holds, as the sender's outbox knows it."""

    organisation: OdsCode
    reason: HandoverReason
    handover_id: str
    """The MessageHeader id of the handover that put the copy there."""
    address: str
    """The base URL the handover was delivered to."""
    last_sent: ClientRecord
    """The plan as last delivered there (the handover, or the latest update since)."""


@dataclass(frozen=True, slots=True)
class Update:
    """One update message and the copy it updates."""

    copy: Copy
    message: FhirJson
    changed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Updates:
    """What :func:`build_updates` made: a message per copy to update, and why the others get none."""

    messages: list[Update]
    skipped: list[tuple[OdsCode, OperationOutcome]]


def _event(message: FhirJson) -> str | None:
    header = message_header(message)
    return None if "response" in header else event_code(header)


def _destination(message: FhirJson) -> OdsCode | None:
    for destination in message_header(message).get("destination") or []:
        index = resolve(message, destination.get("receiver"))
        if index is not None:
            return ods_code(message["entry"][index]["resource"])
    return None


def _sender(message: FhirJson) -> OdsCode | None:
    index = resolve(message, message_header(message).get("sender"))
    return None if index is None else ods_code(message["entry"][index]["resource"])


def _names_plan(message: FhirJson, plan_id: str) -> bool:
    """Whether the message's CarePlan carries ``plan_id`` (read before the whole message is mapped)."""
    return any(
        identifier.get("system") == CARE_PLAN_ID_SYSTEM and identifier.get("value") == plan_id
        for _, plan in resources(message, "CarePlan")
        for identifier in plan.get("identifier") or []
    )


def same_plan(one: ClientRecord, other: ClientRecord) -> bool:
    """The same plan of the same client: the plan id, and the client by key or a shared identifier."""
    return one.plan.id == other.plan.id and (
        client_key(one) == client_key(other) or bool(patient_identifiers(one) & patient_identifiers(other))
    )


def _note(organisation: OdsCode, text: str, severity: Severity = "information") -> Issue:
    return Issue(severity, "informational", "update.not-sent", f"{organisation}: {text}")


@dataclass(frozen=True, slots=True)
class _Sent:
    entry: QueuedMessage
    event: str
    reason: HandoverReason
    record: ClientRecord

    @property
    def version(self) -> datetime:
        return self.record.recorded_at or datetime.min.replace(tzinfo=UTC)


def _sent_of_plan(
    record: ClientRecord, queued: Iterable[QueuedMessage], sender: OdsCode
) -> dict[OdsCode, list[_Sent]]:
    """The handovers and updates of ``record``'s plan that ``sender`` queued, by destination."""
    found: dict[OdsCode, list[_Sent]] = {}
    for entry in queued:
        message = entry.message
        event = _event(message)
        if event not in {HandoverEvent.CARE_PLAN_HANDOVER.value, HandoverEvent.CARE_PLAN_UPDATE.value}:
            continue
        if _sender(message) != sender:
            continue
        destination, reason = _destination(message), handover_reason(message)
        if destination is None or reason is None or not _names_plan(message, record.plan.id):
            continue
        try:
            sent = from_fhir(message).record
        except AdapterError:
            continue  # not a plan this sender can read back: it is not this plan's copy
        if same_plan(sent, record):
            found.setdefault(destination, []).append(_Sent(entry, event, reason, sent))
    return found


def _why_not_held(destination: OdsCode, handovers: list[_Sent]) -> Issue:
    declined = [
        h for h in handovers if h.entry.decision is not None and h.entry.decision.status == "rejected"
    ]
    if declined:
        decision = declined[-1].entry.decision
        assert decision is not None
        return _note(
            destination,
            f"declined the client ({decision.reason}): not involved in their care, so it is not sent the "
            f"change (seed 003: other professionals involved in the care of the service user)",
        )
    last = handovers[-1].entry
    severity: Severity = "warning" if last.status == "pending" else "information"
    return _note(
        destination,
        f"the handover {last.message_id} is {last.status}, so it holds no copy yet: nothing is sent "
        f"({last.detail})",
        severity,
    )


def copies_held(
    record: ClientRecord, queued: Iterable[QueuedMessage], *, sender: OdsCode
) -> tuple[list[Copy], list[tuple[OdsCode, OperationOutcome]]]:
    """The copies of ``record``'s plan that organisations hold from ``sender``, by what the sender's
    outbox ``queued`` records; and, for each organisation sent the plan that holds no copy to update,
    why. The copy held is the latest version delivered there (by when the plan was recorded, not by
    when it was queued: a message queued as of another instant is not taken for a later one)."""
    copies: list[Copy] = []
    not_held: list[tuple[OdsCode, OperationOutcome]] = []
    for destination, sent in _sent_of_plan(record, queued, sender).items():
        handovers = [s for s in sent if s.event == HandoverEvent.CARE_PLAN_HANDOVER.value]
        if not handovers:
            continue  # updates without the handover they update: no copy this sender put there
        holding = [
            s
            for s in handovers
            if s.entry.status == "delivered"
            and (s.entry.decision is None or s.entry.decision.status != "rejected")
        ]
        if not holding:
            not_held.append((destination, OperationOutcome.of([_why_not_held(destination, handovers)])))
            continue
        handover = max(holding, key=lambda s: s.version)
        latest = max((s for s in sent if s.entry.status == "delivered"), key=lambda s: s.version)
        copies.append(
            Copy(
                destination,
                handover.reason,
                handover.entry.message_id,
                handover.entry.destination,
                latest.record,
            )
        )
    return copies, not_held


def _dump(record: ClientRecord) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude_none=True, exclude={"recorded_at"})


def changed_elements(before: ClientRecord, after: ClientRecord) -> tuple[str, ...]:
    """The record's parts (plan elements one by one) that differ between two minimised records."""
    old, new = _dump(before), _dump(after)
    changed = [name for name in COMPARED if old.get(name) != new.get(name)]
    plan_old, plan_new = old["plan"], new["plan"]
    changed += [
        f"plan.{name}"
        for name in sorted(set(plan_old) | set(plan_new))
        if plan_old.get(name) != plan_new.get(name)
    ]
    return tuple(changed)


def _recorded(record: ClientRecord, copies: list[Copy]) -> list[Issue]:
    """The plan says when it was recorded, later than every copy held (hazard H-01: older never
    replaces newer at the receiver)."""
    if record.recorded_at is None:
        return [
            Issue.error(
                "required",
                "update.recorded-at-missing",
                "the changed plan does not say when it was recorded: a receiver keeps it as the current "
                "version only when it is later than the copy it holds",
                "recorded_at",
            )
        ]
    return [
        Issue.error(
            "business-rule",
            "update.not-newer",
            f"the plan is recorded at {record.recorded_at.isoformat()}, not later than the copy "
            f"{copy.organisation} holds (recorded at {copy.last_sent.recorded_at.isoformat()}): record the "
            f"change with its time before sending it",
            "recorded_at",
        )
        for copy in copies
        if copy.last_sent.recorded_at is not None and record.recorded_at <= copy.last_sent.recorded_at
    ]


def _kind_of(record: ClientRecord, ods: OdsCode) -> Any:
    return next((o.kind for o in record.organisations if o.ods_code == ods), None)


def _changes(record: ClientRecord, copy: Copy, at: datetime) -> tuple[str, ...] | OperationOutcome:
    """What changed in the plan as ``copy``'s holder is to receive it, or why it may not receive it."""
    kind = _kind_of(record, copy.organisation)
    rule = rule_for(kind) if kind is not None else None
    if rule is None:
        return OperationOutcome.of(
            [
                Issue.error(
                    "business-rule",
                    "update.no-rule",
                    f"{copy.organisation} is no longer an organisation of the plan that a handover goes to",
                    "organisations",
                )
            ]
        )
    try:
        consent = covering_consent(record, copy.organisation, copy.reason, at.date())
    except HandoverRefused as refused:
        return refused.outcome
    return changed_elements(copy.last_sent, minimise(record, rule, consent))


def build_updates(
    record: ClientRecord,
    copies: list[Copy],
    *,
    sender: OdsCode,
    clock: Clock,
    signer: Signer,
    endpoints: Mapping[OdsCode, str] | None = None,
    settings: CoordinationSettings = DEFAULTS,
) -> Updates:
    """A signed update message for each copy of ``record``'s plan that may and should be updated, its
    co-ordination findings judged by the local protocol's ``settings`` (as build_handover's).

    Raises HandoverRefused when the plan cannot be sent to anyone (no recorded time, or one not later
    than a copy held); a copy whose consent no longer covers it, or whose part has not changed, gets
    nothing and is listed in ``skipped`` with the reason."""
    problems = _recorded(record, copies)
    if problems:
        raise HandoverRefused(OperationOutcome.of(problems))
    at = clock.now()
    messages: list[Update] = []
    skipped: list[tuple[OdsCode, OperationOutcome]] = []
    for copy in copies:
        changes = _changes(record, copy, at)
        if isinstance(changes, OperationOutcome):
            skipped.append((copy.organisation, changes))
            continue
        if not changes:
            skipped.append(
                (
                    copy.organisation,
                    OperationOutcome.of(
                        [_note(copy.organisation, "nothing it was sent has changed: no update is sent")]
                    ),
                )
            )
            continue
        note = (
            f"Changed since the copy you hold (handover {copy.handover_id}): {', '.join(changes)}. Review "
            f"whether the change needs a review or change of your part of the care plan (seed 003)."
        )
        try:
            message = build_handover(
                record,
                destination=copy.organisation,
                reason=copy.reason,
                sender=sender,
                clock=clock,
                signer=signer,
                endpoints=endpoints,
                event=HandoverEvent.CARE_PLAN_UPDATE,
                notes=[note],
                settings=settings,
            )
        except HandoverRefused as refused:
            skipped.append((copy.organisation, refused.outcome))
            continue
        messages.append(Update(copy, message, changes))
    return Updates(messages, skipped)
