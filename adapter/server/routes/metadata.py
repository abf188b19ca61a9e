"""``GET /metadata``: the CapabilityStatement saying what this server does (open: no token needed,
so a caller can learn how to authenticate)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request, Response

from adapter.server.deps import ClockDep, SettingsDep
from adapter.server.settings import Settings
from adapter.server.wire import ANSWER_TYPES, fhir_response
from adapter.types import FhirJson
from adapter.urls import CHECK_OPERATION

router = APIRouter(tags=["metadata"])

SOFTWARE_VERSION = "0.1.0"
"""Our own operation; the others are R4 core's OperationDefinitions."""


def capability_statement(settings: Settings, today: date) -> FhirJson:
    """What this server supports, as an R4 CapabilityStatement (kind ``instance``)."""
    implementation: FhirJson = {"description": f"care-plan adapter for ODS {settings.ods}"}
    if settings.base_url:
        implementation["url"] = settings.base_url
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": today.isoformat(),
        "publisher": "care-plan adapter",
        "kind": "instance",
        "software": {"name": "careplan-adapter", "version": SOFTWARE_VERSION},
        "implementation": implementation,
        "fhirVersion": "4.0.1",
        "format": list(ANSWER_TYPES.values()),
        "rest": [
            {
                "mode": "server",
                "security": {
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "OAuth",
                                }
                            ],
                            "text": "Authorization: Bearer <token>, one token per calling organisation",
                        }
                    ],
                    "description": "Every interaction but /metadata needs a bearer token.",
                },
                "resource": [
                    {
                        "type": "CarePlan",
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": [
                            {
                                "name": "patient",
                                "definition": "http://hl7.org/fhir/SearchParameter/clinical-patient",
                                "type": "reference",
                                "documentation": "Chained as patient.identifier=system|value (NHS number).",
                            }
                        ],
                        "operation": [
                            {"name": "check", "definition": CHECK_OPERATION},
                            {
                                "name": "validate",
                                "definition": "http://hl7.org/fhir/OperationDefinition/Resource-validate",
                            },
                        ],
                    }
                ],
                "operation": [
                    {
                        "name": "process-message",
                        "definition": "http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message",
                    },
                    {
                        "name": "validate",
                        "definition": "http://hl7.org/fhir/OperationDefinition/Resource-validate",
                    },
                ],
            }
        ],
    }


@router.get("/metadata")
def metadata(request: Request, settings: SettingsDep, clock: ClockDep) -> Response:
    """The CapabilityStatement."""
    return fhir_response(request, capability_statement(settings, clock.today()))
