"""Shared helpers for the dialect tests: the fixture clients and a field-by-field comparison."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from adapter.dialects import paths
from adapter.dialects.defaults import is_default
from adapter.model import ClientRecord, dump_record, load_record

REPO = Path(__file__).resolve().parents[2]
CLIENTS = sorted((REPO / "fixtures" / "clients").glob("*.json"))
SYSTEMS_FIXTURES = REPO / "fixtures" / "systems"


def client(name: str) -> ClientRecord:
    """A fixture client by file stem (``02-carat-release``)."""
    return load_record(orjson.loads((REPO / "fixtures" / "clients" / f"{name}.json").read_bytes()))


def _comparable(value: Any) -> Any:
    # Instants compare as instants: '+00:00', 'Z' and a local offset can name the same moment.
    if isinstance(value, str) and len(value) > 10 and value[4:5] == "-" and "T" in value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value


def leaf_map(record: ClientRecord) -> dict[str, Any]:
    """Every leaf of the record as canonical JSON, by path."""
    return {path: _comparable(value) for path, value in paths.leaf_values(dump_record(record))}


def differences(original: ClientRecord, copy: ClientRecord, lost: set[str]) -> list[str]:
    """Paths whose values differ, apart from the ones reported lost."""
    before, after = leaf_map(original), leaf_map(copy)
    return [
        path
        for path in before
        if path not in lost
        and before[path] != after.get(path)
        # A default (a false flag) in an object the copy leaves out says nothing the copy lacks.
        and not (path not in after and is_default(path, before[path]))
    ]
