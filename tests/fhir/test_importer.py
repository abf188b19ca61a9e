"""Importing plans other systems made: real examples (copies in tests/fhir/foreign, see its README) and
properties over our golden bundles with one real-world feature added each time.

The rule under test (adapter.fhir.from_fhir.meaning): an element R4 marks as a modifier is carried or
refuses the import by name; it is never read with the opposite meaning. And: every element not carried
is listed with its FHIRPath and a severity; what the record needs and the plan does not say is "not
stated", and the plan is then marked imported-for-review.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapter.errors import InvalidFhir
from adapter.fhir import import_plan, read_plan, to_fhir
from adapter.fhir.importer import severity_of
from adapter.model import dump_record
from adapter.model.codes import NOT_STATED
from adapter.model.identifiers import ODS_SYSTEM
from adapter.types import FhirJson

FOREIGN = Path(__file__).parent / "foreign"
GOLDEN = Path(__file__).parents[2] / "fixtures" / "golden"
GOLDENS = sorted(GOLDEN.glob("*.bundle.json"))


def _foreign(name: str) -> FhirJson:
    data: FhirJson = orjson.loads((FOREIGN / name).read_bytes())
    return data


def _golden(index: int) -> FhirJson:
    data: FhirJson = orjson.loads(GOLDENS[index % len(GOLDENS)].read_bytes())
    return data


def _refusal(bundle: FhirJson, **options: Any) -> list[str | None]:
    with pytest.raises(InvalidFhir) as caught:
        import_plan(bundle, **options)
    return [issue.expression for issue in caught.value.outcome.issues if issue.is_error]


def _entry(bundle: FhirJson, resource_type: str) -> tuple[int, FhirJson]:
    for i, entry in enumerate(bundle["entry"]):
        if entry["resource"]["resourceType"] == resource_type:
            return i, entry["resource"]
    raise AssertionError(f"no {resource_type}")


# ---- real plans --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "CarePlan-example.json",
        "CarePlan-preg.json",
        "CarePlan-integrate.json",
        "UKCore-CarePlan-WellnessPlan-Example.json",
        "pdex_bundle_patient_999.json",
    ],
)
def test_real_plans_import_for_review_with_every_loss_listed(name: str) -> None:
    result = import_plan(_foreign(name), source=name)
    assert result.for_review
    review = result.record.plan.import_review
    assert review is not None and review.source == name
    assert any(f.startswith("plan.kind: not stated") for f in review.findings)
    assert result.record.plan.kind == NOT_STATED
    for issue in result.unmapped:
        assert issue.expression, issue
        assert issue.severity in ("information", "warning", "error")


def test_a_do_not_perform_activity_is_refused_by_name() -> None:
    assert _refusal(_foreign("CarePlan-f001.json")) == ["CarePlan.activity[0].detail.doNotPerform"]


def test_a_proposal_is_refused_by_name() -> None:
    assert _refusal(_foreign("CarePlan-f201.json")) == ["CarePlan.intent"]


def test_what_the_plan_does_not_carry_is_reported_with_clinical_losses_as_errors() -> None:
    result = import_plan(_foreign("CarePlan-example.json"))
    severities = {issue.expression: issue.severity for issue in result.unmapped}
    assert severities["CarePlan.goal"] == "error"  # a goal outside the input: clinical content lost
    assert severities["CarePlan.subject"] == "warning"  # the patient is outside the input
    assert severities["CarePlan.activity[0].detail.statusReason"] == "error"


def test_a_goal_target_is_kept_in_words_and_its_loss_reported() -> None:
    result = import_plan(_foreign("CarePlan-integrate.json"))
    words = [m.description for g in result.record.plan.goals for m in g.milestones]
    targets = [i.expression for i in result.unmapped if ".target" in (i.expression or "")]
    assert all(severity_of(path) == "error" for path in targets)
    assert bool(words) == bool(targets) or words


def test_a_us_core_bundle_with_urn_uuid_references_and_no_ods_codes() -> None:
    result = import_plan(_foreign("pdex_bundle_patient_999.json"))
    assert [o.ods_code for o in result.record.organisations] == ["not-stated"]
    assert any(i.message_id == "fhir.organisation-without-ods" for i in result.unmapped)


def test_several_active_plans_are_refused_with_the_candidates_and_one_may_be_named() -> None:
    bundle = _foreign("pdex_bundle_patient_999.json")
    index, plan = _entry(bundle, "CarePlan")
    second = copy.deepcopy(bundle["entry"][index])
    second["fullUrl"] = "urn:uuid:6f1c1f4e-0b9e-4b53-9d2f-0b9e7bb41f00"
    second["resource"]["id"] = "second-plan"
    bundle["entry"].append(second)
    with pytest.raises(InvalidFhir) as caught:
        import_plan(bundle)
    [issue] = caught.value.outcome.issues
    assert "second-plan (status active" in issue.text and f"{plan['id']} (status active" in issue.text
    assert import_plan(bundle, plan_id="second-plan").record.plan.id == "second-plan"


def test_a_later_plan_that_replaces_another_brings_it_as_history() -> None:
    bundle = _foreign("pdex_bundle_patient_999.json")
    index, plan = _entry(bundle, "CarePlan")
    earlier = copy.deepcopy(bundle["entry"][index])
    earlier["fullUrl"] = "urn:uuid:0b9e7bb4-6d0c-4b53-9d2f-6f1c1f4e1f01"
    earlier["resource"].update(id="earlier", status="completed")
    bundle["entry"].append(earlier)
    plan["replaces"] = [{"reference": earlier["fullUrl"]}]
    result = import_plan(bundle)
    assert result.record.plan.id == plan["id"]
    history = [i for i in result.unmapped if i.message_id == "fhir.plan-history"]
    assert [i.expression for i in history] == [f"Bundle.entry[{index}].resource.replaces[0]"]


def test_our_own_bundles_are_read_strictly_and_not_for_review() -> None:
    for path in GOLDENS:
        result = read_plan(orjson.loads(path.read_bytes()))
        assert not result.for_review, path.name


def test_the_marker_survives_a_trip_through_fhir() -> None:
    record = import_plan(_foreign("CarePlan-preg.json")).record
    back = read_plan(to_fhir(record)).record
    assert back.plan.import_review == record.plan.import_review
    assert back.plan.kind == NOT_STATED


def test_a_record_that_is_not_imported_may_not_say_not_stated() -> None:
    from adapter.errors import InvalidRecord
    from adapter.model import load_record

    record = dump_record(import_plan(_foreign("CarePlan-preg.json")).record)
    del record["plan"]["import_review"]
    with pytest.raises(InvalidRecord) as caught:
        load_record(record)
    assert "plan.kind" in {i.expression for i in caught.value.outcome.issues}


# ---- properties: one real-world feature added to our golden bundles -----------------------------

SLOW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
goldens = st.integers(min_value=0, max_value=max(len(GOLDENS) - 1, 0))


def _plan(bundle: FhirJson) -> tuple[int, FhirJson]:
    return _entry(bundle, "CarePlan")


@SLOW
@given(goldens, st.data())
def test_do_not_perform_is_never_imported_as_do(index: int, data: st.DataObject) -> None:
    bundle = _golden(index)
    i, plan = _plan(bundle)
    n = data.draw(st.integers(min_value=0, max_value=len(plan["activity"]) - 1))
    plan["activity"][n]["detail"]["doNotPerform"] = True
    where = f"Bundle.entry[{i}].resource.activity[{n}].detail.doNotPerform"
    assert where in _refusal(bundle)
    with pytest.raises(InvalidFhir):
        read_plan(bundle)  # ours by profile, read strictly: refused just the same


@SLOW
@given(goldens, st.sampled_from(["proposal", "option", "directive", "reflex-order"]))
def test_an_intent_other_than_plan_or_order_is_refused(index: int, intent: str) -> None:
    bundle = _golden(index)
    i, plan = _plan(bundle)
    plan["intent"] = intent
    assert f"Bundle.entry[{i}].resource.intent" in _refusal(bundle)


@SLOW
@given(goldens, st.sampled_from(["CarePlan", "CareTeam", "Goal", "EpisodeOfCare"]))
def test_entered_in_error_is_never_imported_as_valid(index: int, resource_type: str) -> None:
    bundle = _golden(index)
    found = [
        (i, e["resource"])
        for i, e in enumerate(bundle["entry"])
        if e["resource"]["resourceType"] == resource_type
    ]
    if not found:
        return
    i, resource = found[0]
    key = "lifecycleStatus" if resource_type == "Goal" else "status"
    resource[key] = "entered-in-error"
    assert any(path and path.startswith(f"Bundle.entry[{i}].resource") for path in _refusal(bundle))


@SLOW
@given(goldens, st.data())
def test_a_modifier_extension_we_do_not_understand_refuses_the_import(
    index: int, data: st.DataObject
) -> None:
    bundle = _golden(index)
    i, plan = _plan(bundle)
    unknown = {"url": "https://example.org/fhir/StructureDefinition/not-really", "valueBoolean": True}
    on_activity = data.draw(st.booleans())
    if on_activity:
        plan["activity"][0]["modifierExtension"] = [unknown]
        where = f"Bundle.entry[{i}].resource.activity[0].modifierExtension[0]"
    else:
        plan["modifierExtension"] = [unknown]
        where = f"Bundle.entry[{i}].resource.modifierExtension[0]"
    assert where in _refusal(bundle)


@SLOW
@given(goldens, st.booleans())
def test_a_deny_consent_is_never_imported_as_a_permit(index: int, nested: bool) -> None:
    bundle = _golden(index)
    consents = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Consent"]
    if not consents:
        return
    provision = consents[0]["provision"]
    if nested:
        provision["provision"] = [{"type": "deny", "actor": provision.get("actor", [])}]
    else:
        provision["type"] = "deny"
    try:
        record = read_plan(bundle).record
    except InvalidFhir as error:
        assert any("provision" in (i.expression or "") for i in error.outcome.issues)
        return
    # Carried: the record must say "deny" somewhere (the consent refusal representation).
    assert b"deny" in orjson.dumps(dump_record(record))


@SLOW
@given(goldens, st.sampled_from(["T09:30:00+01:00", "T23:59:59Z"]))
def test_a_date_time_in_a_date_field_keeps_the_date_and_reports_the_time(index: int, time: str) -> None:
    bundle = _golden(index)
    i, plan = _plan(bundle)
    start = plan["period"]["start"]
    plan["period"]["start"] = start + time
    result = import_plan(bundle)
    assert result.record.plan.start is not None and result.record.plan.start.isoformat() == start
    assert f"Bundle.entry[{i}].resource.period.start" in {
        x.expression for x in result.unmapped if x.message_id == "fhir.time-dropped"
    }


@SLOW
@given(goldens)
def test_ids_come_from_urn_uuid_full_urls(index: int) -> None:
    bundle = _golden(index)
    expected = read_plan(bundle).record
    for entry in bundle["entry"]:
        entry["resource"].pop("id", None)
    assert import_plan(bundle).record == expected


@SLOW
@given(goldens, st.sampled_from([ODS_SYSTEM, ODS_SYSTEM.replace("/Id/", "/id/")]))
def test_an_organisation_referred_to_by_ods_code_only(index: int, system: str) -> None:
    bundle = _golden(index)
    expected = read_plan(bundle).record
    _, plan = _plan(bundle)
    for activity in plan["activity"]:
        for performer in activity["detail"].get("performer", []):
            target = next(
                (e["resource"] for e in bundle["entry"] if e["fullUrl"] == performer.get("reference")), None
            )
            if target is not None and target["resourceType"] == "Organization":
                ods = next(x["value"] for x in target["identifier"] if x["system"] == ODS_SYSTEM)
                performer.clear()
                performer["identifier"] = {"system": system, "value": ods}
    assert import_plan(bundle).record == expected


@SLOW
@given(goldens)
def test_a_goal_note_without_a_time_is_kept(index: int) -> None:
    bundle = _golden(index)
    goals = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Goal" and e["resource"].get("note")
    ]
    if not goals:
        return
    goals[0]["note"][0].pop("time")
    text = goals[0]["note"][0]["text"]
    record = import_plan(bundle).record
    notes = [n for g in record.plan.goals for n in g.progress_notes if n.text == text]
    assert notes and any(n.recorded_on is None for n in notes)


@SLOW
@given(goldens)
def test_a_goal_described_by_a_coding_alone(index: int) -> None:
    bundle = _golden(index)
    goals = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Goal"]
    if not goals:
        return
    text = goals[0]["description"].pop("text")
    goals[0]["description"]["coding"] = [
        {"system": "http://snomed.info/sct", "code": "1234567", "display": text}
    ]
    record = import_plan(bundle).record
    assert text in {g.description for g in record.plan.goals}


@SLOW
@given(goldens)
def test_a_medicine_given_by_reference_to_a_medication_is_kept_in_words(index: int) -> None:
    bundle = _golden(index)
    _, plan = _plan(bundle)
    prescribed = [a["detail"] for a in plan["activity"] if "productCodeableConcept" in a["detail"]]
    if not prescribed:
        return
    detail = prescribed[0]
    medicine = detail.pop("productCodeableConcept")["text"]
    detail.pop("dailyAmount", None)
    medication = {"resourceType": "Medication", "id": "med-1", "code": {"text": medicine}}
    bundle["entry"].append(
        {"fullUrl": "urn:uuid:5e0c4a8e-2f7e-4c2a-9a55-2b1c6f0d7a11", "resource": medication}
    )
    detail["productReference"] = {"reference": "urn:uuid:5e0c4a8e-2f7e-4c2a-9a55-2b1c6f0d7a11"}
    result = import_plan(bundle)
    described = [i.description or "" for i in result.record.plan.interventions]
    assert any(medicine in d for d in described)
    assert any((i.expression or "").endswith("productReference") for i in result.unmapped)


def test_the_survey_counts_inputs_imported_for_review_and_refused_with_reasons(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from adapter.fhir.import_survey import main

    assert main([str(FOREIGN)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "inputs 7: imported 0, imported for review 5, refused 2"
    assert sorted(lines[1:]) == [
        "  refused 1: fhir.meaning-not-carried at CarePlan.activity.detail.doNotPerform",
        "  refused 1: fhir.meaning-not-carried at CarePlan.intent",
    ]


def test_a_treatment_consent_is_never_read_as_a_consent_to_share() -> None:
    bundle = _foreign("pdex_bundle_patient_999.json")
    treatment = {
        "resourceType": "Consent",
        "id": "treatment-consent",
        "status": "active",
        "scope": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "treatment"}]
        },
        "category": [{"text": "treatment"}],
        "provision": {"type": "permit"},
    }
    bundle["entry"].append(
        {"fullUrl": "urn:uuid:7d1c2a3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "resource": treatment}
    )
    result = import_plan(bundle)
    assert result.record.consents == []
    where = f"Bundle.entry[{len(bundle['entry']) - 1}].resource"
    assert where in {i.expression for i in result.unmapped if i.message_id == "fhir.resource-unmapped"}


def test_a_not_stated_modality_is_exported_with_no_snomed_concept_claimed() -> None:
    """The modality map's fallback (266707007 Drug addiction therapy) must not be claimed for an
    imported activity whose modality was not stated: it may be no drug treatment at all."""
    from adapter.model import load_record

    data = dump_record(import_plan(_foreign("CarePlan-preg.json")).record)
    data["plan"]["interventions"] = [
        {
            "id": "i1",
            "tier": NOT_STATED,
            "modality": NOT_STATED,
            "provider": "not-stated",
            "status": "unknown",
        }
    ]
    bundle = to_fhir(load_record(data))
    plan = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CarePlan")
    [activity] = [a for a in plan["activity"] if a["id"] == "i1"]
    codes = {c.get("code") for c in activity["detail"]["code"]["coding"]}
    assert codes == {"not-stated"}


def test_an_organisation_and_a_patient_named_only_by_their_codes() -> None:
    plan = _foreign("CarePlan-example.json")
    plan["subject"] = {"identifier": {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}}
    plan["activity"][0]["detail"]["performer"] = [
        {
            "identifier": {"system": "https://fhir.nhs.uk/id/ods-organization-code", "value": "A81001"},
            "display": "The Densham Surgery",
        }
    ]
    result = import_plan(plan)
    assert result.record.service_user.nhs_number == "9434765919"
    [action] = result.record.plan.actions
    assert action.responsible_organisation == "A81001"
    assert ("A81001", "The Densham Surgery") in {(o.ods_code, o.name) for o in result.record.organisations}
    assert "CarePlan.activity[0].detail.performer[0]" in {
        i.expression for i in result.unmapped if i.message_id == "fhir.organisation-by-code"
    }
