"""Issue 9's rough edges, as a new user meets them: each gets one clear line and a test.

Output folders are made or refused before any work; options are checked before anything is stored;
keygen takes an ODS code only; acknowledgements of different outcomes have different ids; empty and
wrong-kind input is an error; commands print the FHIR ids they wrote; `check` reads any format;
`--version`; help without stray type labels."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from adapter.cli import app
from adapter.fhir import care_plan_id
from adapter.model import load_record
from adapter.store import open_store

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
RELEASE = FIXTURES / "clients" / "02-carat-release.json"
GOLDEN = FIXTURES / "golden" / "02-carat-release.bundle.json"
AT = "2026-11-25T10:30:00+00:00"
runner = CliRunner()


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    folder = tmp_path / "keys"
    assert runner.invoke(app, ["keygen", "NTI", "--out", str(folder)]).exit_code == 0
    return folder


@pytest.fixture
def message(keys: Path, tmp_path: Path) -> Path:
    out = tmp_path / "handover.json"
    args = ["handover", str(RELEASE), "--to", "Y02345", "--key", str(keys / "NTI.key.pem"), "--out", str(out)]
    assert runner.invoke(app, [*args, "--at", AT]).exit_code == 0
    return out


def blocked(tmp_path: Path) -> Path:
    """A path whose folder cannot be made: its parent is a file."""
    (tmp_path / "a-file").write_text("x")
    return tmp_path / "a-file" / "sub" / "out.json"


def test_missing_output_folders_are_made(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "dir" / "plan.json"
    result = runner.invoke(app, ["convert", str(RELEASE), str(target)])
    assert result.exit_code == 0, result.output
    assert orjson.loads(target.read_bytes())["resourceType"] == "Bundle"


@pytest.mark.parametrize(
    "command",
    [
        lambda out, keys: ["convert", str(RELEASE), str(out)],
        lambda out, keys: ["keygen", "NTI", "--out", str(out.parent)],
        lambda out, keys: ["handover", str(RELEASE), "--to", "Y02345", "--key", str(keys), "--out", str(out)],
        lambda out, keys: ["demo", "--out", str(out.parent)],
    ],
    ids=["convert", "keygen", "handover", "demo"],
)
def test_an_output_folder_that_cannot_be_made_is_refused_before_any_work(
    tmp_path: Path, keys: Path, command: object
) -> None:
    out = blocked(tmp_path)
    args = command(out, keys / "NTI.key.pem")  # type: ignore[operator]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "cannot create the folder" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "keys"]


def test_receive_refuses_an_unwritable_acknowledgement_before_storing(
    tmp_path: Path, keys: Path, message: Path
) -> None:
    db = tmp_path / "cjit.db"
    args = ["receive", str(message), "--as", "Y02345", "--trust", str(keys), "--db", str(db)]
    result = runner.invoke(app, [*args, "--out", str(blocked(tmp_path)), "--at", AT])
    assert result.exit_code == 2 and "cannot create the folder" in result.stderr
    assert not db.exists()


def test_receive_checks_system_before_storing_and_prints_the_fhir_id(
    tmp_path: Path, keys: Path, message: Path
) -> None:
    db = tmp_path / "cjit.db"
    args = ["receive", str(message), "--as", "Y02345", "--trust", str(keys), "--db", str(db), "--at", AT]
    unknown = runner.invoke(app, [*args, "--system", "emis", "--export", str(tmp_path / "plan.xml")])
    assert unknown.exit_code == 2 and "emis" in unknown.stderr
    assert not db.exists()

    received = runner.invoke(app, [*args, "--system", "cjit-dir", "--export", str(tmp_path / "plan.xml")])
    assert received.exit_code == 0, received.output
    fhir_id = care_plan_id(load_record(orjson.loads(RELEASE.read_bytes())))
    assert f"plan plan-nti-a4821kd held as CarePlan/{fhir_id}" in received.stderr
    assert open_store(str(db)).find_plan("Y02345", fhir_id) is not None
    assert (tmp_path / "plan.xml").read_bytes().startswith(b"<")


def test_acknowledgements_of_different_outcomes_have_different_ids(
    tmp_path: Path, keys: Path, message: Path
) -> None:
    db = str(tmp_path / "cjit.db")
    untrusted = tmp_path / "empty-trust"
    untrusted.mkdir()
    base = ["receive", str(message), "--as", "Y02345", "--db", db, "--at", AT]
    refused = runner.invoke(app, [*base, "--trust", str(untrusted)])
    assert refused.exit_code == 1
    accepted = runner.invoke(app, [*base, "--trust", str(keys)])
    assert accepted.exit_code == 0, accepted.output
    first, second = orjson.loads(refused.stdout), orjson.loads(accepted.stdout)
    codes = [b["entry"][0]["resource"]["response"]["code"] for b in (first, second)]
    assert codes == ["fatal-error", "ok"]
    assert first["entry"][0]["resource"]["id"] != second["entry"][0]["resource"]["id"]
    assert first["entry"][0]["fullUrl"] != second["entry"][0]["fullUrl"]


@pytest.mark.parametrize("ods", ["", "../../etc", ".hidden", "nti", "A/B"])
def test_keygen_accepts_only_an_ods_code(tmp_path: Path, ods: str) -> None:
    result = runner.invoke(app, ["keygen", ods, "--out", str(tmp_path / "keys")])
    assert result.exit_code == 2
    assert "expected an ODS code (3 to 10 upper-case letters or digits)" in result.stderr
    assert not (tmp_path / "keys").exists()
    assert list(tmp_path.rglob("*.pem")) == []


def test_empty_and_folder_inputs_are_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"  \n")
    result = runner.invoke(app, ["convert", str(empty), str(tmp_path / "out.json")])
    assert result.exit_code == 2 and f"{empty}: is empty; expected a care-plan record" in result.stderr
    folder = runner.invoke(app, ["convert", str(FIXTURES / "clients"), str(tmp_path / "out.json")])
    assert (
        folder.exit_code == 2
        and "is a folder; a folder of system files converts with --from SYSTEM" in folder.stderr
    )
    assert not (tmp_path / "out.json").exists()


def test_convert_prints_the_fhir_id_it_wrote(tmp_path: Path) -> None:
    result = runner.invoke(app, ["convert", str(RELEASE), str(tmp_path / "plan.xml")])
    fhir_id = care_plan_id(load_record(orjson.loads(RELEASE.read_bytes())))
    assert f"plan plan-nti-a4821kd as CarePlan/{fhir_id}" in result.stdout


@pytest.mark.parametrize("source", [RELEASE, GOLDEN, FIXTURES / "golden" / "02-carat-release.bundle.xml"])
def test_check_reads_any_format(source: Path) -> None:
    result = runner.invoke(app, ["check", str(source), "--today", "2026-11-25"])
    assert result.exit_code == 0, result.output
    # In custody the CARAT worker keyworks and co-ordinates (seed 002, 5.3.4).
    assert "care co-ordination: carat-worker" in result.stdout


def test_check_reads_a_system_export() -> None:
    export = FIXTURES / "systems" / "carat" / "02-carat-release.csv"
    result = runner.invoke(app, ["check", str(export), "--from", "carat", "--today", "2026-11-25"])
    # CARAT's export says only whether a TOP was done, not its stage: no start TOP is on record.
    assert result.exit_code == 1, result.output
    assert "plan plan-nti-a4821kd" in result.stdout
    assert "top-not-at-ass" in result.stdout


def test_version_and_help() -> None:
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.stdout.startswith("careplan ")
    for args in (["--help"], ["validate", "--help"], ["outbox", "--help"], ["serve", "--help"]):
        shown = runner.invoke(app, args)
        assert shown.exit_code == 0
        assert "<bool>" not in shown.stdout


def test_serve_names_a_missing_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAREPLAN_ODS", raising=False)
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "CAREPLAN_ODS: not set; expected this organisation's ODS code" in result.stderr


def test_serve_refuses_no_tokens_and_no_trust_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPLAN_ODS", "Y02345")
    monkeypatch.setenv("CAREPLAN_DATABASE_URL", ":memory:")
    monkeypatch.setenv("CAREPLAN_TRUST_DIR", str(tmp_path / "none"))
    for name in ("CAREPLAN_TOKENS", "CAREPLAN_TOKENS_FILE", "CAREPLAN_INSECURE_DEV"):
        monkeypatch.delenv(name, raising=False)
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "no bearer tokens: set CAREPLAN_TOKENS or CAREPLAN_TOKENS_FILE" in result.stderr
    assert "CAREPLAN_TRUST_DIR: no folder at" in result.stderr
    monkeypatch.setenv("CAREPLAN_TOKENS", "{broken")
    malformed = runner.invoke(app, ["serve"])
    assert malformed.exit_code == 2
    assert "CAREPLAN_TOKENS: not understood; expected a JSON object" in malformed.stderr
