"""Every reader, fed mutated fixtures: it answers with our own error (an AdapterError carrying an
OperationOutcome whose issues name what is wrong) or a result - never another exception."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given

from adapter.dialects import read_all
from adapter.errors import AdapterError
from adapter.fhir import from_fhir
from adapter.model import load_json_record
from adapter.text import CONTROL
from adapter.wire import json_to_xml, read_json, read_resource, write_json, xml_to_json
from fuzz.mutations import FUZZ, count_case, mutated


def answers_in_our_words(read: Callable[[bytes], Any], data: bytes) -> Any:
    """``read(data)``, or None when it refused with an AdapterError whose every issue has text (and
    no raw control character); any other exception fails the property."""
    try:
        return read(data)
    except AdapterError as error:
        assert error.outcome.issues, "an AdapterError with no issue"
        for issue in error.outcome.issues:
            assert issue.text and not CONTROL.search(issue.text), issue
        return None


def _fhir_json_round_trip(data: bytes) -> None:
    resource = read_json(data)
    # What the reader accepts, the writers can write (or refuse in our words).
    write_json(resource)
    json_to_xml(resource)
    from_fhir(resource)


def _fhir_xml_round_trip(data: bytes) -> None:
    resource = xml_to_json(data)
    write_json(resource)
    from_fhir(resource)


READERS: dict[str, tuple[str, Callable[[bytes], Any]]] = {
    "wire-json": ("fhir-json", _fhir_json_round_trip),
    "wire-xml": ("fhir-xml", _fhir_xml_round_trip),
    "wire-sniffed": ("fhir-xml", read_resource),
    "canonical": ("canonical", load_json_record),
    "carat": ("carat", lambda data: read_all("carat", data)),
    "cjit-dir": ("cjit-dir", lambda data: read_all("cjit-dir", data)),
    "cmht-cpa": ("cmht-cpa", lambda data: read_all("cmht-cpa", data)),
    "gp-shared-care": ("gp-shared-care", lambda data: read_all("gp-shared-care", data)),
}


@pytest.mark.parametrize("reader", list(READERS))
def test_every_reader_answers_mutated_input_in_our_words(reader: str) -> None:
    kind, read = READERS[reader]

    @FUZZ
    @given(data=mutated(kind))
    def property(data: bytes) -> None:
        count_case(f"reader {reader}")
        answers_in_our_words(read, data)

    property()


@pytest.mark.parametrize("system", ["carat", "cjit-dir", "cmht-cpa", "gp-shared-care"])
def test_what_a_system_reader_accepts_every_writer_writes_or_reports(system: str) -> None:
    from adapter.dialects import write

    @FUZZ
    @given(data=mutated(system))
    def property(data: bytes) -> None:
        count_case(f"read-write {system}")
        conversions = answers_in_our_words(lambda d: read_all(system, d), data) or []
        for conversion in conversions[:2]:
            for target in ("carat", "cjit-dir", "cmht-cpa", "gp-shared-care"):
                answers_in_our_words(lambda _, t=target, c=conversion: write(t, c.record), b"")

    property()
