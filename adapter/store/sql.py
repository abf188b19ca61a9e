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

from datetime import UTC, datetime
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
    or_,
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
from adapter.store.index import client_key, patient_identifiers
from adapter.store.records import (
    OpenHandover,
    PlanVersion,
    Receipt,
    Refusal,
    Standing,
    StoredAnswer,
    TaskState,
)
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
    # Whose plan it is and about whom (hazard H-02): the organisation it came from (the sender, or the
    # holder for its own plans) and the client's key (adapter.store.index.client_key). Two prisons'
    # "plan-1" for two clients are two plans. Nullable only for an older database being upgraded.
    Column("source", String(16), nullable=True),
    Column("client", Text, nullable=True),
    # When the current version was recorded (ISO 8601 with offset): an older one never replaces it.
    Column("recorded_at", String(40), nullable=True),
    UniqueConstraint("holder", "source", "client", "plan_id", name="one_plan_per_source_and_client"),
)

plan_versions = Table(
    "plan_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_row", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    Column("recorded_at", String(40), nullable=False),
    Column("message_id", String(64), nullable=True),
    # current: it became the plan held; history: older than the plan held when it came (hazard H-01).
    Column("standing", String(8), nullable=False),
    Column("record", Text, nullable=False),
    Index("plan_versions_by_plan", "plan_row", "recorded_at"),
)
OLD_PLAN_KEY = "one_plan_per_holder"
"""The key on plans before plans were kept per source and client (dropped when a database is opened)."""
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

consent_withdrawals = Table(
    "consent_withdrawals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("holder", String(16), nullable=False),
    Column("client", Text, nullable=False),
    Column("consent_id", String(64), nullable=False),
    Column("withdrawn_at", String(40), nullable=False),
    UniqueConstraint("holder", "client", "consent_id", name="one_withdrawal_per_consent"),
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
        inspector = inspect(self.engine)
        columns = {column["name"] for column in inspector.get_columns("plans")}
        old_key = OLD_PLAN_KEY in {c["name"] for c in inspector.get_unique_constraints("plans")}
        with self.engine.begin() as connection:
            for name, kind in (
                ("care_plan_id", "VARCHAR(64)"),
                ("source", "VARCHAR(16)"),
                ("client", "TEXT"),
                ("recorded_at", "VARCHAR(40)"),
            ):
                if name not in columns:
                    connection.exec_driver_sql(f"ALTER TABLE plans ADD COLUMN {name} {kind}")
            care_plan_index.create(connection, checkfirst=True)
            rows = connection.execute(
                select(plans.c.id, plans.c.holder, plans.c.record).where(
                    or_(plans.c.care_plan_id.is_(None), plans.c.client.is_(None))
                )
            ).all()
            for row in rows:
                record = load_record(orjson.loads(row.record))
                connection.execute(
                    update(plans)
                    .where(plans.c.id == row.id)
                    .values(
                        care_plan_id=care_plan_id(record),
                        source=row.holder,
                        client=client_key(record),
                        recorded_at=_instant(record.recorded_at) if record.recorded_at else None,
                    )
                )
                self._index_identifiers(connection, row.id, row.holder, record)
            if old_key:
                self._rekey(connection)

    def _rekey(self, connection: Connection) -> None:
        """Replace an older database's key on plans, (holder, plan id), by (holder, source, client,
        plan id): under the old key a second client's plan with the same local id could not be kept
        apart from the first (hazard H-02). PostgreSQL swaps the constraint; SQLite, which cannot drop
        one, rebuilds the table (its rows keep their ids, so identifier rows still point at them)."""
        if connection.dialect.name != "sqlite":
            connection.exec_driver_sql(f"ALTER TABLE plans DROP CONSTRAINT {OLD_PLAN_KEY}")
            connection.exec_driver_sql(
                "ALTER TABLE plans ADD CONSTRAINT one_plan_per_source_and_client "
                "UNIQUE (holder, source, client, plan_id)"
            )
            return
        names = ", ".join(column.name for column in plans.columns)
        # Keep the references of plan_identifiers and plan_versions naming "plans" through the rename.
        connection.exec_driver_sql("PRAGMA legacy_alter_table=ON")
        connection.exec_driver_sql("ALTER TABLE plans RENAME TO plans_before_rekey")
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {care_plan_index.name}")
        plans.create(connection)
        connection.exec_driver_sql(f"INSERT INTO plans ({names}) SELECT {names} FROM plans_before_rekey")
        connection.exec_driver_sql("DROP TABLE plans_before_rekey")
        connection.exec_driver_sql("PRAGMA legacy_alter_table=OFF")

    def save_plan(
        self,
        holder: OdsCode,
        record: ClientRecord,
        *,
        message_id: str | None = None,
        source: OdsCode | None = None,
        at: datetime | None = None,
    ) -> Standing:
        with self.engine.begin() as connection:
            return self._save_plan(connection, holder, record, message_id, source or holder, at)

    def held_version(
        self, holder: OdsCode, record: ClientRecord, *, source: OdsCode
    ) -> tuple[ClientRecord, datetime] | None:
        where = self._key(holder, record, source)
        with self.engine.connect() as connection:
            row = connection.execute(select(plans.c.record, plans.c.recorded_at).where(*where)).first()
        if row is None or row.recorded_at is None:
            return None
        return load_record(orjson.loads(row.record)), datetime.fromisoformat(row.recorded_at)

    def plan_versions(self, holder: OdsCode, plan_id: str) -> list[PlanVersion]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(plan_versions, plans.c.source)
                .join(plans, plans.c.id == plan_versions.c.plan_row)
                .where(plans.c.holder == holder, plans.c.plan_id == plan_id)
                .order_by(plan_versions.c.recorded_at, plan_versions.c.id)
            ).all()
        return [
            PlanVersion(
                row.source,
                datetime.fromisoformat(row.recorded_at),
                row.message_id,
                Standing(row.standing),
                load_record(orjson.loads(row.record)),
            )
            for row in rows
        ]

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
                    self._save_plan(
                        connection,
                        receipt.holder,
                        receipt.record,
                        receipt.message_id,
                        receipt.sender,
                        receipt.received_at,
                    )
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

    def task_for_message(self, message_id: str) -> TaskState | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(tasks.c.task_id).where(tasks.c.message_id == message_id)).first()
        return None if row is None else self.get_task(row.task_id)

    def open_handovers(self, holder: OdsCode, statuses: tuple[str, ...]) -> list[OpenHandover]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(tasks, messages.c.sender, messages.c.received_at, plans.c.record)
                .join(messages, messages.c.message_id == tasks.c.message_id)
                .outerjoin(
                    plans, (plans.c.message_id == tasks.c.message_id) & (plans.c.holder == messages.c.holder)
                )
                .where(messages.c.holder == holder, tasks.c.status.in_(statuses))
                .order_by(messages.c.received_at)
            ).all()
        return [
            OpenHandover(
                TaskState(
                    row.task_id,
                    row.message_id,
                    row.status,
                    row.status_reason,
                    datetime.fromisoformat(row.updated_at),
                ),
                row.sender,
                datetime.fromisoformat(row.received_at),
                None if row.record is None else load_record(orjson.loads(row.record)),
            )
            for row in rows
        ]

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

    def record_withdrawal(self, holder: OdsCode, record: ClientRecord, consent_id: str, at: datetime) -> None:
        with self.engine.begin() as connection:
            where = (
                consent_withdrawals.c.holder == holder,
                consent_withdrawals.c.client == client_key(record),
                consent_withdrawals.c.consent_id == consent_id,
            )
            if connection.execute(select(consent_withdrawals.c.id).where(*where)).first() is None:
                connection.execute(
                    insert(consent_withdrawals).values(
                        holder=holder,
                        client=client_key(record),
                        consent_id=consent_id,
                        withdrawn_at=_instant(at),
                    )
                )

    def withdrawn_consents(self, holder: OdsCode | None = None) -> set[tuple[str, str]]:
        query = select(consent_withdrawals.c.client, consent_withdrawals.c.consent_id)
        if holder is not None:
            query = query.where(consent_withdrawals.c.holder == holder)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return {(row.client, row.consent_id) for row in rows}

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

    @staticmethod
    def _key(holder: OdsCode, record: ClientRecord, source: OdsCode) -> tuple[ColumnElement[bool], ...]:
        return (
            plans.c.holder == holder,
            plans.c.source == source,
            plans.c.client == client_key(record),
            plans.c.plan_id == record.plan.id,
        )

    def _save_plan(
        self,
        connection: Connection,
        holder: OdsCode,
        record: ClientRecord,
        message_id: str | None,
        source: OdsCode,
        at: datetime | None,
    ) -> Standing:
        """Keep ``record`` as a version of its plan; make it the current one unless the plan held was
        recorded later (an older version never replaces a newer: hazard H-01). A plan that does not
        say when it was recorded is dated by its arrival (``at``, else now)."""
        canonical = orjson.dumps(dump_record(record)).decode()
        recorded = record.recorded_at or at or datetime.now(UTC)
        where = self._key(holder, record, source)
        existing = connection.execute(select(plans.c.id, plans.c.recorded_at).where(*where)).first()
        standing = Standing.CURRENT
        if (
            existing is not None
            and existing.recorded_at is not None
            and datetime.fromisoformat(existing.recorded_at) > recorded
        ):
            standing = Standing.HISTORY
        values: dict[str, Any] = {
            "record": canonical,
            "message_id": message_id,
            "care_plan_id": care_plan_id(record),
            "recorded_at": _instant(recorded),
        }
        if existing is None:
            inserted = insert(plans).values(
                holder=holder, plan_id=record.plan.id, source=source, client=client_key(record), **values
            )
            row_id = int(connection.execute(inserted.returning(plans.c.id)).scalar_one())
        else:
            row_id = int(existing.id)
            if standing is Standing.CURRENT:
                connection.execute(update(plans).where(plans.c.id == row_id).values(**values))
        connection.execute(
            insert(plan_versions).values(
                plan_row=row_id,
                recorded_at=_instant(recorded),
                message_id=message_id,
                standing=standing.value,
                record=canonical,
            )
        )
        if standing is Standing.CURRENT:
            self._index_identifiers(connection, row_id, holder, record)
        return standing

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
