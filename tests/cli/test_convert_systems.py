"""The convert and systems command bodies, run through typer as adapter/cli.py registers them."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
from dialects.helpers import SYSTEMS_FIXTURES
from typer.testing import CliRunner

from adapter.cli import app
from adapter.dialects import read

runner = CliRunner()

# What the drug-use profile of client 02 holds (CARAT has no field for any of it).
SUBSTANCE_USE_FIELDS = ("substance", "rank", "route", "days_used_last_28", "age_first_used", "injected_ever")


def _exports(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    for name in ("02-carat-release.csv", "11-prison-transfer.csv"):
        shutil.copy(SYSTEMS_FIXTURES / "carat" / name, folder / name)
    broken = (
        (SYSTEMS_FIXTURES / "carat" / "02-carat-release.csv")
        .read_bytes()
        .replace(b"19/02/1988", b"1988-02-19")
    )
    (folder / "03-broken.csv").write_bytes(broken)
    (folder / "notes.txt").write_text("not an export")
    return folder


def test_convert_a_folder_writes_the_good_files_and_names_the_bad(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["convert", str(_exports(tmp_path)), "--from", "carat", "--to", "cjit-dir", "--out", str(out)]
    )
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["02-carat-release.xml", "11-prison-transfer.xml"]
    assert (
        read("cjit-dir", (out / "02-carat-release.xml").read_bytes()).record.service_user.prison_number
        == "A4821KD"
    )
    assert "2 converted, 1 failed" in result.stdout
    assert "03-broken.csv: error: CLIENT@2.date_of_birth" in result.stderr
    assert "expected a date as DD/MM/YYYY" in result.stderr


def test_a_client_the_target_cannot_hold_writes_nothing_and_a_good_one_exits_zero(tmp_path: Path) -> None:
    source = SYSTEMS_FIXTURES / "cjit-dir" / "01-custody-triage.xml"
    result = runner.invoke(
        app, ["convert", str(source), "--from", "cjit-dir", "--to", "carat", "--out", str(tmp_path)]
    )
    # 01 has no prison number: CARAT cannot hold the client, and says which field it needs.
    assert result.exit_code == 1
    assert "service_user.prison_number: carat requires a value" in result.stderr
    assert list(tmp_path.iterdir()) == []
    source = SYSTEMS_FIXTURES / "cjit-dir" / "11-prison-transfer.xml"
    result = runner.invoke(
        app, ["convert", str(source), "--from", "cjit-dir", "--to", "carat", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["11-prison-transfer.csv"]
    assert "1 converted, 0 failed" in result.stdout


def test_the_report_names_every_loss_and_problem(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    args = [
        "convert",
        str(_exports(tmp_path)),
        "--from",
        "carat",
        "--to",
        "cjit-dir",
        "--out",
        str(tmp_path / "out"),
    ]
    runner.invoke(app, [*args, "--report", str(report)])
    entries = {Path(entry["source"]).name: entry for entry in orjson.loads(report.read_bytes())}
    assert entries["02-carat-release.csv"]["kept_by_source_not_target"] == []
    assert entries["02-carat-release.csv"]["problems"] == []
    [problem] = entries["03-broken.csv"]["problems"]
    assert problem["expression"] == ["CLIENT@2.date_of_birth"]
    source = SYSTEMS_FIXTURES / "cjit-dir" / "02-carat-release.xml"
    args = ["convert", str(source), "--from", "cjit-dir", "--to", "carat", "--out", str(tmp_path / "back")]
    runner.invoke(app, [*args, "--report", str(report)])
    [entry] = orjson.loads(report.read_bytes())
    assert [loss["path"] for loss in entry["kept_by_source_not_target"]] == [
        "care_team[1].professional_id.system",
        "care_team[1].professional_id.value",
        *(
            f"plan.substance_use[0].{field}"  # CARAT keeps no drug-use profile
            for field in SUBSTANCE_USE_FIELDS
        ),
        *(
            f"plan.reviews[0].top.{field}"  # CARAT keeps whether a TOP was done, not the TOP
            for field in (
                "stage",
                "injecting_days",
                "psychological_health",
                "physical_health",
                "quality_of_life",
                "acute_housing_problem",
                "at_risk_of_eviction",
            )
        ),
        "plan.notes[0]",
    ]
    assert entry["kept_by_source_not_target"][0]["reason"] == "carat has no field for it"


def test_convert_to_fhir_writes_a_bundle(tmp_path: Path) -> None:
    source = SYSTEMS_FIXTURES / "carat" / "02-carat-release.csv"
    result = runner.invoke(
        app, ["convert", str(source), "--from", "carat", "--to", "fhir", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.stderr
    bundle = orjson.loads((tmp_path / "02-carat-release.json").read_bytes())
    assert bundle["resourceType"] == "Bundle"
    assert "CarePlan" in {entry["resource"]["resourceType"] for entry in bundle["entry"]}


def test_unknown_system_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["convert", str(tmp_path), "--from", "emis", "--to", "fhir"])
    assert result.exit_code == 2
    assert "emis: no such system (known: carat, cjit-dir" in result.stderr


def test_systems_lists_every_system() -> None:
    result = runner.invoke(app, ["systems"])
    assert result.exit_code == 0
    for name in ("carat", "cjit-dir", "fhir"):
        assert name in result.stdout
