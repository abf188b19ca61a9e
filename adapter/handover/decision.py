"""The receiving team's decision on a handover: take the client on (accept) or not (decline, with a
reason), sent back to the sender as a message of its own (hazard H-06).

    >>> decision = decide(store, message_id, accept=True, clock=clock, as_organisation="Y02345")
    >>> decision.task.status
    'accepted'

Receipt leaves the handover Task ``received`` (adapter.handover.receive); seed 002, 5.3.4: the CJIT
"decides whether to take the client onto its caseload". A decision moves the Task received ->
accepted | rejected by the transition table, and the message built here tells the sender: a message
Bundle whose MessageHeader answers the handover's id and whose Task carries the new status and, for a
decline, the reason. The outbox delivers it like any other message.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from adapter.clock import Clock
from adapter.fhir.narrative import brief
from adapter.handover.build import MESSAGE_NAMESPACE, endpoint_of
from adapter.handover.codes import ACKNOWLEDGEMENT_HEADER_PROFILE, TaskStatus
from adapter.handover.errors import TransitionRefused
from adapter.handover.task import advance_task
from adapter.outcome import Issue, OperationOutcome
from adapter.store import Store, TaskState
from adapter.types import FhirJson, OdsCode


@dataclass(frozen=True, slots=True)
class Decision:
    """The Task as decided and the message that tells the sender."""

    task: TaskState
    message: FhirJson
    sender_endpoint: str


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


def decide(
    store: Store,
    message_id: str,
    *,
    accept: bool,
    reason: str | None = None,
    clock: Clock,
    as_organisation: OdsCode,
) -> Decision:
    """Accept or decline the handover that came as ``message_id``; a decline needs a ``reason``.

    Raises TransitionRefused when no such handover was received, it is not awaiting a decision
    (already decided, or rejected on receipt), or a decline gives no reason.
    """
    state = store.task_for_message(message_id)
    answer = store.find_answer(message_id)
    if state is None or answer is None:
        raise _unknown(message_id)
    status = TaskStatus.ACCEPTED if accept else TaskStatus.REJECTED
    decided = advance_task(store, state.task_id, status, reason=(reason or "").strip() or None, clock=clock)
    ack_header = answer.answer["entry"][0]["resource"]
    sender_endpoint = str(ack_header["destination"][0]["endpoint"])
    at = clock.now()
    decision_id = str(uuid.uuid5(MESSAGE_NAMESPACE, f"{message_id}|decision|{as_organisation}|{status}"))
    task_url = next(
        (e["fullUrl"] for e in answer.answer["entry"] if e["resource"]["resourceType"] == "Task"),
        f"urn:uuid:{state.task_id}",
    )
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
    }
    if decided.status_reason:
        task["statusReason"] = {"text": decided.status_reason}
    header: FhirJson = {
        "resourceType": "MessageHeader",
        "id": decision_id,
        "meta": {"profile": [ACKNOWLEDGEMENT_HEADER_PROFILE]},
        "text": brief(f"Decision on handover message {message_id}: {said}."),
        "eventCoding": ack_header.get("eventCoding"),
        "destination": [{"endpoint": sender_endpoint}],
        "source": {"endpoint": endpoint_of(as_organisation)},
        "response": {"identifier": message_id, "code": "ok"},
        "focus": [{"reference": task_url}],
    }
    message: FhirJson = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(MESSAGE_NAMESPACE, f"{decision_id}|bundle")),
        "type": "message",
        "timestamp": at.isoformat(timespec="seconds"),
        "entry": [
            {"fullUrl": f"urn:uuid:{decision_id}", "resource": header},
            {"fullUrl": task_url, "resource": task},
        ],
    }
    return Decision(decided, message, sender_endpoint)
