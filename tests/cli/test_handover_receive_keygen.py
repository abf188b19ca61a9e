"""The command bodies through typer (registered on a local app, as adapter.cli registers them) and the
prison-release journey that ``careplan demo`` runs."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from adapter.cli import app
from adapter.cli.journey import prison_release_journey
from adapter.handover import canonical_form
from adapter.wire import read_json

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "clients"
runner = CliRunner()
RELEASE = str(FIXTURES / "02-carat-release.json")
AT = "2026-11-25T10:30:00+00:00"
CARAT_EXPORT = FIXTURES.parent / "systems" / "carat" / "02-carat-release.csv"


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    folder = tmp_path / "keys"
    assert runner.invoke(app, ["keygen", "NTI", "--out", str(folder)]).exit_code == 0
    return folder


def test_keygen_writes_a_private_and_a_public_key_and_never_overwrites(keys: Path) -> None:
    assert sorted(p.name for p in keys.iterdir()) == ["NTI.key.pem", "NTI.pub.pem"]
    assert (keys / "NTI.key.pem").stat().st_mode & 0o077 == 0
    again = runner.invoke(app, ["keygen", "NTI", "--out", str(keys)])
    assert again.exit_code == 2 and "not overwriting" in again.output


def test_handover_then_receive_then_redeliver(keys: Path, tmp_path: Path) -> None:
    message, ack, db = tmp_path / "handover.json", tmp_path / "ack.json", str(tmp_path / "cjit.db")
    sent = runner.invoke(
        app,
        [
            "handover",
            RELEASE,
            "--to",
            "Y02345",
            "--key",
            str(keys / "NTI.key.pem"),
            "--out",
            str(message),
            "--at",
            AT,
        ],
    )
    assert sent.exit_code == 0, sent.output
    header_id = orjson.loads(message.read_bytes())["entry"][0]["resource"]["id"]
    args = ["receive", str(message), "--as", "Y02345", "--trust", str(keys), "--db", db, "--at", AT]
    received = runner.invoke(app, [*args, "--out", str(ack)])
    assert received.exit_code == 0, received.output
    assert f"message {header_id}: ok (Task received)" in received.output
    answer = orjson.loads(ack.read_bytes())["entry"][0]["resource"]["response"]
    assert (answer["identifier"], answer["code"]) == (header_id, "ok")
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and orjson.loads(again.stdout)["entry"][0]["resource"]["response"] == answer


def test_the_reason_defaults_by_the_pair_and_the_source_may_be_a_system_export(
    keys: Path, tmp_path: Path
) -> None:
    out = tmp_path / "h.xml"
    sent = runner.invoke(
        app,
        [
            "handover",
            str(CARAT_EXPORT),
            "--from",
            "carat",
            "--to",
            "Y02345",
            "--key",
            str(keys / "NTI.key.pem"),
            "--out",
            str(out),
            "--at",
            AT,
        ],
    )
    assert sent.exit_code == 0, sent.output
    assert b'<code value="prison-release"/>' in out.read_bytes()


def test_a_refused_handover_exits_1_naming_the_problem(keys: Path, tmp_path: Path) -> None:
    db = tmp_path / "carat.db"
    refused = runner.invoke(
        app,
        [
            "handover",
            RELEASE,
            "--to",
            "B82017",
            "--reason",
            "shared-care",
            "--key",
            str(keys / "NTI.key.pem"),
            "--db",
            str(db),
            "--at",
            AT,
        ],
    )
    assert refused.exit_code == 1
    assert (
        "handover to B82017 refused" in refused.output
        and "error: consents[0].purposes: consent" in refused.output
    )
    from adapter.store import open_store

    assert [r.counterpart for r in open_store(db).list_refusals()] == ["B82017"]


def test_no_key_or_unreadable_input_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAREPLAN_SIGNING_KEY", raising=False)
    no_key = runner.invoke(app, ["handover", RELEASE, "--to", "Y02345"])
    assert no_key.exit_code == 2 and "no signing key" in no_key.output
    missing = runner.invoke(app, ["handover", str(tmp_path / "nope.json"), "--to", "Y02345"])
    assert missing.exit_code == 2 and "nope.json: no such file" in missing.output
    (tmp_path / "bad.json").write_text("{}")
    unreadable = runner.invoke(
        app, ["receive", str(tmp_path / "bad.json"), "--as", "Y02345", "--db", ":memory:"]
    )
    assert unreadable.exit_code == 2 and "not a FHIR message" in unreadable.output
    (tmp_path / "patient.json").write_text('{"resourceType": "Patient"}')
    not_a_message = runner.invoke(
        app, ["receive", str(tmp_path / "patient.json"), "--as", "Y02345", "--db", ":memory:"]
    )
    assert not_a_message.exit_code == 1 and "refused" in not_a_message.output
    assert "error: a handover message is a FHIR Bundle" in not_a_message.output


def test_receiving_a_message_for_someone_else_exits_1(keys: Path, tmp_path: Path) -> None:
    message = tmp_path / "handover.json"
    runner.invoke(
        app,
        [
            "handover",
            RELEASE,
            "--to",
            "Y02345",
            "--key",
            str(keys / "NTI.key.pem"),
            "--out",
            str(message),
            "--at",
            AT,
        ],
    )
    wrong = runner.invoke(
        app, ["receive", str(message), "--as", "B82017", "--trust", str(keys), "--db", ":memory:"]
    )
    assert wrong.exit_code == 1
    assert "fatal-error" in wrong.output and "Bundle.entry[0].resource.destination" in wrong.output


def test_the_prison_release_journey_runs_every_step(tmp_path: Path) -> None:
    from rich.console import Console

    console = Console(record=True, width=200)
    journey = prison_release_journey(tmp_path, console=console)
    assert [(step.name, step.ok) for step in journey.steps] == [
        ("CARAT export", True),
        ("checked", True),
        ("validated", True),
        ("consent gate", True),
        ("handover to the CJIT", True),
        ("CJIT receives", True),
        ("CJIT decides", True),
        ("handover to the GP", True),
        ("GP shared-care import", True),
        ("GP decides", True),
        ("acknowledgements", True),
        ("decisions at the CARAT team", True),
        ("paper copy", True),
    ]
    assert journey.ok
    printed = console.export_text()
    assert "6. CJIT receives ok: ok, Task received" in printed
    assert "7. CJIT decides ok: Task received -> accepted; decision message" in printed
    for label in (
        "plan",
        "handover-CJIT",
        "ack-CJIT",
        "decision-CJIT",
        "cjit-dir",
        "handover-GP",
        "ack-GP",
        "gp-shared-care",
        "trust",
    ):
        assert journey.files[label].exists(), label
    gp_message = orjson.loads(journey.files["handover-GP"].read_bytes())
    assert "Condition" not in {e["resource"]["resourceType"] for e in gp_message["entry"]}
    assert not list(tmp_path.rglob("*.key.pem"))  # no private key is written
    # The same instant each run: the same messages (the keys, and so the signatures, are new each run).
    first = canonical_form(read_json(journey.files["handover-CJIT"].read_bytes()), 2)
    with (tmp_path / "log").open("w") as log:
        prison_release_journey(tmp_path / "again", console=Console(file=log))
    assert canonical_form(read_json((tmp_path / "again" / "handover-cjit.json").read_bytes()), 2) == first


def test_an_accepted_plan_is_written_in_the_receivers_own_format(keys: Path, tmp_path: Path) -> None:
    message, export = tmp_path / "handover.json", tmp_path / "dir.xml"
    key = str(keys / "NTI.key.pem")
    runner.invoke(
        app, ["handover", RELEASE, "--to", "Y02345", "--key", key, "--out", str(message), "--at", AT]
    )
    args = ["receive", str(message), "--as", "Y02345", "--trust", str(keys), "--db", ":memory:", "--at", AT]
    received = runner.invoke(app, [*args, "--system", "cjit-dir", "--export", str(export)])
    assert received.exit_code == 0, received.output
    assert "plan written as cjit-dir" in received.output
    assert export.read_bytes().lstrip().startswith(b"<")
    alone = runner.invoke(app, [*args, "--system", "cjit-dir"])
    assert alone.exit_code == 2 and "go together" in alone.output


def test_an_unknown_destination_is_named_before_any_reason_is_guessed(keys: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["handover", RELEASE, "--to", "ZZZ99", "--key", str(keys / "NTI.key.pem"), "--out", "x.json"]
    )
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "ZZZ99 is not an organisation in this record" in text
    assert "Y02345" in text
    assert not (tmp_path / "x.json").exists()
