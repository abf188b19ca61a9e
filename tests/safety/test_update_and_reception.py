"""H-44: a change not told, or told to whom the client did not consent to; H-45: the community dose
continued unconfirmed at prison reception (double dosed on the reception day, or at full strength after
missed doses); H-46: a safeguarding or offender-management handover carrying more than its destination
needs; H-47: what a receiver must not ignore left optional in the IG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from adapter.delivery import Deliverer, OutboxStatus, open_outbox
from adapter.delivery.deliverer import consent_gate
from adapter.handover import (
    HandoverReason,
    HandoverRefused,
    QueuedMessage,
    build_handover,
    minimise,
    receive_handover,
    rule_for,
)
from adapter.handover.update import build_updates, copies_held
from adapter.handover.withdraw import withdraw_consent
from adapter.model import ClientRecord, load_record
from adapter.model.codes import OrganisationKind
from adapter.store import open_store
from adapter.types import FhirJson
from adapter.wire import read_json, write_json
from safety.safety_cases import CARAT, CJIT, GP, Keys, build, clock, data, issues, of_type, receive

SENT_AT = "2026-11-25T10:30:00+00:00"
CHANGED_AT = "2026-11-25T12:00:00+00:00"
UPDATE_AT = "2026-11-25T12:05:00+00:00"
PROVIDER, PRISON_HEALTHCARE = "Y03456", "Y09012"
RECEPTION = "16-prison-reception.json"


def _changed(client: dict[str, Any] | None = None) -> ClientRecord:
    """Fixture 02 changed at noon: the methadone dose raised to 50 mg."""
    client = client or data()
    client["recorded_at"] = CHANGED_AT
    client["plan"]["interventions"][0]["prescribing"]["daily_dose"]["value"] = "50"
    return load_record(client)


def _delivered(message: FhirJson) -> QueuedMessage:
    return QueuedMessage(
        message["entry"][0]["resource"]["id"], "https://x.example/fhir", "delivered", "", message
    )


def _sent_to_both(keys: Keys) -> list[QueuedMessage]:
    original = load_record(data())
    return [_delivered(build(original, keys, at=SENT_AT, to=to)) for to in (CJIT, GP)]


def test_h44_a_destination_whose_consent_was_refused_since_gets_no_update() -> None:
    keys = Keys()
    client = data()
    client["consents"].append(
        {
            "id": "refusal-gp-2026-11-25",
            "status": "active",
            "decision": "deny",
            "organisations": [GP],
            "purposes": ["continuity-of-care"],
            "start": "2026-11-25",
        }
    )
    changed = _changed(client)
    copies, _ = copies_held(changed, _sent_to_both(keys), sender=CARAT)
    assert [c.organisation for c in copies] == [CJIT, GP]
    updates = build_updates(changed, copies, sender=CARAT, clock=clock(UPDATE_AT), signer=keys.signer(CARAT))
    assert [u.copy.organisation for u in updates.messages] == [CJIT]
    [(ods, outcome)] = updates.skipped
    assert ods == GP
    assert [(i.message_id, i.expression) for i in outcome.issues] == [
        ("handover.consent-refused", "consents[1].decision")
    ]


def test_h44_a_destination_whose_consent_was_withdrawn_gets_no_update() -> None:
    keys = Keys()
    withdrawn = withdraw_consent(_changed(), "consent-release-cjit", clock=clock("2026-11-25T11:30:00+00:00"))
    withdrawn = withdrawn.model_copy(update={"recorded_at": clock(CHANGED_AT).now()})
    copies, _ = copies_held(withdrawn, _sent_to_both(keys), sender=CARAT)
    updates = build_updates(
        withdrawn, copies, sender=CARAT, clock=clock(UPDATE_AT), signer=keys.signer(CARAT)
    )
    assert updates.messages == []
    assert [ods for ods, _ in updates.skipped] == [CJIT, GP]
    for _, outcome in updates.skipped:
        assert ("handover.consent-not-active", "consents[0].status") in [
            (i.message_id, i.expression) for i in outcome.issues
        ]


class _Counting(httpx.BaseTransport):
    def __init__(self) -> None:
        self.requests = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return httpx.Response(503)


def test_h44_an_update_queued_before_the_consent_was_withdrawn_is_not_delivered() -> None:
    keys = Keys()
    changed = _changed()
    copies, _ = copies_held(changed, _sent_to_both(keys)[:1], sender=CARAT)
    [update] = build_updates(
        changed, copies, sender=CARAT, clock=clock(UPDATE_AT), signer=keys.signer(CARAT)
    ).messages
    store = open_store(":memory:")
    outbox = open_outbox(":memory:")
    outbox.enqueue(update.message, "https://cjit.example/fhir", at=clock(UPDATE_AT).now())
    store.record_withdrawal(CARAT, changed, "consent-release-cjit", clock("2026-11-25T12:10:00+00:00").now())
    transport = _Counting()
    with httpx.Client(transport=transport) as client:
        gate = consent_gate(store.withdrawn_consents())
        [entry] = Deliverer(
            client, outbox, clock=clock("2026-11-25T12:15:00+00:00"), gate=gate
        ).deliver_pending()
    assert (entry.status, transport.requests) == (OutboxStatus.FAILED, 0)
    assert "the client withdrew consent consent-release-cjit" in (entry.last_error or "")


def _update(keys: Keys, changed: ClientRecord) -> FhirJson:
    copies, _ = copies_held(changed, _sent_to_both(keys)[:1], sender=CARAT)
    [update] = build_updates(
        changed, copies, sender=CARAT, clock=clock(UPDATE_AT), signer=keys.signer(CARAT)
    ).messages
    return read_json(write_json(update.message))


def test_h44_an_update_of_a_plan_not_held_is_refused_and_nothing_is_kept() -> None:
    keys, store = Keys(), open_store(":memory:")
    ack = receive(_update(keys, _changed()), store, keys, at="2026-11-25T12:10:00+00:00")
    assert ack.code == "fatal-error" and ack.task_status is None
    assert [code for code, _ in issues(ack)] == ["handover.update-not-held"]
    assert (
        store.list_plans(CJIT) == []
        and store.get_task(of_type(_update(keys, _changed()), "Task")[0]["id"]) is None
    )


def test_h44_an_update_older_than_the_plan_held_never_replaces_it() -> None:
    keys, store = Keys(), open_store(":memory:")
    newest = data()
    newest["recorded_at"] = "2026-11-25T13:00:00+00:00"
    newest["plan"]["interventions"][0]["prescribing"]["daily_dose"]["value"] = "55"
    assert (
        receive(
            build(load_record(newest), keys, at="2026-11-25T13:05:00+00:00"),
            store,
            keys,
            at="2026-11-25T13:10:00+00:00",
        ).code
        == "ok"
    )
    ack = receive(_update(keys, _changed()), store, keys, at="2026-11-25T13:20:00+00:00")
    assert ack.code == "ok" and ("handover.older-version", ["Bundle.entry[0].resource"]) in issues(ack)
    held = store.get_plan(CJIT, "plan-nti-a4821kd")
    assert held is not None and held.plan.interventions[0].prescribing is not None
    assert str(held.plan.interventions[0].prescribing.daily_dose.value) == "55"


# ---- H-45: reception into prison ----


def _reception(client: dict[str, Any] | None = None, at: str = "2026-11-25T10:30:00+00:00") -> FhirJson:
    record = load_record(client or data(RECEPTION))
    keys = Keys()
    message = build_handover(
        record,
        destination=PRISON_HEALTHCARE,
        reason=HandoverReason.PRISON_RECEPTION,
        sender=PROVIDER,
        clock=clock(at),
        signer=keys.signer(PROVIDER),
    )
    return read_json(write_json(message))


def _inputs(message: FhirJson, code: str) -> list[FhirJson]:
    task = of_type(message, "Task")[0]
    return [i for i in task.get("input", []) if i["type"]["coding"][0]["code"] == code]


def test_h45_a_reception_handover_says_the_community_dose_must_be_confirmed_before_it_is_continued() -> None:
    message = _reception()
    [to_confirm] = _inputs(message, "community-dose-to-confirm")
    text = to_confirm["valueString"]
    assert "70 mg a day" in text and "last dose 2026-11-24T09:05:00+00:00" in text
    assert "Mill Row Pharmacy (FK456" in text and "Paul Mensah (Y03456" in text
    [reception_date] = _inputs(message, "reception-date")
    assert reception_date["valueDate"] == "2026-11-24"
    [prescribing] = _inputs(message, "current-prescribing")
    parts = {e["url"]: e for e in prescribing["extension"][0]["extension"]}
    assert parts["lastDose"]["valueDateTime"] == "2026-11-24T09:05:00+00:00"
    assert parts["dispensingPharmacy"]["valueIdentifier"]["value"] == "FK456"
    prescriber = next(
        e for e in message["entry"] if e["fullUrl"] == parts["prescriber"]["valueReference"]["reference"]
    )
    assert prescriber["resource"]["resourceType"] == "PractitionerRole"
    assert any(i["value"] == "dr-paul-mensah" for i in prescriber["resource"]["identifier"])
    notes = [n["text"] for n in of_type(message, "Task")[0]["note"]]
    assert notes[0].startswith("Community dose to be confirmed before it is continued")
    assert "before the first dose in custody" in notes[0]


def test_h45_the_prison_keeps_the_plan_and_the_task_waits_for_its_team() -> None:
    keys, store = Keys(), open_store(":memory:")
    record = load_record(data(RECEPTION))
    message = read_json(
        write_json(
            build_handover(
                record,
                destination=PRISON_HEALTHCARE,
                reason=HandoverReason.PRISON_RECEPTION,
                sender=PROVIDER,
                clock=clock("2026-11-25T10:30:00+00:00"),
                signer=keys.signer(PROVIDER),
            )
        )
    )
    ack = receive_handover(
        message,
        store=store,
        trust=keys.trust(PROVIDER),
        clock=clock("2026-11-25T10:40:00+00:00"),
        as_organisation=PRISON_HEALTHCARE,
    )
    assert ack.code == "ok" and ack.task_status is not None and ack.task_status.value == "received"
    held = store.get_plan(PRISON_HEALTHCARE, "plan-cds-120377")
    assert held is not None and held.plan.interventions[0].prescribing is not None
    assert held.plan.interventions[0].prescribing.last_dose_at is not None


@pytest.mark.parametrize(
    ("last_dose", "warning"),
    [(None, "reception.last-dose-missing"), ("2026-11-20T09:00:00+00:00", "reception.last-dose-stale")],
)
def test_h45_a_missing_or_stale_last_dose_is_a_warning_that_never_blocks_reception(
    last_dose: str | None, warning: str
) -> None:
    client = data(RECEPTION)
    prescribing = client["plan"]["interventions"][0]["prescribing"]
    if last_dose is None:
        del prescribing["last_dose_at"]
    else:
        prescribing["last_dose_at"] = last_dose
    message = _reception(client)
    notes = [n["text"] for n in of_type(message, "Task")[0]["note"]]
    assert any(
        n.startswith("warning: ") and "(plan.interventions[0].prescribing.last_dose_at)" in n for n in notes
    )
    assert (warning == "reception.last-dose-missing") == any("no last dose" in n for n in notes)
    assert (warning == "reception.last-dose-stale") == any(
        "more than 48 hours before reception" in n for n in notes
    )
    [to_confirm] = _inputs(message, "community-dose-to-confirm")
    assert "last dose " + (last_dose or "not recorded") in to_confirm["valueString"]


def test_h45_a_reception_the_plan_does_not_record_is_a_warning_and_the_handover_goes() -> None:
    client = data(RECEPTION)
    del client["plan"]["custody"]
    message = _reception(client)
    notes = [n["text"] for n in of_type(message, "Task")[0]["note"]]
    assert any(
        n.startswith("warning: the plan does not record the reception") and n.endswith("(plan.custody)")
        for n in notes
    )
    assert (
        _inputs(message, "reception-date") == [] and len(_inputs(message, "community-dose-to-confirm")) == 1
    )


def test_h45_an_implausible_community_dose_is_still_refused_at_reception() -> None:
    client = data(RECEPTION)
    client["plan"]["interventions"][0]["prescribing"]["daily_dose"]["value"] = "700"
    with pytest.raises(HandoverRefused) as refused:
        _reception(client)
    assert ("prescribing.dose-implausible", "plan.interventions[0].prescribing.daily_dose.value") in [
        (i.message_id, i.expression) for i in refused.value.outcome.issues
    ]


# ---- H-46: offender management and safeguarding ----


def test_h46_childrens_social_care_gets_the_forum_set_and_not_the_clinical_detail() -> None:
    record = load_record(data("12-child-protection.json"))
    rule = rule_for(OrganisationKind.CHILDRENS_SOCIAL_CARE)
    assert rule is not None
    consent = next(c for c in record.consents if c.id == "consent-safeguarding")
    sent = minimise(record, rule, consent)
    assert sent.plan.child_protection == record.plan.child_protection  # in full: it is in the plan's forum
    assert (
        sent.plan.risk == record.plan.risk
        and sent.plan.risk_management_plan == record.plan.risk_management_plan
    )
    assert sent.plan.contingency_plan == record.plan.contingency_plan
    assert sent.plan.interventions == [] and sent.plan.assessments == [] and sent.plan.substance_use == []
    assert sent.plan.needs == [] and sent.plan.actions == [] and sent.plan.reviews == []
    assert [c.id for c in sent.consents] == ["consent-safeguarding"]


def test_h46_a_handover_for_a_purpose_the_client_refused_is_refused() -> None:
    """Fixture 12: the client refused her GP her offending information; an offender-management handover
    to the GP is refused naming the refusal (a refusal outweighs every consent)."""
    record = load_record(data("12-child-protection.json"))
    with pytest.raises(HandoverRefused) as refused:
        build_handover(
            record,
            destination="B82017",
            reason=HandoverReason.OFFENDER_MANAGEMENT,
            sender=PROVIDER,
            clock=clock("2026-11-25T11:30:00+00:00"),
            signer=Keys().signer(PROVIDER),
        )
    assert ("handover.consent-refused", "consents[0].decision") in [
        (i.message_id, i.expression) for i in refused.value.outcome.issues
    ]


def test_h46_offender_management_to_probation_carries_no_clinical_risk_detail() -> None:
    client = data("05-community-drr.json")
    message = build_handover(
        load_record(client),
        destination="Y05678",
        reason=HandoverReason.OFFENDER_MANAGEMENT,
        sender=PROVIDER,
        clock=clock("2026-11-25T09:00:00+00:00"),
        signer=Keys().signer(PROVIDER),
    )
    assert of_type(message, "Task")[0]["reasonCode"]["coding"][0]["code"] == "offender-management"
    wire = write_json(message, indent=False).decode()
    risk = client["plan"].get("risk") or {}
    assert risk and risk["summary"] not in wire


# ---- H-47: what a receiver must not ignore, optional in the IG ----

IG = Path(__file__).resolve().parents[2] / "ig" / "fsh-generated" / "resources"


def _must_support(name: str) -> set[str]:
    definition = orjson.loads((IG / f"StructureDefinition-{name}.json").read_bytes())
    return {e["id"] for e in definition["differential"]["element"] if e.get("mustSupport")}


def test_h47_overdose_risk_child_protection_last_dose_and_release_date_are_must_support() -> None:
    plan = _must_support("DrugTreatmentCarePlan")
    assert {
        "CarePlan.extension:riskAssessment",
        "CarePlan.extension:childProtectionConcern",
        "CarePlan.extension:custody",
        "CarePlan.activity.detail.dailyAmount",
        "CarePlan.activity.detail.extension:lastDose",
    } <= plan
    assert "Extension.extension:overdoseRiskOnRelease" in _must_support("risk-assessment")
    assert "Extension.extension:releaseDate" in _must_support("custody")
    assert "Extension.extension:lastDose" in _must_support("handover-prescribing")


def test_h46_probation_is_told_the_client_is_in_treatment_not_the_dose() -> None:
    client = data("05-community-drr.json")
    record = load_record(client)
    message = build_handover(
        record,
        destination="Y05678",
        reason=HandoverReason.OFFENDER_MANAGEMENT,
        sender=PROVIDER,
        clock=clock("2026-11-25T09:00:00+00:00"),
        signer=Keys().signer(PROVIDER),
    )
    [plan] = of_type(message, "CarePlan")
    interventions = [
        a for a in plan["activity"] if "productCodeableConcept" in a["detail"] or a["detail"].get("performer")
    ]
    assert interventions, "the interventions travel: probation knows the client is in treatment"
    assert all(
        "dailyAmount" not in a["detail"] and "productCodeableConcept" not in a["detail"]
        for a in plan["activity"]
    )
    medicine = next(i.prescribing.medicine for i in record.plan.interventions if i.prescribing)
    assert medicine not in write_json(message, indent=False).decode()
    assert _inputs(message, "current-prescribing") == []
