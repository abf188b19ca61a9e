"""The SQLAlchemy store on a real SQLite file (and PostgreSQL when one is given): plans, receipts
written whole or not at all, idempotency by message id, compare-and-set Task changes, refusals."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from store_cases import AT, fixture_record

from adapter.model import ClientRecord
from adapter.store import (
    DuplicateMessage,
    Receipt,
    Refusal,
    SqlStore,
    StoreError,
    TaskState,
    open_store,
)
from adapter.store.sql import messages, plans, tasks


def _receipt(message_id: str, record: ClientRecord | None, task_id: str = "task-1") -> Receipt:
    return Receipt(
        message_id=message_id,
        digest="ab" * 32,
        holder="Y02345",
        sender="NTI",
        received_at=AT,
        answer={"resourceType": "Bundle", "type": "message", "id": f"ack-{message_id}"},
        task=TaskState(task_id, message_id, "accepted", None, AT),
        record=record,
    )


def _count(store: SqlStore, table: object) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_a_saved_plan_comes_back_equal_and_saving_again_replaces_it(store: SqlStore) -> None:
    record = fixture_record("02-carat-release.json")
    store.save_plan("Y02345", record)
    store.save_plan("Y02345", record, message_id="m-2")
    assert store.get_plan("Y02345", record.plan.id) == record
    assert store.list_plans("Y02345") == [record]
    assert store.get_plan("B82017", record.plan.id) is None
    assert _count(store, plans) == 1


def test_plans_are_listed_per_holder_in_plan_id_order(store: SqlStore) -> None:
    first, second = fixture_record("03-gp-shared-care.json"), fixture_record("01-custody-triage.json")
    store.save_plan("Y03456", first)
    store.save_plan("Y03456", second)
    store.save_plan("B82017", first)
    assert [r.plan.id for r in store.list_plans("Y03456")] == sorted([first.plan.id, second.plan.id])
    assert [r.plan.id for r in store.list_plans("B82017")] == [first.plan.id]


def test_a_receipt_writes_message_task_and_plan_together(store: SqlStore) -> None:
    record = fixture_record("02-carat-release.json")
    store.record_receipt(_receipt("m-1", record))
    answer = store.find_answer("m-1")
    assert answer is not None and answer.answer["id"] == "ack-m-1" and answer.digest == "ab" * 32
    assert store.get_plan("Y02345", record.plan.id) == record
    task = store.get_task("task-1")
    assert task is not None and (task.status, task.message_id, task.updated_at) == ("accepted", "m-1", AT)


def test_the_same_message_id_is_refused_and_nothing_of_it_written(store: SqlStore) -> None:
    store.record_receipt(_receipt("m-1", None))
    other = fixture_record("03-gp-shared-care.json")
    with pytest.raises(DuplicateMessage) as refused:
        store.record_receipt(_receipt("m-1", other, task_id="task-2"))
    assert refused.value.outcome.errors[0].message_id == "store.duplicate-message"
    assert store.get_plan("Y02345", other.plan.id) is None
    assert store.get_task("task-2") is None
    assert _count(store, messages) == 1


def test_a_receipt_that_fails_half_way_leaves_nothing_behind(store: SqlStore) -> None:
    store.record_receipt(_receipt("m-1", None, task_id="task-1"))
    record = fixture_record("02-carat-release.json")
    # The message row is new, but its Task id collides: the message and plan must roll back with it.
    with pytest.raises(DuplicateMessage):
        store.record_receipt(_receipt("m-2", record, task_id="task-1"))
    assert store.find_answer("m-2") is None
    assert store.get_plan("Y02345", record.plan.id) is None
    assert (_count(store, messages), _count(store, tasks), _count(store, plans)) == (1, 1, 0)


def test_task_changes_compare_and_set(store: SqlStore) -> None:
    store.record_receipt(_receipt("m-1", None))
    later = AT + timedelta(hours=2)
    changed = store.change_task("task-1", expected="accepted", status="completed", reason=None, at=later)
    assert (changed.status, changed.updated_at) == ("completed", later)
    with pytest.raises(StoreError) as stale:
        store.change_task("task-1", expected="accepted", status="completed", reason=None, at=later)
    assert stale.value.outcome.errors[0].expression == "Task.status"
    with pytest.raises(StoreError):
        store.change_task("no-such-task", expected="accepted", status="completed", reason=None, at=later)


def test_refusals_are_kept_in_order(store: SqlStore) -> None:
    outcome = {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "forbidden"}]}
    store.record_refusal(Refusal(AT, "outgoing", "NTI", "Y99999", None, outcome))
    store.record_refusal(Refusal(AT + timedelta(minutes=1), "incoming", "Y02345", "NTI", "m-9", outcome))
    found = store.list_refusals()
    assert [(r.direction, r.organisation, r.counterpart, r.message_id) for r in found] == [
        ("outgoing", "NTI", "Y99999", None),
        ("incoming", "Y02345", "NTI", "m-9"),
    ]
    assert found[0].outcome == outcome and found[1].at == AT + timedelta(minutes=1)


def test_an_instant_without_offset_is_refused(store: SqlStore) -> None:
    with pytest.raises(StoreError) as refused:
        store.record_refusal(Refusal(datetime(2026, 11, 25, 12), "outgoing", None, None, None, {}))
    assert refused.value.outcome.errors[0].message_id == "store.naive-instant"


def test_memory_store_keeps_data_across_calls_and_files_persist(tmp_path: Path) -> None:
    record = fixture_record("02-carat-release.json")
    memory = open_store(":memory:")
    memory.save_plan("NTI", record)
    assert memory.get_plan("NTI", record.plan.id) == record
    open_store(tmp_path / "a.db").save_plan("NTI", record)
    assert open_store(tmp_path / "a.db").get_plan("NTI", record.plan.id) == record
    assert open_store(f"sqlite:///{tmp_path / 'a.db'}").list_plans("NTI") == [record]


def test_an_unknown_database_url_is_a_store_error() -> None:
    with pytest.raises(StoreError) as refused:
        open_store("nosuchdb://somewhere/db")
    assert refused.value.outcome.errors[0].message_id == "store.bad-url"
