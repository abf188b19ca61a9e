"""The receiving team's decision on a handover: take the client on (accept) or not (decline, with a
reason), sent back to the sender as a signed message of its own; and its receipt at the sender
(hazard H-06).

    >>> decision = decide(store, message_id, accept=True, clock=clock, as_organisation="Y02345",
    ...                   signer=signer)
    >>> decision.task.status
    'accepted'
    >>> receive_message(decision.message, store=carat_store, sent=carat_outbox, trust=trust,
    ...                 clock=clock, as_organisation="NTI").code
    'ok'

Receipt leaves the handover Task ``received`` (adapter.handover.receive); seed 002, 5.3.4: the CJIT
"decides whether to take the client onto its caseload". A decision moves the Task received ->
accepted | rejected by the transition table, and the message built here tells the sender: a message
Bundle whose MessageHeader (the handover event, with ``response`` naming the handover's id) is sent
by the deciding organisation, whose Task carries the new status and, for a decline, the reason, and
whose Provenance (entry 2) carries the decider's detached JWS over the canonical form, as a handover's
does. The outbox delivers it like any other message.

At the sender, a message whose MessageHeader carries a ``response`` is a decision
(:func:`receive_message` tells the two apart). It is taken in only when signed by an organisation on
the trust list, answering a handover this organisation sent (the outbox keeps what was sent), and
from that handover's destination; the decision is then kept beside the outbox entry
(:class:`SentMessages`), and re-delivery of the same decision gets the same answer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from adapter.clock import Clock
from adapter.fhir.narrative import brief
from adapter.handover.build import (
    MESSAGE_NAMESPACE,
    PROVENANCE_AUTHOR,
    PROVENANCE_INDEX,
    endpoint_of,
    sign_message,
)
from adapter.handover.codes import (
    ACKNOWLEDGEMENT_HEADER_PROFILE,
    HANDOVER_EVENT_SYSTEM,
    ODS_SYSTEM,
    HandoverEvent,
    TaskStatus,
)
from adapter.handover.entries import event_code, ods_code, resolve
from adapter.handover.errors import TransitionRefused
from adapter.handover.receive import (
    Acknowledgement,
    _addressing,
    _answer,
    _digest,
    _Message,
    _refused,
    _shape,
    _signature,
    receive_handover,
)
from adapter.handover.signing import Signer, TrustList
from adapter.handover.task import advance_task
from adapter.outcome import Issue, OperationOutcome
from adapter.store import OpenHandover, Store, TaskState
from adapter.types import FhirJson, OdsCode


@dataclass(frozen=True, slots=True)
class Decision:
    """The Task as decided and the signed message that tells the sender."""

    task: TaskState
    message: FhirJson
    sender_endpoint: str


@dataclass(frozen=True, slots=True)
class DecisionReceived:
    """A decision as the sender keeps it, beside the outbox entry of the handover it answers."""

    handover_id: str
    decision_id: str
    digest: str
    status: str
    """``accepted`` or ``rejected`` (declined)."""
    reason: str | None
    decided_by: OdsCode
    decided_at: datetime
    received_at: datetime
    answer: FhirJson
    """The acknowledgement given (the same again on re-delivery)."""


class SentMessages(Protocol):
    """What this organisation sent and the decisions received on it (the outbox implements it)."""

    def sent_message(self, message_id: str) -> FhirJson | None:
        """The message sent under MessageHeader id ``message_id``, or None."""
        ...

    def decision_on(self, message_id: str) -> DecisionReceived | None:
        """The decision kept on the handover sent as ``message_id``, or None."""
        ...

    def record_decision(self, decision: DecisionReceived) -> DecisionReceived:
        """Keep ``decision``; when one is already kept on that handover, keep nothing and return it."""
        ...


def _unknown(message_id: str) -> TransitionRefused:
    return TransitionRefused(
        OperationOutcome.of(
            [
                Issue.error(
                    "not-found",
                    "handover.unknown-message",
                    f"no handover message {message_id} was received here",
                    "MessageHeader.id",
                )
            ]
        )
    )


def _organisation(ods: OdsCode, handover: OpenHandover) -> tuple[str, FhirJson]:
    named = next(
        (o.name for o in (handover.record.organisations if handover.record else []) if o.ods_code == ods), ods
    )
    org_id = str(uuid.uuid5(MESSAGE_NAMESPACE, f"organisation|{ods}"))
    return f"urn:uuid:{org_id}", {
        "resourceType": "Organization",
        "id": org_id,
        "text": brief(f"{named} (ODS {ods})."),
        "identifier": [{"system": ODS_SYSTEM, "value": ods}],
        "name": named,
    }


def decide(
    store: Store,
    message_id: str,
    *,
    accept: bool,
    reason: str | None = None,
    clock: Clock,
    as_organisation: OdsCode,
    signer: Signer,
) -> Decision:
    """Accept or decline the handover that came as ``message_id``; a decline needs a ``reason``. The
    decision message is signed with ``signer`` (the deciding organisation's key).

    Raises TransitionRefused when no such handover was received here, it is not awaiting a decision
    (already decided, or rejected on receipt), or a decline gives no reason.
    """
    state = store.task_for_message(message_id)
    answer = store.find_answer(message_id)
    if state is None or answer is None:
        raise _unknown(message_id)
    handover = next(
        (h for h in store.open_handovers(as_organisation, ("received",)) if h.task.message_id == message_id),
        None,
    )
    if handover is None and state.status == TaskStatus.RECEIVED.value:
        raise _unknown(message_id)  # received by another organisation the database keeps
    status = TaskStatus.ACCEPTED if accept else TaskStatus.REJECTED
    decided = advance_task(store, state.task_id, status, reason=(reason or "").strip() or None, clock=clock)
    assert handover is not None  # the Task was received here, or advance_task refused
    ack_header = answer.answer["entry"][0]["resource"]
    sender_endpoint = str(ack_header["destination"][0]["endpoint"])
    at = clock.now()
    decision_id = str(uuid.uuid5(MESSAGE_NAMESPACE, f"{message_id}|decision|{as_organisation}|{status}"))
    task_url = next(
        (e["fullUrl"] for e in answer.answer["entry"] if e["resource"]["resourceType"] == "Task"),
        f"urn:uuid:{state.task_id}",
    )
    outcome_id = str(uuid.uuid5(MESSAGE_NAMESPACE, f"{decision_id}|outcome"))
    decider_url, decider = _organisation(as_organisation, handover)
    sender_url, sender = _organisation(handover.sender, handover)
    said = (
        "accepted: the team takes the client on"
        if accept
        else f"declined: the team does not take the client on ({decided.status_reason})"
    )
    task: FhirJson = {
        "resourceType": "Task",
        "id": state.task_id,
        "text": brief(f"Handover Task: {said}."),
        "status": decided.status,
        "intent": "order",
        "lastModified": at.isoformat(timespec="seconds"),
        "owner": {"reference": decider_url},
    }
    if decided.status_reason:
        task["statusReason"] = {"text": decided.status_reason}
    header: FhirJson = {
        "resourceType": "MessageHeader",
        "id": decision_id,
        "meta": {"profile": [ACKNOWLEDGEMENT_HEADER_PROFILE]},
        "text": brief(f"Decision on handover message {message_id}: {said}."),
        "eventCoding": {"system": HANDOVER_EVENT_SYSTEM, "code": HandoverEvent.CARE_PLAN_HANDOVER.value},
        "destination": [
            {"name": sender["name"], "endpoint": sender_endpoint, "receiver": {"reference": sender_url}}
        ],
        "sender": {"reference": decider_url},
        "source": {"name": decider["name"], "endpoint": endpoint_of(as_organisation)},
        "response": {
            "identifier": message_id,
            "code": "ok",
            "details": {"reference": f"urn:uuid:{outcome_id}"},
        },
        "focus": [{"reference": task_url}],
    }
    outcome = OperationOutcome.of(
        [Issue("information", "informational", "handover.decided", f"handover {said}")]
    )
    provenance_id = str(uuid.uuid5(MESSAGE_NAMESPACE, f"{decision_id}|provenance"))
    provenance: FhirJson = {
        "resourceType": "Provenance",
        "id": provenance_id,
        "text": brief(
            "Decided and signed by the receiving organisation (Ed25519, detached JWS over the message)."
        ),
        "target": [{"reference": task_url}],
        "recorded": at.isoformat(timespec="seconds"),
        "agent": [{"type": PROVENANCE_AUTHOR, "who": {"reference": decider_url}}],
    }
    message: FhirJson = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(MESSAGE_NAMESPACE, f"{decision_id}|bundle")),
        "type": "message",
        "timestamp": at.isoformat(timespec="seconds"),
        "entry": [
            {"fullUrl": f"urn:uuid:{decision_id}", "resource": header},
            {"fullUrl": task_url, "resource": task},
            {"fullUrl": f"urn:uuid:{provenance_id}", "resource": provenance},
            {"fullUrl": decider_url, "resource": decider},
            {"fullUrl": sender_url, "resource": sender},
            {
                "fullUrl": f"urn:uuid:{outcome_id}",
                "resource": {**outcome.to_fhir(), "id": outcome_id, "text": brief(str(outcome))},
            },
        ],
    }
    assert message["entry"][PROVENANCE_INDEX]["resource"]["resourceType"] == "Provenance"
    sign_message(message, signer, at)
    return Decision(decided, message, sender_endpoint)


def is_decision(message: FhirJson) -> bool:
    """True when ``message`` is a decision on a handover: its MessageHeader answers another message
    (``response``). Nothing is verified (see :func:`receive_decision`)."""
    entries = message.get("entry") if isinstance(message, dict) else None
    first = entries[0] if isinstance(entries, list) and entries else None
    header = first.get("resource") if isinstance(first, dict) else None
    return isinstance(header, dict) and header.get("resourceType") == "MessageHeader" and "response" in header


def receive_message(
    message: FhirJson,
    *,
    store: Store,
    sent: SentMessages,
    trust: TrustList,
    clock: Clock,
    as_organisation: OdsCode,
) -> Acknowledgement:
    """Take in a message posted to ``$process-message``: a decision on a handover we sent
    (:func:`receive_decision`), else a handover (adapter.handover.receive_handover)."""
    if is_decision(message):
        return receive_decision(
            message, store=store, sent=sent, trust=trust, clock=clock, as_organisation=as_organisation
        )
    return receive_handover(message, store=store, trust=trust, clock=clock, as_organisation=as_organisation)


RESPONSE = "Bundle.entry[0].resource.response.identifier"


def _already(handover_id: str) -> Issue:
    return Issue.error(
        "duplicate",
        "decision.already-decided",
        f"a different decision on handover {handover_id} was already received",
        RESPONSE,
    )


def _sent_to(sent: FhirJson) -> list[OdsCode | None]:
    header = sent["entry"][0]["resource"]
    found: list[OdsCode | None] = []
    for destination in header.get("destination") or []:
        index = resolve(sent, destination.get("receiver"))
        found.append(ods_code(sent["entry"][index]["resource"]) if index is not None else None)
    return found


def _answered(message: _Message, sent: SentMessages, decider: OdsCode | None, us: OdsCode) -> list[Issue]:
    """The decision answers a handover ``us`` sent, and comes from that handover's destination."""
    response = message.header.get("response")
    handover_id = response.get("identifier") if isinstance(response, dict) else None
    original = sent.sent_message(handover_id) if isinstance(handover_id, str) else None
    header = original["entry"][0]["resource"] if original is not None else {}
    if (
        original is None
        or "response" in header
        or event_code(header) != HandoverEvent.CARE_PLAN_HANDOVER.value
    ):
        return [
            Issue.error(
                "not-found",
                "decision.unknown-handover",
                f"the decision answers message {handover_id}, which is not a handover {us} sent",
                RESPONSE,
            )
        ]
    receivers = _sent_to(original)
    if decider is not None and decider not in receivers:
        named = ", ".join(r for r in receivers if r) or "no organisation"
        return [
            Issue.error(
                "security",
                "decision.not-from-destination",
                f"the decision is sent by {decider}, but handover {handover_id} went to {named}",
                "Bundle.entry[0].resource.sender",
            )
        ]
    return []


def _decided_task(message: _Message) -> tuple[FhirJson | None, list[Issue]]:
    focus = message.header.get("focus") or [None]
    index = resolve(message.bundle, focus[0])
    task = message.bundle["entry"][index]["resource"] if index is not None else None
    if task is None or task.get("resourceType") != "Task":
        return None, [
            Issue.error(
                "invalid",
                "decision.focus-mismatch",
                "MessageHeader.focus does not point at the decided Task in this message",
                "Bundle.entry[0].resource.focus",
            )
        ]
    status = task.get("status")
    if status not in (TaskStatus.ACCEPTED.value, TaskStatus.REJECTED.value):
        return None, [
            Issue.error(
                "code-invalid",
                "decision.status",
                f"a decision's Task is accepted or rejected, not {status!r}",
                f"Bundle.entry[{index}].resource.status",
            )
        ]
    reason = (task.get("statusReason") or {}).get("text")
    if status == TaskStatus.REJECTED.value and not (isinstance(reason, str) and reason.strip()):
        return None, [
            Issue.error(
                "required",
                "decision.reason-required",
                "a decline gives its reason",
                f"Bundle.entry[{index}].resource.statusReason.text",
            )
        ]
    return task, []


def receive_decision(
    message: FhirJson,
    *,
    store: Store,
    sent: SentMessages,
    trust: TrustList,
    clock: Clock,
    as_organisation: OdsCode,
) -> Acknowledgement:
    """Check and keep a decision on a handover ``as_organisation`` sent; the acknowledgement.

    Raises MalformedMessage or MessageRefused when it is not a message of a handover's shape; every
    other problem (unsigned or forged, an untrusted decider, a handover we did not send, a decider
    that was not its destination, a Task not accepted or rejected) is a ``fatal-error``
    acknowledgement naming the element, and nothing is kept.
    """
    at = clock.now()
    shape = _shape(message)
    found = _Message(shape.bundle, shape.header, shape.message_id, _digest(shape.bundle))
    response = found.header.get("response")
    handover_id = str(response.get("identifier")) if isinstance(response, dict) else ""
    kept = sent.decision_on(handover_id)
    if kept is not None:
        if (kept.decision_id, kept.digest) == (found.message_id, found.digest):
            return Acknowledgement(kept.answer, replayed=True)
        return _refused(found, as_organisation, [_already(handover_id)], store, at)
    decider, issues = _signature(found, trust)
    issues = _addressing(found, None, as_organisation) + issues
    issues += _answered(found, sent, decider, as_organisation)
    task, task_issues = _decided_task(found)
    issues += task_issues
    found = _Message(found.bundle, found.header, found.message_id, found.digest, None, decider)
    if issues or task is None or decider is None:
        return _refused(found, as_organisation, issues, store, at)
    status = str(task["status"])
    reason = (task.get("statusReason") or {}).get("text")
    decided_at = found.bundle.get("timestamp") or task.get("lastModified")
    try:
        when = datetime.fromisoformat(str(decided_at))
    except ValueError:
        when = at
    said = "accepted: they take the client on" if status == "accepted" else f"declined: {reason}"
    noted = Issue(
        "information",
        "informational",
        "decision.recorded",
        f"decision on handover {handover_id} recorded: {decider} {said}",
    )
    answer = _answer(found, as_organisation, OperationOutcome.of([noted]), None, at)
    decision = DecisionReceived(
        handover_id,
        found.message_id,
        found.digest,
        status,
        reason if isinstance(reason, str) else None,
        decider,
        when,
        at,
        answer,
    )
    stored = sent.record_decision(decision)
    if (stored.decision_id, stored.digest) != (decision.decision_id, decision.digest):
        return _refused(found, as_organisation, [_already(handover_id)], store, at)
    return Acknowledgement(stored.answer)
