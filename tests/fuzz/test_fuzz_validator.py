"""The validator's public surface, fed mutated FHIR JSON parsed with nothing in the way (as a caller
of ``adapter.validate`` would hand it a dict): it always answers with an OperationOutcome - issues
for what is wrong - and never raises, whatever kind of JSON value stands where."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapter.validation import Validator
from fuzz.mutations import FUZZ_SLOW, count_case, mutated

VALIDATOR = Validator()


@FUZZ_SLOW
@given(st.data())
def test_the_validator_answers_any_json_shape_with_issues_never_an_exception(data: st.DataObject) -> None:
    count_case("validator")
    raw = data.draw(mutated("fhir-json"))
    try:
        resource = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return  # not JSON at all: the readers' business (test_fuzz_readers)
    outcome = VALIDATOR.validate(resource)
    assert all(issue.text for issue in outcome.issues)


@pytest.mark.parametrize(
    ("resource", "where"),
    [
        ({"resourceType": "Bundle", "type": {}}, "Bundle.type"),
        ({"resourceType": "Bundle", "type": ["transaction"], "entry": [{"request": 1}]}, "Bundle.type"),
        ({"resourceType": "Patient", "meta": {"profile": 42}}, "Patient.meta.profile"),
    ],
)
def test_shapes_that_once_broke_a_later_step_are_answered_where_they_break(
    resource: dict[str, object], where: str
) -> None:
    outcome = VALIDATOR.validate(resource)
    assert where in {issue.expression for issue in outcome.errors}
