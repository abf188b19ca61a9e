"""``GET /CarePlan/{id}`` and ``GET /CarePlan?patient.identifier=system|value``: plans this server holds
by receipt, as FHIR (adapter.fhir's ``to_fhir``), for a system that pulls them (a GP importing its
shared-care plans).

Who may read a plan: the holder itself, and an organisation that an active consent in the plan, in
force today, names (seed 000 5.3.6: information is shared with the client's consent). Any other
caller is told the plan does not exist (404), so a search cannot probe whom we hold plans for.

The searchset Bundle has each CarePlan (search.mode ``match``) followed by what it references
(``include``), so one call gives a GP everything the plan points at; references stay the
``urn:uuid`` form they have in the plan's own bundle, and resolve inside the searchset.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from adapter.fhir import to_fhir
from adapter.model import ClientRecord
from adapter.model.codes import ConsentStatus
from adapter.model.identifiers import NHS_NUMBER_SYSTEM, PNC_ID_SYSTEM, PRISON_NUMBER_SYSTEM
from adapter.server.deps import CallerDep, ClockDep, SettingsDep, StoreDep
from adapter.server.http_problem import HttpProblem
from adapter.server.wire import fhir_response
from adapter.store import Store
from adapter.types import FhirJson, OdsCode

router = APIRouter(tags=["CarePlan"])

SEARCH_PARAMETERS = ("patient.identifier", "_format")
"""What ``GET /CarePlan`` understands; anything else is refused rather than silently ignored."""


def may_read(record: ClientRecord, caller: OdsCode, holder: OdsCode, today: date) -> bool:
    """True when ``caller`` is the holder, or an active consent in force on ``today`` names it."""
    if caller == holder:
        return True
    return any(
        consent.status is ConsentStatus.ACTIVE
        and caller in consent.organisations
        and consent.start <= today
        and (consent.end is None or today <= consent.end)
        for consent in record.consents
    )


def identifiers(record: ClientRecord) -> set[tuple[str, str]]:
    """Every (system, value) the client is known by in ``record``."""
    user = record.service_user
    known = {(other.system, other.value) for other in user.other_identifiers}
    for system, value in (
        (NHS_NUMBER_SYSTEM, user.nhs_number),
        (PRISON_NUMBER_SYSTEM, user.prison_number),
        (PNC_ID_SYSTEM, user.pnc_id),
    ):
        if value:
            known.add((system, str(value)))
    return known


def _matches(token: str, known: set[tuple[str, str]]) -> bool:
    # FHIR token search: "system|value", "|value" (no system), or "value" (any system).
    if "|" not in token:
        return any(value == token for _, value in known)
    system, _, value = token.partition("|")
    if system:
        return (system, value) in known
    return any(not known_system and known_value == value for known_system, known_value in known)


def _readable(store: Store, caller: OdsCode, holder: OdsCode, today: date) -> list[ClientRecord]:
    """Every plan the holder keeps that the caller may read."""
    return [record for record in store.list_plans(holder) if may_read(record, caller, holder, today)]


def _care_plan(bundle: FhirJson) -> FhirJson:
    resource: FhirJson = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CarePlan"
    )
    return resource


@router.get("/CarePlan/{plan_id}")
def read_care_plan(
    request: Request, plan_id: str, caller: CallerDep, settings: SettingsDep, store: StoreDep, clock: ClockDep
) -> Response:
    """The CarePlan with this id (its FHIR id, as a searchset gives it)."""
    for record in _readable(store, caller, settings.ods, clock.today()):
        plan = _care_plan(to_fhir(record))
        if plan.get("id") == plan_id:
            return fhir_response(request, plan)
    raise HttpProblem.single(
        404, "not-found", "careplan.unknown", f"no CarePlan {plan_id} here", "CarePlan.id"
    )


@router.get("/CarePlan")
def search_care_plans(
    request: Request,
    caller: CallerDep,
    settings: SettingsDep,
    store: StoreDep,
    clock: ClockDep,
    patient_identifier: Annotated[
        str | None, Query(alias="patient.identifier", description="system|value, e.g. the NHS number.")
    ] = None,
) -> Response:
    """A searchset Bundle of the CarePlans (with what they reference) for the patient named."""
    unknown = sorted(set(request.query_params) - set(SEARCH_PARAMETERS))
    if unknown:
        raise HttpProblem.single(
            400,
            "not-supported",
            "search.unknown-parameter",
            f"unknown search parameter {', '.join(unknown)}; CarePlan is searched by patient.identifier",
        )
    entries: list[FhirJson] = []
    matched = 0
    for record in _readable(store, caller, settings.ods, clock.today()):
        if patient_identifier is not None and not _matches(patient_identifier, identifiers(record)):
            continue
        matched += 1
        for entry in to_fhir(record)["entry"]:
            mode = "match" if entry["resource"]["resourceType"] == "CarePlan" else "include"
            entries.append(
                {"fullUrl": entry["fullUrl"], "resource": entry["resource"], "search": {"mode": mode}}
            )
    searchset: FhirJson = {"resourceType": "Bundle", "type": "searchset", "total": matched, "entry": entries}
    if not entries:
        del searchset["entry"]
    return fhir_response(request, searchset)
