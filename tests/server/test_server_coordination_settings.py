"""``POST /CarePlan/$check`` judges by the server's ``CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS`` and
``CAREPLAN_DISCHARGE_TOP_WINDOW_DAYS``, as ``careplan check`` does (hazard H-56); a bad value stops
the server starting, naming the variable and the range expected."""

from __future__ import annotations

from pathlib import Path

import pytest
from coordination.settings_cases import (
    BAD_VALUES,
    EXPECTED,
    RISK_OUT_OF_DATE,
    VARIABLE,
    outcome_findings,
    record,
)
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from adapter.cli import app as cli
from adapter.coordination import CoordinationSettings
from adapter.errors import SettingsError
from adapter.fhir import to_fhir
from adapter.handover import Ed25519Signer
from adapter.server import Settings, create_app, get_clock
from adapter.server.settings import load_settings
from adapter.types import FhirJson
from adapter.wire import read_json, write_json
from server.cases import CJIT, bearer, cjit_app, clock

FHIR_JSON = {"Content-Type": "application/fhir+json"}


def _check(client: TestClient) -> FhirJson:
    body = write_json(to_fhir(record()))
    response = client.post("/CarePlan/$check", content=body, headers=FHIR_JSON | bearer("cjit-token"))
    assert response.status_code == 200
    outcome: FhirJson = read_json(response.content)
    return outcome


@pytest.mark.parametrize(("months", "out_of_date"), EXPECTED.items())
def test_check_judges_by_the_settings_object(
    tmp_path: Path, signer: Ed25519Signer, months: str, out_of_date: bool
) -> None:
    app = cjit_app(tmp_path, signer, risk_assessment_max_age_months=months)
    with TestClient(app) as client:
        outcome = _check(client)
    assert (RISK_OUT_OF_DATE in outcome_findings(outcome)) is out_of_date


@pytest.mark.parametrize(("months", "out_of_date"), EXPECTED.items())
def test_check_judges_by_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, months: str, out_of_date: bool
) -> None:
    monkeypatch.setenv("CAREPLAN_ODS", CJIT)
    monkeypatch.setenv("CAREPLAN_DATABASE_URL", str(tmp_path / "cjit.db"))
    monkeypatch.setenv("CAREPLAN_TOKENS", '{"cjit-token": "Y02345"}')
    monkeypatch.setenv("CAREPLAN_INSECURE_DEV", "true")
    monkeypatch.setenv(VARIABLE, months)
    app = create_app()
    assert app.state.coordination == CoordinationSettings(int(months), 28)
    app.dependency_overrides[get_clock] = clock
    with TestClient(app) as client:
        outcome = _check(client)
    assert (RISK_OUT_OF_DATE in outcome_findings(outcome)) is out_of_date


def test_the_settings_default_to_the_command_lines_defaults() -> None:
    settings = Settings(ods=CJIT)
    assert settings.coordination() == CoordinationSettings() == CoordinationSettings(3, 28)


@pytest.mark.parametrize("bad", BAD_VALUES)
def test_a_bad_interval_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv(VARIABLE, bad)
    with pytest.raises(SettingsError) as caught:
        load_settings(ods=CJIT)
    [issue] = caught.value.outcome.issues
    assert issue.expression == VARIABLE
    assert issue.text == f"{VARIABLE}: not understood; expected a whole number of months from 1 to 24"


def test_a_bad_discharge_window_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPLAN_DISCHARGE_TOP_WINDOW_DAYS", "-1")
    with pytest.raises(SettingsError) as caught:
        load_settings(ods=CJIT)
    assert [i.expression for i in caught.value.outcome.issues] == ["CAREPLAN_DISCHARGE_TOP_WINDOW_DAYS"]
    assert "expected a whole number of days from 0 to 90" in caught.value.outcome.issues[0].text


@pytest.mark.parametrize("bad", BAD_VALUES)
def test_serve_does_not_start_with_a_bad_interval(bad: str) -> None:
    env = {
        "CAREPLAN_ODS": CJIT,
        "CAREPLAN_DATABASE_URL": ":memory:",
        "CAREPLAN_INSECURE_DEV": "true",
        VARIABLE: bad,
    }
    result = CliRunner().invoke(cli, ["serve", "--port", "1"], env=env)
    assert result.exit_code == 2
    assert (
        f"careplan serve: error: {VARIABLE}: not understood; expected a whole number of months from 1 to 24"
        in result.stderr
    )
