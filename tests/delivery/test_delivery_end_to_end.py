"""Fixture 02's prison-release handover, built and signed by the CARAT team, delivered over real HTTP
(httpx -> uvicorn -> the app -> a SQLite store) to the CJIT of the release area; then again."""

from __future__ import annotations

from pathlib import Path

import httpx
from server.cases import CJIT, NHS_NUMBER, bearer, clock, handover_message
from typer.testing import CliRunner

from adapter.cli import app
from adapter.cli.outbox import TOKEN_ENV
from adapter.delivery import Deliverer, OutboxStatus, open_outbox, process_message_url
from adapter.store import open_store
from adapter.wire import read_json, write_json
from delivery.live import LiveServer

NHS = "https://fhir.nhs.uk/Id/nhs-number"


def never_sleep(seconds: float) -> None:
    raise AssertionError(f"a delivery to a live receiver should not wait ({seconds}s)")


def test_prison_release_handover_delivered_end_to_end(live_server: LiveServer, tmp_path: Path) -> None:
    message = handover_message(live_server.signer)
    message_id = message["entry"][0]["resource"]["id"]
    task_id = message["entry"][1]["resource"]["id"]
    with httpx.Client(headers=bearer("carat-token"), timeout=30) as client:
        deliverer = Deliverer(client, open_outbox(tmp_path / "carat.db"), clock=clock(), sleep=never_sleep)
        entry = deliverer.send(message, live_server.base_url)

        assert (entry.status, entry.ack_code, entry.attempts) == (OutboxStatus.DELIVERED, "ok", 1)
        assert entry.answer is not None
        header = entry.answer["entry"][0]["resource"]
        assert header["response"]["identifier"] == message_id
        tasks = [e["resource"] for e in entry.answer["entry"] if e["resource"]["resourceType"] == "Task"]
        assert [(t["id"], t["status"]) for t in tasks] == [(task_id, "received")]

        store = open_store(live_server.folder / "cjit.db")
        assert [plan.plan.id for plan in store.list_plans(CJIT)] == ["plan-nti-a4821kd"]
        task = store.get_task(task_id)
        assert task is not None and (task.status, task.message_id) == ("received", message_id)

        # Sent again, as a sender that crashed after sending and before recording would: same answer.
        again = client.post(
            process_message_url(live_server.base_url),
            content=write_json(message),
            headers={"Content-Type": "application/fhir+json"},
        )
        assert again.status_code == 200
        assert read_json(again.content) == entry.answer
        assert len(store.list_plans(CJIT)) == 1

    # The GP pulls the plan it shares care of, over the same live server.
    with httpx.Client(base_url=live_server.base_url, headers=bearer("gp-token"), timeout=30) as gp:
        found = read_json(gp.get("/CarePlan", params={"patient.identifier": f"{NHS}|{NHS_NUMBER}"}).content)
    assert found["total"] == 1
    plans = [e["resource"] for e in found["entry"] if e["search"]["mode"] == "match"]
    assert [(p["resourceType"], p["status"]) for p in plans] == [("CarePlan", "active")]


def test_send_and_outbox_commands(live_server: LiveServer, tmp_path: Path) -> None:
    file = tmp_path / "handover.json"
    file.write_bytes(write_json(handover_message(live_server.signer)))
    db = str(tmp_path / "carat.db")
    runner = CliRunner()
    env = {TOKEN_ENV: "carat-token"}

    sent = runner.invoke(app, ["send", str(file), "--to-url", live_server.base_url, "--db", db], env=env)
    assert sent.exit_code == 0, sent.output
    assert ": delivered (ok) after 1 attempt" in sent.stderr
    resent = runner.invoke(app, ["send", str(file), "--to-url", live_server.base_url, "--db", db], env=env)
    assert resent.exit_code == 0 and ": delivered (ok) after 1 attempt" in resent.stderr

    listed = runner.invoke(app, ["outbox", "--db", db])
    assert listed.exit_code == 0
    assert "delivered" in listed.stdout and "ok" in listed.stdout

    unauthorised = runner.invoke(
        app,
        ["send", str(file), "--to-url", live_server.base_url, "--db", str(tmp_path / "other.db")],
        env={TOKEN_ENV: None},
    )
    assert unauthorised.exit_code == 1
    assert "HTTP 401" in unauthorised.stderr
    assert f"no token was sent: set {TOKEN_ENV}" in unauthorised.stderr
    wrong_token = runner.invoke(
        app,
        ["send", str(file), "--to-url", live_server.base_url, "--db", str(tmp_path / "third.db")],
        env={TOKEN_ENV: "not-issued"},
    )
    assert wrong_token.exit_code == 1
    assert f"the receiver refused our token: set {TOKEN_ENV}" in wrong_token.stderr


def test_a_failed_entry_is_retried_to_a_corrected_url(live_server: LiveServer, tmp_path: Path) -> None:
    file = tmp_path / "handover.json"
    message = handover_message(live_server.signer)
    message_id = message["entry"][0]["resource"]["id"]
    file.write_bytes(write_json(message))
    db = str(tmp_path / "carat.db")
    runner = CliRunner()
    env = {TOKEN_ENV: "carat-token"}
    mistyped = live_server.base_url + "/no-such-base"
    failed = runner.invoke(app, ["send", str(file), "--to-url", mistyped, "--db", db], env=env)
    assert failed.exit_code == 1 and ": failed after 1 attempt; HTTP 404" in failed.stderr

    again = runner.invoke(app, ["send", str(file), "--to-url", mistyped, "--db", db], env=env)
    assert again.exit_code == 2 and f"careplan outbox retry {message_id} tries again" in again.stderr
    elsewhere = runner.invoke(app, ["send", str(file), "--to-url", live_server.base_url, "--db", db], env=env)
    assert elsewhere.exit_code == 2
    assert f"careplan outbox retry {message_id} --to-url {live_server.base_url}" in elsewhere.stderr

    listed = runner.invoke(app, ["outbox", "--db", db, "list", "--status", "failed"])
    assert listed.exit_code == 1 and message_id in listed.stdout

    retried = runner.invoke(
        app, ["outbox", "--db", db, "retry", message_id, "--to-url", live_server.base_url], env=env
    )
    assert retried.exit_code == 0, retried.output
    assert f"message {message_id} -> {live_server.base_url}: delivered (ok) after 1 attempt" in retried.stderr
    entry = open_outbox(db).entry(message_id)
    assert entry is not None and (entry.status, entry.destination) == (
        OutboxStatus.DELIVERED,
        live_server.base_url,
    )

    delivered_again = runner.invoke(app, ["outbox", "--db", db, "retry", message_id], env=env)
    assert delivered_again.exit_code == 2
    assert f"message {message_id} is delivered, not failed" in delivered_again.stderr
