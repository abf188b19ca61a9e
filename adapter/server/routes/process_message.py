"""``POST /$process-message``: receive a handover message; answer with its acknowledgement.

The caller's token must stand for the message's sender: a signed message is only taken from the
organisation that signed it. Re-delivery of the same message gets the same answer, and imports
nothing twice (adapter.handover.receive_handover, on the store's unique message id).

A message whose MessageHeader carries a ``response`` is the receiving team's decision on a handover
this organisation sent (adapter.handover.decision.receive_decision): taken in only when signed by a
trusted decider that was the handover's destination, and kept beside the outbox entry (hazard H-06).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from adapter.handover import (
    MalformedMessage,
    MessageRefused,
    check_message_shape,
    receive_message,
    sender_of,
)
from adapter.server.deps import (
    CallerDep,
    ClockDep,
    FhirBodyDep,
    OutboxDep,
    SettingsDep,
    StoreDep,
    TrustDep,
)
from adapter.server.http_problem import HttpProblem
from adapter.server.wire import fhir_response

router = APIRouter(tags=["messaging"])


@router.post("/$process-message")
def process_message(
    request: Request,
    caller: CallerDep,
    message: FhirBodyDep,
    settings: SettingsDep,
    store: StoreDep,
    outbox: OutboxDep,
    trust: TrustDep,
    clock: ClockDep,
) -> Response:
    """Check, import and keep a handover addressed to this server's organisation, or a decision on
    one it sent."""
    try:
        # Before the sender or the signature is looked at: malformed JSON is 400 at its first
        # problem; a well-formed resource that is not a message, 422.
        check_message_shape(message)
    except MalformedMessage as malformed:
        raise HttpProblem(400, malformed.outcome) from None
    except MessageRefused as refused:
        raise HttpProblem(422, refused.outcome) from None
    sender = sender_of(message)
    if sender is not None and sender != caller:
        raise HttpProblem.single(
            403,
            "forbidden",
            "auth.not-the-sender",
            f"the message is sent by {sender}, but the bearer token is {caller}'s",
            "Bundle.entry[0].resource.sender",
        )
    try:
        ack = receive_message(
            message, store=store, sent=outbox, trust=trust, clock=clock, as_organisation=settings.ods
        )
    except MessageRefused as refused:
        # Not a message at all: there is no header to acknowledge, so the answer is the outcome.
        raise HttpProblem(422, refused.outcome) from None
    return fhir_response(request, ack.bundle)
