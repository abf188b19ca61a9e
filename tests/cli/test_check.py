"""``careplan check``: text and FHIR JSON output, exit status, bad input named in one line."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from coordination.coordination_records import CLEAN, Data, intervention
from typer.testing import CliRunner

from adapter.cli import app


def write(tmp_path: Path, name: str, change: Callable[[Data], object] | None = None) -> Path:
    data = copy.deepcopy(CLEAN)
    if change is not None:
        change(data)
    path = tmp_path / f"{name}.json"
    path.write_bytes(orjson.dumps(data))
    return path


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["check", *map(str, args)], env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def overdue(data: Data) -> None:
    data["plan"]["next_review_due"] = "2026-04-20"


def test_clean_record_prints_the_decision_and_exits_0(tmp_path: Path) -> None:
    code, out, _ = run(write(tmp_path, "clean"), "--today", "2026-05-01")
    assert code == 0
    assert "Dana Okafor" in out
    assert "care co-ordination: keyworker - Alex Reid (kw1)" in out
    assert "rule one-intervention" in out and "seed 003, Who is Responsible for Care Co-ordination?" in out
    assert "no findings" in out


def test_an_error_finding_exits_1_and_shows_the_table(tmp_path: Path) -> None:
    code, out, _ = run(write(tmp_path, "clean"), write(tmp_path, "overdue", overdue), "--today", "2026-05-01")
    assert code == 1
    assert "review-overdue" in out and "plan.next_review_due" in out
    assert out.count("care co-ordination:") == 2


def test_warnings_only_exit_0(tmp_path: Path) -> None:
    code, out, _ = run(write(tmp_path, "w", lambda d: d["plan"].pop("risk")), "--today", "2026-05-01")
    assert code == 0
    assert "risk-not-assessed" in out


def test_today_changes_the_verdict(tmp_path: Path) -> None:
    path = write(tmp_path, "due", lambda d: d["plan"].update(next_review_due="2026-05-10"))
    assert run(path, "--today", "2026-05-10")[0] == 0
    assert run(path, "--today", "2026-05-11")[0] == 1


def test_json_is_a_bundle_of_operation_outcomes(tmp_path: Path) -> None:
    code, out, _ = run(write(tmp_path, "overdue", overdue), "--today", "2026-05-01", "--format", "json")
    assert code == 1
    bundle = orjson.loads(out)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    [entry] = bundle["entry"]
    assert entry["fullUrl"] == (tmp_path / "overdue.json").resolve().as_uri()
    issues = entry["resource"]["issue"]
    assert [(i["severity"], i["expression"][0]) for i in issues] == [
        ("information", "care_team"),
        ("error", "plan.next_review_due"),
    ]


def test_bad_input_is_one_line_naming_the_field_and_exits_2(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad", lambda d: d["plan"].pop("start"))
    code, out, err = run(bad, write(tmp_path, "clean"), "--today", "2026-05-01")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{bad}: invalid record: plan.start")
    assert "no findings" in out  # the good file is still checked


def test_bad_input_in_json_carries_the_model_outcome(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad", lambda d: d["plan"].update(tier="tier-9"))
    code, out, _ = run(bad, "--today", "2026-05-01", "--format", "json")
    assert code == 2
    [entry] = orjson.loads(out)["entry"]
    assert entry["resource"]["issue"][0]["expression"] == ["plan.tier"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"{not json", "not JSON"), (None, "no such file")],
)
def test_unreadable_or_not_json(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "x.json"
    if content is not None:
        path.write_bytes(content)
    code, _, err = run(path, "--today", "2026-05-01")
    assert code == 2
    assert err.startswith(f"{path}: {message}")


def test_a_bad_today_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(write(tmp_path, "clean"), "--today", "01/05/2026")
    assert code == 2
    assert "expected a date YYYY-MM-DD" in err


def test_decision_needed_lists_the_candidates(tmp_path: Path) -> None:
    def referred(data: Data) -> None:
        data["plan"]["interventions"] = [
            intervention("a", status="not-started", referred_on="2026-04-20"),
            intervention("b", status="scheduled", referred_on="2026-04-20", provider="Y04567"),
        ]

    code, out, _ = run(write(tmp_path, "r", referred), "--today", "2026-05-01")
    assert code == 0
    assert "a decision is needed" in out
    assert "candidate: Northtown Community Drug Service [Y03456] (a)" in out
    assert "candidate: Eastgate Day Programme [Y04567] (b)" in out
