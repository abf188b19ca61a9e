"""The prison-release minimum data set on the handover Task (seed 002, 5.3.4): release date and area,
the receiving CJIT, the first community appointment, current prescribing, overdose risk on release,
open risks and keyworker contacts - each value checked against the record it came from."""

from __future__ import annotations

from decimal import Decimal

from handover_cases import ROUTES, Keys, Route, wire_message

from adapter.handover import HandoverReason
from adapter.handover.codes import PRESCRIBING_EXTENSION
from adapter.model import ClientRecord
from adapter.types import FhirJson

RELEASE = ROUTES[0]


def _message(route: Route) -> tuple[ClientRecord, FhirJson]:
    return wire_message(route, Keys())


def _inputs(message: FhirJson) -> dict[str, list[FhirJson]]:
    found: dict[str, list[FhirJson]] = {}
    for item in message["entry"][1]["resource"].get("input", []):
        found.setdefault(item["type"]["coding"][0]["code"], []).append(item)
    return found


def _target(message: FhirJson, reference: FhirJson) -> FhirJson:
    resource: FhirJson = next(
        e["resource"] for e in message["entry"] if e["fullUrl"] == reference["reference"]
    )
    return resource


def test_release_date_area_cjit_and_first_appointment() -> None:
    record, message = _message(RELEASE)
    custody = record.plan.custody
    assert custody is not None and custody.release_date and custody.first_community_appointment
    inputs = _inputs(message)
    assert inputs["release-date"][0]["valueDate"] == custody.release_date.isoformat() == "2026-12-09"
    assert inputs["release-area"][0]["valueString"] == custody.release_area
    cjit = _target(message, inputs["receiving-cjit"][0]["valueReference"])
    assert cjit["identifier"][0]["value"] == custody.receiving_cjit == "Y02345"
    assert inputs["first-community-appointment"][0]["valueDateTime"] == "2026-12-09T14:30:00+00:00"


def test_current_prescribing_travels_with_dose_last_dose_and_pharmacy() -> None:
    record, message = _message(RELEASE)
    prescribing = record.plan.interventions[0].prescribing
    assert prescribing is not None and prescribing.last_dose_at is not None
    [item] = _inputs(message)["current-prescribing"]
    assert item["valueString"] == prescribing.medicine
    [detail] = [e for e in item["extension"] if e["url"] == PRESCRIBING_EXTENSION]
    parts = {part["url"]: part for part in detail["extension"]}
    dose = parts["dailyDose"]["valueQuantity"]
    assert (Decimal(str(dose["value"])), dose["code"]) == (prescribing.daily_dose.value, "mg")
    assert parts["lastDose"]["valueDateTime"] == prescribing.last_dose_at.isoformat()
    assert parts["dispensingPharmacy"]["valueIdentifier"]["value"] == prescribing.dispensing_pharmacy


def test_overdose_risk_open_risks_and_keyworker_contacts() -> None:
    record, message = _message(RELEASE)
    risk = record.plan.risk
    assert risk is not None and risk.overdose_risk_on_release is not None
    inputs = _inputs(message)
    overdose = inputs["overdose-risk-on-release"][0]["valueCodeableConcept"]["coding"][0]["code"]
    assert overdose == risk.overdose_risk_on_release.value
    open_risk = inputs["open-risk"][0]["valueCodeableConcept"]
    assert [c["code"] for c in open_risk["coding"]] == [a.value for a in risk.areas]
    assert open_risk["text"] == risk.summary
    contacts = [_target(message, i["valueReference"]) for i in inputs["keyworker-contact"]]
    ids = [r["identifier"][0]["value"] for r in contacts]
    assert ids == [m.id for m in record.care_team if {"keyworker", "care-coordinator"} & set(m.roles)]
    assert all(r["resourceType"] == "PractitionerRole" for r in contacts)


def test_release_items_travel_only_on_a_release() -> None:
    transfer = next(r for r in ROUTES if r.reason is HandoverReason.PRISON_TRANSFER)
    record, message = _message(transfer)
    assert record.plan.custody is not None and record.plan.custody.release_date is not None
    assert {"release-date", "release-area", "receiving-cjit", "first-community-appointment"}.isdisjoint(
        _inputs(message)
    )
    assert "consent" in _inputs(message)
