"""Every example of issue 14 (and the reader items of issue 9) as a test: each failed before its fix."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from adapter.cli import app
from adapter.dialects import InvalidSystemRecord, read
from adapter.errors import InvalidFhir, InvalidRecord
from adapter.model import load_json_record
from adapter.outcome import Issue
from adapter.wire import read_json, xml_to_json

ROOT = Path(__file__).resolve().parents[2]
SYSTEMS = ROOT / "fixtures" / "systems"
runner = CliRunner()


def test_json_with_a_duplicate_key_then_a_syntax_error_is_one_syntax_error() -> None:
    with pytest.raises(InvalidFhir) as refused:
        read_json(b'{"resourceType": "Patient", "meta": {"a": 1, "a": 2}, "id": ')
    assert refused.value.outcome.issues[0].message_id == "json.syntax"


def test_tab_cr_and_lf_are_text_and_stay() -> None:
    resource = read_json(b'{"resourceType": "Patient", "name": [{"text": "a\\tb\\r\\nc"}]}')
    assert resource["name"][0]["text"] == "a\tb\r\nc"


def test_fhir_xml_with_a_c1_control_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidFhir) as refused:
        xml_to_json(b'<Patient xmlns="http://hl7.org/fhir"><name><family value="a&#x85;b"/></name></Patient>')
    assert refused.value.outcome.issues[0].expression == "Patient.name[0].family"


def test_a_canonical_record_with_a_control_character_is_refused_naming_the_field() -> None:
    data = (ROOT / "fixtures" / "clients" / "02-carat-release.json").read_text(encoding="utf-8")
    data = data.replace('"Wiśniewski"', '"Wi\\u001b]0;owned\\u0007"', 1)
    with pytest.raises(InvalidRecord) as refused:
        load_json_record(data.encode())
    assert refused.value.outcome.issues[0].expression == "service_user.name.family"


def test_a_canonical_record_with_a_bom_is_read_and_in_utf16_refused_in_our_words() -> None:
    data = (ROOT / "fixtures" / "clients" / "02-carat-release.json").read_bytes()
    assert load_json_record(codecs.BOM_UTF8 + data).service_user.nhs_number == "9990629072"
    with pytest.raises(InvalidRecord) as refused:
        load_json_record(data.decode().encode("utf-16"))
    assert "UTF-16" in refused.value.outcome.issues[0].text


def test_every_issue_text_is_escaped() -> None:
    issue = Issue.error("value", "x", "got '\x1b]0;owned\x07\x1b[2J'", "a.\x1b")
    assert "\x1b" not in issue.text and "\\x1b]0;owned\\x07" in issue.text
    assert issue.expression == "a.\\x1b"


@pytest.mark.parametrize(
    ("system", "name"), [("cjit-dir", "01-custody-triage.xml"), ("cmht-cpa", "04-enhanced-cpa.xml")]
)
def test_a_prefixed_schema_invalid_element_is_a_schema_issue_not_an_xpath_crash(
    system: str, name: str
) -> None:
    text = (SYSTEMS / system / name).read_text(encoding="utf-8")
    root_end = text.index(">", text.index("<", text.index("?>") + 2)) + 1
    text = text[:root_end] + '<z:Bad xmlns:z="urn:z">1</z:Bad>' + text[root_end:]
    with pytest.raises(InvalidSystemRecord) as refused:
        read(system, text.encode())
    assert refused.value.outcome.issues[0].message_id == "dialects.schema"
    assert "z:Bad" in (refused.value.outcome.issues[0].expression or "")


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    assert runner.invoke(app, ["keygen", "NTI", "--out", str(tmp_path / "keys")]).exit_code == 0
    return tmp_path / "keys"


@pytest.mark.parametrize("encoding", ["utf-8-bom", "utf-16", "utf-16-undeclared"])
def test_handover_reads_fhir_xml_with_a_bom_or_in_utf16(keys: Path, tmp_path: Path, encoding: str) -> None:
    xml = (ROOT / "fixtures" / "golden" / "02-carat-release.bundle.xml").read_text(encoding="utf-8")
    if encoding == "utf-8-bom":
        data = codecs.BOM_UTF8 + xml.encode()
    elif encoding == "utf-16":
        data = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    else:
        data = xml.split("?>", 1)[1].encode("utf-16")
    source = tmp_path / "plan.xml"
    source.write_bytes(data)
    result = runner.invoke(
        app,
        [
            "handover",
            str(source),
            "--to",
            "Y02345",
            "--key",
            str(keys / "NTI.key.pem"),
            "--out",
            str(tmp_path / "out.json"),
            "--at",
            "2026-11-25T10:30:00+00:00",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.json").exists()


def test_receive_creates_no_database_for_a_bundle_that_is_not_a_message(keys: Path, tmp_path: Path) -> None:
    source = tmp_path / "bundle.json"
    source.write_bytes(b'{"resourceType": "Bundle", "type": "transaction"}')
    db = tmp_path / "cjit.db"
    result = runner.invoke(
        app, ["receive", str(source), "--as", "Y02345", "--trust", str(keys), "--db", str(db)]
    )
    assert result.exit_code == 1 and "nothing was stored" in result.output
    assert not db.exists()


def test_receive_refuses_a_malformed_message_with_its_path_not_a_traceback(
    keys: Path, tmp_path: Path
) -> None:
    source = tmp_path / "message.json"
    source.write_bytes(
        b'{"resourceType": "Bundle", "type": "message", "entry": [{"resource": {"resourceType": '
        b'"MessageHeader", "id": "m1", "destination": "x", "eventCoding": {"code": "x"}, "source": '
        b'{"endpoint": "urn:x"}}}]}'
    )
    db = tmp_path / "cjit.db"
    result = runner.invoke(
        app, ["receive", str(source), "--as", "Y02345", "--trust", str(keys), "--db", str(db)]
    )
    assert result.exit_code == 1, result.output
    assert "Bundle.entry[0].resource.destination" in result.output
    assert not db.exists()


CARAT = (SYSTEMS / "carat" / "02-carat-release.csv").read_bytes()


def test_an_empty_csv_is_an_error_not_a_conversion(tmp_path: Path) -> None:
    for data in (b"", b"\r\n\r\n", CARAT.split(b"\n", 1)[0] + b"\n"):
        with pytest.raises(InvalidSystemRecord) as refused:
            read("carat", data)
        assert refused.value.outcome.issues[0].message_id == "csv.empty"
    source = tmp_path / "empty.csv"
    source.write_bytes(b"\n")
    result = runner.invoke(
        app, ["convert", str(source), "--from", "carat", "--to", "fhir", "--out", str(tmp_path)]
    )
    assert result.exit_code == 1 and "0 converted, 1 failed" in result.output
    assert "no client records" in result.output


def test_xml_given_to_the_csv_reader_is_one_clear_line(tmp_path: Path) -> None:
    xml = (SYSTEMS / "cjit-dir" / "01-custody-triage.xml").read_bytes()
    with pytest.raises(InvalidSystemRecord) as refused:
        read("carat", xml)
    assert len(refused.value.outcome.issues) == 1
    assert "XML" in refused.value.outcome.issues[0].text


def test_a_csv_over_the_field_limit_is_refused_without_reading_it_whole() -> None:
    data = CARAT.replace(b"Tomasz", b"T" * (2 * 1024 * 1024), 1)
    with pytest.raises(InvalidSystemRecord) as refused:
        read("carat", data)
    assert "field larger than field limit" in refused.value.outcome.issues[0].text


def test_a_conversion_whose_output_passes_its_bound_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adapter.cli import convert_systems

    export = tmp_path / "export.csv"
    export.write_bytes((SYSTEMS / "carat" / "exports" / "02-release-with-sessions.csv").read_bytes())
    monkeypatch.setattr(convert_systems, "MAX_OUTPUT_RATIO", 1)
    monkeypatch.setattr(convert_systems, "MIN_OUTPUT_ALLOWANCE", 1)
    result = runner.invoke(
        app, ["convert", str(export), "--from", "carat", "--to", "fhir", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 1 and "times the input" in result.output
    assert list((tmp_path / "out").iterdir()) == []


def test_an_oversized_source_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adapter.cli import convert_systems

    export = tmp_path / "big.csv"
    export.write_bytes(CARAT)
    monkeypatch.setattr(convert_systems, "MAX_INPUT_BYTES", 100)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read before its size was checked"))
    result = runner.invoke(
        app, ["convert", str(export), "--from", "carat", "--to", "fhir", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 1 and "more than the limit" in result.output


# Found by the fuzz suite (CAREPLAN_FUZZ_EXAMPLES=300): JSON shapes that crashed the validator's later
# steps, through `careplan validate` (a traceback) and POST /$validate (a 500).
def bundle_type_an_object(bundle: dict[str, Any]) -> None:
    bundle["type"] = {}


def meta_profile_a_number(bundle: dict[str, Any]) -> None:
    bundle["entry"][0]["resource"]["meta"]["profile"] = 42


VALIDATOR_CRASHES = [bundle_type_an_object, meta_profile_a_number]


def broken_bundle(breakage: Callable[[dict[str, Any]], None]) -> bytes:
    bundle = json.loads((ROOT / "fixtures" / "golden" / "10-dropout-reengaged.bundle.json").read_bytes())
    breakage(bundle)
    return json.dumps(bundle).encode()


@pytest.mark.parametrize("breakage", VALIDATOR_CRASHES)
def test_validate_answers_a_shape_that_crashed_the_validator(
    tmp_path: Path, breakage: Callable[[dict[str, Any]], None]
) -> None:
    source = tmp_path / "bundle.json"
    source.write_bytes(broken_bundle(breakage))
    result = runner.invoke(app, ["validate", str(source)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1 and "json" in result.output.lower()


@pytest.mark.parametrize("breakage", VALIDATOR_CRASHES)
def test_post_validate_answers_a_shape_that_crashed_the_validator(
    tmp_path: Path, breakage: Callable[[dict[str, Any]], None]
) -> None:
    from fastapi.testclient import TestClient
    from server.cases import CARAT, bearer, cjit_app

    from adapter.handover import Ed25519Signer

    with TestClient(
        cjit_app(tmp_path, Ed25519Signer.generate(CARAT)), raise_server_exceptions=False
    ) as client:
        response = client.post(
            "/$validate",
            content=broken_bundle(breakage),
            headers={"Content-Type": "application/fhir+json"} | bearer("carat-token"),
        )
    assert response.status_code == 200, response.text[:300]
    assert read_json(response.content)["issue"][0]["severity"] == "error"
