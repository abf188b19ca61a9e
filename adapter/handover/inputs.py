"""The handover Task's inputs: the consent it travels under, the prison-release minimum data set and,
at reception into prison, the community dose to confirm.

Seed 002, 5.3.4 and seed 000, 5.3.6: at release the CARAT team passes the CJIT of the release area
the release date and area, the first community appointment, current prescribing (medicine, daily
dose, date and time of the last dose: continuity of opioid substitution), overdose risk on release,
open risks and the keyworker's contacts. The release items travel on a prison-release handover; the
continuity items (prescribing, risk, keyworkers) on every handover whose minimised record still holds
them, so what minimisation left out stays out.
"""

from __future__ import annotations

from datetime import date, datetime

from adapter.handover.codes import (
    HANDOVER_INPUT_SYSTEM,
    ODS_SYSTEM,
    PRESCRIBING_EXTENSION,
    HandoverInput,
    HandoverReason,
)
from adapter.handover.entries import full_url, identified
from adapter.handover.entries import organisation_index as org_index
from adapter.handover.prescribing import continued_prescriptions, prescribing_table
from adapter.handover.reception import dose_text
from adapter.model import ClientRecord, ConsentToShare
from adapter.model.codes import ActivityStatus, RiskArea, RiskLevel, Role, code_system_url
from adapter.model.record import Intervention
from adapter.types import FhirJson, OdsCode
from adapter.urls import CONSENT_ID_SYSTEM, MEMBER_ID_SYSTEM

UCUM = "http://unitsofmeasure.org"
CURRENT = frozenset({ActivityStatus.NOT_STARTED, ActivityStatus.SCHEDULED, ActivityStatus.IN_PROGRESS})
CONTACT_ROLES = frozenset({Role.KEYWORKER, Role.CARE_COORDINATOR, Role.CARAT_WORKER, Role.CJIT_WORKER})


def _input(kind: HandoverInput, value: FhirJson) -> FhirJson:
    return {"type": {"coding": [{"system": HANDOVER_INPUT_SYSTEM, "code": kind.value}]}, **value}


def _reference(bundle: FhirJson, index: int | None) -> FhirJson | None:
    return None if index is None else {"valueReference": {"reference": full_url(bundle, index)}}


def _continuing(intervention: Intervention, at: datetime) -> bool:
    """Prescribing the next service must continue: a current intervention, or one the sending service
    marked finished (a prison closes its own intervention at transfer) whose last dose is recent
    enough that the client is still on it (hazard H-08; the window is prescribing.yaml's)."""
    prescribing = intervention.prescribing
    if prescribing is None:
        return False
    if intervention.status in CURRENT:
        return True
    last = prescribing.last_dose_at
    return last is not None and at - last <= prescribing_table().stale_after


def _prescribing(record: ClientRecord, bundle: FhirJson, at: datetime) -> list[FhirJson]:
    """One input per prescription to continue: medicine, daily dose, last dose, dispensing pharmacy and
    prescriber (who the next service confirms the dose with)."""
    found = []
    for intervention in record.plan.interventions:
        prescribing = intervention.prescribing
        if prescribing is None or not _continuing(intervention, at):
            continue
        dose = prescribing.daily_dose
        detail: list[FhirJson] = [
            {
                "url": "dailyDose",
                "valueQuantity": {"value": dose.value, "unit": dose.unit, "system": UCUM, "code": dose.unit},
            }
        ]
        if dose.strength is not None:
            mass, _, volume = dose.strength.unit.partition("/")
            ratio = {
                "numerator": {"value": dose.strength.value, "unit": mass, "system": UCUM, "code": mass},
                "denominator": {"value": 1, "unit": volume, "system": UCUM, "code": volume},
            }
            detail.append({"url": "strength", "valueRatio": ratio})
        if prescribing.last_dose_at is not None:
            detail.append({"url": "lastDose", "valueDateTime": prescribing.last_dose_at.isoformat()})
        if prescribing.dispensing_pharmacy is not None:
            pharmacy = {"system": ODS_SYSTEM, "value": prescribing.dispensing_pharmacy}
            detail.append({"url": "dispensingPharmacy", "valueIdentifier": pharmacy})
        who = prescribing.prescriber
        prescriber = (
            _reference(bundle, identified(bundle, "PractitionerRole", MEMBER_ID_SYSTEM, who)) if who else None
        )
        if prescriber is not None:
            detail.append({"url": "prescriber", **prescriber})
        found.append(
            {
                "extension": [{"url": PRESCRIBING_EXTENSION, "extension": detail}],
                **_input(HandoverInput.CURRENT_PRESCRIBING, {"valueString": prescribing.medicine}),
            }
        )
    return found


def _risks(record: ClientRecord) -> list[FhirJson]:
    risk = record.plan.risk
    if risk is None:
        return []
    found = []
    if risk.overdose_risk_on_release is not None:
        coding = {"system": code_system_url(RiskLevel), "code": risk.overdose_risk_on_release.value}
        found.append(
            _input(HandoverInput.OVERDOSE_RISK_ON_RELEASE, {"valueCodeableConcept": {"coding": [coding]}})
        )
    areas = [{"system": code_system_url(RiskArea), "code": area.value} for area in risk.areas]
    concept: FhirJson = {"coding": areas, "text": risk.summary} if areas else {"text": risk.summary}
    found.append(_input(HandoverInput.OPEN_RISK, {"valueCodeableConcept": concept}))
    return found


def _keyworkers(record: ClientRecord, bundle: FhirJson, today: date) -> list[FhirJson]:
    found = []
    for member in record.care_team:
        if not CONTACT_ROLES & set(member.roles) or (member.end is not None and member.end < today):
            continue
        value = _reference(bundle, identified(bundle, "PractitionerRole", MEMBER_ID_SYSTEM, member.id))
        if value is not None:
            found.append(_input(HandoverInput.KEYWORKER_CONTACT, value))
    return found


def _release(
    record: ClientRecord, bundle: FhirJson, destination: OdsCode, destination_is_cjit: bool
) -> list[FhirJson]:
    custody = record.plan.custody
    found = []
    if custody is not None and custody.release_date is not None:
        found.append(_input(HandoverInput.RELEASE_DATE, {"valueDate": custody.release_date.isoformat()}))
    if custody is not None and custody.release_area is not None:
        found.append(_input(HandoverInput.RELEASE_AREA, {"valueString": custody.release_area}))
    # The plan names the CJIT of the release area; a CJIT the plan is handed to is that CJIT.
    receiving = custody.receiving_cjit if custody is not None and custody.receiving_cjit else None
    receiving = receiving or (destination if destination_is_cjit else None)
    # Every organisation of the record travels, and the model holds the CJIT to be one of them.
    value = _reference(bundle, org_index(bundle, receiving)) if receiving is not None else None
    if value is not None:
        found.append(_input(HandoverInput.RECEIVING_CJIT, value))
    if custody is not None and custody.first_community_appointment is not None:
        appointment = custody.first_community_appointment.isoformat()
        found.append(_input(HandoverInput.FIRST_COMMUNITY_APPOINTMENT, {"valueDateTime": appointment}))
    return found


def _reception(record: ClientRecord) -> list[FhirJson]:
    """At reception into prison: when the client was received, and each community dose the prison must
    confirm before it is continued (adapter.handover.reception; seed 002, 5.3.4)."""
    custody = record.plan.custody
    found = []
    if custody is not None:
        found.append(_input(HandoverInput.RECEPTION_DATE, {"valueDate": custody.reception_date.isoformat()}))
    for _, _, prescribing in continued_prescriptions(record):
        found.append(
            _input(HandoverInput.COMMUNITY_DOSE_TO_CONFIRM, {"valueString": dose_text(record, prescribing)})
        )
    return found


def task_inputs(
    record: ClientRecord,
    bundle: FhirJson,
    *,
    consent: ConsentToShare,
    reason: HandoverReason,
    destination: OdsCode,
    destination_is_cjit: bool,
    at: datetime,
    today: date,
) -> list[FhirJson]:
    """Task.input for handing ``record`` (already minimised, mapped into ``bundle``) over."""
    found = []
    consent_value = _reference(bundle, identified(bundle, "Consent", CONSENT_ID_SYSTEM, consent.id))
    if consent_value is not None:
        found.append(_input(HandoverInput.CONSENT, consent_value))
    if reason is HandoverReason.PRISON_RELEASE:
        found += _release(record, bundle, destination, destination_is_cjit)
    if reason is HandoverReason.PRISON_RECEPTION:
        found += _reception(record)
    return found + _prescribing(record, bundle, at) + _risks(record) + _keyworkers(record, bundle, today)
