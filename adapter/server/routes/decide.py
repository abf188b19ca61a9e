"""``POST /$decide``: the receiving team's decision on a handover it received (the REST twin of
``careplan decide``); the answer is the decision message to send back to the sender.

The body is a Parameters resource: ``message`` (valueString, the handover message id), ``decision``
(valueCode ``accept`` or ``decline``) and, for a decline, ``reason`` (valueString). Only this server's
own organisation decides (the caller's token must be the holder's): seed 002, 5.3.4, the CJIT decides
whether to take the client on (hazard H-06). The decision message is signed with the server's own
key (``CAREPLAN_SIGNING_KEY_FILE``); without it the answer is 503 naming the setting, and nothing is
decided.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from adapter.handover.decision import decide
from adapter.handover.errors import TransitionRefused
from adapter.server.deps import CallerDep, ClockDep, FhirBodyDep, SettingsDep, SignerDep, StoreDep
from adapter.server.http_problem import HttpProblem
from adapter.server.wire import fhir_response
from adapter.types import FhirJson

router = APIRouter(tags=["messaging"])


def _parameter(body: FhirJson, name: str, kind: str) -> str | None:
    for parameter in body.get("parameter") or []:
        if isinstance(parameter, dict) and parameter.get("name") == name:
            value = parameter.get(kind)
            return value if isinstance(value, str) else None
    return None


@router.post("/$decide")
def decide_handover(
    request: Request,
    caller: CallerDep,
    body: FhirBodyDep,
    settings: SettingsDep,
    store: StoreDep,
    signer: SignerDep,
    clock: ClockDep,
) -> Response:
    """Accept or decline a handover received here; the decision message for the sender."""
    if caller != settings.ods:
        raise HttpProblem.single(
            403, "forbidden", "auth.not-the-holder", f"only {settings.ods} decides on its handovers"
        )
    message_id = _parameter(body, "message", "valueString")
    decision = _parameter(body, "decision", "valueCode")
    if body.get("resourceType") != "Parameters" or not message_id or decision not in {"accept", "decline"}:
        raise HttpProblem.single(
            400,
            "required",
            "decide.parameters",
            "expected Parameters with message (valueString) and decision (valueCode accept or decline)",
            "Parameters.parameter",
        )
    if signer is None:
        raise HttpProblem.single(
            503,
            "not-supported",
            "settings.no-signing-key",
            "CAREPLAN_SIGNING_KEY_FILE is not set: a decision is a signed message, and this server has no "
            f"key to sign as {settings.ods}",
            "CAREPLAN_SIGNING_KEY_FILE",
        )
    try:
        decided = decide(
            store,
            message_id,
            accept=decision == "accept",
            reason=_parameter(body, "reason", "valueString"),
            clock=clock,
            as_organisation=settings.ods,
            signer=signer,
        )
    except TransitionRefused as refused:
        status = 404 if refused.outcome.issues[0].code == "not-found" else 409
        raise HttpProblem(status, refused.outcome) from None
    return fhir_response(request, decided.message)
