"""The FHIR REST facade (FastAPI): handover messages in, stored care plans out, validation and
co-ordination checks; bearer tokens per calling organisation; every error an OperationOutcome.

    >>> app = create_app(Settings(ods="Y02345", database_url="cjit.db", tokens={"s3cret": "NTI"}))
    $ CAREPLAN_ODS=Y02345 CAREPLAN_TOKENS_FILE=tokens.json uvicorn --factory adapter.server:create_app

    GET  /metadata                                     CapabilityStatement (no token)
    POST /$process-message                             a handover message -> its acknowledgement Bundle
    POST /$validate, /{type}/$validate [?profile=]     OperationOutcome
    GET  /CarePlan/{id}, /CarePlan?patient.identifier= plans held by receipt, as FHIR
    POST /CarePlan/$check                              co-ordination findings (OperationOutcome)
"""

from __future__ import annotations

from adapter.server.app import create_app
from adapter.server.deps import (
    CallerDep,
    ClockDep,
    CoordinationDep,
    SettingsDep,
    StoreDep,
    TrustDep,
    ValidatorDep,
    get_caller,
    get_clock,
    get_coordination_settings,
    get_settings,
    get_store,
    get_trust,
    get_validator,
)
from adapter.server.http_problem import HttpProblem
from adapter.server.routes.metadata import capability_statement
from adapter.server.settings import Settings

__all__ = [
    "CallerDep",
    "ClockDep",
    "CoordinationDep",
    "HttpProblem",
    "Settings",
    "SettingsDep",
    "StoreDep",
    "TrustDep",
    "ValidatorDep",
    "capability_statement",
    "create_app",
    "get_caller",
    "get_clock",
    "get_coordination_settings",
    "get_settings",
    "get_store",
    "get_trust",
    "get_validator",
]
