"""The ``careplan`` command end to end: convert, demo, and bad input."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from adapter.cli import app
from adapter.model import load_record

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "clients"
runner = CliRunner()


def test_convert_canonical_to_fhir_json_to_xml_and_back(tmp_path: Path) -> None:
    source = FIXTURES / "02-carat-release.json"
    as_json, as_xml, back = tmp_path / "b.json", tmp_path / "b.xml", tmp_path / "back.json"
    assert runner.invoke(app, ["convert", str(source), str(as_json)]).exit_code == 0
    assert orjson.loads(as_json.read_bytes())["resourceType"] == "Bundle"
    assert runner.invoke(app, ["convert", str(as_json), str(as_xml)]).exit_code == 0
    assert as_xml.read_bytes().startswith(b"<")
    assert runner.invoke(app, ["convert", str(as_xml), str(back), "--to", "canonical"]).exit_code == 0
    original = load_record(orjson.loads(source.read_bytes()))
    assert load_record(orjson.loads(back.read_bytes())) == original


def test_convert_bad_record_names_the_field_and_writes_nothing(tmp_path: Path) -> None:
    data = orjson.loads((FIXTURES / "01-custody-triage.json").read_bytes())
    data["service_user"]["nhs_number"] = "9434765918"
    source, target = tmp_path / "bad.json", tmp_path / "out.json"
    source.write_bytes(orjson.dumps(data))
    result = runner.invoke(app, ["convert", str(source), str(target)])
    assert result.exit_code == 2
    assert "service_user.nhs_number" in result.stderr
    assert "modulus-11" in result.stderr
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [source]


def test_convert_broken_fhir_reference_is_an_operation_outcome_line(tmp_path: Path) -> None:
    bundle_path = tmp_path / "b.json"
    assert (
        runner.invoke(app, ["convert", str(FIXTURES / "03-gp-shared-care.json"), str(bundle_path)]).exit_code
        == 0
    )
    bundle = orjson.loads(bundle_path.read_bytes())
    plan = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CarePlan")
    plan["subject"]["reference"] = "urn:uuid:00000000-0000-0000-0000-000000000000"
    bundle_path.write_bytes(orjson.dumps(bundle))
    result = runner.invoke(app, ["convert", str(bundle_path), str(tmp_path / "c.json"), "--to", "canonical"])
    assert result.exit_code == 2
    assert "error: Bundle.entry[0].resource.subject: " in result.stderr
    assert "does not resolve" in result.stderr
    assert not (tmp_path / "c.json").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["convert", "missing.json", "out.json"], "no such file"),
        (["convert", "x.json"], "give an output file"),
        (["convert", "x.json", "y.json", "--to", "pdf"], "--to: expected one of"),
    ],
)
def test_convert_usage_errors_are_one_line(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.json").write_text("{}")
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 2
    assert message in result.stderr


def test_demo_round_trips_every_fixture(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.stdout + result.stderr
    count = len(list(FIXTURES.glob("*.json")))
    assert f"{count} of {count} clients round-tripped and met the profiles" in result.stdout
    assert len(list(tmp_path.glob("*.bundle.json"))) == count
    assert len(list(tmp_path.glob("*.bundle.xml"))) == count
    assert "acknowledgements ok" in " ".join(result.stdout.split())
    assert (tmp_path / "journey" / "cjit-cjit-dir.xml").exists()
    # The last step: the plan on paper for the client and keyworker to sign (seed 001, 5.3.2).
    assert "paper copy ok" in " ".join(result.stdout.split())
    paper = (tmp_path / "journey" / "plan-for-signing.pdf").read_bytes()
    assert paper.startswith(b"%PDF-")
