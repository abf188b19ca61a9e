"""Settings from the CAREPLAN_* environment, tokens from a file, and the package's public surface."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

import adapter.server
from adapter.errors import SettingsError
from adapter.server import Settings, create_app
from adapter.server.settings import load_settings
from adapter.wire import read_json


def test_create_app_reads_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    tokens = tmp_path / "tokens.json"
    tokens.write_bytes(orjson.dumps({"from-file": "B82017", "both": "Y03456"}))
    monkeypatch.setenv("CAREPLAN_ODS", "Y06789")
    monkeypatch.setenv("CAREPLAN_DATABASE_URL", str(tmp_path / "cmht.db"))
    monkeypatch.setenv("CAREPLAN_TRUST_DIR", str(tmp_path / "no-keys-yet"))
    monkeypatch.setenv("CAREPLAN_TOKENS", '{"from-env": "NTI", "both": "Y02345"}')
    monkeypatch.setenv("CAREPLAN_TOKENS_FILE", str(tokens))
    monkeypatch.setenv("CAREPLAN_INSECURE_DEV", "true")  # no trust folder yet: a developer's machine
    app = create_app()
    assert app.state.settings.ods == "Y06789"
    assert app.state.callers == {"from-env": "NTI", "from-file": "B82017", "both": "Y03456"}
    assert (tmp_path / "cmht.db").exists()
    assert "no trust folder" in caplog.text
    with TestClient(app) as client:
        assert client.get("/CarePlan", headers={"Authorization": "Bearer from-file"}).status_code == 200
        statement = read_json(client.get("/metadata").content)
    assert statement["implementation"]["description"].endswith("Y06789")


def test_a_bad_tokens_file_stops_the_server_starting(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.json"
    tokens.write_bytes(b'["not", "a", "mapping"]')
    settings = Settings(ods="Y02345", database_url=":memory:", tokens_file=tokens)
    with pytest.raises(SettingsError, match=r"CAREPLAN_TOKENS_FILE: .*JSON object of strings"):
        create_app(settings)


@pytest.mark.parametrize(
    ("tokens", "trust", "refused"),
    [
        ({}, True, ["CAREPLAN_TOKENS"]),
        ({"t": "NTI"}, False, ["CAREPLAN_TRUST_DIR"]),
        ({}, False, ["CAREPLAN_TOKENS", "CAREPLAN_TRUST_DIR"]),
    ],
)
def test_no_tokens_or_no_trust_folder_refuses_to_start_unless_insecure_dev(
    tmp_path: Path, tokens: dict[str, str], trust: bool, refused: list[str]
) -> None:
    folder = tmp_path / "trust"
    if trust:
        folder.mkdir()
    settings = Settings(ods="Y02345", database_url=":memory:", tokens=tokens, trust_dir=folder)
    with pytest.raises(SettingsError) as error:
        create_app(settings)
    assert [issue.expression for issue in error.value.outcome.issues] == refused
    assert create_app(settings.model_copy(update={"insecure_dev": True})).state.settings.insecure_dev


def test_settings_errors_name_the_variable_and_the_form(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAREPLAN_ODS", raising=False)
    with pytest.raises(SettingsError) as unset:
        load_settings()
    assert [(i.expression, i.text) for i in unset.value.outcome.issues] == [
        ("CAREPLAN_ODS", "CAREPLAN_ODS: not set; expected this organisation's ODS code, e.g. Y02345")
    ]
    monkeypatch.setenv("CAREPLAN_ODS", "Y02345")
    monkeypatch.setenv("CAREPLAN_TOKENS", "not json")
    with pytest.raises(SettingsError) as malformed:
        load_settings()
    (issue,) = malformed.value.outcome.issues
    assert issue.expression == "CAREPLAN_TOKENS"
    assert issue.text.startswith("CAREPLAN_TOKENS: not understood; expected a JSON object")


def test_the_ods_code_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAREPLAN_ODS", raising=False)
    with pytest.raises(ValueError, match="ods"):
        Settings()


def test_public_surface() -> None:
    assert list(adapter.server.__all__) == sorted(set(adapter.server.__all__))
    assert [name for name in adapter.server.__all__ if not hasattr(adapter.server, name)] == []


def test_a_signing_key_file_that_holds_no_key_stops_the_server_naming_the_setting(tmp_path: Path) -> None:
    from adapter.handover import Ed25519Signer
    from server.cases import settings_for

    not_a_key = tmp_path / "key.pem"
    not_a_key.write_text("not a key")
    settings = settings_for(tmp_path, Ed25519Signer.generate("NTI"), signing_key_file=not_a_key)
    with pytest.raises(SettingsError) as stopped:
        create_app(settings)
    assert stopped.value.outcome.issues[0].expression == "CAREPLAN_SIGNING_KEY_FILE"
