"""Golden files: each fixtures/clients/<client>.json beside fixtures/golden/<client>.bundle.json and
.bundle.xml. ``UPDATE_GOLDENS=1 pytest tests/fhir/test_golden.py`` rewrites them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import orjson
import pytest

from adapter.fhir import from_fhir, to_fhir
from adapter.model import ClientRecord, load_record
from adapter.types import FhirJson
from adapter.wire import json_to_xml, read_json, write_json, xml_to_json

ROOT = Path(__file__).resolve().parents[2] / "fixtures"
CLIENTS = sorted((ROOT / "clients").glob("*.json"))
GOLDEN = ROOT / "golden"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"

VOLATILE: tuple[str, ...] = ()
"""Top-level Bundle keys that change between runs, stripped before comparing. None today: ids are
UUID v5s of the record and the bundle carries no timestamp."""


def _stable(bundle: FhirJson) -> FhirJson:
    return {key: value for key, value in bundle.items() if key not in VOLATILE}


def _check(path: Path, produced: bytes) -> None:
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"{path.name} is missing: run UPDATE_GOLDENS=1 pytest {Path(__file__).name}")
        path.write_bytes(produced)
    assert produced == path.read_bytes(), f"{path.name} differs (UPDATE_GOLDENS=1 to accept the change)"


def _record(client: Path) -> ClientRecord:
    return load_record(orjson.loads(client.read_bytes()))


pytestmark = pytest.mark.skipif(not CLIENTS, reason="no fixtures/clients/*.json yet")


@pytest.mark.parametrize("client", CLIENTS, ids=lambda p: p.stem)
def test_golden_json(client: Path) -> None:
    bundle = _stable(to_fhir(_record(client)))
    _check(GOLDEN / f"{client.stem}.bundle.json", write_json(bundle) + b"\n")


@pytest.mark.parametrize("client", CLIENTS, ids=lambda p: p.stem)
def test_golden_xml(client: Path) -> None:
    bundle = _stable(to_fhir(_record(client)))
    _check(GOLDEN / f"{client.stem}.bundle.xml", json_to_xml(read_json(write_json(bundle))))


@pytest.mark.parametrize("client", CLIENTS, ids=lambda p: p.stem)
def test_goldens_read_back_to_the_fixture(client: Path) -> None:
    record = _record(client)
    from_json = read_json((GOLDEN / f"{client.stem}.bundle.json").read_bytes())
    from_xml = xml_to_json((GOLDEN / f"{client.stem}.bundle.xml").read_bytes())
    assert from_xml == from_json
    for bundle in (from_json, from_xml):
        result = from_fhir(bundle)
        assert result.unmapped == []
        assert result.record == record


@pytest.mark.parametrize("client", CLIENTS, ids=lambda p: p.stem)
def test_json_xml_json_is_identity(client: Path) -> None:
    bundle = read_json(write_json(to_fhir(_record(client))))
    back = xml_to_json(json_to_xml(bundle))
    assert back == bundle
    # Equal values, and equal decimal text (FhirDecimal compares by value, so check the lexemes too).
    assert _lexical(back) == _lexical(bundle)


def _lexical(bundle: FhirJson) -> object:
    """The bundle with every number as its JSON text."""
    return json.loads(write_json(bundle), parse_float=str, parse_int=str)
