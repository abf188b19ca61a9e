"""H-56: co-ordination judged by different intervals in different places. One record (fixture 03, its
risk assessed on 2026-08-11) under one setting gets one answer from ``careplan check``, from the
handover built by ``careplan handover``, from ``careplan due`` over its SQLite store and from the
REST facade's ``$check``; and a bad setting stops the command line and the server alike."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from coordination.settings_cases import (
    AT,
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
from fastapi.testclient import TestClient
from server.cases import CARAT, bearer, cjit_app
from typer.testing import CliRunner

from adapter.cli import app as cli
from adapter.fhir import to_fhir
from adapter.handover import Ed25519Signer
from adapter.wire import read_json, write_json

runner = CliRunner()


def _risk(found: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {finding for finding in found if finding[0] == RISK_OUT_OF_DATE[0]}


@pytest.mark.parametrize(("months", "out_of_date"), EXPECTED.items())
def test_h56_check_handover_and_due_agree_for_one_record_and_setting(
    tmp_path: Path, months: str, out_of_date: bool
) -> None:
    env = {VARIABLE: months, "COLUMNS": "200"}
    checked = runner.invoke(cli, ["check", str(RECORD), "--today", TODAY, "--format", "json"], env=env)
    [entry] = orjson.loads(checked.stdout)["entry"]
    by_check = _risk(outcome_findings(entry["resource"]))

    assert runner.invoke(cli, ["keygen", SENDER, "--out", str(tmp_path / "keys")]).exit_code == 0
    key, message = tmp_path / "keys" / f"{SENDER}.key.pem", tmp_path / "handover.json"
    args = ["handover", str(RECORD), "--to", GP, "--key", str(key), "--at", AT, "--out", str(message)]
    assert runner.invoke(cli, args, env=env).exit_code == 0
    by_handover = _risk(message_findings(orjson.loads(message.read_bytes())))

    db = store_holding_the_plan(tmp_path / "provider.db")
    due = runner.invoke(cli, ["due", "--as", SENDER, "--db", db, "--at", AT], env=env).stdout
    code, expression = RISK_OUT_OF_DATE
    by_due = {RISK_OUT_OF_DATE} if code in due and f"{expression}: " in due else set()

    app = cjit_app(tmp_path, Ed25519Signer.generate(CARAT), risk_assessment_max_age_months=months)
    with TestClient(app) as client:
        response = client.post(
            "/CarePlan/$check",
            content=write_json(to_fhir(record())),
            headers={"Content-Type": "application/fhir+json"} | bearer("cjit-token"),
        )
    by_server = _risk(outcome_findings(read_json(response.content)))

    expected = {RISK_OUT_OF_DATE} if out_of_date else set()
    assert by_check == by_handover == by_due == by_server == expected


def test_h56_a_bad_interval_stops_the_command_line_and_the_server_alike() -> None:
    env = {VARIABLE: "25", "CAREPLAN_ODS": "Y02345", "CAREPLAN_DATABASE_URL": ":memory:"}
    checked = runner.invoke(cli, ["check", str(RECORD), "--today", TODAY], env=env)
    served = runner.invoke(cli, ["serve", "--insecure-dev", "--port", "1"], env=env)
    assert (checked.exit_code, served.exit_code) == (2, 2)
    for refused in (checked.stderr, served.stderr):
        assert f"{VARIABLE}: " in refused and "a whole number of months from 1 to 24" in refused
