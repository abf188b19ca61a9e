"""``careplan update`` end to end: fixture 02 handed to the CJIT over real HTTP (httpx -> uvicorn -> the
app -> a SQLite store), then changed and sent as an update to every organisation holding a copy - the
CJIT gets it and keeps it as the new version; the GP, whom the client has refused since, gets nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
from server.cases import CARAT, CJIT, FIXTURE, GP, handover_message
from typer.testing import CliRunner

from adapter.cli import app
from adapter.cli.outbox import TOKEN_ENV
from adapter.delivery import OutboxStatus, open_outbox
from adapter.delivery.outbox import Attempt
from adapter.store import open_store
from adapter.wire import read_json, write_json
from delivery.live import LiveServer

CHANGED_AT = "2026-11-25T12:00:00+00:00"
UPDATE_AT = "2026-11-25T12:05:00+00:00"


def _changed_plan(path: Path) -> None:
    """Fixture 02 as the CARAT team changed it at noon: methadone 50 mg, and the client has refused
    sharing with the GP since the handover."""
    client = orjson.loads(FIXTURE.read_bytes())
    client["recorded_at"] = CHANGED_AT
    client["plan"]["interventions"][0]["prescribing"]["daily_dose"]["value"] = "50"
    client["consents"].append(
        {
            "id": "refusal-gp",
            "status": "active",
            "decision": "deny",
            "organisations": [GP],
            "purposes": ["continuity-of-care"],
            "start": "2026-11-25",
        }
    )
    path.write_bytes(orjson.dumps(client))


def test_update_reaches_the_holder_over_http_and_not_the_refused_gp(
    live_server: LiveServer, tmp_path: Path
) -> None:
    runner, env = CliRunner(), {TOKEN_ENV: "carat-token"}
    db = str(tmp_path / "carat.db")
    handover = tmp_path / "handover.json"
    handover.write_bytes(write_json(handover_message(live_server.signer)))
    sent = runner.invoke(app, ["send", str(handover), "--to-url", live_server.base_url, "--db", db], env=env)
    assert sent.exit_code == 0, sent.output
    # The GP was sent the plan too (delivered to its own service, not running here).
    to_gp = handover_message(live_server.signer, destination=GP)
    outbox = open_outbox(db)
    gp_entry = outbox.enqueue(
        to_gp, "https://gp.example/fhir", at=datetime.fromisoformat("2026-11-25T10:20:00+00:00")
    )
    outbox.record_attempt(
        gp_entry.message_id,
        Attempt(datetime.fromisoformat("2026-11-25T10:20:00+00:00"), OutboxStatus.DELIVERED, ack_code="ok"),
    )

    plan, key, out = tmp_path / "changed.json", tmp_path / "NTI.key.pem", tmp_path / "updates"
    _changed_plan(plan)
    key.write_bytes(live_server.signer.private_pem())
    updated = runner.invoke(
        app,
        [
            "update",
            str(plan),
            "--key",
            str(key),
            "--db",
            db,
            "--out-dir",
            str(out),
            "--deliver",
            "--at",
            UPDATE_AT,
        ],
        env=env,
    )
    assert updated.exit_code == 0, updated.output
    assert f"update for {CJIT} (plan.interventions) -> {out / f'update-{CJIT}.json'}" in updated.stderr
    assert f"delivered to {live_server.base_url}: delivered" in updated.stderr
    assert f"no update for {GP}:" in updated.stderr and "consents[1].decision" in updated.stderr
    assert not (out / f"update-{GP}.json").exists()

    message = read_json((out / f"update-{CJIT}.json").read_bytes())
    header = message["entry"][0]["resource"]
    assert header["eventCoding"]["code"] == "care-plan-update"
    entry = open_outbox(db).entry(header["id"])
    assert entry is not None and (entry.status, entry.ack_code) == (OutboxStatus.DELIVERED, "ok")
    assert [e.destination for e in open_outbox(db).entries()].count("https://gp.example/fhir") == 1

    store = open_store(live_server.folder / "cjit.db")
    versions = store.plan_versions(CJIT, "plan-nti-a4821kd")
    assert [v.recorded_at.isoformat() for v in versions] == [
        "2026-11-25T10:15:00+00:00",
        "2026-11-25T12:00:00+00:00",
    ]
    held = store.get_plan(CJIT, "plan-nti-a4821kd")
    assert held is not None and held.plan.interventions[0].prescribing is not None
    assert str(held.plan.interventions[0].prescribing.daily_dose.value) == "50"

    # Sent again: nothing new to the CJIT (its copy is the one just delivered; the plan is not newer).
    again = runner.invoke(
        app,
        [
            "update",
            str(plan),
            "--key",
            str(key),
            "--db",
            db,
            "--out-dir",
            str(tmp_path / "again"),
            "--at",
            UPDATE_AT,
        ],
        env=env,
    )
    assert (
        again.exit_code == 1
        and f"not later than the copy {CJIT} holds" in again.stderr
        and "recorded_at" in again.stderr
    )
    assert CARAT in header["source"]["endpoint"]
