"""Withdrawal of consent (hazard H-16): recorded by the service that holds the plan, sent to every
organisation the plan went to under it, and honoured by the outbox at delivery.

    >>> withdrawn = withdraw_consent(record, "consent-release-cjit", clock=clock)
    >>> message = withdrawal_message(withdrawn, "consent-release-cjit", sender="NTI",
    ...                              destination="Y02345", clock=clock, signer=signer)

A withdrawn consent is ``inactive`` and ends on the day of the withdrawal, so the one consent rule
(adapter.handover.consent) finds it covers nothing from then on. The message is a signed message Bundle
(event ``consent-withdrawn``): MessageHeader (focus: the Consent), the Consent as it now stands, the
signed Provenance, the Patient and the organisations. A receiver applies it to the plans it holds from
the sender for that client (adapter.handover.receive): the consent becomes inactive there too, so its
read rule and any onward handover stop.

:func:`delivery_refusal` is what the outbox asks before each delivery of a handover: does the consent
it travels under still cover it today, and has the client not withdrawn it since it was built?
"""

from __future__ import annotations

import uuid

from adapter.clock import Clock
from adapter.errors import InvalidFhir
from adapter.fhir import from_fhir, to_fhir
from adapter.fhir.narrative import brief
from adapter.handover.build import MESSAGE_NAMESPACE, PROVENANCE_INDEX, endpoint_of, sign_message
from adapter.handover.codes import (
    HANDOVER_EVENT_SYSTEM,
    HEADER_PROFILE,
    HandoverEvent,
)
from adapter.handover.consent import covering_consent
from adapter.handover.entries import (
    event_code,
    handover_reason,
    message_header,
    ods_code,
    organisation_index,
    resolve,
)
from adapter.handover.errors import HandoverRefused
from adapter.handover.signing import Signer
from adapter.model import ClientRecord, load_record
from adapter.model.codes import ConsentDecision, ConsentStatus
from adapter.outcome import Issue, OperationOutcome
from adapter.store.index import client_key
from adapter.types import FhirJson, OdsCode


def _refused(text: str, expression: str) -> HandoverRefused:
    return HandoverRefused(
        OperationOutcome.of([Issue.error("not-found", "consent.withdraw", text, expression)])
    )


def withdraw_consent(record: ClientRecord, consent_id: str, *, clock: Clock) -> ClientRecord:
    """``record`` with consent ``consent_id`` withdrawn today: inactive, ending today."""
    data = record.model_dump(mode="json", exclude_none=True)
    for index, consent in enumerate(record.consents):
        if consent.id != consent_id:
            continue
        if consent.decision is not ConsentDecision.PERMIT or consent.status is not ConsentStatus.ACTIVE:
            raise _refused(
                f"consent {consent_id} is a {consent.decision} that is {consent.status}: only an active "
                f"consent can be withdrawn",
                f"consents[{index}].status",
            )
        today = clock.today()
        data["consents"][index]["status"] = ConsentStatus.INACTIVE.value
        if consent.end is None or consent.end > today:
            data["consents"][index]["end"] = max(today, consent.start).isoformat()
        data["recorded_at"] = clock.now().isoformat()
        return load_record(data)
    known = ", ".join(c.id for c in record.consents) or "none"
    raise _refused(f"no consent {consent_id} in this record (its consents: {known})", "consents")


def withdrawal_message(
    record: ClientRecord,
    consent_id: str,
    *,
    sender: OdsCode,
    destination: OdsCode,
    clock: Clock,
    signer: Signer,
) -> FhirJson:
    """The signed message telling ``destination`` that consent ``consent_id`` (already withdrawn in
    ``record``) is withdrawn."""
    at = clock.now()
    consent = next(c for c in record.consents if c.id == consent_id)
    bundle = to_fhir(record.model_copy(update={"consents": [consent]}))
    kept = [
        e for e in bundle["entry"] if e["resource"]["resourceType"] in {"Consent", "Patient", "Organization"}
    ]
    for entry in kept:
        if entry["resource"]["resourceType"] == "Consent":
            # Who recorded it is the sender's business; the receiver needs what is withdrawn, and whose.
            entry["resource"] = {k: v for k, v in entry["resource"].items() if k != "performer"}
    consent_entry = next(e for e in kept if e["resource"]["resourceType"] == "Consent")
    message_id = str(uuid.uuid5(MESSAGE_NAMESPACE, f"{consent_id}|withdrawn|{sender}|{destination}|{at}"))
    provenance_id = str(uuid.uuid5(MESSAGE_NAMESPACE, f"{message_id}|provenance"))
    message: FhirJson = {"entry": [{}, {}, {}, *kept]}
    sender_index = organisation_index(message, sender)
    destination_index = organisation_index(message, destination)
    if sender_index is None or destination_index is None:
        missing = sender if sender_index is None else destination
        raise _refused(f"{missing} is not an organisation of this record", "organisations")
    sender_org = message["entry"][sender_index]
    destination_org = message["entry"][destination_index]
    header: FhirJson = {
        "resourceType": "MessageHeader",
        "id": message_id,
        "meta": {"profile": [HEADER_PROFILE]},
        "text": brief(
            f"Consent {consent_id} withdrawn by the client on {consent.end}: "
            f"{sender_org['resource']['name']} tells {destination_org['resource']['name']}."
        ),
        "eventCoding": {"system": HANDOVER_EVENT_SYSTEM, "code": HandoverEvent.CONSENT_WITHDRAWN.value},
        "destination": [
            {
                "name": destination_org["resource"]["name"],
                "endpoint": endpoint_of(destination),
                "receiver": {"reference": destination_org["fullUrl"]},
            }
        ],
        "sender": {"reference": sender_org["fullUrl"]},
        "source": {"name": sender_org["resource"]["name"], "endpoint": endpoint_of(sender)},
        "focus": [{"reference": consent_entry["fullUrl"]}],
    }
    provenance: FhirJson = {
        "resourceType": "Provenance",
        "id": provenance_id,
        "text": brief(
            "Sent and signed by the sending organisation (Ed25519, detached JWS over the message)."
        ),
        "target": [{"reference": consent_entry["fullUrl"]}],
        "recorded": at.isoformat(timespec="seconds"),
        "agent": [{"who": {"reference": sender_org["fullUrl"]}}],
    }
    signed: FhirJson = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(MESSAGE_NAMESPACE, f"{message_id}|bundle")),
        "type": "message",
        "timestamp": at.isoformat(timespec="seconds"),
        "entry": [
            {"fullUrl": f"urn:uuid:{message_id}", "resource": header},
            consent_entry,
            {"fullUrl": f"urn:uuid:{provenance_id}", "resource": provenance},
            *[e for e in kept if e is not consent_entry],
        ],
    }
    assert signed["entry"][PROVENANCE_INDEX]["resource"]["resourceType"] == "Provenance"
    sign_message(signed, signer, at)
    return signed


def delivery_refusal(message: FhirJson, clock: Clock, withdrawn: set[tuple[str, str]]) -> str | None:
    """Why a queued handover may no longer be delivered now (None: it may): the consent it
    travels under no longer covers the destination today (expired, refused since), or the client
    withdrew it (``withdrawn``: (client key, consent id) pairs the sender recorded). Messages that are
    not handovers or updates of a plan (acknowledgements, decisions, withdrawals) are not the consent
    rule's to stop."""
    header = message_header(message)
    if event_code(header) not in {
        HandoverEvent.CARE_PLAN_HANDOVER.value,
        HandoverEvent.CARE_PLAN_UPDATE.value,  # an update discloses the plan as a handover does
    } or (
        "response" in header  # a decision on a handover carries the handover event, and answers it
    ):
        return None
    try:
        record = from_fhir(message).record
    except InvalidFhir as error:
        return f"the queued handover cannot be read back to check its consent: {error.outcome}"
    reason = handover_reason(message)
    receivers = [d.get("receiver") for d in header.get("destination") or []]
    destination = None
    for receiver in receivers:
        index = resolve(message, receiver)
        if index is not None:
            destination = ods_code(message["entry"][index]["resource"])
    for consent in record.consents:
        if (client_key(record), consent.id) in withdrawn:
            return f"not sent: the client withdrew consent {consent.id}, under which this handover was built"
    if reason is None or destination is None:
        return "not sent: the queued handover names no reason or no destination to check its consent against"
    try:
        covering_consent(record, destination, reason, clock.today())
    except HandoverRefused as refused:
        return f"not sent: the consent no longer covers it today: {refused.outcome}"
    return None
