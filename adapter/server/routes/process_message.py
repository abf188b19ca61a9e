"""``POST /$process-message``: receive a handover message; answer with its acknowledgement.

The caller's token must stand for the message's sender: a signed message is only taken from the
organisation that signed it. Re-delivery of the same message gets the same answer, and imports
nothing twice (adapter.handover.receive_handover, on the store's unique message id).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from adapter.handover import MessageRefused, receive_handover
from adapter.model.identifiers import ODS_SYSTEM
from adapter.server.deps import CallerDep, ClockDep, FhirBodyDep, SettingsDep, StoreDep, TrustDep
from adapter.server.http_problem import HttpProblem
from adapter.server.wire import fhir_response
from adapter.types import FhirJson, OdsCode

router = APIRouter(tags=["messaging"])


def message_sender(message: FhirJson) -> OdsCode | None:
    """The ODS code of the Organization that MessageHeader.sender points at, when the bundle has it."""
    try:
        reference = message["entry"][0]["resource"]["sender"]["reference"]
        for entry in message["entry"]:
            resource = entry.get("resource") or {}
            if entry.get("fullUrl") == reference and resource.get("resourceType") == "Organization":
                for identifier in resource.get("identifier") or []:
                    if identifier.get("system") == ODS_SYSTEM:
                        return str(identifier.get("value"))
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return None


@router.post("/$process-message")
def process_message(
    request: Request,
    caller: CallerDep,
    message: FhirBodyDep,
    settings: SettingsDep,
    store: StoreDep,
    trust: TrustDep,
    clock: ClockDep,
) -> Response:
    """Check, import and keep a handover addressed to this server's organisation."""
    sender = message_sender(message)
    if sender is not None and sender != caller:
        raise HttpProblem.single(
            403,
            "forbidden",
            "auth.not-the-sender",
            f"the message is sent by {sender}, but the bearer token is {caller}'s",
            "Bundle.entry[0].resource.sender",
        )
    try:
        ack = receive_handover(message, store=store, trust=trust, clock=clock, as_organisation=settings.ods)
    except MessageRefused as refused:
        # Not a message at all: there is no header to acknowledge, so the answer is the outcome.
        raise HttpProblem(422, refused.outcome) from None
    return fhir_response(request, ack.bundle)
