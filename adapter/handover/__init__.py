"""DIR-style handover of a care plan between services: build, consent gate, minimisation, signature,
receipt, acknowledgement and the handover Task's life.

    >>> message = build_handover(record, destination="Y02345", reason=HandoverReason.PRISON_RELEASE,
    ...                          sender="NTI", clock=FixedClock(at), signer=signer, store=store)
    >>> ack = receive_handover(message, store=store, trust=TrustList({"NTI": signer.verifier()}),
    ...                        clock=FixedClock(at), as_organisation="Y02345")
    >>> ack.code, ack.task_status
    ('ok', <TaskStatus.RECEIVED: 'received'>)
    >>> decide(store, ack.message_id, accept=True, clock=FixedClock(at), as_organisation="Y02345",
    ...        signer=cjit_signer).task.status
    'accepted'

Seeds 000 5.3.6 and 002 5.3.4: continuity of care rests on "timely, targeted and correct information"
passed with the client's consent; at release the CARAT team refers to the single point of contact of
the CJIT of the release area, which decides whether to take the client on.
"""

from __future__ import annotations

from adapter.handover.build import build_handover, endpoint_of, sign_message
from adapter.handover.codes import HandoverEvent, HandoverInput, HandoverReason, TaskStatus
from adapter.handover.consent import consent_for, covering_consent, purposes_for
from adapter.handover.decision import (
    Decision,
    DecisionReceived,
    SentMessages,
    decide,
    is_decision,
    receive_decision,
    receive_message,
)
from adapter.handover.due import Due, QueuedMessage, due_items
from adapter.handover.errors import HandoverRefused, MalformedMessage, MessageRefused, TransitionRefused
from adapter.handover.minimise import minimise, rule_for
from adapter.handover.prescribing import prescribing_issues, stale_last_doses
from adapter.handover.receive import (
    Acknowledgement,
    check_message_shape,
    message_problem,
    receive_handover,
    sender_of,
)
from adapter.handover.rules import Minimisation, consent_purposes, minimisation_table, task_transitions
from adapter.handover.signing import (
    Ed25519Signer,
    Ed25519Verifier,
    Signer,
    TrustList,
    Verifier,
    canonical_form,
)
from adapter.handover.task import advance_task, check_transition
from adapter.handover.withdraw import delivery_refusal, withdraw_consent, withdrawal_message

__all__ = [
    "Acknowledgement",
    "Decision",
    "DecisionReceived",
    "Due",
    "Ed25519Signer",
    "Ed25519Verifier",
    "HandoverEvent",
    "HandoverInput",
    "HandoverReason",
    "HandoverRefused",
    "MalformedMessage",
    "MessageRefused",
    "Minimisation",
    "QueuedMessage",
    "SentMessages",
    "Signer",
    "TaskStatus",
    "TransitionRefused",
    "TrustList",
    "Verifier",
    "advance_task",
    "build_handover",
    "canonical_form",
    "check_message_shape",
    "check_transition",
    "consent_for",
    "consent_purposes",
    "covering_consent",
    "decide",
    "delivery_refusal",
    "due_items",
    "endpoint_of",
    "is_decision",
    "message_problem",
    "minimisation_table",
    "minimise",
    "prescribing_issues",
    "purposes_for",
    "receive_decision",
    "receive_handover",
    "receive_message",
    "rule_for",
    "sender_of",
    "sign_message",
    "stale_last_doses",
    "task_transitions",
    "withdraw_consent",
    "withdrawal_message",
]
