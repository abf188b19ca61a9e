"""Finding a plan without reading every plan: by the CarePlan's FHIR id and by the client's identifiers
(indexed, written with the plan), and a database made before those existed brought up to date."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    func,
    inspect,
    select,
    text,
)
from store_cases import AT, fixture_record

from adapter.fhir import to_fhir
from adapter.model import ClientRecord, dump_record, load_record
from adapter.model.identifiers import NHS_NUMBER_SYSTEM, PNC_ID_SYSTEM, PRISON_NUMBER_SYSTEM
from adapter.store import DuplicateMessage, Receipt, SqlStore, TaskState, open_store
from adapter.store.sql import plan_identifiers

CDS_CLIENT_NUMBER = "https://northtown-cds.example.org/Id/client-number"


def _fhir_id(record: ClientRecord) -> str:
    plan = next(
        e["resource"] for e in to_fhir(record)["entry"] if e["resource"]["resourceType"] == "CarePlan"
    )
    return str(plan["id"])


def _plan_ids(found: list[ClientRecord]) -> list[str]:
    return [record.plan.id for record in found]


def test_a_plan_is_found_by_the_id_to_fhir_gives_its_careplan(store: SqlStore) -> None:
    release, shared = fixture_record("02-carat-release.json"), fixture_record("03-gp-shared-care.json")
    store.save_plan("Y02345", release)
    store.save_plan("Y02345", shared)
    assert store.find_plan("Y02345", _fhir_id(release)) == release
    assert store.find_plan("Y02345", _fhir_id(shared)) == shared
    # Another holder's plan, or an id that is the record's own plan id rather than the FHIR id.
    assert store.find_plan("B82017", _fhir_id(release)) is None
    assert store.find_plan("Y02345", release.plan.id) is None


def test_a_plan_is_found_by_each_identifier_of_the_client(store: SqlStore) -> None:
    release, triage = fixture_record("02-carat-release.json"), fixture_record("01-custody-triage.json")
    store.save_plan("Y02345", release)
    store.save_plan("Y02345", triage)
    assert _plan_ids(store.find_plans("Y02345", "9990629072", system=NHS_NUMBER_SYSTEM)) == [release.plan.id]
    assert _plan_ids(store.find_plans("Y02345", "A4821KD", system=PRISON_NUMBER_SYSTEM)) == [release.plan.id]
    assert _plan_ids(store.find_plans("Y02345", "2015/0070220D", system=PNC_ID_SYSTEM)) == [triage.plan.id]
    dir_case = "https://northtown-cjit.example.org/Id/dir-case-number"
    assert _plan_ids(store.find_plans("Y02345", "NT-CJIT-26-04417", system=dir_case)) == [triage.plan.id]
    # No system given: any system matches.
    assert _plan_ids(store.find_plans("Y02345", "9996135241")) == [triage.plan.id]


def test_the_wrong_system_another_value_or_another_holder_finds_nothing(store: SqlStore) -> None:
    release = fixture_record("02-carat-release.json")
    store.save_plan("Y02345", release)
    assert store.find_plans("Y02345", "9990629072", system=PRISON_NUMBER_SYSTEM) == []
    assert store.find_plans("Y02345", "9999999999", system=NHS_NUMBER_SYSTEM) == []
    assert store.find_plans("B82017", "9990629072", system=NHS_NUMBER_SYSTEM) == []


def test_every_plan_of_one_client_is_found_in_plan_id_order(store: SqlStore) -> None:
    first = fixture_record("03-gp-shared-care.json")
    data = dump_record(first)
    data["plan"]["id"] = "plan-sharedcare-000001"
    second = load_record(data)
    store.save_plan("Y03456", first)
    store.save_plan("Y03456", second)
    found = store.find_plans("Y03456", "CDS-118204", system=CDS_CLIENT_NUMBER)
    assert _plan_ids(found) == sorted([first.plan.id, second.plan.id])


def test_saving_again_replaces_the_identifiers(store: SqlStore) -> None:
    record = fixture_record("02-carat-release.json")
    store.save_plan("Y02345", record)
    data = dump_record(record)
    data["service_user"]["prison_number"] = "B1234CD"  # a new prison number after a recall
    renumbered = load_record(data)
    store.save_plan("Y02345", renumbered)
    assert store.find_plans("Y02345", "A4821KD", system=PRISON_NUMBER_SYSTEM) == []
    assert store.find_plans("Y02345", "B1234CD", system=PRISON_NUMBER_SYSTEM) == [renumbered]
    # The plan is the same (same source, same client by NHS number, same plan id): one plan, replaced.
    assert store.list_plans("Y02345") == [renumbered]
    assert store.find_plan("Y02345", _fhir_id(renumbered)) == renumbered
    with store.engine.connect() as connection:
        rows = connection.execute(select(plan_identifiers.c.system, plan_identifiers.c.value)).all()
    assert sorted(rows) == sorted(
        [
            (NHS_NUMBER_SYSTEM, "9990629072"),
            (PRISON_NUMBER_SYSTEM, "B1234CD"),
            (PNC_ID_SYSTEM, "2009/0045871W"),
        ]
    )


def test_a_refused_receipt_leaves_no_identifier_rows(store: SqlStore) -> None:
    record = fixture_record("02-carat-release.json")
    task = TaskState("task-1", "m-1", "accepted", None, AT)
    receipt = Receipt("m-1", "ab" * 32, "Y02345", "NTI", AT, {"resourceType": "Bundle"}, task, None)
    store.record_receipt(receipt)
    other = Receipt("m-2", "cd" * 32, "Y02345", "NTI", AT, {"resourceType": "Bundle"}, task, record)
    with pytest.raises(DuplicateMessage):
        store.record_receipt(other)  # the Task id collides: the plan and its identifiers roll back
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(plan_identifiers)).scalar_one() == 0
    assert store.find_plans("Y02345", "9990629072") == []


def test_the_identifier_search_uses_its_index_on_sqlite(tmp_path: Path) -> None:
    store = open_store(tmp_path / "plans.db")
    with store.engine.connect() as connection:
        plan = connection.execute(
            text("EXPLAIN QUERY PLAN SELECT plan_row FROM plan_identifiers WHERE holder=:h AND value=:v"),
            {"h": "Y02345", "v": "9990629072"},
        ).all()
        by_id = connection.execute(
            text("EXPLAIN QUERY PLAN SELECT record FROM plans WHERE holder=:h AND care_plan_id=:c"),
            {"h": "Y02345", "c": "x"},
        ).all()
    assert "plan_identifiers_by_value" in " ".join(str(row) for row in plan)
    assert "plans_by_care_plan_id" in " ".join(str(row) for row in by_id)


def _old_schema(url: str, holder: str, records: list[ClientRecord]) -> None:
    """A database as the store made it before plans had a CarePlan id and identifiers of their own."""
    old = MetaData()
    plans = Table(
        "plans",
        old,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("holder", String(16), nullable=False),
        Column("plan_id", String(64), nullable=False),
        Column("message_id", String(64), nullable=True),
        Column("record", Text, nullable=False),
        UniqueConstraint("holder", "plan_id", name="one_plan_per_holder"),
    )
    engine = create_engine(url)
    old.create_all(engine)
    with engine.begin() as connection:
        for record in records:
            canonical = orjson.dumps(dump_record(record)).decode()
            connection.execute(plans.insert().values(holder=holder, plan_id=record.plan.id, record=canonical))
    engine.dispose()


def test_a_database_made_by_the_old_schema_opens_and_its_plans_are_found(database_url: str) -> None:
    release, triage = fixture_record("02-carat-release.json"), fixture_record("01-custody-triage.json")
    _old_schema(database_url, "Y02345", [release, triage])
    old_columns = {c["name"] for c in inspect(create_engine(database_url)).get_columns("plans")}
    assert "care_plan_id" not in old_columns

    store = open_store(database_url)
    assert store.find_plan("Y02345", _fhir_id(release)) == release
    assert store.find_plans("Y02345", "2015/0070220D", system=PNC_ID_SYSTEM) == [triage]
    assert store.list_plans("Y02345") == sorted([release, triage], key=lambda r: r.plan.id)
    indexes = {index["name"] for index in inspect(store.engine).get_indexes("plans")}
    assert "plans_by_care_plan_id" in indexes
    store.engine.dispose()

    # Opening again changes nothing (the upgrade is idempotent) and new saves are indexed as usual.
    again = open_store(database_url)
    shared = fixture_record("03-gp-shared-care.json")
    again.save_plan("Y02345", shared)
    with again.engine.connect() as connection:
        counted = connection.execute(select(func.count()).select_from(plan_identifiers)).scalar_one()
    assert counted == 3 + 3 + 2  # release: NHS, prison, PNC; triage: NHS, PNC, DIR case; shared: NHS, CDS
    assert again.find_plan("Y02345", _fhir_id(shared)) == shared
    again.engine.dispose()
