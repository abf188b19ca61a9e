"""What needs a person now (hazard H-07): ``careplan due`` and its REST twin read this.

    >>> [item.what for item in due_items(store, outbox_entries, holder="Y02345", clock=clock)]
    ['awaiting decision', ...]

- **Handovers awaiting a decision**: received here, the Task still ``received`` (seed 002, 5.3.4:
  the CJIT decides whether to take the client on), with the client's release date.
- **Updates to review**: an update of a plan held here (``care-plan-update``), its Task ``received``:
  the team reviews whether the change needs a review of its care (seed 003).
- **Handovers sent and awaiting the receiver's decision**: delivered (acknowledged ``ok``) with no
  decision received on them yet (adapter.handover.decision), with the release date; and those the
  receiver **declined**, with its reason: the client still needs a service.
- **Handovers awaiting acknowledgement**: queued in the outbox and not yet answered, with the release
  date the message carries; those the outbox **gave up** on (failed), which nobody else will notice;
  and those the receiver **refused** (an identity conflict, no consent there): no referral stands.
- **Reviews, TOPs, risk assessments and follow-ups overdue** on the plans held (seed 003: review at
  least every three months, the TOP at assessment, three-monthly and at discharge; "to ensure ongoing
  risk assessment"; the early follow-up after discharge), from adapter.coordination's findings,
  judged by the same local protocol settings as ``careplan check`` (``CAREPLAN_*``; hazard H-56).

Most urgent first: a release date soonest (none last), then given-up deliveries, then overdue
reviews.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from adapter.clock import Clock
from adapter.coordination import CoordinationSettings, check_coordination
from adapter.coordination.codes import FindingCode
from adapter.coordination.settings import DEFAULTS
from adapter.handover.codes import HANDOVER_INPUT_SYSTEM, HandoverEvent, HandoverInput
from adapter.handover.decision import DecisionReceived
from adapter.handover.entries import event_code, message_header
from adapter.store import Store
from adapter.types import FhirJson, OdsCode

OVERDUE = frozenset(
    {
        FindingCode.REVIEW_OVERDUE,
        FindingCode.TOP_NOT_AT_ASSESSMENT,
        FindingCode.TOP_REVIEW_OVERDUE,  # seed 003: the TOP "3 monthly review thereafter"
        FindingCode.TOP_NOT_AT_DISCHARGE,
        # Seed 003, Closures: "where possible and appropriate" an early follow-up after discharge.
        FindingCode.POST_DISCHARGE_FOLLOW_UP_DUE,
        # Seed 003, Role and Responsibilities of the Care Co-ordinator: "to ensure ongoing risk
        # assessment" - a person's work, due once the assessment is older than the local interval.
        FindingCode.RISK_ASSESSMENT_OUT_OF_DATE,
    }
)


@dataclass(frozen=True, slots=True)
class Due:
    """One thing a person must do: what, about which handover or plan, by when, and the detail."""

    what: str
    about: str
    release_date: date | None
    detail: str
    rank: int

    @property
    def order(self) -> tuple[int, date, str]:
        return (self.rank, self.release_date or date.max, self.about)


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    """An outbox entry as ``due`` sees it (adapter.delivery stays out of the handover room)."""

    message_id: str
    destination: str
    status: str
    detail: str
    message: FhirJson
    decision: DecisionReceived | None = None
    """The receiving team's decision on it, when one was received."""


def _is_handover(message: FhirJson) -> bool:
    header = message_header(message)
    return event_code(header) == HandoverEvent.CARE_PLAN_HANDOVER.value and "response" not in header


def _is_update(store: Store, message_id: str) -> bool:
    """True when the message received as ``message_id`` was an update of a plan (its answer repeats the
    event)."""
    answer = store.find_answer(message_id)
    return (
        answer is not None
        and event_code(message_header(answer.answer)) == HandoverEvent.CARE_PLAN_UPDATE.value
    )


def release_date_of(message: FhirJson) -> date | None:
    """The release date a handover message's Task carries (prison-release handovers), or None."""
    entries = message.get("entry") or []
    task = entries[1].get("resource", {}) if len(entries) > 1 else {}
    for item in task.get("input") or []:
        codings = (item.get("type") or {}).get("coding") or []
        if any(
            c.get("system") == HANDOVER_INPUT_SYSTEM and c.get("code") == HandoverInput.RELEASE_DATE.value
            for c in codings
        ):
            return date.fromisoformat(str(item["valueDate"]))
    return None


def due_items(
    store: Store,
    queued: Iterable[QueuedMessage],
    *,
    holder: OdsCode,
    clock: Clock,
    settings: CoordinationSettings = DEFAULTS,
) -> list[Due]:
    """Everything that needs a person at ``holder`` now, most urgent first; what is overdue on the plans
    held is judged by the local protocol's ``settings``, as ``careplan check`` judges it (hazard H-56)."""
    found: list[Due] = []
    for handover in store.open_handovers(holder, ("received",)):
        custody = handover.record.plan.custody if handover.record else None
        release = custody.release_date if custody else None
        client = handover.record.plan.id if handover.record else "(no plan kept)"
        if _is_update(store, handover.task.message_id):
            found.append(
                Due(
                    "update to review",
                    handover.task.message_id,
                    release,
                    f"from {handover.sender}, plan {client} changed, received "
                    f"{handover.received_at.isoformat()}: "
                    f"review it (seed 003), then careplan decide {handover.task.message_id} --accept",
                    0,
                )
            )
            continue
        found.append(
            Due(
                "awaiting decision",
                handover.task.message_id,
                release,
                f"from {handover.sender}, plan {client}, received {handover.received_at.isoformat()}: "
                f"careplan decide {handover.task.message_id} --accept | --decline --reason ...",
                0,
            )
        )
    for entry in queued:
        if entry.status == "rejected":
            found.append(
                Due(
                    "refused by the receiver",
                    entry.message_id,
                    release_date_of(entry.message),
                    f"to {entry.destination}: {entry.detail}; no referral stands until it is put right",
                    0,
                )
            )
        elif entry.status == "failed":
            found.append(
                Due(
                    "delivery given up",
                    entry.message_id,
                    release_date_of(entry.message),
                    f"to {entry.destination}: {entry.detail}; careplan outbox retry {entry.message_id}",
                    0,
                )
            )
        elif entry.status == "delivered" and _is_handover(entry.message):
            decided = entry.decision
            if decided is None:
                found.append(
                    Due(
                        "awaiting their decision",
                        entry.message_id,
                        release_date_of(entry.message),
                        f"delivered to {entry.destination}; the receiving team has not yet said whether it "
                        "takes the client on",
                        0,
                    )
                )
            elif decided.status == "rejected":
                found.append(
                    Due(
                        "declined by the receiver",
                        entry.message_id,
                        release_date_of(entry.message),
                        f"{decided.decided_by} declined on "
                        f"{decided.decided_at.isoformat(timespec='minutes')}: {decided.reason}; "
                        "the client still needs a service",
                        0,
                    )
                )
        elif entry.status == "pending":
            found.append(
                Due(
                    "awaiting acknowledgement",
                    entry.message_id,
                    release_date_of(entry.message),
                    f"to {entry.destination}: {entry.detail}",
                    0,
                )
            )
    for record in store.list_plans(holder):
        report = check_coordination(record, today=clock, settings=settings)
        for finding in report.findings:
            if finding.code in OVERDUE:
                where = f"{finding.expression}: {finding.text}"
                found.append(Due(finding.code.value, record.plan.id, None, where, 1))
    return sorted(found, key=lambda item: item.order)
