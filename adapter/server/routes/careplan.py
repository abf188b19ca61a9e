"""``GET /CarePlan/{id}`` and ``GET /CarePlan?patient.identifier=system|value``: plans this server holds
by receipt, as FHIR (adapter.fhir's ``to_fhir``), for a system that pulls them (a GP importing its
shared-care plans).

Who may read a plan, and what (hazards H-12, H-15): the holder reads its whole copy. Another
organisation reads only when it is an organisation of the plan whose kind the minimisation table
lists, and the consent rule every disclosure asks (adapter.handover.consent_for) finds a consent of
the client's, in force today, naming it for one of the purposes the table gives its kind (``reads``)
- a refusal outweighs it; and it is served what the table gives its kind, never more (a GP reads what
a GP handover carries). Any other caller is told the plan does not exist (404), so a search cannot
probe whom we hold plans for (seed 000 5.3.6: information is shared with the client's consent).

The searchset Bundle has each CarePlan (search.mode ``match``) followed by what it references
(``include``), so one call gives a GP everything the plan points at; references stay the
``urn:uuid`` form they have in the plan's own bundle, and resolve inside the searchset.

Both look plans up in the store's indexes (the CarePlan's FHIR id, the client's identifiers) and map
only the plans found to FHIR, so their cost does not grow with the number of plans held.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from adapter.fhir import care_plan_id, to_fhir
from adapter.handover.consent import consent_for
from adapter.handover.errors import HandoverRefused
from adapter.handover.minimise import minimise, rule_for
from adapter.model import ClientRecord
from adapter.server.deps import CallerDep, ClockDep, SettingsDep, StoreDep
from adapter.server.http_problem import HttpProblem
from adapter.server.wire import fhir_response
from adapter.store import Store
from adapter.types import FhirJson, OdsCode
from adapter.urls import CARE_PLAN_ID_SYSTEM

router = APIRouter(tags=["CarePlan"])

SEARCH_PARAMETERS = ("patient.identifier", "identifier", "_format")
"""What ``GET /CarePlan`` understands; anything else is refused rather than silently ignored."""


def readable(record: ClientRecord, caller: OdsCode, holder: OdsCode, today: date) -> ClientRecord | None:
    """What ``caller`` may read of ``record`` on ``today``: the whole of it for the holder; for another
    organisation of the plan, the record minimised for its kind under the consent that covers it;
    None when it may read nothing."""
    if caller == holder:
        return record
    kind = next((o.kind for o in record.organisations if o.ods_code == caller), None)
    rule = rule_for(kind) if kind is not None else None
    if rule is None or not rule.reads:
        return None
    try:
        consent = consent_for(record, caller, rule.reads, today)
    except HandoverRefused:
        return None
    return minimise(record, rule, consent)


def _found(
    store: Store, holder: OdsCode, token: str | None, plan_token: str | None = None
) -> list[ClientRecord]:
    """The plans the holder keeps for the patient named by the FHIR token, and with the plan
    identifier named by ``plan_token`` (every plan for neither)."""
    if plan_token is not None:
        system, _, value = plan_token.rpartition("|")
        plan = store.get_plan(holder, value) if system in ("", CARE_PLAN_ID_SYSTEM) else None
        found = [plan] if plan is not None else []
        return [p for p in found if token is None or p in _found(store, holder, token)]
    if token is None:
        return store.list_plans(holder)
    # FHIR token search: "system|value", "|value" (no system), or "value" (any system).
    if "|" not in token:
        return store.find_plans(holder, token)
    system, _, value = token.partition("|")
    if not system:
        # Every identifier the adapter keeps names its system, so "no system" matches nothing.
        return []
    return store.find_plans(holder, value, system=system)


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
    record = store.find_plan(settings.ods, plan_id)
    shown = readable(record, caller, settings.ods, clock.today()) if record is not None else None
    if shown is not None:
        return fhir_response(request, _care_plan(to_fhir(shown)))
    # A plan's local id (plan-nti-a4821kd) is not its FHIR id: say which it is, to a caller who may read it.
    local = store.get_plan(settings.ods, plan_id)
    if local is not None and readable(local, caller, settings.ods, clock.today()) is not None:
        raise HttpProblem.single(
            404,
            "not-found",
            "careplan.local-id",
            f"{plan_id} is a local plan id, not a FHIR id: read it as CarePlan/{care_plan_id(local)}, "
            f"or search CarePlan?identifier={CARE_PLAN_ID_SYSTEM}|{plan_id}",
            "CarePlan.id",
        )
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
    identifier: Annotated[
        str | None, Query(description="the plan's own identifier: system|value, or the local plan id.")
    ] = None,
) -> Response:
    """A searchset Bundle of the CarePlans (with what they reference) for the patient named."""
    unknown = sorted(set(request.query_params) - set(SEARCH_PARAMETERS))
    if unknown:
        raise HttpProblem.single(
            400,
            "not-supported",
            "search.unknown-parameter",
            f"unknown search parameter {', '.join(unknown)}; CarePlan is searched by patient.identifier "
            "or identifier",
        )
    entries: list[FhirJson] = []
    matched = 0
    today = clock.today()
    for record in _found(store, settings.ods, patient_identifier, identifier):
        shown = readable(record, caller, settings.ods, today)
        if shown is None:
            continue
        matched += 1
        for entry in to_fhir(shown)["entry"]:
            mode = "match" if entry["resource"]["resourceType"] == "CarePlan" else "include"
            entries.append(
                {"fullUrl": entry["fullUrl"], "resource": entry["resource"], "search": {"mode": mode}}
            )
    searchset: FhirJson = {"resourceType": "Bundle", "type": "searchset", "total": matched, "entry": entries}
    if not entries:
        del searchset["entry"]
    return fhir_response(request, searchset)
