"""Hazards of reading plans other systems made (H-17 .. H-22): an element that changes meaning is
carried or refuses the import by name, never read with the opposite meaning; a plan not in force, or
not the current one, is never taken for the current plan; what the adapter fills in for a plan that
did not say it is never dressed up as a fact; and a plan imported for review says so wherever it goes.

Each test builds its input from one of our golden bundles or a copy of a real plan (tests/fhir/foreign,
sources in its README) with one change, and asserts the outcome and the FHIRPath of the refusal."""

from __future__ import annotations

import copy
from pathlib import Path

import orjson
import pytest

from adapter.errors import AdapterError, InvalidFhir
from adapter.fhir import import_plan, to_fhir
from adapter.handover import HandoverReason, build_handover
from adapter.model import dump_record, load_record
from adapter.model.codes import NOT_STATED
from adapter.types import FhirJson
from safety.safety_cases import CARAT, CJIT, Keys, clock, data

GOLDEN = Path(__file__).resolve().parents[2] / "fixtures" / "golden" / "02-carat-release.bundle.json"
FOREIGN = Path(__file__).resolve().parents[1] / "fhir" / "foreign"
AT = "2026-11-25T10:30:00+00:00"


def golden() -> FhirJson:
    bundle: FhirJson = orjson.loads(GOLDEN.read_bytes())
    return copy.deepcopy(bundle)


def entry_of(bundle: FhirJson, resource_type: str) -> tuple[int, FhirJson]:
    for index, entry in enumerate(bundle["entry"]):
        if entry["resource"]["resourceType"] == resource_type:
            return index, entry["resource"]
    raise AssertionError(f"no {resource_type} in the bundle")


def refused_at(bundle: FhirJson) -> set[str | None]:
    with pytest.raises(InvalidFhir) as refused:
        import_plan(bundle)
    return {issue.expression for issue in refused.value.outcome.issues if issue.is_error}


def test_h17_a_do_not_perform_activity_is_refused_by_name_never_imported_as_one_to_do() -> None:
    bundle = golden()
    index, plan = entry_of(bundle, "CarePlan")
    plan["activity"][0]["detail"]["doNotPerform"] = True
    assert f"Bundle.entry[{index}].resource.activity[0].detail.doNotPerform" in refused_at(bundle)
    plan["activity"][0]["detail"]["doNotPerform"] = False  # the harmless value is carried
    assert import_plan(bundle).record.plan.id == "plan-nti-a4821kd"


def test_h17_an_unknown_modifier_extension_refuses_the_import_by_name() -> None:
    bundle = golden()
    index, plan = entry_of(bundle, "CarePlan")
    plan["activity"][1]["modifierExtension"] = [
        {"url": "https://example.org/fhir/not-really", "valueBoolean": True}
    ]
    assert f"Bundle.entry[{index}].resource.activity[1].modifierExtension[0]" in refused_at(bundle)


def test_h18_a_treatment_consent_is_never_read_as_a_consent_to_share() -> None:
    bundle: FhirJson = orjson.loads((FOREIGN / "pdex_bundle_patient_999.json").read_bytes())
    bundle["entry"].append(
        {
            "fullUrl": "urn:uuid:5b0f7d3e-2a4c-4d6e-9f81-0a2b3c4d5e6f",
            "resource": {
                "resourceType": "Consent",
                "status": "active",
                "scope": {
                    "coding": [
                        {"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "treatment"}
                    ]
                },
                "category": [{"text": "consent to treatment"}],
                "provision": {"type": "permit"},
            },
        }
    )
    result = import_plan(bundle)
    assert result.record.consents == []
    assert f"Bundle.entry[{len(bundle['entry']) - 1}].resource" in {i.expression for i in result.unmapped}


@pytest.mark.parametrize(
    ("resource_type", "element", "value"),
    [
        ("CarePlan", "intent", "proposal"),
        ("CarePlan", "status", "entered-in-error"),
        ("CareTeam", "status", "entered-in-error"),
        ("Goal", "lifecycleStatus", "entered-in-error"),
    ],
)
def test_h19_a_plan_not_in_force_is_never_imported_as_current(
    resource_type: str, element: str, value: str
) -> None:
    bundle = golden()
    index, resource = entry_of(bundle, resource_type)
    resource[element] = value
    assert any((where or "").startswith(f"Bundle.entry[{index}].resource") for where in refused_at(bundle))


def test_h20_a_completed_plan_before_the_active_one_is_not_taken_for_it() -> None:
    bundle = golden()
    _, plan = entry_of(bundle, "CarePlan")
    old = copy.deepcopy(plan)
    old["id"] = "an-older-plan"
    old["status"] = "completed"
    old.pop("identifier", None)
    bundle["entry"].insert(0, {"fullUrl": "urn:uuid:0c7e1f2a-3b4c-4d5e-8f60-718293a4b5c6", "resource": old})
    result = import_plan(bundle)
    assert (result.record.plan.id, result.record.plan.status.value) == ("plan-nti-a4821kd", "active")
    old["status"] = "active"  # two active plans and none named: a person must choose
    with pytest.raises(InvalidFhir) as refused:
        import_plan(bundle)
    said = " ".join(issue.text for issue in refused.value.outcome.issues)
    assert "an-older-plan" in said and "--plan" in said


def test_h21_a_not_stated_modality_claims_no_snomed_ct_drug_treatment() -> None:
    record = import_plan(orjson.loads((FOREIGN / "CarePlan-preg.json").read_bytes())).record
    changed = dump_record(record)
    changed["plan"]["interventions"] = [
        {
            "id": "i1",
            "tier": NOT_STATED,
            "modality": NOT_STATED,
            "provider": "not-stated",
            "status": "unknown",
        }
    ]
    _, plan = entry_of(to_fhir(load_record(changed)), "CarePlan")
    [activity] = [a for a in plan["activity"] if a["id"] == "i1"]
    assert {c.get("code") for c in activity["detail"]["code"]["coding"]} == {NOT_STATED}


def test_h22_a_plan_imported_for_review_says_so_in_every_handover() -> None:
    changed = data()
    changed["plan"]["import_review"] = {"source": "a GP system", "findings": ["plan.tier: not stated"]}
    record = load_record(changed)
    keys = Keys()
    message = build_handover(
        record,
        destination=CJIT,
        reason=HandoverReason.PRISON_RELEASE,
        sender=CARAT,
        clock=clock(AT),
        signer=keys.signer(CARAT),
    )
    _, plan = entry_of(message, "CarePlan")
    review = [e for e in plan.get("extension", []) if e["url"].endswith("/imported-for-review")]
    assert len(review) == 1
    assert "Imported for review" in plan["text"]["div"]


def test_h22_an_export_that_cannot_carry_the_marker_reports_its_loss() -> None:
    from adapter.dialects import systems, write

    changed = data()
    changed["plan"]["import_review"] = {"source": "a GP system", "findings": ["plan.tier: not stated"]}
    record = load_record(changed)
    for system in (info.name for info in systems()):
        try:
            written = write(system, record)
        except AdapterError:  # a system that needs what this plan lacks refuses it whole
            continue
        kept = b"review" in written.data.lower()
        lost = any(loss.path.startswith("plan.import_review") for loss in written.losses)
        assert kept or lost, f"{system} neither carries the imported-for-review marker nor reports its loss"


def _resign(message: FhirJson, keys: Keys) -> FhirJson:
    from datetime import datetime

    from adapter.handover import sign_message

    sign_message(message, keys.signer(CARAT), datetime.fromisoformat(AT))
    return message


def test_h22_a_plan_another_system_wrote_arrives_for_review_and_what_it_lost_is_acknowledged() -> None:
    """Receipt reads a plan as `careplan import` does: one that is not of our profile is imported for
    review, and what the record does not carry is said in the acknowledgement, at its FHIRPath."""
    from adapter.handover import receive_handover
    from adapter.store import open_store
    from adapter.wire import read_json, write_json

    keys = Keys()
    record = load_record(data())
    message = read_json(
        write_json(
            build_handover(
                record,
                destination=CJIT,
                reason=HandoverReason.PRISON_RELEASE,
                sender=CARAT,
                clock=clock(AT),
                signer=keys.signer(CARAT),
            )
        )
    )
    index, plan = entry_of(message, "CarePlan")
    plan.pop("meta", None)  # as another system writes it: not our profile, no plan kind
    plan["extension"] = [e for e in plan["extension"] if not e["url"].endswith("/care-plan-kind")]
    plan["contributor"] = [{"display": "the prison's pharmacist"}]
    store = open_store(":memory:")
    ack = receive_handover(
        _resign(message, keys), store=store, trust=keys.trust(CARAT), clock=clock(AT), as_organisation=CJIT
    )
    assert ack.code == "ok"
    notes = {issue.get("expression", [None])[0]: issue for issue in ack.outcome["issue"]}
    lost = notes[f"Bundle.entry[{index}].resource.contributor"]
    assert lost["severity"] in ("information", "warning") and lost["diagnostics"].startswith("not carried")
    [held] = store.list_plans(CJIT)
    assert held.plan.kind.value == "not-stated"
    assert held.plan.import_review is not None
    assert held.plan.import_review.source == f"handover message {ack.message_id}"
