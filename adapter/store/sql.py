"""The SQLAlchemy store: SQLite embedded by default (a file or ``:memory:``), PostgreSQL by URL.

    >>> store = open_store(":memory:")            # or "plans.db", or "postgresql+psycopg://..."
    >>> store.save_plan("Y02345", record)
    >>> store.get_plan("Y02345", record.plan.id) == record
    True

Every write is one transaction (``engine.begin()``): a receipt's message, Task and plan are all
written or none is. Idempotency rests on the database, not on a read-then-write: ``messages.
message_id`` is the primary key, so two deliveries racing each other cannot both be recorded.
Instants are stored as ISO 8601 text with their offset (the same on both databases).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import (
    Column,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlalchemy.pool import StaticPool

from adapter.fhir import read_json, write_json
from adapter.model import ClientRecord, dump_record, load_record
from adapter.store.errors import DuplicateMessage, StoreError
from adapter.store.records import Receipt, Refusal, StoredAnswer, TaskState
from adapter.types import FhirJson, OdsCode

metadata = MetaData()

plans = Table(
    "plans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("holder", String(16), nullable=False),
    Column("plan_id", String(64), nullable=False),
    Column("message_id", String(64), nullable=True),
    Column("record", Text, nullable=False),
    UniqueConstraint("holder", "plan_id", name="one_plan_per_holder"),
)

messages = Table(
    "messages",
    metadata,
    Column("message_id", String(64), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("holder", String(16), nullable=False),
    Column("sender", String(16), nullable=False),
    Column("received_at", String(40), nullable=False),
    Column("answer", Text, nullable=False),
)

tasks = Table(
    "tasks",
    metadata,
    Column("task_id", String(64), primary_key=True),
    Column("message_id", String(64), ForeignKey("messages.message_id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("status_reason", Text, nullable=True),
    Column("updated_at", String(40), nullable=False),
)

refusals = Table(
    "refusals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("direction", String(16), nullable=False),
    Column("organisation", String(16), nullable=True),
    Column("counterpart", String(16), nullable=True),
    Column("message_id", String(64), nullable=True),
    Column("outcome", Text, nullable=False),
)


def _engine(target: str | Path) -> Engine:
    text = str(target)
    if text == ":memory:":
        # One shared connection: each new connection to sqlite :memory: would be a new, empty database.
        return create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    if "://" not in text:
        return create_engine(f"sqlite:///{Path(text)}")
    try:
        url = make_url(text)
        return create_engine(url)
    except (ArgumentError, ImportError, ValueError) as error:
        text = f"cannot open the store {text!r}: {error}"
        raise StoreError.single("value", "store.bad-url", text) from None


def open_store(target: str | Path = ":memory:") -> SqlStore:
    """A store at ``target``: ``:memory:``, a SQLite file path, or a database URL; tables are created."""
    store = SqlStore(_engine(target))
    store.create_tables()
    return store


def _json(data: FhirJson) -> str:
    return write_json(data, indent=False).decode()


def _instant(at: datetime) -> str:
    if at.tzinfo is None:
        raise StoreError.single("value", "store.naive-instant", f"instant {at} has no UTC offset")
    return at.isoformat()


class SqlStore:
    """The :class:`~adapter.store.Store` on any SQLAlchemy engine (tested on SQLite and PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_tables(self) -> None:
        """Create the tables that do not exist yet (idempotent)."""
        try:
            metadata.create_all(self.engine)
        except OperationalError as error:
            raise StoreError.single("exception", "store.unavailable", f"store unavailable: {error}") from None

    def save_plan(self, holder: OdsCode, record: ClientRecord, *, message_id: str | None = None) -> None:
        with self.engine.begin() as connection:
            self._save_plan(connection, holder, record, message_id)

    def get_plan(self, holder: OdsCode, plan_id: str) -> ClientRecord | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(plans.c.record).where(plans.c.holder == holder, plans.c.plan_id == plan_id)
            ).first()
        return None if row is None else load_record(orjson.loads(row.record))

    def list_plans(self, holder: OdsCode) -> list[ClientRecord]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(plans.c.record).where(plans.c.holder == holder).order_by(plans.c.plan_id)
            ).all()
        return [load_record(orjson.loads(row.record)) for row in rows]

    def record_receipt(self, receipt: Receipt) -> None:
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(messages).values(
                        message_id=receipt.message_id,
                        digest=receipt.digest,
                        holder=receipt.holder,
                        sender=receipt.sender,
                        received_at=_instant(receipt.received_at),
                        answer=_json(receipt.answer),
                    )
                )
                task = receipt.task
                connection.execute(
                    insert(tasks).values(
                        task_id=task.task_id,
                        message_id=receipt.message_id,
                        status=task.status,
                        status_reason=task.status_reason,
                        updated_at=_instant(task.updated_at),
                    )
                )
                if receipt.record is not None:
                    self._save_plan(connection, receipt.holder, receipt.record, receipt.message_id)
        except IntegrityError:
            # The transaction rolled back as a whole: no plan, no Task, no answer was written.
            raise DuplicateMessage.single(
                "duplicate",
                "store.duplicate-message",
                f"message {receipt.message_id} (or its Task {receipt.task.task_id}) is already recorded",
                "MessageHeader.id",
            ) from None

    def find_answer(self, message_id: str) -> StoredAnswer | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(messages.c.digest, messages.c.answer).where(messages.c.message_id == message_id)
            ).first()
        if row is None:
            return None
        return StoredAnswer(message_id, row.digest, read_json(row.answer.encode()))

    def get_task(self, task_id: str) -> TaskState | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(tasks).where(tasks.c.task_id == task_id)).first()
        if row is None:
            return None
        return TaskState(
            row.task_id, row.message_id, row.status, row.status_reason, datetime.fromisoformat(row.updated_at)
        )

    def change_task(
        self, task_id: str, *, expected: str, status: str, reason: str | None, at: datetime
    ) -> TaskState:
        with self.engine.begin() as connection:
            # Compare-and-set: a concurrent change in between makes this update touch no row.
            changed = connection.execute(
                update(tasks)
                .where(tasks.c.task_id == task_id, tasks.c.status == expected)
                .values(status=status, status_reason=reason, updated_at=_instant(at))
            ).rowcount
        if changed != 1:
            raise StoreError.single(
                "conflict",
                "store.task-changed",
                f"Task {task_id} is no longer '{expected}' (or does not exist)",
                "Task.status",
            )
        state = self.get_task(task_id)
        assert state is not None  # just written in the transaction above
        return state

    def record_refusal(self, refusal: Refusal) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                insert(refusals).values(
                    at=_instant(refusal.at),
                    direction=refusal.direction,
                    organisation=refusal.organisation,
                    counterpart=refusal.counterpart,
                    message_id=refusal.message_id,
                    outcome=_json(refusal.outcome),
                )
            )

    def list_refusals(self) -> list[Refusal]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(refusals).order_by(refusals.c.id)).all()
        return [
            Refusal(
                datetime.fromisoformat(row.at),
                row.direction,
                row.organisation,
                row.counterpart,
                row.message_id,
                orjson.loads(row.outcome),
            )
            for row in rows
        ]

    def _save_plan(
        self, connection: Connection, holder: OdsCode, record: ClientRecord, message_id: str | None
    ) -> None:
        canonical = orjson.dumps(dump_record(record)).decode()
        values: dict[str, Any] = {"record": canonical, "message_id": message_id}
        where = (plans.c.holder == holder, plans.c.plan_id == record.plan.id)
        if connection.execute(select(plans.c.id).where(*where)).first() is None:
            connection.execute(insert(plans).values(holder=holder, plan_id=record.plan.id, **values))
        else:
            connection.execute(update(plans).where(*where).values(**values))
