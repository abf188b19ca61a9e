"""Hostile input: each attack is an InvalidFhir with a clear Issue, never a traceback, nothing fetched."""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from adapter.errors import InvalidFhir, InvalidRecord
from adapter.outcome import Issue
from adapter.wire import DEFAULT_MAX_BYTES, json_to_xml, parse_untrusted_xml, read_resource

PATIENT = '<Patient xmlns="http://hl7.org/fhir"><name><family value="Zoë"/></name></Patient>'


def refused(data: bytes) -> Issue:
    """The one Issue reading ``data`` (format sniffed) is refused with."""
    started = time.perf_counter()
    with pytest.raises(InvalidFhir) as caught:
        read_resource(data)
    assert time.perf_counter() - started < 5, "refusing must be cheap"
    [issue] = caught.value.outcome.issues
    return issue


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A web server on the loopback interface that records every request made to it."""
    hits: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY leak "fetched">')

        def log_message(self, *args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", hits
    finally:
        server.shutdown()
        server.server_close()


def test_xxe_with_a_file_entity_is_refused_and_reads_nothing(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    attack = (
        f'<?xml version="1.0"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        '<Patient xmlns="http://hl7.org/fhir"><name><family value="&xxe;"/></name></Patient>'
    ).encode()
    issue = refused(attack)
    assert (issue.code, issue.message_id) == ("structure", "xml.doctype")
    assert "TOP-SECRET" not in issue.text


def test_xxe_with_http_entities_and_external_dtds_fetches_nothing(listener: tuple[str, list[str]]) -> None:
    base, hits = listener
    attacks = [
        f'<!DOCTYPE Patient [<!ENTITY xxe SYSTEM "{base}/entity">]>'
        '<Patient xmlns="http://hl7.org/fhir"><id value="&xxe;"/></Patient>',
        f'<!DOCTYPE Patient SYSTEM "{base}/external.dtd"><Patient xmlns="http://hl7.org/fhir"/>',
        f'<!DOCTYPE Patient [<!ENTITY % remote SYSTEM "{base}/parameter"> %remote;]>'
        '<Patient xmlns="http://hl7.org/fhir"/>',
        # a DOCTYPE after a long comment, past the quick prolog check: refused after parsing, still
        # without a fetch, because the parser itself never resolves entities or loads DTDs
        '<?xml version="1.0"?><!--'
        + "x" * 70_000
        + f'--><!DOCTYPE Patient [<!ENTITY xxe SYSTEM "{base}/late">]>'
        '<Patient xmlns="http://hl7.org/fhir"><id>&xxe;</id></Patient>',
    ]
    for attack in attacks:
        assert refused(attack.encode()).message_id == "xml.doctype"
    assert hits == []
    with urllib.request.urlopen(f"{base}/probe") as answer:  # the recorder does record real requests
        answer.read()
    assert hits == ["/probe"]


def test_billion_laughs_is_refused() -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{level} "{("&lol" + (str(level - 1) if level > 1 else "") + ";") * 10}">'
        for level in range(1, 10)
    )
    attack = f'<?xml version="1.0"?><!DOCTYPE Patient [{entities}]><Patient xmlns="http://hl7.org/fhir">'
    attack += '<name><family value="&lol9;"/></name></Patient>'
    issue = refused(attack.encode())
    assert (issue.code, issue.message_id) == ("structure", "xml.doctype")


def test_quadratic_blowup_is_refused() -> None:
    attack = (
        '<!DOCTYPE Patient [<!ENTITY a "' + "x" * 100_000 + '">]><Patient xmlns="http://hl7.org/fhir">'
        '<name><family value="' + "&a;" * 20_000 + '"/></name></Patient>'
    )
    assert refused(attack.encode()).message_id == "xml.doctype"


def test_nesting_ten_thousand_deep_is_too_costly() -> None:
    xml = (
        '<Patient xmlns="http://hl7.org/fhir">'
        + "<extension>" * 10_000
        + "</extension>" * 10_000
        + "</Patient>"
    )
    issue = refused(xml.encode())
    assert (issue.code, issue.message_id) == ("too-costly", "xml.too-deep")
    issue = refused(b'{"resourceType": "Patient", "a": ' + b"[" * 10_000 + b"]" * 10_000 + b"}")
    assert (issue.code, issue.message_id) == ("too-costly", "json.too-deep")


def test_depth_limit_is_configurable() -> None:
    nested = b"<a>" * 12 + b"</a>" * 12
    assert parse_untrusted_xml(nested, max_depth=12).tag == "a"
    with pytest.raises(InvalidFhir) as caught:
        parse_untrusted_xml(nested, max_depth=11)
    assert caught.value.outcome.issues[0].text == "XML elements are nested deeper than 11 levels"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_file_over_fifty_megabytes_is_refused_before_parsing(tmp_path: Path, fmt: str) -> None:
    if fmt == "json":
        head, entry, tail = b'{"resourceType": "Bundle", "entry": [', b'{"fullUrl": "urn:x"},', b"{}]}"
    else:
        head = b'<Bundle xmlns="http://hl7.org/fhir"><type value="collection"/>'
        entry, tail = b'<entry><fullUrl value="urn:x"/></entry>', b"</Bundle>"
    big = tmp_path / f"big.{fmt}"
    with big.open("wb") as out:
        out.write(head)
        out.write(entry * (DEFAULT_MAX_BYTES // len(entry) + 1))
        out.write(tail)
    assert big.stat().st_size > DEFAULT_MAX_BYTES
    issue = refused(big.read_bytes())
    assert (issue.code, issue.message_id) == ("too-costly", f"{fmt}.too-large")
    assert f"{DEFAULT_MAX_BYTES:,} bytes" in issue.text


def test_utf16_with_a_byte_order_mark_is_read() -> None:
    for encoded in (
        PATIENT.encode("utf-16"),
        ('<?xml version="1.0" encoding="UTF-16"?>' + PATIENT).encode("utf-16"),
        ('<?xml version="1.0" encoding="UTF-16"?>' + PATIENT).encode("utf-16-be"),
        b"\xef\xbb\xbf" + PATIENT.encode(),
    ):
        assert read_resource(encoded)["name"] == [{"family": "Zoë"}]


def test_a_declared_encoding_that_contradicts_the_bytes_is_refused() -> None:
    issue = refused(('<?xml version="1.0" encoding="UTF-8"?>' + PATIENT).encode("utf-16"))
    assert (issue.code, issue.message_id) == ("structure", "xml.encoding-mismatch")
    assert "UTF-16 (byte-order mark)" in issue.text
    issue = refused(('<?xml version="1.0" encoding="UTF-16"?>' + PATIENT).encode("utf-8"))
    assert issue.message_id == "xml.encoding-mismatch"
    issue = refused(('<?xml version="1.0" encoding="UTF-8"?>' + PATIENT).encode("latin-1"))
    assert issue.message_id == "xml.syntax"
    assert "line 1, column 99" in issue.text


def test_a_declared_single_byte_encoding_is_read_as_declared() -> None:
    # XML 1.0 4.3.3: encodings beyond UTF-8 and UTF-16 may be read; the HL7 reference validator does
    for encoding in ("ISO-8859-1", "windows-1252", "iso-8859-15"):
        data = (f'<?xml version="1.0" encoding="{encoding}"?>' + PATIENT).encode(encoding)
        assert read_resource(data)["name"] == [{"family": "Zoë"}]


def test_utf32_and_unknown_encodings_are_not_supported() -> None:
    issue = refused(('<?xml version="1.0" encoding="x-no-such-code"?>' + PATIENT).encode())
    assert (issue.code, issue.message_id) == ("not-supported", "xml.encoding")
    issue = refused(('<?xml version="1.0" encoding="UTF-32"?>' + PATIENT).encode())
    assert (issue.code, issue.message_id) == ("not-supported", "xml.encoding")
    issue = refused(PATIENT.encode("utf-32"))
    assert (issue.code, issue.message_id) == ("not-supported", "xml.encoding")
    issue = refused(('<?xml version="1.0" encoding="ISO-8859-1"?>' + PATIENT).encode("utf-16"))
    assert issue.message_id == "xml.encoding-mismatch"


def test_characters_beyond_the_basic_multilingual_plane_are_read() -> None:
    text = "Zo\U0001f600"
    for encoded in (PATIENT.replace("Zoë", text).encode(), PATIENT.replace("Zoë", text).encode("utf-16")):
        assert read_resource(encoded)["name"] == [{"family": text}]


def test_malformed_xml_names_line_and_column() -> None:
    issue = refused(b'<Patient xmlns="http://hl7.org/fhir">\n  <name>\n</Patient>')
    assert (issue.code, issue.message_id) == ("structure", "xml.syntax")
    assert "line 3, column 11" in issue.text


def test_other_rooms_choose_their_error_class() -> None:
    with pytest.raises(InvalidRecord) as caught:
        parse_untrusted_xml(b'<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>', error=InvalidRecord)
    assert caught.value.outcome.issues[0].message_id == "xml.doctype"


def test_a_narrative_string_is_untrusted_xml_too(listener: tuple[str, list[str]]) -> None:
    base, hits = listener
    div = (
        f'<!DOCTYPE div [<!ENTITY x SYSTEM "{base}/div">]><div xmlns="http://www.w3.org/1999/xhtml">&x;</div>'
    )
    with pytest.raises(InvalidFhir) as caught:
        json_to_xml({"resourceType": "Patient", "text": {"status": "generated", "div": div}})
    [issue] = caught.value.outcome.issues
    assert (issue.message_id, issue.expression) == ("xml.doctype", "Patient.text.div")
    assert hits == []
