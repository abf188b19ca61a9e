"""Hazards of text in and out (H-23 .. H-29): a value a system's format would change is escaped or
reported as a loss, never split silently; control characters are refused on input naming the field;
a conversion writes every output or none; an absent column is said; a name is shown as written; a
cell a spreadsheet could run as a formula is neutralised. (Moved here from the issue-14 examples,
where each was first written to fail before its fix.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapter.cli import app
from adapter.dialects import InvalidSystemRecord, Loss, read
from adapter.errors import InvalidFhir
from adapter.wire import read_json

ROOT = Path(__file__).resolve().parents[2]
SYSTEMS = ROOT / "fixtures" / "systems"
CARAT = (SYSTEMS / "carat" / "02-carat-release.csv").read_bytes()
runner = CliRunner()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (b'{"resourceType": "Patient", "name": [{"family": "O\\u000bB"}]}', "Patient.name[0].family"),
        (b'{"resourceType": "Patient", "id": "p\\u0000"}', "Patient.id"),
        ('{"resourceType": "Patient", "gender": "x\x9b2J"}'.encode(), "Patient.gender"),
    ],
)
def test_h24_fhir_json_with_a_control_character_is_refused_naming_the_field(text: bytes, where: str) -> None:
    with pytest.raises(InvalidFhir) as refused:
        read_json(text)
    issue = refused.value.outcome.issues[0]
    assert issue.expression == where and "control character" in issue.text


def test_h27_a_csv_without_an_optional_column_says_so(tmp_path: Path) -> None:
    data = CARAT.replace(b",nhs_number", b"", 1).replace(b"A4821KD,9990629072,", b"A4821KD,", 1)
    conversion = read("carat", data)
    assert conversion.record.service_user.nhs_number is None
    warnings = [issue for issue in conversion.issues.issues if issue.message_id == "dialects.column-absent"]
    assert [issue.expression for issue in warnings] == ["CLIENT.nhs_number"]
    source = tmp_path / "export.csv"
    source.write_bytes(data)
    result = runner.invoke(
        app, ["convert", str(source), "--from", "carat", "--to", "cjit-dir", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0 and "no nhs_number column" in result.output


def test_h24_a_control_character_in_a_csv_cell_is_refused_naming_the_cell_and_shown_escaped(
    tmp_path: Path,
) -> None:
    data = CARAT.replace(b"Tomasz", b"Tom\x1b]0;owned\x07\x1b[2Jasz", 1)
    with pytest.raises(InvalidSystemRecord) as refused:
        read("carat", data)
    issue = refused.value.outcome.issues[0]
    assert issue.expression == "CLIENT@2.client_name" and "U+001B" in issue.text
    source = tmp_path / "export.csv"
    source.write_bytes(data)
    result = runner.invoke(app, ["check", str(source), "--from", "carat"])
    assert result.exit_code in (1, 2) and "\x1b" not in result.output


def _carat_with(**changes: object) -> tuple[bytes, tuple[Loss, ...]]:
    from adapter.dialects import write

    record = read("carat", CARAT).record
    name = record.service_user.name.model_copy(update=changes)
    changed = record.model_copy(
        update={"service_user": record.service_user.model_copy(update={"name": name})}
    )
    written = write("carat", changed)
    return written.data, written.losses


@pytest.mark.parametrize(
    ("changes", "lost"),
    [
        ({"given": ["Mary Ann"]}, "service_user.name.given"),
        ({"family": "O'Brien, Smith"}, "service_user.name.family"),
    ],
)
def test_h23_a_value_the_csv_would_split_is_reported_as_a_loss(changes: dict[str, object], lost: str) -> None:
    _, losses = _carat_with(**changes)
    assert any(loss.path.startswith(lost) and "reads back as" in loss.reason for loss in losses)


def test_h23_an_address_line_holding_the_separator_is_reported_as_a_loss() -> None:
    from adapter.dialects import write

    record = read("carat", CARAT).record
    organisations = list(record.organisations)
    first = organisations[0]
    address = first.address.model_copy(update={"lines": ["Flat 1|Block B"]})
    organisations[0] = first.model_copy(update={"address": address})
    written = write("carat", record.model_copy(update={"organisations": organisations}))
    assert any("Flat 1|Block B" in loss.reason for loss in written.losses)


@pytest.mark.parametrize("text", ["x;=1+1", " =1+1", "\u3000=1", "a; +cmd", "\uff1dSUM(1)", "'=x", "ok;fine"])
def test_h29_formula_escaping_covers_leading_blanks_and_semicolon_locales(text: str) -> None:
    from adapter.dialects.csv_format import FORMULA_STARTS, csv_cell, unescape_cell

    cell = csv_cell(text)
    quoted = cell.startswith('"')
    inner = cell[1:-1].replace('""', '"') if quoted else cell
    for segment in inner.split(";") if not quoted else [inner]:
        assert segment.lstrip(" \u3000")[:1] not in FORMULA_STARTS
    assert unescape_cell(inner) == text


def test_h25_a_conversion_stages_every_output_and_leaves_none_on_a_later_failure(tmp_path: Path) -> None:
    lines = CARAT.decode().split("\n")
    client = next(line for line in lines if line.startswith("CLIENT,"))
    second = (
        client.replace("A4821KD", "B1234CD")
        .replace("plan-nti-a4821kd", "plan-b")
        .replace("19/02/1988", "31/02/1988")
    )
    lines.insert(lines.index(client) + 1, second)
    export = tmp_path / "two.csv"
    export.write_text("\n".join(lines), encoding="utf-8")
    result = runner.invoke(
        app, ["convert", str(export), "--from", "carat", "--to", "cjit-dir", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 1 and "CLIENT@3.date_of_birth" in result.output
    assert list((tmp_path / "out").iterdir()) == []


def test_h28_rich_markup_in_a_record_is_shown_as_written_not_obeyed(tmp_path: Path) -> None:
    data = (ROOT / "fixtures" / "clients" / "02-carat-release.json").read_text(encoding="utf-8")
    source = tmp_path / "plan.json"
    source.write_text(data.replace('"Wiśniewski"', '"Wi[/]ś[bold]"', 1), encoding="utf-8")
    result = runner.invoke(app, ["check", str(source), "--today", "2026-11-25"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Wi[/]ś[bold]" in result.output
