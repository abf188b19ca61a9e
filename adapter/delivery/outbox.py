"""The durable outbox: every message to send is written here first, and every attempt and the answer
are recorded, so a crash between queueing and sending loses nothing (``deliver_pending`` sends what is
still pending) and a crash after sending costs at most a second send, which the receiver's
idempotency on the MessageHeader id makes harmless.

    >>> outbox = open_outbox("carat.db")
    >>> entry = outbox.enqueue(message, "https://cjit.example/fhir", at=now)
    >>> entry.status, entry.attempts
    (<OutboxStatus.PENDING: 'pending'>, 0)

The outbox is a table of its own (``outbox``) in the *same database as the store*: the sending side's
refusals (adapter.handover records them in the store) and what it sent sit in one database, one backup,
one URL (``CAREPLAN_DATABASE_URL``); it has its own SQLAlchemy metadata so the store room is unchanged.
Queueing is idempotent by the MessageHeader id (the primary key): the same message again is the same
entry; the same id with different content or another destination is refused.

The receiving team's decision on a handover sent (accepted, or declined with its reason; who, when)
is kept beside its entry, in the table ``outbox_decisions`` (one row per handover, keyed by its
MessageHeader id): adapter.handover.decision checks a decision and keeps it through
:meth:`SqlOutbox.record_decision`. An older database gains the table when it is opened.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Engine, Integer, MetaData, Row, String, Table, Text, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from adapter.delivery.errors import DeliveryError
from adapter.handover import message_problem
from adapter.handover.decision import DecisionReceived
from adapter.outcome import Issue, OperationOutcome
from adapter.store import StoreError, open_store
from adapter.types import FhirJson
from adapter.wire import read_json, write_json


class OutboxStatus(StrEnum):
    """Where a queued message stands."""

    PENDING = "pending"
    """Not yet answered: to be sent (again)."""
    DELIVERED = "delivered"
    """Acknowledged ``ok``: the receiver accepted the handover."""
    REJECTED = "rejected"
    """Acknowledged ``fatal-error``: received and refused; sending again gets the same answer."""
    FAILED = "failed"
    """Given up: a refusal that retrying cannot change (4xx) or every attempt used."""


metadata = MetaData()

outbox_table = Table(
    "outbox",
    metadata,
    Column("message_id", String(64), primary_key=True),
    Column("destination", String(512), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("message", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("enqueued_at", String(40), nullable=False),
    Column("last_attempt_at", String(40), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("ack_code", String(16), nullable=True),
    Column("answer", Text, nullable=True),
)

decisions_table = Table(
    "outbox_decisions",
    metadata,
    Column("message_id", String(64), primary_key=True),
    Column("decision_id", String(64), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=True),
    Column("decided_by", String(16), nullable=False),
    Column("decided_at", String(40), nullable=False),
    Column("received_at", String(40), nullable=False),
    Column("answer", Text, nullable=False),
)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One queued message: where it goes, how it stands, and the answer when there is one."""

    message_id: str
    destination: str
    status: OutboxStatus
    attempts: int
    enqueued_at: datetime
    last_attempt_at: datetime | None
    last_error: str | None
    ack_code: str | None
    answer: FhirJson | None


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one send came to, as the outbox records it."""

    at: datetime
    status: OutboxStatus
    error: str | None = None
    ack_code: str | None = None
    answer: FhirJson | None = None


def message_id_of(message: object) -> str:
    """The MessageHeader id of a message Bundle; raises DeliveryError naming what is missing."""
    problem = message_problem(message)
    if problem is not None:
        raise DeliveryError.single("structure", "delivery.not-a-message", problem[1], problem[0])
    assert isinstance(message, dict)
    return str(message["entry"][0]["resource"]["id"])


def _instant(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError(f"instant {at} has no UTC offset")
    return at.isoformat()


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


class SqlOutbox:
    """The outbox on any SQLAlchemy engine (SQLite or PostgreSQL, like the store)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        try:
            metadata.create_all(engine)
        except OperationalError as error:
            raise StoreError.single(
                "exception", "outbox.unavailable", f"outbox unavailable: {error}"
            ) from None

    def enqueue(self, message: FhirJson, destination: str, *, at: datetime) -> OutboxEntry:
        """Queue ``message`` for ``destination`` (a FHIR base URL), once per MessageHeader id.

        Raises DeliveryError when it is not a message Bundle, or when its id is already queued with
        other content or for another destination."""
        message_id = message_id_of(message)
        data = write_json(message, indent=False)
        digest = hashlib.sha256(data).hexdigest()
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(outbox_table).values(
                        message_id=message_id,
                        destination=destination,
                        digest=digest,
                        message=data.decode(),
                        status=OutboxStatus.PENDING.value,
                        attempts=0,
                        enqueued_at=_instant(at),
                    )
                )
        except IntegrityError:
            # Already queued (a retry of the command, or a race): the same message is the same entry.
            existing = self.entry(message_id)
            with self.engine.connect() as connection:
                queued_digest = connection.execute(
                    select(outbox_table.c.digest).where(outbox_table.c.message_id == message_id)
                ).scalar_one()
            if existing is None or queued_digest != digest or existing.destination != destination:
                raise DeliveryError(
                    OperationOutcome.of(
                        [
                            Issue.error(
                                "duplicate",
                                "delivery.message-id-reused",
                                f"message {message_id} is already in the outbox with other content or for "
                                "another destination",
                                "Bundle.entry[0].resource.id",
                            )
                        ]
                    )
                ) from None
            return existing
        entry = self.entry(message_id)
        assert entry is not None  # written just above
        return entry

    def entry(self, message_id: str) -> OutboxEntry | None:
        """The outbox entry for ``message_id``, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(outbox_table).where(outbox_table.c.message_id == message_id)
            ).first()
        return None if row is None else _entry(row)

    def message(self, message_id: str) -> FhirJson:
        """The queued message Bundle, exactly as queued (decimals keep their text)."""
        with self.engine.connect() as connection:
            text = connection.execute(
                select(outbox_table.c.message).where(outbox_table.c.message_id == message_id)
            ).scalar_one()
        return read_json(str(text).encode())

    def sent_message(self, message_id: str) -> FhirJson | None:
        """The message queued under ``message_id``, or None (adapter.handover.decision.SentMessages)."""
        return self.message(message_id) if self.entry(message_id) is not None else None

    def decision_on(self, message_id: str) -> DecisionReceived | None:
        """The decision received on the handover sent as ``message_id``, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(decisions_table).where(decisions_table.c.message_id == message_id)
            ).first()
        if row is None:
            return None
        values = row._mapping
        return DecisionReceived(
            handover_id=values["message_id"],
            decision_id=values["decision_id"],
            digest=values["digest"],
            status=values["status"],
            reason=values["reason"],
            decided_by=values["decided_by"],
            decided_at=datetime.fromisoformat(values["decided_at"]),
            received_at=datetime.fromisoformat(values["received_at"]),
            answer=read_json(values["answer"].encode()),
        )

    def record_decision(self, decision: DecisionReceived) -> DecisionReceived:
        """Keep ``decision`` beside its handover's entry, once: when a decision is already kept on
        that handover (a re-delivery, or a race), nothing is written and the one kept is returned."""
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(decisions_table).values(
                        message_id=decision.handover_id,
                        decision_id=decision.decision_id,
                        digest=decision.digest,
                        status=decision.status,
                        reason=decision.reason,
                        decided_by=decision.decided_by,
                        decided_at=_instant(decision.decided_at),
                        received_at=_instant(decision.received_at),
                        answer=write_json(decision.answer, indent=False).decode(),
                    )
                )
        except IntegrityError:
            pass
        kept = self.decision_on(decision.handover_id)
        assert kept is not None  # written just above, or already there
        return kept

    def entries(self, status: OutboxStatus | None = None) -> list[OutboxEntry]:
        """Every entry (or those with ``status``), oldest first."""
        query = select(outbox_table).order_by(outbox_table.c.enqueued_at, outbox_table.c.message_id)
        if status is not None:
            query = query.where(outbox_table.c.status == status.value)
        with self.engine.connect() as connection:
            return [_entry(row) for row in connection.execute(query).all()]

    def requeue(self, message_id: str, *, destination: str | None = None) -> OutboxEntry:
        """Put a ``failed`` entry back to ``pending`` with a fresh count of attempts, to ``destination``
        when given (a corrected URL). Raises DeliveryError when the entry is missing or not failed: a
        delivered or rejected message has its answer, and a pending one is already queued."""
        entry = self.entry(message_id)
        if entry is None:
            raise DeliveryError.single(
                "not-found", "delivery.not-queued", f"message {message_id} is not in the outbox"
            )
        if entry.status is not OutboxStatus.FAILED:
            raise DeliveryError.single(
                "business-rule",
                "delivery.not-failed",
                f"message {message_id} is {entry.status.value}, not failed: only a failed entry is retried",
            )
        with self.engine.begin() as connection:
            connection.execute(
                update(outbox_table)
                .where(outbox_table.c.message_id == message_id)
                .where(outbox_table.c.status == OutboxStatus.FAILED.value)
                .values(
                    status=OutboxStatus.PENDING.value,
                    attempts=0,
                    destination=destination or entry.destination,
                )
            )
        requeued = self.entry(message_id)
        assert requeued is not None  # checked above; entries are never deleted
        return requeued

    def record_attempt(self, message_id: str, attempt: Attempt) -> OutboxEntry:
        """Count one attempt and what it came to (one transaction, before any wait for the next)."""
        answer = None if attempt.answer is None else write_json(attempt.answer, indent=False).decode()
        with self.engine.begin() as connection:
            connection.execute(
                update(outbox_table)
                .where(outbox_table.c.message_id == message_id)
                .values(
                    attempts=outbox_table.c.attempts + 1,
                    status=attempt.status.value,
                    last_attempt_at=_instant(attempt.at),
                    last_error=attempt.error,
                    ack_code=attempt.ack_code,
                    answer=answer,
                )
            )
        entry = self.entry(message_id)
        assert entry is not None  # only queued messages are attempted
        return entry


def _entry(row: Row[Any]) -> OutboxEntry:
    values = row._mapping
    return OutboxEntry(
        message_id=values["message_id"],
        destination=values["destination"],
        status=OutboxStatus(values["status"]),
        attempts=values["attempts"],
        enqueued_at=datetime.fromisoformat(values["enqueued_at"]),
        last_attempt_at=_when(values["last_attempt_at"]),
        last_error=values["last_error"],
        ack_code=values["ack_code"],
        answer=None if values["answer"] is None else read_json(values["answer"].encode()),
    )


def open_outbox(target: str | Path = ":memory:") -> SqlOutbox:
    """The outbox in the database at ``target`` (``:memory:``, a SQLite path or a URL, as the store's);
    the store's tables are created there too, so refusals and sends share one database."""
    return SqlOutbox(open_store(target).engine)
