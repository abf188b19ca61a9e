"""FHIR JSON: decimals keep their text, and every bad input is an InvalidFhir with a clear Issue."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapter.errors import InvalidFhir
from adapter.outcome import Issue
from adapter.wire import FhirDecimal, read_json, write_json


def refused(data: bytes, **limits: int) -> list[Issue]:
    with pytest.raises(InvalidFhir) as caught:
        read_json(data, **limits)
    return list(caught.value.outcome.issues)


@pytest.mark.parametrize(
    "lexeme", ["1.50", "0.010", "1e3", "1E-22", "-1.000000000000000000E+245", "0.0000001"]
)
def test_decimals_keep_their_exact_text_through_read_and_write(lexeme: str) -> None:
    data = b'{"resourceType":"Observation","valueQuantity":{"value":' + lexeme.encode() + b"}}"
    resource = read_json(data)
    value = resource["valueQuantity"]["value"]
    assert isinstance(value, FhirDecimal)
    assert value.lexeme == lexeme
    assert value == Decimal(lexeme)
    assert write_json(resource, indent=False) == data


def test_integers_stay_ints_and_huge_or_negative_zero_ones_keep_their_text() -> None:
    resource = read_json(b'{"a": 5, "b": -0, "c": 123456789012345678901234567890}')
    assert resource["a"] == 5 and type(resource["a"]) is int
    assert resource["b"] == 0 and str(resource["b"]) == "-0"
    assert resource["c"] == FhirDecimal("123456789012345678901234567890")
    assert write_json(resource, indent=False) == b'{"a":5,"b":-0,"c":123456789012345678901234567890}'


def test_decimal_arithmetic_and_equality_are_by_value() -> None:
    assert FhirDecimal("1.50") == FhirDecimal("1.5")
    assert FhirDecimal("0.010") * 2 == Decimal("0.020")
    assert repr(FhirDecimal("1e3")) == "FhirDecimal('1e3')"
    with pytest.raises(ValueError):
        FhirDecimal("1.")


def test_write_json_indents_by_default_and_keeps_key_order() -> None:
    resource = {"resourceType": "Patient", "id": "p1", "active": True}
    assert write_json(resource) == b'{\n  "resourceType": "Patient",\n  "id": "p1",\n  "active": true\n}'
    assert write_json({"b": 1, "a": Decimal("1E+3")}, indent=False) == b'{"b":1,"a":1E+3}'


def test_write_json_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(InvalidFhir) as caught:
        write_json({"resourceType": "Patient", "when": {1, 2}})
    assert caught.value.outcome.issues[0].message_id == "json.unwritable"
    with pytest.raises(InvalidFhir):
        write_json({"value": Decimal("NaN")})


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    assert read_json(b'\xef\xbb\xbf{"resourceType": "Patient"}') == {"resourceType": "Patient"}


def test_malformed_json_names_line_and_column() -> None:
    [issue] = refused(b'{\n  "resourceType": "Patient",\n  "id" "p1"\n}')
    assert (issue.code, issue.message_id) == ("structure", "json.syntax")
    assert "line 3, column 8" in issue.text


def test_a_root_that_is_not_an_object_is_refused() -> None:
    [issue] = refused(b'[{"resourceType": "Patient"}]')
    assert issue.message_id == "json.not-object"
    assert "an array" in issue.text


def test_every_duplicate_key_is_reported_with_its_fhirpath() -> None:
    issues = refused(
        b'{"resourceType": "Patient", "id": "a", "name": [{"family": "X"}, {"given": ["A"], "given": ["B"]}],'
        b' "id": "b"}'
    )
    assert [(i.code, i.message_id, i.expression) for i in issues] == [
        ("structure", "json.duplicate-key", "Patient.id"),
        ("structure", "json.duplicate-key", "Patient.name[1].given"),
    ]
    assert "'given'" in issues[1].text


def test_nan_and_infinity_are_not_json() -> None:
    [issue] = refused(b'{"value": NaN}')
    assert issue.message_id == "json.syntax" and "NaN" in issue.text
    assert refused(b'{"value": -Infinity}')[0].message_id == "json.syntax"


def test_nesting_over_the_limit_is_too_costly() -> None:
    nested = b'{"a":' * 30 + b"1" + b"}" * 30
    assert read_json(nested, max_depth=30)["a"]["a"]
    [issue] = refused(nested, max_depth=29)
    assert (issue.code, issue.message_id) == ("too-costly", "json.too-deep")
    assert "29 levels" in issue.text


def test_nesting_ten_thousand_deep_is_refused_without_a_traceback() -> None:
    for opener, closer in ((b'{"a":', b"}"), (b"[", b"]")):
        deep = b'{"a":' + opener * 10_000 + b"1" + closer * 10_000 + b"}"
        [issue] = refused(deep)
        assert (issue.code, issue.message_id) == ("too-costly", "json.too-deep")


def test_size_limit_is_configurable() -> None:
    data = b'{"resourceType": "Patient", "id": "' + b"x" * 100 + b'"}'
    assert read_json(data, max_bytes=len(data))["id"] == "x" * 100
    [issue] = refused(data, max_bytes=len(data) - 1)
    assert (issue.code, issue.message_id) == ("too-costly", "json.too-large")
    assert f"{len(data):,} bytes" in issue.text


def test_json_that_is_not_utf8_is_refused_with_the_place() -> None:
    [issue] = refused('{"name": "Zoë"}'.encode("utf-16"))
    assert issue.message_id == "json.encoding" and "UTF-16" in issue.text
    [issue] = refused(b'{\n"name": "Zo\xeb"}')
    assert issue.message_id == "json.encoding"
    assert "0xEB at line 2, column 12" in issue.text


def test_an_unpaired_surrogate_is_not_a_fhir_string() -> None:
    [issue] = refused(b'{"name": "\\ud800"}')
    assert issue.message_id == "json.string"


def test_numbers_too_large_to_hold_are_refused() -> None:
    [issue] = refused(b'{"value": 1E1000000000000000000}')
    assert (issue.code, issue.message_id) == ("too-costly", "json.number-too-large")
    assert "exponent" in issue.text
    [issue] = refused(b'{"value": ' + b"9" * 5000 + b"}")
    assert issue.message_id == "json.number-too-large"
