"""Canonical client record -> FHIR R4 transaction Bundle.

    >>> bundle = to_fhir(record)
    >>> bundle["type"], bundle["entry"][0]["request"]["method"]
    ('transaction', 'PUT')

Every resource is checked against its fhir.resources R4B model as it is built. The wire form is the
JSON the model accepted, not the model's own dump: fhir.resources writes decimals as floats
(``1.50`` -> ``1.5``, large values lose digits) and the mapping must keep them exact.
"""

from __future__ import annotations

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from adapter.errors import InvalidRecord
from adapter.fhir.terminology import Terminology
from adapter.fhir.to_fhir.careplan import care_plan
from adapter.fhir.to_fhir.context import Context
from adapter.fhir.to_fhir.mental_health import resources as mental_health_resources
from adapter.fhir.to_fhir.people import organization, patient, practitioner, practitioner_role
from adapter.fhir.to_fhir.resources import care_team, consent, episode_of_care, goal, need, provenance
from adapter.model.record import ClientRecord
from adapter.outcome import Issue, OperationOutcome
from adapter.types import FhirJson

__all__ = ["to_fhir"]


def _resources(ctx: Context) -> list[FhirJson]:
    record = ctx.record
    built: list[FhirJson | None] = [
        care_plan(ctx),
        care_team(ctx) if record.care_team else None,
        *(goal(ctx, g) for g in record.plan.goals),
        *(need(ctx, n) for n in record.plan.needs),
        *mental_health_resources(ctx),
        patient(ctx),
        *(practitioner(ctx, m) for m in record.care_team),
        *(practitioner_role(ctx, m) for m in record.care_team),
        *(organization(ctx, o) for o in record.organisations),
        episode_of_care(ctx),
        *(consent(ctx, c) for c in record.consents),
        provenance(ctx),
    ]
    return [r for r in built if r is not None]


def _entry(resource: FhirJson) -> FhirJson:
    return {
        "fullUrl": f"urn:uuid:{resource['id']}",
        "resource": resource,
        "request": {"method": "PUT", "url": f"{resource['resourceType']}/{resource['id']}"},
    }


def to_fhir(
    record: ClientRecord, terminology: Terminology | None = None, *, typed_check: bool = True
) -> FhirJson:
    """The record as a FHIR R4 transaction Bundle (JSON form; decimals as :class:`~decimal.Decimal`).

    Ids are UUID v5s named by the client, the plan and each part, so exporting the same record again
    gives the same bundle. ``terminology`` defaults to displays from the bundled core and our IG.
    Raises InvalidRecord when a value cannot be carried by FHIR (e.g. a string of only no-break
    spaces), naming the element. ``typed_check=False`` skips the fhir.resources gate, which is
    nine tenths of the cost (figures in docs/architecture.md), for callers that export many
    records already known to be representable; the property tests hold the mapping to it.
    """
    ctx = Context(record, terminology or Terminology.default())
    bundle: FhirJson = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [_entry(r) for r in _resources(ctx)],
    }
    # The typed models are the gate: what FHIR cannot carry fails here, not at the receiving system.
    if not typed_check:
        return bundle
    try:
        Bundle.model_validate(bundle)
    except ValidationError as error:
        raise InvalidRecord(OperationOutcome.of(_issues(error))) from None
    return bundle


def _issues(error: ValidationError) -> list[Issue]:
    issues = []
    for detail in error.errors():
        path = "Bundle"
        for part in detail["loc"]:
            path += f"[{part}]" if isinstance(part, int) else f".{part}"
        issues.append(Issue.error("value", "fhir.unrepresentable", f"{path}: {detail['msg']}", path))
    return issues


def care_plan_id(record: ClientRecord, terminology: Terminology | None = None) -> str:
    """The id :func:`to_fhir` gives the record's CarePlan (a stable UUID v5), without building the
    bundle: what a store indexes so a plan is found by its FHIR id."""
    return Context(record, terminology or Terminology.default()).id("CarePlan")
