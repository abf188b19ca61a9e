"""The SQLAlchemy store: SQLite embedded by default (a file or ``:memory:``), PostgreSQL by URL.

    >>> store = open_store(":memory:")            # or "plans.db", or "postgresql+psycopg://..."
    >>> store.save_plan("Y02345", record)
    >>> store.get_plan("Y02345", record.plan.id) == record
    True

Every write is one transaction (``engine.begin()``): a receipt's message, Task and plan are all
written or none is. Idempotency rests on the database, not on a read-then-write: ``messages.
message_id`` is the primary key, so two deliveries racing each other cannot both be recorded.
Instants are stored as ISO 8601 text with their offset (the same on both databases).

A plan is found by its CarePlan's FHIR id (``plans.care_plan_id``) and by the client's identifiers
(``plan_identifiers``, one row per system and value), both indexed and written in the plan's own
transaction. A database made before they existed is brought up to date when it is opened: the column
and the table are added and filled from the plans already kept (:meth:`SqlStore.create_tables`).
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
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql import ColumnElement

from adapter.fhir import care_plan_id
from adapter.model import ClientRecord, dump_record, load_record
from adapter.store.errors import DuplicateMessage, StoreError
from adapter.store.index import patient_identifiers
from adapter.store.records import Receipt, Refusal, StoredAnswer, TaskState
from adapter.types import FhirJson, OdsCode
from adapter.wire import read_json, write_json

metadata = MetaData()

plans = Table(
    "plans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("holder", String(16), nullable=False),
    Column("plan_id", String(64), nullable=False),
    Column("message_id", String(64), nullable=True),
    Column("record", Text, nullable=False),
    # Nullable only so that an older database can gain the column before it is filled in.
    Column("care_plan_id", String(64), nullable=True),
    UniqueConstraint("holder", "plan_id", name="one_plan_per_holder"),
)
care_plan_index = Index("plans_by_care_plan_id", plans.c.holder, plans.c.care_plan_id)

plan_identifiers = Table(
    "plan_identifiers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_row", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    Column("holder", String(16), nullable=False),
    Column("system", Text, nullable=False),
    Column("value", Text, nullable=False),
    # value first: a token search may name the value alone ("any system"), never the system alone.
    Index("plan_identifiers_by_value", "holder", "value", "system"),
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
            self._upgrade()
        except OperationalError as error:
            raise StoreError.single("exception", "store.unavailable", f"store unavailable: {error}") from None

    def _upgrade(self) -> None:
        """Bring a database made by an older version up to date: add ``plans.care_plan_id`` and its
        index when missing, then index every plan that has no CarePlan id yet (all of them, the first
        time; later, any plan an older version wrote since)."""
        columns = {column["name"] for column in inspect(self.engine).get_columns("plans")}
        with self.engine.begin() as connection:
            if "care_plan_id" not in columns:
                connection.exec_driver_sql("ALTER TABLE plans ADD COLUMN care_plan_id VARCHAR(64)")
            care_plan_index.create(connection, checkfirst=True)
            rows = connection.execute(
                select(plans.c.id, plans.c.holder, plans.c.record).where(plans.c.care_plan_id.is_(None))
            ).all()
            for row in rows:
                record = load_record(orjson.loads(row.record))
                connection.execute(
                    update(plans).where(plans.c.id == row.id).values(care_plan_id=care_plan_id(record))
                )
                self._index_identifiers(connection, row.id, row.holder, record)

    def save_plan(self, holder: OdsCode, record: ClientRecord, *, message_id: str | None = None) -> None:
        with self.engine.begin() as connection:
            self._save_plan(connection, holder, record, message_id)

    def get_plan(self, holder: OdsCode, plan_id: str) -> ClientRecord | None:
        return self._plan_where(plans.c.holder == holder, plans.c.plan_id == plan_id)

    def find_plan(self, holder: OdsCode, fhir_id: str) -> ClientRecord | None:
        return self._plan_where(plans.c.holder == holder, plans.c.care_plan_id == fhir_id)

    def find_plans(self, holder: OdsCode, value: str, *, system: str | None = None) -> list[ClientRecord]:
        where = [plan_identifiers.c.holder == holder, plan_identifiers.c.value == value]
        if system is not None:
            where.append(plan_identifiers.c.system == system)
        rows_of_client = select(plan_identifiers.c.plan_row).where(*where)
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(plans.c.record).where(plans.c.id.in_(rows_of_client)).order_by(plans.c.plan_id)
            ).all()
        return [load_record(orjson.loads(row.record)) for row in rows]

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

    def _plan_where(self, *where: ColumnElement[bool]) -> ClientRecord | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(plans.c.record).where(*where)).first()
        return None if row is None else load_record(orjson.loads(row.record))

    def _save_plan(
        self, connection: Connection, holder: OdsCode, record: ClientRecord, message_id: str | None
    ) -> None:
        canonical = orjson.dumps(dump_record(record)).decode()
        values: dict[str, Any] = {
            "record": canonical,
            "message_id": message_id,
            "care_plan_id": care_plan_id(record),
        }
        where = (plans.c.holder == holder, plans.c.plan_id == record.plan.id)
        existing = connection.execute(select(plans.c.id).where(*where)).first()
        if existing is None:
            inserted = insert(plans).values(holder=holder, plan_id=record.plan.id, **values)
            row_id = int(connection.execute(inserted.returning(plans.c.id)).scalar_one())
        else:
            row_id = int(existing.id)
            connection.execute(update(plans).where(plans.c.id == row_id).values(**values))
        self._index_identifiers(connection, row_id, holder, record)

    @staticmethod
    def _index_identifiers(
        connection: Connection, row_id: int, holder: OdsCode, record: ClientRecord
    ) -> None:
        """Replace the plan's identifier rows with the identifiers ``record`` gives (same transaction)."""
        connection.execute(delete(plan_identifiers).where(plan_identifiers.c.plan_row == row_id))
        known = sorted(patient_identifiers(record))
        if known:
            connection.execute(
                insert(plan_identifiers),
                [{"plan_row": row_id, "holder": holder, "system": s, "value": v} for s, v in known],
            )
