"""``careplan import``: a summary on stderr, the record with --out, every loss with --report."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

from adapter.cli import app
from adapter.model import load_record

FOREIGN = Path(__file__).resolve().parents[1] / "fhir" / "foreign"
runner = CliRunner()


def test_import_writes_the_record_and_a_report_of_every_element_not_carried(tmp_path: Path) -> None:
    out, report = tmp_path / "plan.json", tmp_path / "report.json"
    source = FOREIGN / "pdex_bundle_patient_999.json"
    result = runner.invoke(app, ["import", str(source), "--out", str(out), "--report", str(report)])
    assert result.exit_code == 0, result.stderr
    assert "imported for review" in result.stdout
    assert "finding(s) a person must review" in result.stderr
    assert "elements not carried" in result.stderr
    record = load_record(orjson.loads(out.read_bytes()))
    assert record.plan.import_review is not None
    written = orjson.loads(report.read_bytes())
    assert written["outcome"] == "imported-for-review"
    issues = written["not_carried"]["issue"]
    assert issues and all(issue["expression"] and issue["severity"] for issue in issues)


def test_a_plan_that_would_change_meaning_is_refused_with_exit_1(tmp_path: Path) -> None:
    out, report = tmp_path / "plan.json", tmp_path / "report.json"
    source = FOREIGN / "CarePlan-f201.json"
    result = runner.invoke(app, ["import", str(source), "--out", str(out), "--report", str(report)])
    assert result.exit_code == 1
    assert "CarePlan.intent" in result.stderr
    assert not out.exists()
    assert orjson.loads(report.read_bytes())["outcome"] == "refused"


def test_convert_reads_another_systems_plan_and_exports_it_with_its_losses(tmp_path: Path) -> None:
    canonical = tmp_path / "plan.json"
    source = FOREIGN / "CarePlan-preg.json"
    result = runner.invoke(app, ["convert", str(source), str(canonical), "--to", "canonical"])
    assert result.exit_code == 0, result.stderr
    assert "elements not carried" in result.stderr


def test_export_of_an_imported_plan_to_each_system_reports_its_losses(tmp_path: Path) -> None:
    """Each system either takes the plan and lists what it does not keep, or refuses it naming each
    field it needs and the plan does not state (a not-stated role is never written as a real one)."""
    report = tmp_path / "report.json"
    source = tmp_path / "gp.json"
    source.write_bytes((FOREIGN / "CarePlan-preg.json").read_bytes())
    for target in ("cjit-dir", "cmht-cpa", "carat", "fhir"):
        out = tmp_path / target
        args = ["convert", str(source), "--from", "gp-shared-care", "--to", target, "--out", str(out)]
        result = runner.invoke(app, [*args, "--report", str(report)])
        [entry] = orjson.loads(report.read_bytes())
        if entry["problems"]:
            assert result.exit_code != 0, target
            assert all(problem["expression"] for problem in entry["problems"]), target
            continue
        assert result.exit_code == 0, (target, result.stderr)
        assert entry["not_understood"], target  # what the FHIR reader did not carry, graded
        assert {i["severity"] for i in entry["not_understood"]} <= {"information", "warning", "error"}
        assert entry["kept_by_source_not_target"], target
