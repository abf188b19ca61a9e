"""Whatever damage a bundle has, from_fhir answers with a record or with InvalidFhir - never with
another exception - and every issue it raises points somewhere."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapter.errors import InvalidFhir
from adapter.fhir import from_fhir, to_fhir
from adapter.model import load_record
from adapter.types import FhirJson

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "clients" / "07-two-interventions.json"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=4), inner, max_size=2),
    max_leaves=4,
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*path, i))
    return found


@pytest.fixture(scope="module")
def bundle() -> FhirJson:
    if not FIXTURE.exists():
        pytest.skip("fixture not present")
    return to_fhir(load_record(orjson.loads(FIXTURE.read_bytes())))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_bundles_fail_cleanly(bundle: FhirJson, data: st.DataObject) -> None:
    damaged = copy.deepcopy(bundle)
    paths = _paths(damaged)
    for _ in range(data.draw(st.integers(1, 3))):
        *parents, last = data.draw(st.sampled_from(paths))
        target = damaged
        try:
            for part in parents:
                target = target[part]
            if data.draw(st.booleans()):
                target[last] = data.draw(json_values)
            elif isinstance(target, dict):
                del target[last]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    try:
        result = from_fhir(damaged)
    except InvalidFhir as error:
        assert error.outcome.errors
        assert all(issue.expression for issue in error.outcome.issues)
    else:
        assert all(issue.expression for issue in result.unmapped)
