"""Every error the server gives is an OperationOutcome with the HTTP status that fits, never a trace.

AdapterError (adapter.errors)     InvalidFhir -> 400 (unreadable) or 422 (read, but not usable)
HttpProblem                       raised by the routes with its own status (401, 404, 413, 415 ...)
HTTPException (Starlette)         routing's own 404 / 405, re-dressed as OperationOutcomes
RequestValidationError            a query parameter of the wrong shape -> 400
anything else                     500, logged here, the caller told only that it failed
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from adapter.errors import AdapterError, UnsupportedFormat
from adapter.outcome import Issue, OperationOutcome
from adapter.server.http_problem import HttpProblem
from adapter.server.wire import fhir_response

log = logging.getLogger("adapter.server")

_STATUS_CODES = {401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported", 406: "not-supported"}


def _answer(request: Request, status: int, outcome: OperationOutcome, headers: dict[str, str]) -> Response:
    response = fhir_response(request, outcome.to_fhir(), status=status, fallback=True)
    response.headers.update(headers)
    return response


async def _problem(request: Request, error: Exception) -> Response:
    assert isinstance(error, HttpProblem)
    return _answer(request, error.status, error.outcome, error.headers)


async def _adapter_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, AdapterError)
    # Input the wire codec could not read is a bad request; a format we do not speak, unsupported.
    status = 415 if isinstance(error, UnsupportedFormat) else 400
    return _answer(request, status, error.outcome, {})


async def _http_exception(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    code = _STATUS_CODES.get(error.status_code, "processing")
    text = f"{request.method} {request.url.path}: {error.detail}"
    issue = Issue.error(code, f"http.{error.status_code}", text)
    return _answer(request, error.status_code, OperationOutcome.of([issue]), dict(error.headers or {}))


async def _bad_parameters(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    issues = [
        Issue.error(
            "invalid",
            "http.bad-parameter",
            f"{'.'.join(str(part) for part in problem.get('loc', ()))}: {problem.get('msg', 'invalid')}",
        )
        for problem in error.errors()
    ]
    return _answer(request, 400, OperationOutcome.of(issues), {})


async def _unexpected(request: Request, error: Exception) -> Response:
    # The trace goes to the log, for us; the caller learns only that it was our fault.
    log.exception("unexpected error answering %s %s", request.method, request.url.path)
    issue = Issue("fatal", "exception", "server.internal", "the server failed to answer; the error is logged")
    return _answer(request, 500, OperationOutcome.of([issue]), {})


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error ``app`` can raise an OperationOutcome response."""
    app.add_exception_handler(HttpProblem, _problem)
    app.add_exception_handler(AdapterError, _adapter_error)
    app.add_exception_handler(HTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _bad_parameters)
    app.add_exception_handler(Exception, _unexpected)
