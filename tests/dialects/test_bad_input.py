"""Hostile and broken input: each refused with an error naming the record and the field, quickly,
with nothing read from the file system or the network."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapter.dialects import InvalidSystemRecord, escape_cell, read, read_all, unescape_cell, write
from adapter.outcome import Issue
from dialects.helpers import SYSTEMS_FIXTURES, client

DIR_OPEN = b'<DIRRecord xmlns="urn:careplan-adapter:cjit-dir:1">'
DIR_GOLDEN = (SYSTEMS_FIXTURES / "cjit-dir" / "01-custody-triage.xml").read_bytes()
CARAT_GOLDEN = (SYSTEMS_FIXTURES / "carat" / "02-carat-release.csv").read_bytes().decode("utf-8")


def refusal(system: str, data: bytes) -> list[tuple[str, str, str | None]]:
    started = time.perf_counter()
    with pytest.raises(InvalidSystemRecord) as caught:
        read_all(system, data)
    assert time.perf_counter() - started < 5, "refusing must not mean expanding first"
    return [(i.code, i.message_id, i.expression) for i in caught.value.outcome.issues]


@pytest.mark.parametrize(
    "entity",
    [
        b'<!ENTITY xxe SYSTEM "file:///etc/passwd">',
        b'<!ENTITY xxe SYSTEM "http://127.0.0.1:9/secret">',
        b'<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;',
    ],
    ids=["file", "http", "parameter-entity"],
)
def test_external_entities_are_refused(entity: bytes) -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE DIRRecord [' + entity + b"]>\n" + DIR_OPEN + b"&xxe;</DIRRecord>"
    )
    assert refusal("cjit-dir", data) == [("structure", "xml.doctype", None)]


def test_billion_laughs_is_refused() -> None:
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, b"".join(b"&lol%d;" % (n - 1) for _ in range(10))) for n in range(1, 10)
    )
    data = b"<!DOCTYPE DIRRecord [" + entities + b"]>" + DIR_OPEN + b"&lol9;</DIRRecord>"
    assert refusal("cjit-dir", data) == [("structure", "xml.doctype", None)]


def test_quadratic_blowup_is_refused() -> None:
    data = (
        b'<!DOCTYPE DIRRecord [<!ENTITY a "'
        + b"x" * 50_000
        + b'">]>'
        + DIR_OPEN
        + b"<Header>"
        + b"&a;" * 20_000
        + b"</Header></DIRRecord>"
    )
    assert refusal("cjit-dir", data) == [("structure", "xml.doctype", None)]


@pytest.mark.parametrize("depth", [100, 10_000])
def test_deep_nesting_is_refused(depth: int) -> None:
    data = DIR_OPEN + b"<Header>" * depth + b"</Header>" * depth + b"</DIRRecord>"
    assert refusal("cjit-dir", data) == [("too-costly", "xml.too-deep", None)]


@pytest.mark.parametrize("system", ["cjit-dir", "carat"])
def test_a_50_mb_file_is_refused_before_parsing(tmp_path: Path, system: str) -> None:
    big = tmp_path / "big"
    with big.open("wb") as out:
        out.write(DIR_OPEN if system == "cjit-dir" else b"#CLIENT,prison_number\r\n")
        chunk = (b"<Header/>" if system == "cjit-dir" else b"CLIENT,A1234BC\r\n") * 65_536
        while out.tell() < 50 * 1024 * 1024:
            out.write(chunk)
    kind = "xml" if system == "cjit-dir" else "csv"
    assert refusal(system, big.read_bytes()) == [("too-costly", f"{kind}.too-large", None)]


def test_bytes_that_are_not_the_declared_encoding_are_named_by_line() -> None:
    text = DIR_GOLDEN.decode("utf-8").replace("Zoë", "Zoé")
    data = text.encode("latin-1")  # declared UTF-8, written Latin-1
    line = text[: text.index("Zoé")].count("\n") + 1
    [issue] = _issues("cjit-dir", data)
    assert (issue.code, issue.message_id) == ("structure", "xml.syntax")
    assert f"at line {line}," in issue.text


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.replace("encoding='UTF-8'", "encoding='UTF-16'").encode("utf-16"),
    ],
    ids=["utf-8-bom", "utf-16-bom"],
)
def test_byte_order_marks_are_read(encode: object) -> None:
    data = encode(DIR_GOLDEN.decode("utf-8"))  # type: ignore[operator]
    assert read("cjit-dir", data).record.service_user.name.given == ["Zoë", "Anne"]


def test_schema_errors_name_the_element() -> None:
    data = DIR_GOLDEN.replace(
        b"<DateOfBirth>1994-06-02</DateOfBirth>", b"<DateOfBirth>02/06/1994</DateOfBirth>"
    )
    [issue] = _issues("cjit-dir", data)
    assert issue.expression == "/DIRRecord/Client/DateOfBirth"
    assert "xs:date" in issue.text


def _issues(system: str, data: bytes) -> list[Issue]:
    with pytest.raises(InvalidSystemRecord) as caught:
        read_all(system, data)
    return list(caught.value.outcome.issues)


def line_of(prefix: str) -> int:
    """The line number of the first row of the CARAT golden that starts with ``prefix``."""
    return next(n for n, line in enumerate(CARAT_GOLDEN.splitlines(), 1) if line.startswith(prefix))


def _carat(replace: dict[str, str]) -> bytes:
    text = CARAT_GOLDEN
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text.encode("utf-8")


def test_formula_injection_is_never_written_back_unescaped() -> None:
    record = client("02-carat-release")
    evil = "=cmd|' /C calc'!A0"
    goal = record.plan.goals[0].model_copy(update={"description": evil})
    plan = record.plan.model_copy(update={"goals": [goal, *record.plan.goals[1:]]})
    written = write("carat", record.model_copy(update={"plan": plan}))
    assert b",=cmd" not in written.data
    assert b",'=cmd|' /C calc'!A0," in written.data
    assert read("carat", written.data).record.plan.goals[0].description == evil


def test_formula_in_a_source_cell_stays_text_and_is_escaped_on_the_way_out() -> None:
    data = _carat({"Leave prison with an address to go to": "\"@SUM(1+1)*cmd|' /C calc'!A0\""})
    record = read("carat", data).record
    assert record.plan.goals[1].description == "@SUM(1+1)*cmd|' /C calc'!A0"
    assert b"'@SUM(1+1)" in write("carat", record).data


@pytest.mark.parametrize("text", ["=1+1", "+44 113", "-5", "@x", "\tx", "'=x", "''+x", "'plain", "plain"])
def test_cell_escaping_round_trips(text: str) -> None:
    escaped = escape_cell(text)
    assert escaped[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert unescape_cell(escaped) == text


def test_missing_required_column_is_named() -> None:
    header = "#CLIENT,prison_number,nhs_number,pnc_number,client_name,title,date_of_birth,"
    data = _carat({header: header.replace("date_of_birth,", ""), ",Mr,19/02/1988,M,": ",Mr,M,"})
    assert _expressions("carat", data) == ["CLIENT@1.date_of_birth"]


def test_extra_column_is_reported_unmapped() -> None:
    data = _carat(
        {
            "#GOAL,prison_number,": "#GOAL,shoe_size,prison_number,",
            "GOAL,A4821KD,goal-s": "GOAL,6,A4821KD,goal-s",
        }
    )
    data = data.replace(b"GOAL,A4821KD,", b"GOAL,,A4821KD,")
    # Two of the three goal rows fill the extra column; the third leaves it empty.
    filled = [
        n for n, line in enumerate(CARAT_GOLDEN.splitlines(), 1) if line.startswith("GOAL,A4821KD,goal-s")
    ]
    assert len(filled) == 2
    assert read("carat", data).unmapped == tuple(f"GOAL@{n}.shoe_size" for n in filled)


def test_ragged_row_is_named() -> None:
    data = _carat(
        {
            "MILESTONE,A4821KD,goal-seamless-script,First community dose dispensed,09/12/2026,": (
                "MILESTONE,A4821KD,goal-seamless-script,First community dose dispensed,09/12/2026"
            )
        }
    )
    issues = _issues("carat", data)
    where = f"MILESTONE@{line_of('MILESTONE,A4821KD,goal-seamless-script,First community dose')}"
    assert [(i.message_id, i.expression) for i in issues] == [("dialects.ragged", where)]
    assert "4 values; the #MILESTONE header has 5 columns" in issues[0].text


def test_mixed_date_formats_are_named_with_the_expected_format() -> None:
    data = _carat({",Mr,19/02/1988,M,": ",Mr,1988-02-19,M,", ",27/11/2026,\r\n": ",2026-11-27,\r\n"})
    issues = _issues("carat", data)
    milestone = line_of("MILESTONE,A4821KD,goal-seamless-script,Referral accepted")
    assert [i.expression for i in issues] == ["CLIENT@2.date_of_birth", f"MILESTONE@{milestone}.due"]
    assert "expected a date as DD/MM/YYYY, got '1988-02-19'" in issues[0].text
    assert "plan.goals[0].milestones[0].due" in issues[1].text


def test_duplicate_client_records_are_named() -> None:
    row = CARAT_GOLDEN.splitlines()[1]
    data = _carat({row: row + "\r\n" + row})
    issues = _issues("carat", data)
    assert [(i.code, i.expression) for i in issues] == [("duplicate", "CLIENT@3.prison_number")]
    assert "duplicate CLIENT record A4821KD (first at line 2)" in issues[0].text


def test_a_row_for_an_unknown_client_or_record_type_is_named() -> None:
    data = _carat({"GOAL,A4821KD,goal-stop": "GOAL,A9999ZZ,goal-stop", "SESSION,A4821KD": "VISIT,A4821KD"})
    sessions = [n for n, line in enumerate(CARAT_GOLDEN.splitlines(), 1) if line.startswith("SESSION,")]
    assert len(sessions) == 2  # the review's row and the contact's
    assert _expressions("carat", data) == [
        *(f"VISIT@{n}" for n in sessions),
        f"GOAL@{line_of('GOAL,A4821KD,goal-stop')}.prison_number",
    ]


@pytest.mark.parametrize(
    ("encode", "expected"),
    [
        (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), None),
        (lambda text: text.encode("utf-16"), None),
        (
            lambda text: text.encode("utf-8").replace(
                "Wiśniewski".encode(), "Wi\xb6niewski".encode("latin-1")
            ),
            "CLIENT@2",
        ),
    ],
    ids=["utf-8-bom", "utf-16-bom", "latin-1-in-utf-8"],
)
def test_csv_encodings(encode: object, expected: str | None) -> None:
    data = encode(CARAT_GOLDEN)  # type: ignore[operator]
    if expected is None:
        assert read("carat", data).record.service_user.name.family == "Wiśniewski"
    else:
        [issue] = _issues("carat", data)
        assert issue.expression == expected
        assert "byte 0xb6 is not UTF-8" in issue.text


def _expressions(system: str, data: bytes) -> list[str | None]:
    return [issue.expression for issue in _issues(system, data)]


@given(st.text(max_size=40))
def test_any_cell_round_trips_and_never_starts_a_formula(text: str) -> None:
    escaped = escape_cell(text)
    assert escaped[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert unescape_cell(escaped) == text


def test_an_empty_required_cell_is_named() -> None:
    data = _carat({",Mr,19/02/1988,M,": ",Mr,,M,"})
    [issue] = _issues("carat", data)
    assert (issue.code, issue.expression) == ("required", "CLIENT@2.date_of_birth")
    assert "service_user.birth_date" in issue.text
