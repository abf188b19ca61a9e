"""``careplan print``: the format from --out's extension, HTML on standard output without it, the
output folder made or refused before any work, any record format read (FHIR, a system's own)."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from typer.testing import CliRunner

from adapter.cli import app

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PLAN = FIXTURES / "clients" / "03-gp-shared-care.json"
runner = CliRunner()
TODAY = ["--today", "2026-11-25"]


def test_out_pdf_writes_a_pdf_and_out_html_a_page(tmp_path: Path) -> None:
    pdf, page = tmp_path / "deep" / "plan.pdf", tmp_path / "plan.HTM"
    result = runner.invoke(app, ["print", str(PLAN), "--out", str(pdf), *TODAY])
    assert result.exit_code == 0, result.stderr
    assert "Mrs Siân Pritchard" in PdfReader(pdf).pages[0].extract_text()
    assert f"-> {pdf}: plan plan-sharedcare-118204 printed (pdf)" in result.stderr
    result = runner.invoke(app, ["print", str(PLAN), "--out", str(page), *TODAY])
    assert result.exit_code == 0, result.stderr
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_without_out_the_page_goes_to_standard_output_and_the_day_judged_is_said() -> None:
    result = runner.invoke(app, ["print", str(PLAN)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>") and "Siân Pritchard" in result.stdout
    assert "judged as of" in result.stderr and "--today" in result.stderr


def test_an_unknown_extension_or_an_unmakeable_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    result = runner.invoke(app, ["print", str(tmp_path / "missing.json"), "--out", str(tmp_path / "p.txt")])
    assert result.exit_code == 2
    assert "--out" in result.stderr and ".pdf, .html or .htm" in result.stderr
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = runner.invoke(app, ["print", str(tmp_path / "missing.json"), "--out", str(blocker / "p.pdf")])
    assert result.exit_code == 2
    assert "cannot create the folder" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_bad_record_names_the_field_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "plan.json"
    source.write_text(PLAN.read_text(encoding="utf-8").replace('"tier": "tier-3"', '"tier": "tier-9"', 1))
    out = tmp_path / "plan.pdf"
    result = runner.invoke(app, ["print", str(source), "--out", str(out), *TODAY])
    assert result.exit_code == 2
    assert "plan.tier" in result.stderr
    assert not out.exists()


def test_fhir_and_a_system_s_own_format_print_the_same_client(tmp_path: Path) -> None:
    bundle = FIXTURES / "golden" / "03-gp-shared-care.bundle.xml"
    result = runner.invoke(app, ["print", str(bundle), *TODAY])
    assert result.exit_code == 0, result.stderr
    assert "Siân Pritchard" in result.stdout
    export = FIXTURES / "systems" / "carat" / "02-carat-release.csv"
    out = tmp_path / "carat.pdf"
    result = runner.invoke(app, ["print", str(export), "--from", "carat", "--out", str(out), *TODAY])
    assert result.exit_code == 0, result.stderr
    assert "Page 1 of" in PdfReader(out).pages[0].extract_text()
