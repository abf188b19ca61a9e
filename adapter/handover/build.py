"""Building a DIR-style handover message: consent gate, minimisation, FHIR message Bundle, signature.

    >>> message = build_handover(record, destination="Y02345", reason=HandoverReason.PRISON_RELEASE,
    ...                          sender="NTI", clock=FixedClock(at), signer=signer)
    >>> [e["resource"]["resourceType"] for e in message["entry"][:3]]
    ['MessageHeader', 'Task', 'Provenance']

The Bundle (type ``message``) holds: the MessageHeader (event care-plan-handover, source and
destination endpoints and organisations, focus = the Task); the Task (reason, requester, owner = the
receiving team, status requested, focus = the CarePlan, for = the Patient, inputs: the consent and the
minimum data set); the signed Provenance; then the minimised plan as adapter.fhir maps it (CarePlan and
everything it references, and the one Consent that permits this handover).

Continuity is never blocked by paperwork (hazard H-05): the plan's co-ordination findings on the day
(an overdue review, an unsigned plan), judged by the local protocol's ``settings`` as every other
place judges them (hazard H-56), travel with it as DetectedIssues and in the Task's narrative, and the
handover goes. Only what makes a handover unsafe refuses it (HandoverRefused; recorded in
``store`` when one is given), collecting every problem at once: the sender or destination is not an
organisation of the record, no handover goes to that kind of organisation, no consent covers the
destination (or the client refused it), prescribing fails its plausibility checks
(adapter.handover.prescribing), or a prison-release handover goes to an organisation the plan does
not name as its receiving CJIT or the client's GP without ``confirmed_destination`` (a stated reason,
recorded in the message: hazard H-11). A last dose older than the table's hours on a release
handover is a warning in the message (hazard H-10).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from adapter.clock import Clock, FixedClock
from adapter.coordination import CoordinationSettings, check_coordination, detected_issues
from adapter.coordination.settings import DEFAULTS
from adapter.fhir import to_fhir
from adapter.fhir.narrative import brief
from adapter.handover.codes import (
    HANDOVER_EVENT_SYSTEM,
    HANDOVER_REASON_SYSTEM,
    HEADER_PROFILE,
    MESSAGE_PROFILE,
    PROVENANCE_PROFILE,
    TASK_PROFILE,
    HandoverEvent,
    HandoverReason,
    TaskStatus,
)
from adapter.handover.consent import covering_consent
from adapter.handover.entries import full_url, resources
from adapter.handover.entries import organisation_index as org_index
from adapter.handover.errors import HandoverRefused
from adapter.handover.inputs import task_inputs
from adapter.handover.minimise import minimise, rule_for
from adapter.handover.prescribing import prescribing_issues, stale_last_doses
from adapter.handover.reception import confirm_notes, reception_warnings
from adapter.handover.rules import Minimisation
from adapter.handover.signing import Signer, canonical_form, detached_jws
from adapter.model import ClientRecord, ConsentToShare, Organisation
from adapter.model.codes import OrganisationKind
from adapter.outcome import Issue, OperationOutcome
from adapter.store import Refusal, Store
from adapter.store.index import client_key
from adapter.types import FhirJson, OdsCode
from adapter.urls import MESSAGE_NAMESPACE_URL, SINGLE_POINT_OF_CONTACT_EXTENSION

MESSAGE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, MESSAGE_NAMESPACE_URL)
PROVENANCE_INDEX = 2
"""The handover Provenance is always the third entry (after the MessageHeader and the Task)."""

SIGNATURE_TYPE = {
    "system": "urn:iso-astm:E1762-95:2013",
    "code": "1.2.840.10065.1.12.1.1",
    "display": "Author's Signature",
}
PROVENANCE_AUTHOR = {
    "coding": [
        {"system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "code": "author"}
    ]
}


def endpoint_of(ods: OdsCode, endpoints: Mapping[OdsCode, str] | None = None) -> str:
    """The messaging endpoint of an organisation: from ``endpoints`` (a directory), else ``urn:ods:<code>``
    (an address by ODS code, for a transport that routes by it)."""
    return (endpoints or {}).get(ods, f"urn:ods:{ods}")


def _instant(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def _organisation(record: ClientRecord, ods: OdsCode, role: str) -> tuple[Organisation | None, list[Issue]]:
    for organisation in record.organisations:
        if organisation.ods_code == ods:
            return organisation, []
    return None, [
        Issue.error(
            "not-found",
            f"handover.unknown-{role}",
            f"the {role} {ods} is not an organisation of this record: it has no address or team to "
            f"hand over {'to' if role == 'destination' else 'from'}",
            "organisations",
        )
    ]


def _rule(record: ClientRecord, destination: Organisation | None) -> tuple[Minimisation | None, list[Issue]]:
    if destination is None:
        return None, []
    rule = rule_for(destination.kind)
    if rule is not None:
        return rule, []
    index = record.organisations.index(destination)
    return None, [
        Issue.error(
            "business-rule",
            "handover.no-handover-to-kind",
            f"no handover goes to a {destination.kind} ({destination.ods_code}): the minimisation table "
            f"names no elements for it",
            f"organisations[{index}].kind",
        )
    ]


def _release_destination(
    record: ClientRecord, destination: OdsCode, reason: HandoverReason, confirmed: str | None
) -> list[Issue]:
    """A prison-release handover goes to the plan's receiving CJIT or the client's GP; anywhere else
    only when the user confirms it with a reason (seed 002, 5.3.4: the CJIT of the release area)."""
    if reason is not HandoverReason.PRISON_RELEASE:
        return []
    custody = record.plan.custody
    named = {
        ods
        for ods in (
            custody.receiving_cjit if custody else None,
            record.service_user.registered_gp_practice,
        )
        if ods
    }
    if destination in named or (confirmed or "").strip():
        return []
    return [
        Issue.error(
            "business-rule",
            "handover.release-wrong-place",
            f"a prison-release handover to {destination}, which the plan does not name: its receiving "
            f"CJIT is {custody.receiving_cjit if custody and custody.receiving_cjit else 'not recorded'} "
            f"and the client's GP {record.service_user.registered_gp_practice or 'not recorded'}; confirm "
            f"the destination with a reason to send it there",
            "plan.custody.receiving_cjit",
        )
    ]


def _consent(
    record: ClientRecord, destination: OdsCode, reason: HandoverReason, clock: FixedClock
) -> tuple[ConsentToShare | None, list[Issue]]:
    try:
        return covering_consent(record, destination, reason, clock.today()), []
    except HandoverRefused as refused:
        return None, list(refused.outcome.issues)


def _task(
    task_id: str,
    bundle: FhirJson,
    *,
    event: HandoverEvent,
    reason: HandoverReason,
    requester: int,
    owner: int,
    inputs: list[FhirJson],
    notes: list[str],
    at: datetime,
) -> FhirJson:
    plan = next(index for index, _ in resources(bundle, "CarePlan"))
    patient = next(index for index, _ in resources(bundle, "Patient"))
    owner_resource = bundle["entry"][owner]["resource"]
    task: FhirJson = {
        "resourceType": "Task",
        "id": task_id,
        "meta": {"profile": [TASK_PROFILE]},
        "text": brief(
            (
                f"Handover ({reason}) to {owner_resource.get('name')}: requested. The receiving team decides "
                f"whether to take the client on."
                if event is HandoverEvent.CARE_PLAN_HANDOVER
                else f"Update of the care plan handed over ({reason}) to {owner_resource.get('name')}: the "
                f"plan has changed since the copy held there."
            )
            + "".join(f" {note}" for note in notes)
        ),
        "status": TaskStatus.REQUESTED.value,
        "intent": "order",
        "code": {"coding": [{"system": HANDOVER_EVENT_SYSTEM, "code": event.value}]},
        "focus": {"reference": full_url(bundle, plan)},
        "for": {"reference": full_url(bundle, patient)},
        "authoredOn": _instant(at),
        "lastModified": _instant(at),
        "requester": {"reference": full_url(bundle, requester)},
        # The receiving team's single point of contact takes the referral (seed 002, 5.3.4).
        "owner": {"reference": full_url(bundle, owner), "display": _contact(owner_resource)},
        "reasonCode": {"coding": [{"system": HANDOVER_REASON_SYSTEM, "code": reason.value}]},
    }
    if inputs:
        task["input"] = inputs
    if notes:
        task["note"] = [{"time": _instant(at), "text": note} for note in notes]
    return task


def _confirmed(record: ClientRecord, destination: OdsCode, reason: HandoverReason) -> bool:
    """True when a prison-release destination stands only on the user's confirmation."""
    return bool(_release_destination(record, destination, reason, None))


def _notes(warnings: list[Issue], destination: OdsCode, confirmed: str | None) -> list[str]:
    """What the receiving team must read first: why the destination was confirmed, and every warning
    (stale last dose, co-ordination findings), each with the element it is about."""
    notes = []
    if confirmed:
        notes.append(
            f"Destination confirmed by the sender: {destination} is not the plan's receiving CJIT or GP. "
            f"Reason given: {confirmed.strip()}"
        )
    notes += [f"{issue.severity}: {issue.text} ({issue.expression})" for issue in warnings]
    return notes


def _contact(organization: FhirJson) -> str:
    for extension in organization.get("extension") or []:
        if extension.get("url") == SINGLE_POINT_OF_CONTACT_EXTENSION:
            return str(extension["valueString"])
    return str(organization.get("name", "the receiving team"))


def _header(
    message_id: str,
    bundle: FhirJson,
    *,
    sender: int,
    destination: int,
    task_url: str,
    event: HandoverEvent,
    reason: HandoverReason,
    endpoints: Mapping[OdsCode, str] | None,
) -> FhirJson:
    sender_org = bundle["entry"][sender]["resource"]
    destination_org = bundle["entry"][destination]["resource"]
    sender_ods = sender_org["identifier"][0]["value"]
    destination_ods = destination_org["identifier"][0]["value"]
    return {
        "resourceType": "MessageHeader",
        "id": message_id,
        "meta": {"profile": [HEADER_PROFILE]},
        "text": brief(
            f"Care plan {'handover' if event is HandoverEvent.CARE_PLAN_HANDOVER else 'update'} ({reason}) "
            f"from {sender_org['name']} to {destination_org['name']}."
        ),
        "eventCoding": {"system": HANDOVER_EVENT_SYSTEM, "code": event.value},
        "destination": [
            {
                "name": destination_org["name"],
                "endpoint": endpoint_of(destination_ods, endpoints),
                "receiver": {"reference": full_url(bundle, destination)},
            }
        ],
        "sender": {"reference": full_url(bundle, sender)},
        "source": {"name": sender_org["name"], "endpoint": endpoint_of(sender_ods, endpoints)},
        "reason": {"coding": [{"system": HANDOVER_REASON_SYSTEM, "code": reason.value}]},
        "focus": [{"reference": task_url}],
    }


def _provenance(provenance_id: str, *, targets: list[str], sender_url: str, at: datetime) -> FhirJson:
    return {
        "resourceType": "Provenance",
        "id": provenance_id,
        "meta": {"profile": [PROVENANCE_PROFILE]},
        "text": brief(
            "Sent and signed by the sending organisation (Ed25519, detached JWS over the message)."
        ),
        "target": [{"reference": url} for url in targets],
        "recorded": _instant(at),
        "agent": [{"type": PROVENANCE_AUTHOR, "who": {"reference": sender_url}}],
    }


def sign_message(bundle: FhirJson, signer: Signer, at: datetime) -> None:
    """Sign a handover message in place: (re)write its Provenance's ``signature[0]`` over the canonical
    form (adapter.handover.signing). The signature names the MessageHeader's sender."""
    sender = bundle["entry"][0]["resource"]["sender"]
    jws = detached_jws(signer, canonical_form(bundle, PROVENANCE_INDEX))
    bundle["entry"][PROVENANCE_INDEX]["resource"]["signature"] = [
        {
            "type": [SIGNATURE_TYPE],
            "when": _instant(at),
            "who": dict(sender),
            "targetFormat": "application/fhir+json",
            "sigFormat": "application/jose",
            "data": base64.b64encode(jws.encode("ascii")).decode("ascii"),
        }
    ]


def _refuse(
    issues: list[Issue], store: Store | None, *, at: datetime, sender: OdsCode, destination: OdsCode
) -> HandoverRefused:
    outcome = OperationOutcome.of(issues)
    if store is not None:
        store.record_refusal(Refusal(at, "outgoing", sender, destination, None, outcome.to_fhir()))
    return HandoverRefused(outcome)


def build_handover(
    record: ClientRecord,
    *,
    destination: OdsCode,
    reason: HandoverReason,
    sender: OdsCode,
    clock: Clock,
    signer: Signer,
    store: Store | None = None,
    endpoints: Mapping[OdsCode, str] | None = None,
    confirmed_destination: str | None = None,
    event: HandoverEvent = HandoverEvent.CARE_PLAN_HANDOVER,
    notes: Sequence[str] = (),
    settings: CoordinationSettings = DEFAULTS,
) -> FhirJson:
    """The signed handover message Bundle handing ``record`` from ``sender`` to ``destination``.

    ``confirmed_destination`` is the user's reason for sending a prison-release handover to an
    organisation the plan does not name (recorded in the Task's note and narrative).

    ``event`` ``care-plan-update`` makes it an update of a plan ``destination`` already holds
    (adapter.handover.update): the same gate, minimisation and signature; the release destination is not
    asked again (the destination was sent the plan by a handover that passed it). ``notes`` are added to
    the Task's notes (what changed).

    ``settings`` are the local protocol's intervals the co-ordination findings that travel are judged
    by: the caller passes the ones ``careplan check`` and ``careplan due`` use (hazard H-56).

    Raises HandoverRefused (an OperationOutcome with every problem; recorded in ``store`` when given)
    when the plan may not or cannot be handed over; see the module docstring.
    """
    at = clock.now()
    day = FixedClock(at)
    sender_org, issues = _organisation(record, sender, "sender")
    destination_org, found = _organisation(record, destination, "destination")
    issues += found
    rule, found = _rule(record, destination_org)
    if event is HandoverEvent.CARE_PLAN_HANDOVER:
        issues += _release_destination(record, destination, reason, confirmed_destination)
    issues += found
    consent, found = _consent(record, destination, reason, day)
    issues += found
    checked = prescribing_issues(record, at)
    issues += [issue for issue in checked if issue.severity == "error"]
    if issues or rule is None or consent is None or sender_org is None or destination_org is None:
        raise _refuse(issues, store, at=at, sender=sender, destination=destination)

    sent = minimise(record, rule, consent)
    report = check_coordination(sent, today=day, settings=settings)
    warnings = [finding.to_issue() for finding in report.findings if finding.severity != "information"]
    warnings += [issue for issue in checked if issue.severity != "error"]
    if reason is HandoverReason.PRISON_RELEASE:
        warnings += stale_last_doses(record, at)
    if reason is HandoverReason.PRISON_RECEPTION:
        warnings += reception_warnings(sent, at)
    plan_bundle = to_fhir(sent)
    # The client is part of the id: two prisons' (or one prison's two) "plan-1" for two clients, sent at
    # the same instant, are two messages (hazard H-02).
    message_id = str(
        uuid.uuid5(
            MESSAGE_NAMESPACE,
            f"{sent.plan.id}|{client_key(sent)}|{sender}|{destination}|{reason}|{at}"
            + ("" if event is HandoverEvent.CARE_PLAN_HANDOVER else f"|{event}"),
        )
    )
    task_id = str(uuid.uuid5(MESSAGE_NAMESPACE, f"{message_id}|task"))
    provenance_id = str(uuid.uuid5(MESSAGE_NAMESPACE, f"{message_id}|provenance"))
    entries = [{"fullUrl": e["fullUrl"], "resource": e["resource"]} for e in plan_bundle["entry"]]
    # Three leading entries (header, Task, Provenance) shift the plan's indices by three.
    bundle: FhirJson = {"entry": [{}, {}, {}, *entries]}
    sender_index = org_index(bundle, sender)
    destination_index = org_index(bundle, destination)
    assert sender_index is not None and destination_index is not None  # both are in the record
    inputs = task_inputs(
        sent,
        bundle,
        consent=consent,
        reason=reason,
        destination=destination,
        destination_is_cjit=destination_org.kind is OrganisationKind.CJIT,
        at=at,
        today=day.today(),
    )
    confirmed = (
        confirmed_destination
        if event is HandoverEvent.CARE_PLAN_HANDOVER and _confirmed(record, destination, reason)
        else None
    )
    extra = [*notes, *(confirm_notes(sent) if reason is HandoverReason.PRISON_RECEPTION else [])]
    task = _task(
        task_id,
        bundle,
        event=event,
        reason=reason,
        requester=sender_index,
        owner=destination_index,
        inputs=inputs,
        notes=extra + _notes(warnings, destination, confirmed),
        at=at,
    )
    task_url = f"urn:uuid:{task_id}"
    sender_url = full_url(bundle, sender_index)
    plan_index = next(index for index, _ in resources(bundle, "CarePlan"))
    plan_url = full_url(bundle, plan_index)
    findings = detected_issues(sent, report, care_plan={"reference": plan_url})
    entries += [{"fullUrl": f"urn:uuid:{issue['id']}", "resource": issue} for issue in findings]
    header = _header(
        message_id,
        bundle,
        sender=sender_index,
        destination=destination_index,
        task_url=task_url,
        event=event,
        reason=reason,
        endpoints=endpoints,
    )
    bundle = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(MESSAGE_NAMESPACE, f"{message_id}|bundle")),
        "meta": {"profile": [MESSAGE_PROFILE]},
        "type": "message",
        "timestamp": _instant(at),
        "entry": [
            {"fullUrl": f"urn:uuid:{message_id}", "resource": header},
            {"fullUrl": task_url, "resource": task},
            {
                "fullUrl": f"urn:uuid:{provenance_id}",
                "resource": _provenance(
                    provenance_id, targets=[task_url, plan_url], sender_url=sender_url, at=at
                ),
            },
            *entries,
        ],
    }
    sign_message(bundle, signer, at)
    return bundle
