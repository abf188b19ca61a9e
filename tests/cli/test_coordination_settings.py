"""The local protocol's intervals (``CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS``,
``CAREPLAN_DISCHARGE_TOP_WINDOW_DAYS``) reach every command that judges co-ordination: ``check``,
``handover``, ``update`` and ``due`` (hazard H-56); a bad value stops each, naming the variable and the
range expected, before anything is written."""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from coordination.coordination_records import CLEAN, top
from coordination.settings_cases import (
    AT,
    BAD_VALUES,
    EXPECTED,
    GP,
    RECORD,
    RISK_OUT_OF_DATE,
    SENDER,
    TODAY,
    VARIABLE,
    message_findings,
    outcome_findings,
    record,
    store_holding_the_plan,
)
from typer.testing import CliRunner

from adapter.cli import app
from adapter.clock import FixedClock
from adapter.coordination import CoordinationSettings
from adapter.delivery import OutboxStatus, open_outbox
from adapter.delivery.outbox import Attempt
from adapter.handover import HandoverReason, build_handover
from adapter.handover.due import due_items
from adapter.handover.signing import Ed25519Signer
from adapter.model import load_record
from adapter.store import open_store

runner = CliRunner()


@pytest.fixture
def key(tmp_path: Path) -> Path:
    assert runner.invoke(app, ["keygen", SENDER, "--out", str(tmp_path / "keys")]).exit_code == 0
    return tmp_path / "keys" / f"{SENDER}.key.pem"


def _env(months: str) -> dict[str, str]:
    return {VARIABLE: months, "COLUMNS": "200"}


@pytest.mark.parametrize(("months", "out_of_date"), EXPECTED.items())
def test_check_judges_by_the_setting(months: str, out_of_date: bool) -> None:
    result = runner.invoke(
        app, ["check", str(RECORD), "--today", TODAY, "--format", "json"], env=_env(months)
    )
    [entry] = orjson.loads(result.stdout)["entry"]
    assert (RISK_OUT_OF_DATE in outcome_findings(entry["resource"])) is out_of_date


@pytest.mark.parametrize(("months", "out_of_date"), EXPECTED.items())
def test_the_handovers_detected_issues_are_judged_by_the_setting(
    tmp_path: Path, key: Path, months: str, out_of_date: bool
) -> None:
    out = tmp_path / "handover.json"
    args = ["handover", str(RECORD), "--to", GP, "--key", str(key), "--at", AT, "--out", str(out)]
    result = runner.invoke(app, args, env=_env(months))
    assert result.exit_code == 0, result.output
    assert (RISK_OUT_OF_DATE in message_findings(orjson.loads(out.read_bytes()))) is out_of_date
    # The Task's notes (what the receiving team reads first) say the same.
    assert ("the risk assessment of 2026-08-11 is more than" in result.stderr) is out_of_date


@pytest.mark.parametrize(("months", "out_of_date"), [(3, True), (24, False)])
def test_build_handover_takes_the_settings(months: int, out_of_date: bool) -> None:
    message = build_handover(
        record(),
        destination=GP,
        reason=HandoverReason.SHARED_CARE,
        sender=SENDER,
        clock=FixedClock(datetime.fromisoformat(AT)),
        signer=Ed25519Signer.generate(SENDER),
        settings=CoordinationSettings(months),
    )
    assert (RISK_OUT_OF_DATE in message_findings(message)) is out_of_date
    task_notes = " ".join(note["text"] for note in message["entry"][1]["resource"].get("note", []))
    assert ("plan.risk.assessed_on" in task_notes) is out_of_date


@pytest.mark.parametrize(("months", "out_of_date"), EXPECTED.items())
def test_due_lists_an_out_of_date_risk_assessment_by_the_setting(
    tmp_path: Path, months: str, out_of_date: bool
) -> None:
    db = store_holding_the_plan(tmp_path / "provider.db")
    result = runner.invoke(app, ["due", "--as", SENDER, "--db", db, "--at", AT], env=_env(months))
    assert result.exit_code == 1  # the reviews are overdue whatever the risk setting
    code, expression = RISK_OUT_OF_DATE
    assert (code in result.stdout) is out_of_date
    assert (f"{expression}: the risk assessment of 2026-08-11" in result.stdout) is out_of_date


@pytest.mark.parametrize(("months", "out_of_date"), [(3, True), (24, False)])
def test_due_items_take_the_settings(tmp_path: Path, months: int, out_of_date: bool) -> None:
    store = open_store(store_holding_the_plan(tmp_path / "provider.db"))
    clock = FixedClock(datetime.fromisoformat(AT))
    items = due_items(store, [], holder=SENDER, clock=clock, settings=CoordinationSettings(months))
    risk = [(i.what, i.about, i.detail.split(":")[0]) for i in items if i.what == RISK_OUT_OF_DATE[0]]
    assert risk == ([(RISK_OUT_OF_DATE[0], record().plan.id, RISK_OUT_OF_DATE[1])] if out_of_date else [])


@pytest.mark.parametrize(("months", "out_of_date"), EXPECTED.items())
def test_an_update_is_judged_by_the_setting(
    tmp_path: Path, key: Path, months: str, out_of_date: bool
) -> None:
    """Fixture 03 handed to the GP and delivered; the plan then changes (its title) and
    ``careplan update`` sends the GP its update, whose findings are judged by the setting."""
    db = str(tmp_path / "provider.db")
    handover = tmp_path / "handover.json"
    sent_at = "2026-11-25T09:00:00+00:00"
    args = ["handover", str(RECORD), "--to", GP, "--key", str(key), "--at", sent_at, "--out", str(handover)]
    assert runner.invoke(app, args, env=_env("3")).exit_code == 0
    outbox = open_outbox(db)
    sent = datetime.fromisoformat(sent_at)
    entry = outbox.enqueue(orjson.loads(handover.read_bytes()), "https://gp.example/fhir", at=sent)
    delivered = Attempt(sent, OutboxStatus.DELIVERED, ack_code="ok")
    outbox.record_attempt(entry.message_id, delivered)
    changed = orjson.loads(RECORD.read_bytes())
    changed["recorded_at"] = "2026-11-25T10:00:00+00:00"
    changed["plan"]["title"] = "Shared care: buprenorphine, reviewed with the GP"
    plan = tmp_path / "changed.json"
    plan.write_bytes(orjson.dumps(changed))
    out = tmp_path / "out"
    update = ["update", str(plan), "--key", str(key), "--db", db, "--out-dir", str(out), "--at", AT]
    result = runner.invoke(app, update, env=_env(months))
    assert result.exit_code == 0, result.output
    message = orjson.loads((out / f"update-{GP}.json").read_bytes())
    assert (RISK_OUT_OF_DATE in message_findings(message)) is out_of_date


@pytest.mark.parametrize("command", ["check", "handover", "update", "due"])
@pytest.mark.parametrize("bad", BAD_VALUES)
def test_a_bad_interval_stops_each_command_naming_the_variable_and_the_range(
    tmp_path: Path, key: Path, command: str, bad: str
) -> None:
    out = tmp_path / "out"
    args = {
        "check": ["check", str(RECORD), "--today", TODAY],
        "handover": ["handover", str(RECORD), "--to", GP, "--key", str(key), "--out", str(out / "h.json")],
        "update": [
            "update",
            str(RECORD),
            "--key",
            str(key),
            "--db",
            str(tmp_path / "p.db"),
            "--out-dir",
            str(out),
        ],
        "due": ["due", "--as", SENDER, "--db", str(tmp_path / "p.db")],
    }[command]
    result = runner.invoke(app, args, env=_env(bad))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{VARIABLE}: expected a whole number of months from 1 to 24, got {bad!r}"
    assert not out.exists()  # nothing written, no folder made


def test_a_bad_discharge_window_names_its_variable() -> None:
    result = runner.invoke(
        app, ["check", str(RECORD), "--today", TODAY], env={"CAREPLAN_DISCHARGE_TOP_WINDOW_DAYS": "91"}
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "CAREPLAN_DISCHARGE_TOP_WINDOW_DAYS: expected a whole number of days from 0 to 90, got '91'"
    )


def test_the_demo_judges_by_the_defaults_whatever_the_environment(tmp_path: Path) -> None:
    from adapter.cli.journey import JOURNEY_SETTINGS

    settings = JOURNEY_SETTINGS
    assert (settings.risk_assessment_max_age_months, settings.discharge_top_window_days) == (3, 28)
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "demo")], env=_env("three"))
    assert result.exit_code == 0, result.output


def _closed_19_days_after_its_exit_top(tmp_path: Path) -> Path:
    """coordination_records' clean client discharged on 20 April, the exit TOP at the review of 1 April:
    19 days before, inside the default window of 28 days and outside a local protocol's 14."""
    data = copy.deepcopy(CLEAN)
    plan = data["plan"]
    plan.update(kind="aftercare", status="completed", end="2026-04-20")
    plan["interventions"][0].update(status="completed", end="2026-04-20")
    plan["reviews"][1]["top"] = top("exit")
    plan["closure"] = {
        "kind": "closure",
        "reason": "treatment-completed",
        "date": "2026-04-20",
        "evidence_on_file": True,
        "follow_up": {"due": "2026-05-04"},
    }
    path = tmp_path / "discharged.json"
    path.write_bytes(orjson.dumps(data))
    return path


@pytest.mark.parametrize(("days", "not_at_discharge"), [("14", True), ("28", False)])
def test_the_discharge_top_window_reaches_check_and_due_alike(
    tmp_path: Path, days: str, not_at_discharge: bool
) -> None:
    plan = _closed_19_days_after_its_exit_top(tmp_path)
    env = {"CAREPLAN_DISCHARGE_TOP_WINDOW_DAYS": days, "COLUMNS": "200"}
    checked = runner.invoke(app, ["check", str(plan), "--today", "2026-05-01", "--format", "json"], env=env)
    [entry] = orjson.loads(checked.stdout)["entry"]
    finding = ("top-not-at-discharge", "plan.reviews")
    assert (finding in outcome_findings(entry["resource"])) is not_at_discharge
    db = tmp_path / "provider.db"
    open_store(str(db)).save_plan("Y03456", load_record(orjson.loads(plan.read_bytes())))
    due = runner.invoke(
        app, ["due", "--as", "Y03456", "--db", str(db), "--at", "2026-05-01T09:00:00+00:00"], env=env
    )
    assert ("top-not-at-discharge" in due.stdout and "plan.reviews: " in due.stdout) is not_at_discharge


def test_due_lists_the_three_monthly_top_and_the_review_with_the_risk(tmp_path: Path) -> None:
    """Fixture 03's last TOP is older than three months on the fixtures' day: the three-monthly TOP is
    due (seed 003, "3 monthly review thereafter") beside the review, whatever the risk setting."""
    store = open_store(store_holding_the_plan(tmp_path / "provider.db"))
    clock = FixedClock(datetime.fromisoformat(AT))
    items = due_items(store, [], holder=SENDER, clock=clock, settings=CoordinationSettings(24))
    assert {"review-overdue", "top-review-overdue"} <= {i.what for i in items}
    assert RISK_OUT_OF_DATE[0] not in {i.what for i in items}
