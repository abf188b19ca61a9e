"""The `careplan validate` command body: exit codes, summary, JSON output, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapter.cli import app
from adapter.validation import inputs

runner = CliRunner()

GOOD = {
    "resourceType": "Goal",
    "lifecycleStatus": "active",
    "description": {"text": "Stop using heroin"},
    "subject": {"reference": "Patient/1"},
    "text": {"status": "generated", "div": '<div xmlns="http://www.w3.org/1999/xhtml">Goal</div>'},
}


def test_a_folder_of_good_resources_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "goal.json").write_text(json.dumps(GOOD))
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "goal.json" in result.output


def test_errors_exit_one_and_json_lists_each_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**GOOD, "lifecycleStatus": "someday"}))
    broken = tmp_path / "broken.json"
    broken.write_text('{"resourceType": "Goal", ')
    rootless = tmp_path / "list.json"
    rootless.write_text("[1, 2]")
    result = runner.invoke(app, ["validate", str(bad), str(broken), str(rootless), "--format", "json"])
    assert result.exit_code == 1
    report = {Path(r["file"]).name: r["outcome"]["issue"] for r in json.loads(result.stdout)}
    assert report["bad.json"][0]["expression"] == ["Goal.lifecycleStatus"]
    assert report["broken.json"][0]["severity"] == "fatal"
    assert report["list.json"][0]["severity"] == "fatal"


def test_unknown_profile_and_bad_ig_are_errors_not_tracebacks(tmp_path: Path) -> None:
    good = tmp_path / "goal.json"
    good.write_text(json.dumps(GOOD))
    unknown = runner.invoke(
        app, ["validate", str(good), "--profile", "https://example.test/StructureDefinition/none"]
    )
    assert unknown.exit_code == 1
    assert "profile.unknown" in unknown.output
    not_an_ig = tmp_path / "notes.txt"
    not_an_ig.write_text("hello")
    bad_ig = runner.invoke(app, ["validate", str(good), "--ig", str(not_an_ig)])
    assert bad_ig.exit_code == 2
    assert bad_ig.exception is None or isinstance(bad_ig.exception, SystemExit)


def test_deep_nesting_and_huge_files_are_fatal_issues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"resourceType": "Patient", "extension": ' + "[" * 10_000 + "]" * 10_000 + "}")
    result = runner.invoke(app, ["validate", str(deep), "--format", "json"])
    assert result.exit_code == 1
    issue = json.loads(result.stdout)[0]["outcome"]["issue"][0]
    assert issue["severity"] == "fatal"
    assert issue["details"]["coding"][0]["code"] == "input.json"

    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps(GOOD))
    monkeypatch.setattr(inputs, "MAX_BYTES", 10)
    result = runner.invoke(app, ["validate", str(huge), "--format", "json"])
    assert result.exit_code == 1
    assert (
        json.loads(result.stdout)[0]["outcome"]["issue"][0]["details"]["coding"][0]["code"]
        == "input.too-large"
    )


def test_ig_folder_of_xml_profiles_is_read_and_applied(tmp_path: Path) -> None:
    from adapter.wire import write_resource

    profile = {
        "resourceType": "StructureDefinition",
        "url": "https://example.test/StructureDefinition/noted-goal",
        "name": "NotedGoal",
        "status": "draft",
        "kind": "resource",
        "abstract": False,
        "type": "Goal",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Goal",
        "derivation": "constraint",
        "differential": {"element": [{"id": "Goal.note", "path": "Goal.note", "min": 1}]},
    }
    ig = tmp_path / "ig"
    ig.mkdir()
    (ig / "StructureDefinition-noted-goal.xml").write_bytes(write_resource(profile, "xml"))
    (ig / "README.md").write_text("not a resource")
    goal = tmp_path / "goal.json"
    goal.write_text(json.dumps(GOOD))
    args = ["validate", str(goal), "--ig", str(ig), "--profile", profile["url"], "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    issues = json.loads(result.stdout)[0]["outcome"]["issue"]
    errors = [i for i in issues if i["severity"] == "error"]
    assert len(errors) == 1 and "Goal.note" in errors[0]["diagnostics"], errors
    assert "README.md: skipped" in result.stderr
    goal.write_text(json.dumps({**GOOD, "note": [{"text": "agreed"}]}))
    assert runner.invoke(app, args).exit_code == 0


def test_tx_names_a_terminology_server(tmp_path: Path) -> None:
    from tests.validation.terminology_server import terminology_server

    coded = {
        **GOOD,
        "category": [
            {
                "coding": [
                    {"system": "https://fhir.careplan-adapter.org/CodeSystem/care-plan-domain", "code": "x"}
                ]
            }
        ],
    }
    goal = tmp_path / "goal.json"
    goal.write_text(json.dumps(coded))
    # the default chain holds our IG, so the code is judged here; the server is asked only about
    # systems that are not held (a code system the caller's IG names but does not carry)
    unchecked = {
        **coded,
        "category": [{"coding": [{"system": "http://snomed.info/sct", "code": "720174008"}]}],
    }
    snomed = tmp_path / "snomed.json"
    snomed.write_text(json.dumps(unchecked))
    result = runner.invoke(app, ["validate", str(snomed), "--format", "json"])
    assert result.exit_code == 0
    issues = json.loads(result.stdout)[0]["outcome"]["issue"]
    assert [i["details"]["coding"][0]["code"] for i in issues] == ["terminology.unchecked"]
    with terminology_server() as (url, requests):
        result = runner.invoke(app, ["validate", str(snomed), "--tx", url, "--format", "json"])
    assert requests == ["CodeSystem/$validate-code"]
    issues = json.loads(result.stdout)[0]["outcome"]["issue"]
    # our test server holds no SNOMED CT: it says so, and the code is reported as not checked
    assert [i["details"]["coding"][0]["code"] for i in issues] == ["terminology.unavailable"]
    assert result.exit_code == 0
    assert runner.invoke(app, ["validate", str(goal)]).exit_code == 1
