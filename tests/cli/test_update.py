"""``careplan update`` without a network: who it writes an update for (the outbox's record of what was
delivered), what it says for the others, and its refusals; then ``careplan receive`` applies the update
and ``careplan due`` shows it to review. (Delivery over HTTP: tests/delivery/test_update_end_to_end.py.)"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from adapter.cli import app
from adapter.delivery import OutboxStatus, open_outbox
from adapter.delivery.outbox import Attempt

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "clients"
RELEASE = FIXTURES / "02-carat-release.json"
runner = CliRunner()
SENT_AT, UPDATE_AT = "2026-11-25T10:30:00+00:00", "2026-11-25T12:05:00+00:00"


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    folder = tmp_path / "keys"
    assert runner.invoke(app, ["keygen", "NTI", "--out", str(folder)]).exit_code == 0
    return folder


def _handed_over(keys: Path, tmp_path: Path, db: str, *, delivered: bool = True) -> Path:
    """Fixture 02 handed to the CJIT and recorded in the outbox as the sender's send would."""
    message = tmp_path / "handover.json"
    args = ["handover", str(RELEASE), "--to", "Y02345", "--key", str(keys / "NTI.key.pem"), "--at", SENT_AT]
    assert runner.invoke(app, [*args, "--out", str(message)]).exit_code == 0
    outbox = open_outbox(db)
    entry = outbox.enqueue(
        orjson.loads(message.read_bytes()), "https://cjit.example/fhir", at=datetime.fromisoformat(SENT_AT)
    )
    if delivered:
        outbox.record_attempt(
            entry.message_id, Attempt(datetime.fromisoformat(SENT_AT), OutboxStatus.DELIVERED, ack_code="ok")
        )
    return message


def _changed(tmp_path: Path, recorded_at: str | None = "2026-11-25T12:00:00+00:00") -> Path:
    client = orjson.loads(RELEASE.read_bytes())
    client["plan"]["interventions"][0]["prescribing"]["daily_dose"]["value"] = "50"
    if recorded_at is None:
        del client["recorded_at"]
    else:
        client["recorded_at"] = recorded_at
    path = tmp_path / "changed.json"
    path.write_bytes(orjson.dumps(client))
    return path


def _update(keys: Path, plan: Path, db: str, out: Path) -> list[str]:
    return [
        "update",
        str(plan),
        "--key",
        str(keys / "NTI.key.pem"),
        "--db",
        db,
        "--out-dir",
        str(out),
        "--at",
        UPDATE_AT,
    ]


def test_update_written_for_the_holder_then_received_and_due_for_review(keys: Path, tmp_path: Path) -> None:
    db, cjit_db, out = str(tmp_path / "carat.db"), str(tmp_path / "cjit.db"), tmp_path / "out"
    handover = _handed_over(keys, tmp_path, db)
    result = runner.invoke(app, _update(keys, _changed(tmp_path), db, out))
    assert result.exit_code == 0, result.output
    update = out / "update-Y02345.json"
    assert f"update for Y02345 (plan.interventions) -> {update}" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["update-Y02345.json"]

    trust = ["--as", "Y02345", "--trust", str(keys), "--db", cjit_db]
    assert (
        runner.invoke(app, ["receive", str(handover), *trust, "--at", "2026-11-25T10:31:00+00:00"]).exit_code
        == 0
    )
    received = runner.invoke(app, ["receive", str(update), *trust, "--at", "2026-11-25T12:10:00+00:00"])
    assert received.exit_code == 0, received.output
    due = runner.invoke(app, ["due", "--as", "Y02345", "--db", cjit_db, "--at", "2026-11-25T12:20:00+00:00"])
    assert "update to review" in due.stdout and "awaiting decision" in due.stdout


def test_an_update_received_without_the_plan_is_refused(keys: Path, tmp_path: Path) -> None:
    db, out = str(tmp_path / "carat.db"), tmp_path / "out"
    _handed_over(keys, tmp_path, db)
    assert runner.invoke(app, _update(keys, _changed(tmp_path), db, out)).exit_code == 0
    args = ["--as", "Y02345", "--trust", str(keys), "--db", str(tmp_path / "empty.db"), "--at", UPDATE_AT]
    received = runner.invoke(app, ["receive", str(out / "update-Y02345.json"), *args])
    assert received.exit_code == 1
    assert "holds no copy of it here" in received.output


def test_nothing_held_nothing_sent(keys: Path, tmp_path: Path) -> None:
    db, out = str(tmp_path / "carat.db"), tmp_path / "out"
    _handed_over(keys, tmp_path, db, delivered=False)
    result = runner.invoke(app, _update(keys, _changed(tmp_path), db, out))
    assert result.exit_code == 0, result.output
    assert "no update for Y02345:" in result.stderr and "is pending, so it holds no copy yet" in result.stderr
    assert (
        "no organisation holds a copy of plan plan-nti-a4821kd sent from NTI: nothing sent" in result.stderr
    )
    assert list(out.iterdir()) == []


def test_a_plan_that_does_not_say_when_it_was_recorded_is_refused(keys: Path, tmp_path: Path) -> None:
    db, out = str(tmp_path / "carat.db"), tmp_path / "out"
    _handed_over(keys, tmp_path, db)
    result = runner.invoke(app, _update(keys, _changed(tmp_path, recorded_at=None), db, out))
    assert result.exit_code == 1
    assert "error: recorded_at: the changed plan does not say when it was recorded" in result.stderr
    assert list(out.iterdir()) == []


def test_an_unreadable_plan_or_key_is_bad_input(keys: Path, tmp_path: Path) -> None:
    db, out = str(tmp_path / "carat.db"), tmp_path / "out"
    missing = runner.invoke(app, _update(keys, tmp_path / "nothing.json", db, out))
    assert missing.exit_code == 2
    no_key = runner.invoke(
        app, ["update", str(_changed(tmp_path)), "--key", str(tmp_path / "no.pem"), "--db", db]
    )
    assert no_key.exit_code == 2 and "no.pem" in no_key.output
