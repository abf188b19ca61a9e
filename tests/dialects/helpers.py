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


OWN_RECORD_FIELDS = (
    "service_user.sex_at_birth",
    "service_user.ethnic_category",
    "service_user.sexual_orientation",
    "service_user.religion",
    "service_user.first_language",
    "service_user.interpreter_required",
    "service_user.disabilities",
    "plan.circumstances",
    "plan.pregnancy",
    "plan.injecting",
    "plan.blood_borne_viruses",
    "episode.referral_received",
    "episode.first_appointment_offered",
    "episode.treatment_start",
    "episode.treatment_history",
)
"""The client's own record (issue 11) that no service's own format holds (their XSDs, tables and
exports have no field for it): every conversion into one reports each of these as a loss."""


def is_own_record_path(path: str) -> bool:
    return any(path == f or path.startswith((f"{f}.", f"{f}[")) for f in OWN_RECORD_FIELDS)


def own_record_paths(record: ClientRecord) -> set[str]:
    """The leaf paths of ``record`` under :data:`OWN_RECORD_FIELDS`."""
    return {path for path in leaf_map(record) if is_own_record_path(path)}
