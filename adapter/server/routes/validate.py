"""``POST /$validate`` and ``POST /{type}/$validate``: an OperationOutcome for the resource posted.

The body is the resource itself or, as R4's Resource-validate defines, a Parameters with a
``resource`` part (and optional ``profile`` parts). ``?profile=`` (repeatable) adds profiles too.
The answer is 200 whether or not the resource is valid: the outcome is the result; a 4xx means
the request itself could not be read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from adapter.outcome import OperationOutcome
from adapter.server.deps import CallerDep, FhirBodyDep, ValidatorDep
from adapter.server.http_problem import HttpProblem
from adapter.server.wire import fhir_response
from adapter.types import FhirJson
from adapter.wire import shape_issues

router = APIRouter(tags=["validation"])
ProfileQuery = Annotated[list[str] | None, Query(description="Profiles to validate against (repeatable).")]


def _unwrap(body: FhirJson) -> tuple[FhirJson, list[str]]:
    """The resource to validate and the profiles named in a Parameters body (else the body as is)."""
    if body.get("resourceType") != "Parameters":
        return body, []
    resources, profiles = [], []
    for index, part in enumerate(body.get("parameter") or []):
        name = part.get("name") if isinstance(part, dict) else None
        if name == "resource" and isinstance(part.get("resource"), dict):
            resources.append(part["resource"])
        elif name == "profile" and isinstance(part.get("valueUri") or part.get("valueCanonical"), str):
            profiles.append(part.get("valueUri") or part.get("valueCanonical"))
        elif name in ("resource", "profile"):
            raise HttpProblem.single(
                422,
                "invalid",
                "validate.bad-parameter",
                f"the {name} parameter carries no {'resource' if name == 'resource' else 'uri'}",
                f"Parameters.parameter[{index}]",
            )
    if len(resources) != 1:
        raise HttpProblem.single(
            422,
            "required",
            "validate.one-resource",
            f"a Parameters body to $validate carries exactly one resource parameter, not {len(resources)}",
            "Parameters.parameter",
        )
    return resources[0], profiles


def _validate(
    request: Request,
    body: FhirJson,
    validator: ValidatorDep,
    profile: list[str] | None,
    expected_type: str | None,
) -> Response:
    resource, named = _unwrap(body)
    if expected_type is not None and resource.get("resourceType") != expected_type:
        raise HttpProblem.single(
            422,
            "invalid",
            "validate.wrong-type",
            f"posted to {expected_type}/$validate, but the resource is a {resource.get('resourceType')}",
            "resourceType",
        )
    # JSON that breaks the R4 shape is answered with where it breaks: the validator walks resources
    # whose shape it can trust (fuzzing found shapes that crash its later steps).
    broken = shape_issues(resource) if "resourceType" in resource else []
    outcome = (
        OperationOutcome.of(broken)
        if broken
        else validator.validate(resource, profiles=[*(profile or []), *named])
    )
    return fhir_response(request, outcome.to_fhir())


@router.post("/$validate")
def validate_any(
    request: Request,
    caller: CallerDep,
    body: FhirBodyDep,
    validator: ValidatorDep,
    profile: ProfileQuery = None,
) -> Response:
    """Validate any resource against the base spec, the profiles it claims and any named."""
    return _validate(request, body, validator, profile, None)


@router.post("/{resource_type}/$validate")
def validate_type(
    request: Request,
    resource_type: str,
    caller: CallerDep,
    body: FhirBodyDep,
    validator: ValidatorDep,
    profile: ProfileQuery = None,
) -> Response:
    """Validate a resource that must be of ``resource_type``."""
    return _validate(request, body, validator, profile, resource_type)
