"""What the store keeps: plans held by an organisation, received messages with the answer given,
the handover Task's status, and refusals. Plain frozen records; the store owns no domain logic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from adapter.model import ClientRecord
from adapter.types import FhirJson, OdsCode


@dataclass(frozen=True, slots=True)
class TaskState:
    """A handover Task as the receiving side holds it (status codes are FHIR task-status)."""

    task_id: str
    message_id: str
    status: str
    status_reason: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Receipt:
    """One received message and everything its answer changed, written in one transaction.

    ``record`` is the imported plan (None when the message was rejected: nothing is imported);
    ``digest`` is the SHA-256 of the message's canonical form, so a different message re-using the
    id can be told apart from a re-delivery.
    """

    message_id: str
    digest: str
    holder: OdsCode
    sender: OdsCode
    received_at: datetime
    answer: FhirJson
    task: TaskState
    record: ClientRecord | None


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """The answer once given to a message id, and the digest of the message it answered."""

    message_id: str
    digest: str
    answer: FhirJson


@dataclass(frozen=True, slots=True)
class Refusal:
    """A handover refused, outgoing (not built) or incoming (not accepted), with the outcome given."""

    at: datetime
    direction: str
    organisation: OdsCode | None
    counterpart: OdsCode | None
    message_id: str | None
    outcome: FhirJson


class Standing(StrEnum):
    """What a version of a plan became when it was kept (hazard H-01)."""

    CURRENT = "current"
    """The plan now held."""
    HISTORY = "history"
    """Kept, but older than the plan already held: it never becomes current."""


@dataclass(frozen=True, slots=True)
class PlanVersion:
    """One version of a plan as received: from whom, recorded when, and what it became."""

    source: OdsCode | None
    recorded_at: datetime
    message_id: str | None
    standing: Standing
    record: ClientRecord


@dataclass(frozen=True, slots=True)
class OpenHandover:
    """A handover received that still needs a person: its Task, who sent it, when, and its plan."""

    task: TaskState
    sender: OdsCode
    received_at: datetime
    record: ClientRecord | None
