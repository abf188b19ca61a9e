"""H-01 (a stale plan imported as current) and H-02 (another client's plan replaces this one): every
version is kept, an older never becomes current, and plans are keyed by source and client."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import orjson
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from adapter.cli import app as careplan
from adapter.model import ClientRecord, dump_record, load_record
from adapter.store import Standing, open_store
from adapter.wire import write_json
from safety.safety_cases import CARAT, CJIT, Keys, build, data, issues, receive


def _version(*, recorded: str, dose: str, last_dose: str) -> ClientRecord:
    client = data()
    client["recorded_at"] = recorded
    methadone = client["plan"]["interventions"][0]["prescribing"]
    methadone["daily_dose"]["value"] = dose
    methadone["last_dose_at"] = last_dose
    return load_record(client)


NEWER = {"recorded": "2026-12-08T09:00:00+00:00", "dose": "20", "last_dose": "2026-12-08T08:10:00+00:00"}
OLDER = {"recorded": "2026-11-25T10:15:00+00:00", "dose": "45", "last_dose": "2026-11-25T08:10:00+00:00"}


def _dose(held: ClientRecord | None) -> Decimal:
    assert held is not None and held.plan.interventions[0].prescribing is not None
    return held.plan.interventions[0].prescribing.daily_dose.value


def test_h01_an_older_version_saved_later_never_replaces_the_newer() -> None:
    store = open_store(":memory:")
    newer, older = _version(**NEWER), _version(**OLDER)
    assert store.save_plan(CJIT, newer, source=CARAT) is Standing.CURRENT
    assert store.save_plan(CJIT, older, source=CARAT) is Standing.HISTORY
    assert _dose(store.get_plan(CJIT, newer.plan.id)) == Decimal("20")
    versions = store.plan_versions(CJIT, newer.plan.id)
    assert [(v.standing, _dose(v.record)) for v in versions] == [
        (Standing.HISTORY, Decimal("45")),
        (Standing.CURRENT, Decimal("20")),
    ]


def test_h01_a_handover_older_than_the_plan_held_is_kept_as_history_and_acknowledged_so() -> None:
    keys, store = Keys(), open_store(":memory:")
    built_later = build(_version(**NEWER), keys, at="2026-12-08T10:00:00+00:00")
    built_earlier = build(_version(**OLDER), keys, at="2026-11-25T10:30:00+00:00")
    assert receive(built_later, store, keys, at="2026-12-08T11:00:00+00:00").code == "ok"
    late = receive(built_earlier, store, keys, at="2026-12-08T11:05:00+00:00")
    assert late.code == "ok"
    assert issues(late) == [("handover.older-version", ["Bundle.entry[0].resource"])]
    assert "kept as history" in late.outcome["issue"][0]["diagnostics"]
    assert [_dose(plan) for plan in store.list_plans(CJIT)] == [Decimal("20")]
    assert len(store.plan_versions(CJIT, "plan-nti-a4821kd")) == 2


def test_h01_an_old_plan_sent_again_after_the_new_one_is_history_by_when_it_was_recorded() -> None:
    """The version is when the plan was recorded (its own Provenance), never when a message carrying
    it was built (the signature's Provenance): an old plan re-sent later stays history."""
    keys, store = Keys(), open_store(":memory:")
    newer = build(_version(**NEWER), keys, at="2026-12-08T10:00:00+00:00")
    old_sent_later = build(_version(**OLDER), keys, at="2026-12-09T10:00:00+00:00")
    assert receive(newer, store, keys, at="2026-12-08T11:00:00+00:00").code == "ok"
    late = receive(old_sent_later, store, keys, at="2026-12-09T11:00:00+00:00")
    assert issues(late) == [("handover.older-version", ["Bundle.entry[0].resource"])]
    assert [_dose(plan) for plan in store.list_plans(CJIT)] == [Decimal("20")]
    held = store.list_plans(CJIT)[0]
    assert held.recorded_at is not None and held.recorded_at.isoformat() == NEWER["recorded"]


def test_h02_one_local_plan_id_from_two_prisons_for_two_clients_is_two_plans() -> None:
    store = open_store(":memory:")
    first = load_record(data())
    other = data()
    other["service_user"].update(
        {"nhs_number": "9992819383", "prison_number": "B7788XY", "pnc_id": None, "birth_date": "1979-05-02"}
    )
    other["service_user"]["name"] = {"given": ["Dean"], "family": "Holt"}
    second = load_record(other)
    assert first.plan.id == second.plan.id
    store.save_plan(CJIT, first, source=CARAT)
    store.save_plan(CJIT, second, source="EMI")
    assert sorted(p.service_user.name.family for p in store.list_plans(CJIT)) == ["Holt", "Wiśniewski"]
    assert store.find_plans(CJIT, "A4821KD") == [first]
    assert store.find_plans(CJIT, "B7788XY") == [second]


def test_h02_careplan_receive_exports_the_plan_of_the_client_it_received(tmp_path: Path) -> None:
    keys = Keys()
    trust = tmp_path / "trust"
    trust.mkdir()
    (trust / "NTI.pub.pem").write_bytes(keys.signer(CARAT).verifier().public_pem())
    other = data()
    other["service_user"].update(
        {"nhs_number": "9992819383", "prison_number": "B7788XY", "birth_date": "1979-05-02"}
    )
    other["service_user"].pop("pnc_id")
    other["service_user"]["name"] = {"given": ["Dean"], "family": "Holt"}
    db = str(tmp_path / "cjit.db")
    for name, client in (("first", load_record(data())), ("second", load_record(other))):
        message = tmp_path / f"{name}.json"
        message.write_bytes(write_json(build(client, keys, at="2026-11-25T10:30:00+00:00")))
        export = tmp_path / f"{name}.xml"
        arguments = ["receive", str(message), "--as", CJIT, "--trust", str(trust), "--db", db]
        arguments += ["--system", "cjit-dir", "--export", str(export), "--at", "2026-11-25T11:00:00+00:00"]
        result = CliRunner().invoke(careplan, arguments)
        assert result.exit_code == 0, result.output
    second = (tmp_path / "second.xml").read_text()
    assert "Holt" in second and "Tomasz" not in second
    assert "Tomasz" in (tmp_path / "first.xml").read_text()
    assert "Holt" not in (tmp_path / "first.xml").read_text()


def test_h02_an_older_database_is_rekeyed_when_opened(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE plans (id INTEGER PRIMARY KEY AUTOINCREMENT, holder VARCHAR(16) NOT NULL, "
            "plan_id VARCHAR(64) NOT NULL, message_id VARCHAR(64), record TEXT NOT NULL, "
            "CONSTRAINT one_plan_per_holder UNIQUE (holder, plan_id))"
        )
        first = load_record(data())
        connection.execute(
            text("INSERT INTO plans (holder, plan_id, record) VALUES (:h, :p, :r)"),
            {"h": CJIT, "p": first.plan.id, "r": orjson.dumps(dump_record(first)).decode()},
        )
    engine.dispose()
    store = open_store(url)
    other = data()
    other["service_user"].update({"nhs_number": "9992819383", "prison_number": "B7788XY"})
    other["service_user"]["name"] = {"given": ["Dean"], "family": "Holt"}
    store.save_plan(CJIT, load_record(other), source="EMI")
    assert sorted(p.service_user.name.family for p in store.list_plans(CJIT)) == ["Holt", "Wiśniewski"]
    assert store.find_plans(CJIT, "A4821KD") == [first]
    store.engine.dispose()
    assert len(open_store(url).list_plans(CJIT)) == 2  # opening again changes nothing
