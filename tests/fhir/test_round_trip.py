"""Canonical -> FHIR -> canonical is lossless: for generated records and for every fixture."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from bundle_checks import check_bundle
from fhir_strategies import client_records
from hypothesis import HealthCheck, given, settings

from adapter.fhir import from_fhir, to_fhir
from adapter.model import ClientRecord, load_record
from adapter.wire import json_to_xml, read_json, write_json, xml_to_json

FIXTURES = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "clients").glob("*.json"))
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(client_records(full=True))
def test_every_field_survives_the_round_trip(record: ClientRecord) -> None:
    bundle = to_fhir(record)
    result = from_fhir(bundle)
    assert result.unmapped == []
    assert result.record == record
    assert result.record.model_dump(mode="json") == record.model_dump(mode="json")


@SETTINGS
@given(client_records(full=False))
def test_sparse_records_survive_the_round_trip(record: ClientRecord) -> None:
    bundle = to_fhir(record)
    check_bundle(bundle)
    assert from_fhir(bundle).record == record


@SETTINGS
@given(client_records(full=True))
def test_generated_bundles_are_valid_and_closed(record: ClientRecord) -> None:
    bundle = to_fhir(record)
    check_bundle(bundle)
    assert to_fhir(record) == bundle


@SETTINGS
@given(client_records(full=True))
def test_round_trip_through_json_and_xml_bytes(record: ClientRecord) -> None:
    wire_json = write_json(to_fhir(record))
    assert from_fhir(read_json(wire_json)).record == record
    wire_xml = json_to_xml(read_json(wire_json))
    result = from_fhir(xml_to_json(wire_xml))
    assert result.unmapped == []
    assert result.record == record
    # Decimals compare by value; the JSON dump compares their digits ("1.50" is not "1.5").
    assert result.record.model_dump(mode="json") == record.model_dump(mode="json")


def _fixture(path: Path) -> ClientRecord:
    return load_record(orjson.loads(path.read_bytes()))


@pytest.mark.skipif(not FIXTURES, reason="no fixtures/clients/*.json yet")
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_round_trip(path: Path) -> None:
    record = _fixture(path)
    bundle = to_fhir(record)
    check_bundle(bundle)
    result = from_fhir(bundle)
    assert result.unmapped == []
    assert result.record == record


@pytest.mark.skipif(not FIXTURES, reason="no fixtures/clients/*.json yet")
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_ids_are_stable(path: Path) -> None:
    first = to_fhir(_fixture(path))
    second = to_fhir(_fixture(path))
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    assert first == second
    assert to_fhir(_fixture(path), typed_check=False) == first
