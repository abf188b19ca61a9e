"""Receiving a handover: check it, import it, keep it, and answer with an acknowledgement message.

    >>> ack = receive_handover(message, store=store, trust=trust, clock=clock, as_organisation="Y02345")
    >>> ack.code, ack.task_status
    ('ok', <TaskStatus.RECEIVED: 'received'>)

In order, collecting every problem of a step before answering:

1. **Shape**: a Bundle of type message (else MessageRefused: there is nothing to answer to), every
   entry an object carrying a resource, the whole fitting the R4 definitions' JSON shape, a first
   entry that is a MessageHeader with an id and a Provenance at entry 2 (else MalformedMessage naming
   the first place, before the signature or anything else is looked at).
2. **Re-delivery**: a message id already answered gets the stored answer again, and nothing is
   imported twice (the store's unique key on the message id); the same id on a different message is
   refused.
3. **Authenticity and addressing**: MessageHeader.focus present and pointing at the handover Task in
   the bundle; the Task's focus the CarePlan; a destination that is us (and the Task owned by us);
   the sender on our trust list and the signature over the canonical form verifying with its key; the
   Task arriving as ``requested``. Any failure -> ``fatal-error``, nothing imported, the refusal
   recorded.
4. **Import**: adapter.fhir's read_plan into the canonical model (ours strictly; a plan another
   system made imported for review, what it does not carry said in the acknowledgement), and a
   consent in it that covers us for the handover's reason (a refusal, or a consent about another
   patient, covers nothing).
5. **Safe to keep**: the client is the client of any plan held under the same identifiers (else
   refused naming both records), and the prescribing passes its plausibility checks; nothing is
   stored otherwise.
6. **Kept**: the Task moves requested -> received (stored, ``ok``; the receiving team's decision
   comes later, ``careplan decide``) or, with no covering consent, -> rejected with the reason
   (``fatal-error``); the message, the Task and the plan are written in one transaction. A plan older
   than the version held is kept as history and the acknowledgement says so.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime

import orjson

from adapter.clock import Clock, FixedClock
from adapter.errors import InvalidFhir
from adapter.fhir import read_plan
from adapter.fhir.narrative import brief
from adapter.handover.build import MESSAGE_NAMESPACE, PROVENANCE_INDEX, endpoint_of
from adapter.handover.codes import (
    ACKNOWLEDGEMENT_HEADER_PROFILE,
    HANDOVER_REASON_SYSTEM,
    HandoverEvent,
    HandoverReason,
    TaskStatus,
)
from adapter.handover.consent import covering_consent
from adapter.handover.entries import event_code, ods_code, resolve, resources
from adapter.handover.errors import HandoverRefused, MalformedMessage, MessageRefused
from adapter.handover.identity import identity_conflicts
from adapter.handover.prescribing import prescribing_issues
from adapter.handover.signing import TrustList, canonical_form
from adapter.handover.task import transition_issue
from adapter.handover.withdraw import withdraw_consent
from adapter.model import ClientRecord
from adapter.model.codes import ConsentStatus
from adapter.outcome import Issue, OperationOutcome, Severity
from adapter.store import DuplicateMessage, Receipt, Refusal, Store, TaskState
from adapter.types import FhirJson, OdsCode
from adapter.urls import CONSENT_ID_SYSTEM
from adapter.wire import shape_issues
from adapter.wire.json_codec import json_kind


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """The answer to one handover message: the acknowledgement Bundle and what it says."""

    bundle: FhirJson
    replayed: bool = False

    @property
    def header(self) -> FhirJson:
        resource: FhirJson = self.bundle["entry"][0]["resource"]
        return resource

    @property
    def code(self) -> str:
        """``ok`` (accepted) or ``fatal-error`` (refused or rejected)."""
        return str(self.header["response"]["code"])

    @property
    def message_id(self) -> str:
        """The id of the MessageHeader this answers."""
        return str(self.header["response"]["identifier"])

    @property
    def outcome(self) -> FhirJson:
        return next(
            e["resource"] for e in self.bundle["entry"] if e["resource"]["resourceType"] == "OperationOutcome"
        )

    @property
    def expressions(self) -> list[str]:
        """Every issue's FHIRPath expression, in order (what a test or a user looks at first)."""
        return [path for issue in self.outcome["issue"] for path in issue.get("expression", [])]

    @property
    def task_status(self) -> TaskStatus | None:
        tasks = [e["resource"] for e in self.bundle["entry"] if e["resource"]["resourceType"] == "Task"]
        return TaskStatus(tasks[0]["status"]) if tasks else None


@dataclass(frozen=True, slots=True)
class _Message:
    """What the checks found in the message, for the import and the answer."""

    bundle: FhirJson
    header: FhirJson
    message_id: str
    digest: str
    task_index: int | None = None
    sender: OdsCode | None = None


def _digest(bundle: FhirJson) -> str:
    return hashlib.sha256(canonical_form(bundle, PROVENANCE_INDEX) + _signature_bytes(bundle)).hexdigest()


def _signature_bytes(bundle: FhirJson) -> bytes:
    try:
        return orjson.dumps(bundle["entry"][PROVENANCE_INDEX]["resource"].get("signature"))
    except (KeyError, IndexError, TypeError, AttributeError):
        return b""


def message_problem(bundle: object) -> tuple[str, str] | None:
    """What keeps ``bundle`` from being a message Bundle that starts with an identified MessageHeader,
    as (FHIRPath, text); None when it is one. The one shape check the receiver and the outbox share."""
    found = _shape_problem(bundle, handover=False)
    return None if found is None else (found[0], found[1])


def _shape_problem(bundle: object, *, handover: bool) -> tuple[str, str, bool] | None:
    # (where, what, malformed): malformed is JSON that breaks FHIR's or a handover's structure (400);
    # otherwise it is well-formed but not a message (422). Checked in an order that lets each step
    # trust what the one before it found, so no shape can reach the steps after this one.
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        return ("Bundle", "a handover message is a FHIR Bundle", False)
    if bundle.get("type") != "message":
        return (
            "Bundle.type",
            f"a handover message is a Bundle of type message, not {bundle.get('type')!r}",
            False,
        )
    entries = bundle.get("entry")
    if not handover:
        # The outbox's question: a message with a header id to key it by (our own, built here).
        first = entries[0] if isinstance(entries, list) and entries else None
        header = first.get("resource") if isinstance(first, dict) else None
        if not isinstance(header, dict) or header.get("resourceType") != "MessageHeader":
            return ("Bundle.entry[0].resource", "a message Bundle starts with its MessageHeader", False)
        if not isinstance(header.get("id"), str) or not header["id"]:
            return ("Bundle.entry[0].resource.id", "the MessageHeader has no id", False)
        return None
    if not isinstance(entries, list) or not entries:
        return (
            "Bundle.entry",
            "a message Bundle holds its entries in an array, the MessageHeader first",
            True,
        )
    for index, entry in enumerate(entries):
        where = f"Bundle.entry[{index}]"
        if not isinstance(entry, dict):
            return (where, f"an entry is a JSON object, not {json_kind(entry)}", True)
        resource = entry.get("resource")
        if not isinstance(resource, dict):
            what = "has no resource" if resource is None else f"holds {json_kind(resource)}, not a resource"
            return (
                f"{where}.resource",
                f"every entry of a message carries a resource; this one {what}",
                True,
            )
        if not isinstance(resource.get("resourceType"), str):
            return (f"{where}.resource.resourceType", "a resource needs a resourceType string", True)
    fhir_shape = _fhir_shape_problem(bundle)
    if fhir_shape is not None:
        return (*fhir_shape, True)
    first = entries[0]["resource"]
    if first.get("resourceType") != "MessageHeader":
        return ("Bundle.entry[0].resource", "a message Bundle starts with its MessageHeader", False)
    if not isinstance(first.get("id"), str) or not first["id"]:
        return ("Bundle.entry[0].resource.id", "the MessageHeader has no id", False)
    if len(entries) <= PROVENANCE_INDEX:
        return (
            f"Bundle.entry[{len(entries)}]",
            f"a handover message holds its MessageHeader, Task and Provenance (the signature) as its first "
            f"{PROVENANCE_INDEX + 1} entries; this one has {len(entries)}",
            True,
        )
    if entries[PROVENANCE_INDEX]["resource"]["resourceType"] != "Provenance":
        return (
            f"Bundle.entry[{PROVENANCE_INDEX}].resource",
            f"entry {PROVENANCE_INDEX} of a handover message is its Provenance (the signature)",
            True,
        )
    return None


def _fhir_shape_problem(bundle: FhirJson) -> tuple[str, str] | None:
    """The first place the JSON does not fit the R4 definitions (an array where one value belongs, a
    number where an object does, an unknown name), as the XML writer, which walks them all, finds it."""
    issues = shape_issues(bundle)
    return (issues[0].expression or "Bundle", issues[0].text) if issues else None


def _shape(bundle: object) -> _Message:
    problem = _shape_problem(bundle, handover=True)
    if problem is not None:
        where, text, malformed = problem
        refusal = MalformedMessage if malformed else MessageRefused
        message_id = "handover.malformed" if malformed else "handover.not-a-message"
        raise refusal.single("structure", message_id, text, where)
    assert isinstance(bundle, dict)
    header = bundle["entry"][0]["resource"]
    return _Message(bundle, header, header["id"], "")


def check_message_shape(bundle: object) -> None:
    """Raise MalformedMessage (or MessageRefused) naming the first place ``bundle`` breaks a handover
    message's shape; checked before anything else reads it (the sender, the signature)."""
    _shape(bundle)


def _focus(message: _Message) -> tuple[int | None, list[Issue]]:
    bundle, header = message.bundle, message.header
    focus = header.get("focus")
    if not focus:
        return None, [
            Issue.error(
                "required",
                "handover.focus-missing",
                "the MessageHeader names no focus: a handover message is about its Task",
                "Bundle.entry[0].resource.focus",
            )
        ]
    index = resolve(bundle, focus[0])
    if index is None or bundle["entry"][index]["resource"].get("resourceType") != "Task":
        return None, [
            Issue.error(
                "invalid",
                "handover.focus-mismatch",
                "MessageHeader.focus does not point at a Task in this message",
                "Bundle.entry[0].resource.focus[0]",
            )
        ]
    task = bundle["entry"][index]["resource"]
    issues = []
    plan = resolve(bundle, task.get("focus"))
    if plan is None or bundle["entry"][plan]["resource"].get("resourceType") != "CarePlan":
        issues.append(
            Issue.error(
                "invalid",
                "handover.task-focus-mismatch",
                "the handover Task's focus does not point at a CarePlan in this message",
                f"Bundle.entry[{index}].resource.focus",
            )
        )
    issue = transition_issue(None, str(task.get("status")), f"Bundle.entry[{index}].resource.status")
    if issue is not None:
        issues.append(issue)
    return index, issues


def _organisation_at(bundle: FhirJson, reference: object) -> OdsCode | None:
    index = resolve(bundle, reference)
    if index is None:
        return None
    resource = bundle["entry"][index]["resource"]
    return ods_code(resource) if resource.get("resourceType") == "Organization" else None


def sender_of(message: FhirJson) -> OdsCode | None:
    """The ODS code of the Organization a handover message's ``MessageHeader.sender`` points at.

    None when the message does not say (not a Bundle starting with a MessageHeader, no sender, a
    sender that does not resolve to an Organization in the bundle, or one with no ODS code). Nothing
    is verified: a caller that must trust the answer checks the signature (``receive_handover``)."""
    entries = message.get("entry") if isinstance(message, dict) else None
    first = entries[0] if isinstance(entries, list) and entries else None
    header = first.get("resource") if isinstance(first, dict) else None
    if not isinstance(header, dict) or header.get("resourceType") != "MessageHeader":
        return None
    return _organisation_at(message, header.get("sender"))


def _addressing(message: _Message, task_index: int | None, us: OdsCode) -> list[Issue]:
    bundle = message.bundle
    receivers = [_organisation_at(bundle, d.get("receiver")) for d in message.header.get("destination") or []]
    issues = []
    if us not in receivers:
        named = ", ".join(r for r in receivers if r) or "no organisation"
        issues.append(
            Issue.error(
                "not-found",
                "handover.not-for-us",
                f"the message is addressed to {named}, not to {us}",
                "Bundle.entry[0].resource.destination",
            )
        )
    if task_index is not None:
        owner = _organisation_at(bundle, bundle["entry"][task_index]["resource"].get("owner"))
        if owner != us:
            issues.append(
                Issue.error(
                    "invalid",
                    "handover.task-not-ours",
                    f"the handover Task is owned by {owner or 'no organisation'}, not {us}",
                    f"Bundle.entry[{task_index}].resource.owner",
                )
            )
    return issues


def _signature(message: _Message, trust: TrustList) -> tuple[OdsCode | None, list[Issue]]:
    bundle = message.bundle
    sender = sender_of(bundle)
    if sender is None or not trust.trusts(sender):
        return sender, [
            Issue.error(
                "security",
                "handover.untrusted-sender",
                f"the sender {sender or '(no Organization)'} is not on our trust list",
                "Bundle.entry[0].resource.sender",
            )
        ]
    expression = f"Bundle.entry[{PROVENANCE_INDEX}].resource.signature[0].data"
    try:
        provenance = bundle["entry"][PROVENANCE_INDEX]["resource"]
        signature = provenance["signature"][0]
        jws = base64.b64decode(signature["data"], validate=True).decode("ascii")
        valid = provenance.get("resourceType") == "Provenance" and trust.verify(
            sender, jws, canonical_form(bundle, PROVENANCE_INDEX)
        )
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        valid = False
    if valid:
        return sender, []
    return sender, [
        Issue.error(
            "security",
            "handover.signature-mismatch",
            f"the signature does not match the message: it was changed after {sender} signed it, or not "
            f"signed with {sender}'s key",
            expression,
        )
    ]


def _reason(task: FhirJson) -> HandoverReason | None:
    for coding in (task.get("reasonCode") or {}).get("coding") or []:
        if coding.get("system") == HANDOVER_REASON_SYSTEM and coding.get("code") in set(HandoverReason):
            return HandoverReason(coding["code"])
    return None


def _import(
    message: _Message, us: OdsCode, clock: FixedClock
) -> tuple[ClientRecord | None, list[Issue], list[Issue]]:
    """The plan in the message (ours read strictly; a plan another system made imported for review, as
    ``careplan import`` does), the problems that refuse it, and what of the plan it does not carry -
    said in the acknowledgement, so the sender knows what did not arrive."""
    assert message.task_index is not None
    try:
        result = read_plan(message.bundle, source=f"handover message {message.message_id}")
    except InvalidFhir as error:
        return None, list(error.outcome.issues), []
    record = result.record
    task = message.bundle["entry"][message.task_index]["resource"]
    reason = _reason(task)
    if reason is None:
        return (
            None,
            [
                Issue.error(
                    "code-invalid",
                    "handover.reason-unknown",
                    "the Task gives no handover reason from the handover-reason code system",
                    f"Bundle.entry[{message.task_index}].resource.reasonCode",
                )
            ],
            [],
        )
    try:
        covering_consent(record, us, reason, clock.today())
    except HandoverRefused as refused:
        return None, list(refused.outcome.issues), []
    return record, [], _not_carried(message, result.unmapped)


def _not_carried(message: _Message, unmapped: list[Issue]) -> list[Issue]:
    """What of the plan the record does not carry, as notes of the acknowledgement: the message's own
    parts (header, Task, signature) are read by the receipt, not the record, and the sender's
    co-ordination findings (DetectedIssues) are for the receiving team to read - its own check finds
    them again from the record; a note is at most a warning, since the plan was received - the sender
    learns what did not arrive."""
    assert message.task_index is not None
    findings = [index for index, _ in resources(message.bundle, "DetectedIssue")]
    own = tuple(f"Bundle.entry[{i}]" for i in (0, message.task_index, PROVENANCE_INDEX, *findings))
    notes = []
    for issue in unmapped:
        where = issue.expression or ""
        if any(where == part or where.startswith((part + ".", part + "[")) for part in own):
            continue
        severity: Severity = "information" if issue.severity == "information" else "warning"
        notes.append(
            Issue(severity, issue.code, issue.message_id, f"not carried: {issue.text}", issue.expression)
        )
    return notes


def _unsafe(message: _Message, record: ClientRecord, store: Store, us: OdsCode, at: datetime) -> list[Issue]:
    """What makes keeping the plan unsafe: its client is someone else than the client of a plan held
    under the same identifiers (hazard H-03), or its prescribing fails the plausibility checks
    (hazard H-09). Either refuses the message; nothing is stored."""
    patient = next((index for index, _ in resources(message.bundle, "Patient")), None)
    patient_path = f"Bundle.entry[{patient}].resource" if patient is not None else "Bundle"
    issues = identity_conflicts(record, store, holder=us, patient_path=patient_path)
    return issues + [issue for issue in prescribing_issues(record, at) if issue.severity == "error"]


def _not_held(
    message: _Message, record: ClientRecord, store: Store, us: OdsCode, sender: OdsCode
) -> list[Issue]:
    """An update (event ``care-plan-update``) changes a plan we hold from its sender; for a plan we do
    not hold it is refused, not taken as a new plan (hazard H-44): a new plan comes by a handover, which
    asks the receiving team to decide whether to take the client on (seed 002, 5.3.4) and, at release,
    that the destination is the one the plan names. The refusal tells the sender its list of holders is
    wrong."""
    if store.held_version(us, record, source=sender) is not None:
        return []
    plan = next((index for index, _ in resources(message.bundle, "CarePlan")), None)
    return [
        Issue.error(
            "not-found",
            "handover.update-not-held",
            f"an update of plan {record.plan.id} from {sender}, which holds no copy of it here: send the "
            f"plan by a handover (careplan handover) for the receiving team to decide on",
            f"Bundle.entry[{plan}].resource" if plan is not None else "Bundle.entry[0].resource.eventCoding",
        )
    ]


def _received(
    record: ClientRecord, store: Store, us: OdsCode, sender: OdsCode, at: datetime, *, update: bool = False
) -> list[Issue]:
    """What the acknowledgement says of a plan kept: received for a decision (an update: the new version
    applied, for the team to review), and, when a later version of the same plan is already held, that
    this one is kept as history only (hazard H-01)."""
    held = store.held_version(us, record, source=sender)
    version = record.recorded_at or at
    if held is not None and held[1] > version:
        return [
            Issue(
                "information",
                "informational",
                "handover.older-version",
                f"plan {record.plan.id} as recorded at {version.isoformat()} is older than the version "
                f"held (recorded at {held[1].isoformat()}): it is kept as history and the held plan stays "
                f"current",
                "Bundle.entry[0].resource",
            )
        ]
    if update:
        return [
            Issue(
                "information",
                "informational",
                "handover.update-applied",
                f"update received: plan {record.plan.id} as recorded at {version.isoformat()} is now the "
                f"current version held (the earlier ones kept as history); the receiving team reviews "
                f"whether the change needs a review of its care (seed 003)",
            )
        ]
    return [
        Issue(
            "information",
            "informational",
            "handover.received",
            "handover received: the receiving team decides whether to take the client on",
        )
    ]


def _answer(
    message: _Message, us: OdsCode, outcome: OperationOutcome, status: TaskStatus | None, at: datetime
) -> FhirJson:
    code = "ok" if outcome.ok else "fatal-error"
    # Each answer has an id of its own: a refusal and a later acceptance of the same message id (after
    # the sender fixed it) must not look like one acknowledgement. The same answer keeps its id.
    said = hashlib.sha256(orjson.dumps(outcome.to_fhir(), option=orjson.OPT_SORT_KEYS)).hexdigest()
    ack_id = str(uuid.uuid5(MESSAGE_NAMESPACE, f"{message.message_id}|ack|{us}|{code}|{said}"))
    outcome_id = str(uuid.uuid5(MESSAGE_NAMESPACE, f"{ack_id}|outcome"))
    header: FhirJson = {
        "resourceType": "MessageHeader",
        "id": ack_id,
        "meta": {"profile": [ACKNOWLEDGEMENT_HEADER_PROFILE]},
        "text": brief(f"Acknowledgement of handover message {message.message_id}: {code}."),
        "eventCoding": message.header.get("eventCoding"),
        "destination": [{"endpoint": (message.header.get("source") or {}).get("endpoint", "urn:unknown")}],
        "source": {"endpoint": endpoint_of(us)},
        "response": {
            "identifier": message.message_id,
            "code": code,
            "details": {"reference": f"urn:uuid:{outcome_id}"},
        },
    }
    entries: list[FhirJson] = [{"fullUrl": f"urn:uuid:{ack_id}", "resource": header}]
    if status is not None and message.task_index is not None:
        task = message.bundle["entry"][message.task_index]
        # The Task as it now stands; its references point into the original message, not this one.
        task_now: FhirJson = {
            "resourceType": "Task",
            "id": task["resource"].get("id"),
            "text": brief(f"Handover Task: {status.value}."),
            "status": status.value,
            "intent": task["resource"].get("intent", "order"),
            "lastModified": at.isoformat(timespec="seconds"),
        }
        if status is TaskStatus.REJECTED:
            task_now["statusReason"] = {"text": "; ".join(i.text for i in outcome.errors)}
        header["focus"] = [{"reference": task["fullUrl"]}]
        entries.append({"fullUrl": task["fullUrl"], "resource": task_now})
    entries.append(
        {
            "fullUrl": f"urn:uuid:{outcome_id}",
            "resource": {**outcome.to_fhir(), "id": outcome_id, "text": brief(str(outcome))},
        }
    )
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(MESSAGE_NAMESPACE, f"{ack_id}|bundle")),
        "type": "message",
        "timestamp": at.isoformat(timespec="seconds"),
        "entry": entries,
    }


def _refused(
    message: _Message, us: OdsCode, issues: list[Issue], store: Store, at: datetime
) -> Acknowledgement:
    outcome = OperationOutcome.of(issues)
    store.record_refusal(Refusal(at, "incoming", us, message.sender, message.message_id, outcome.to_fhir()))
    return Acknowledgement(_answer(message, us, outcome, None, at))


def receive_handover(
    message: FhirJson, *, store: Store, trust: TrustList, clock: Clock, as_organisation: OdsCode
) -> Acknowledgement:
    """Check, import and keep a handover addressed to ``as_organisation``; the acknowledgement.

    Raises MessageRefused only when the input is not a message with a MessageHeader id; every other
    problem is answered with a ``fatal-error`` acknowledgement naming it (see the module docstring).
    """
    at = clock.now()
    shape = _shape(message)
    found = _Message(shape.bundle, shape.header, shape.message_id, _digest(shape.bundle))
    stored = store.find_answer(found.message_id)
    if stored is not None:
        return _replay(found, stored.digest, stored.answer, as_organisation, store, at)
    if event_code(found.header) == HandoverEvent.CONSENT_WITHDRAWN.value:
        return _withdrawal(found, store, trust, as_organisation, at)
    task_index, issues = _focus(found)
    issues += _addressing(found, task_index, as_organisation)
    sender, signature_issues = _signature(found, trust)
    found = _Message(found.bundle, found.header, found.message_id, found.digest, task_index, sender)
    if issues or signature_issues:
        return _refused(found, as_organisation, issues + signature_issues, store, at)
    assert task_index is not None and sender is not None
    record, problems, not_carried = _import(found, as_organisation, FixedClock(at))
    update = event_code(found.header) == HandoverEvent.CARE_PLAN_UPDATE.value
    if record is not None:
        unsafe = _unsafe(found, record, store, as_organisation, at)
        if update:
            unsafe += _not_held(found, record, store, as_organisation, sender)
        if unsafe:
            return _refused(found, as_organisation, unsafe, store, at)
    # requested -> received (authenticated, addressed to us, imported): the receiving team then decides
    # (adapter.handover.decision) whether to take the client on; a plan that cannot be imported under a
    # consent is rejected now. Seed 002, 5.3.4: the CJIT decides (hazard H-06).
    moves = [(TaskStatus.REQUESTED, TaskStatus.RECEIVED)]
    if record is None:
        moves.append((TaskStatus.RECEIVED, TaskStatus.REJECTED))
    status = moves[-1][1]
    for current, new in moves:
        issue = transition_issue(current, new.value, f"Bundle.entry[{task_index}].resource.status")
        if issue is not None:
            return _refused(found, as_organisation, [issue], store, at)
    kept = _received(record, store, as_organisation, sender, at, update=update) if record is not None else []
    outcome = OperationOutcome.of(problems + kept + not_carried)
    answer = _answer(found, as_organisation, outcome, status, at)
    task = found.bundle["entry"][task_index]["resource"]
    reason = "; ".join(i.text for i in outcome.errors) or None
    receipt = Receipt(
        found.message_id,
        found.digest,
        as_organisation,
        sender,
        at,
        answer,
        TaskState(str(task.get("id")), found.message_id, status.value, reason, at),
        record,
    )
    try:
        store.record_receipt(receipt)
    except DuplicateMessage as duplicate:
        # Delivered twice at once: the other delivery won the race; give its answer. No answer under
        # this id means another message already carried this Task id.
        again = store.find_answer(found.message_id)
        if again is not None:
            return _replay(found, again.digest, again.answer, as_organisation, store, at)
        issue = Issue.error(
            "duplicate",
            "handover.task-id-reused",
            f"the handover Task {receipt.task.task_id} already came with another message",
            f"Bundle.entry[{task_index}].resource.id",
        )
        return _refused(found, as_organisation, [issue, *duplicate.outcome.issues], store, at)
    return Acknowledgement(answer)


def _withdrawal(
    message: _Message, store: Store, trust: TrustList, us: OdsCode, at: datetime
) -> Acknowledgement:
    """A consent withdrawn by the client, from the service that sent us the plan (hazard H-16): the
    consent becomes inactive in every plan we hold from that sender for that client."""
    sender, issues = _signature(message, trust)
    issues = _addressing(message, None, us) + issues
    consent = message.bundle["entry"][1]["resource"] if len(message.bundle["entry"]) > 1 else {}
    consent_id = next(
        (i.get("value") for i in consent.get("identifier") or [] if i.get("system") == CONSENT_ID_SYSTEM),
        None,
    )
    if consent.get("resourceType") != "Consent" or not consent_id:
        issues.append(
            Issue.error(
                "invalid",
                "handover.withdrawal-no-consent",
                "a consent withdrawal carries the Consent, identified, as its second entry",
                "Bundle.entry[1].resource",
            )
        )
    if issues or sender is None:
        addressed = _Message(message.bundle, message.header, message.message_id, message.digest, None, sender)
        return _refused(addressed, us, issues, store, at)
    clock = FixedClock(at)
    updated = []
    for record in _plans_of_client(message.bundle, store, us):
        held = next((c for c in record.consents if c.id == consent_id), None)
        if (
            held is None
            or held.status is not ConsentStatus.ACTIVE
            or store.held_version(us, record, source=sender) is None
        ):
            continue
        store.save_plan(us, withdraw_consent(record, str(consent_id), clock=clock), source=sender, at=at)
        updated.append(record.plan.id)
    said = Issue(
        "information",
        "informational",
        "handover.consent-withdrawn",
        f"consent {consent_id} withdrawn: it is now inactive in {len(updated)} plan(s) held here"
        + (f" ({', '.join(updated)})" if updated else ""),
    )
    return Acknowledgement(_answer(message, us, OperationOutcome.of([said]), None, at))


def _plans_of_client(bundle: FhirJson, store: Store, us: OdsCode) -> list[ClientRecord]:
    found: dict[str, ClientRecord] = {}
    for _, patient in resources(bundle, "Patient"):
        for identifier in patient.get("identifier") or []:
            system, value = identifier.get("system"), identifier.get("value")
            if isinstance(system, str) and isinstance(value, str):
                for record in store.find_plans(us, value, system=system):
                    found.setdefault(record.plan.id, record)
    return list(found.values())


def _replay(
    message: _Message, digest: str, answer: FhirJson, us: OdsCode, store: Store, at: datetime
) -> Acknowledgement:
    if digest == message.digest:
        return Acknowledgement(answer, replayed=True)
    return _refused(
        message,
        us,
        [
            Issue.error(
                "duplicate",
                "handover.message-id-reused",
                f"message {message.message_id} was already received with different content",
                "Bundle.entry[0].resource.id",
            )
        ],
        store,
        at,
    )
