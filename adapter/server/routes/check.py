"""``POST /CarePlan/$check``: who co-ordinates the posted plan's care, and what is missing or due.

The body is a FHIR Bundle (any type) or a CarePlan with what it contains, read with adapter.fhir's
``from_fhir``; the answer is adapter.coordination's OperationOutcome for the day on the server's
clock, judged by the server's ``CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS`` and
``CAREPLAN_DISCHARGE_TOP_WINDOW_DAYS`` (the intervals ``careplan check`` reads: hazard H-56). A body
that cannot be read as a care plan is 422, each problem with its FHIRPath.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from adapter.coordination import check_coordination, operation_outcome
from adapter.errors import InvalidFhir
from adapter.fhir import from_fhir
from adapter.server.deps import CallerDep, ClockDep, CoordinationDep, FhirBodyDep
from adapter.server.http_problem import HttpProblem
from adapter.server.wire import fhir_response

router = APIRouter(tags=["co-ordination"])


@router.post("/CarePlan/$check")
def check_plan(
    request: Request, caller: CallerDep, body: FhirBodyDep, clock: ClockDep, settings: CoordinationDep
) -> Response:
    """Co-ordination findings for the care plan posted (adapter.coordination.check_coordination), by
    the server's CAREPLAN_* intervals."""
    try:
        record = from_fhir(body).record
    except InvalidFhir as error:
        raise HttpProblem(422, error.outcome) from None
    report = check_coordination(record, today=clock, settings=settings)
    return fhir_response(request, operation_outcome(report))
