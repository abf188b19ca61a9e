"""``POST /CarePlan/$import``: a care plan another system made, read into the canonical record.

The body is any FHIR R4 Bundle or resource holding a CarePlan (JSON or XML), read as the command line
reads it (adapter.fhir's ``read_plan``: ours strictly, any other imported for review). Query
parameters ``plan`` (an id, identifier or fullUrl) and ``as-of`` (YYYY-MM-DD) choose among several
plans. The answer is JSON: the canonical ``record``, whether it is ``imported_for_review`` with its
``review_findings``, and ``not_carried``, an OperationOutcome listing every element not carried with
its FHIRPath and severity. A plan that cannot be imported without changing its meaning, or that
cannot be read, is 422 with an OperationOutcome naming each element. Nothing is stored.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from adapter.errors import InvalidFhir
from adapter.fhir import read_plan
from adapter.model import dump_record
from adapter.outcome import Issue, OperationOutcome
from adapter.server.deps import CallerDep, FhirBodyDep
from adapter.server.http_problem import HttpProblem

router = APIRouter(tags=["import"])


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problem = Issue.error("value", "server.as-of", f"as-of: found {value!r}, expected a date YYYY-MM-DD")
        raise HttpProblem(400, OperationOutcome.of([problem])) from None


@router.post("/CarePlan/$import")
def import_care_plan(
    caller: CallerDep,
    body: FhirBodyDep,
    plan: Annotated[
        str | None, Query(description="the CarePlan to import: id, identifier or fullUrl")
    ] = None,
    as_of: Annotated[str | None, Query(alias="as-of", description="the day a plan must be active on")] = None,
) -> JSONResponse:
    """The canonical record of the posted plan, whether a person must review it, and what was not carried."""
    try:
        result = read_plan(body, plan_id=plan, as_of=_day(as_of))
    except InvalidFhir as error:
        raise HttpProblem(422, error.outcome) from None
    review = result.record.plan.import_review
    return JSONResponse(
        {
            "record": dump_record(result.record),
            "imported_for_review": review is not None,
            "review_findings": list(review.findings) if review else [],
            "not_carried": OperationOutcome.of(result.unmapped).to_fhir(),
        }
    )
