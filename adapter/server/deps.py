"""What routes are given: ``Annotated`` dependency aliases over what :func:`create_app` assembled.

    @router.get("/CarePlan/{plan_id}")
    def read(plan_id: str, store: StoreDep, caller: CallerDep) -> Response: ...

Tests swap any of them with ``app.dependency_overrides[get_clock] = lambda: FixedClock(at)``.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from adapter.clock import Clock
from adapter.coordination import CoordinationSettings
from adapter.handover import SentMessages, Signer, TrustList
from adapter.server.http_problem import HttpProblem
from adapter.server.settings import Settings
from adapter.server.wire import read_body
from adapter.store import Store
from adapter.types import FhirJson, OdsCode
from adapter.validation import Validator


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_outbox(request: Request) -> SentMessages:
    outbox: SentMessages = request.app.state.outbox
    return outbox


def get_signer(request: Request) -> Signer | None:
    """This organisation's signing key (CAREPLAN_SIGNING_KEY_FILE), or None when not set."""
    signer: Signer | None = request.app.state.signer
    return signer


def get_validator(request: Request) -> Validator:
    validator: Validator = request.app.state.validator
    return validator


def get_trust(request: Request) -> TrustList:
    trust: TrustList = request.app.state.trust
    return trust


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_coordination_settings(request: Request) -> CoordinationSettings:
    """The local protocol's intervals (CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS,
    CAREPLAN_DISCHARGE_TOP_WINDOW_DAYS): every route that judges co-ordination judges by them."""
    settings: CoordinationSettings = request.app.state.coordination
    return settings


def _unauthorised(text: str, error: str) -> HttpProblem:
    # RFC 6750 3: a challenge naming the scheme, and why the token (if any) was not taken.
    return HttpProblem.single(
        401, "login", f"auth.{error}", text, headers={"WWW-Authenticate": f'Bearer error="{error}"'}
    )


def get_caller(request: Request) -> OdsCode:
    """The ODS code of the organisation whose bearer token the request carries (else 401)."""
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorised("a bearer token is needed (Authorization: Bearer <token>)", "invalid_request")
    callers: dict[str, OdsCode] = request.app.state.callers
    offered = token.strip().encode()
    # Compare against every token in constant time: how fast we say no must not hint at a token.
    found = [ods for known, ods in callers.items() if hmac.compare_digest(known.encode(), offered)]
    if not found:
        raise _unauthorised("the bearer token is not one this server issued", "invalid_token")
    return found[0]


async def get_fhir_body(request: Request) -> FhirJson:
    settings: Settings = request.app.state.settings
    return await read_body(request, settings.max_body_bytes, settings.body_timeout_seconds)


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
OutboxDep = Annotated[SentMessages, Depends(get_outbox)]
SignerDep = Annotated[Signer | None, Depends(get_signer)]
ValidatorDep = Annotated[Validator, Depends(get_validator)]
TrustDep = Annotated[TrustList, Depends(get_trust)]
ClockDep = Annotated[Clock, Depends(get_clock)]
CoordinationDep = Annotated[CoordinationSettings, Depends(get_coordination_settings)]
CallerDep = Annotated[OdsCode, Depends(get_caller)]
FhirBodyDep = Annotated[FhirJson, Depends(get_fhir_body)]
