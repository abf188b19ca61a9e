"""CarePlan.text lets a person read the plan: valid XHTML, the key facts, everything escaped."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from fhir_strategies import client_records
from hypothesis import given, settings
from lxml import etree

from adapter.fhir import to_fhir
from adapter.fhir.narrative import XHTML_NAMESPACE, narrative
from adapter.model import ClientRecord, load_record

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "clients"


def _div(record: ClientRecord) -> etree._Element:
    div = to_fhir(record)["entry"][0]["resource"]["text"]
    assert div["status"] == "generated"
    return etree.fromstring(div["div"].encode())


def _text(element: etree._Element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def test_gp_shared_care_plan_reads_as_a_plan() -> None:
    path = FIXTURES / "03-gp-shared-care.json"
    if not path.exists():
        pytest.skip("fixture not present")
    record = load_record(orjson.loads(path.read_bytes()))
    root = _div(record)
    assert root.tag == f"{{{XHTML_NAMESPACE}}}div"
    text = _text(root)
    plan = record.plan
    user = record.service_user
    assert user.name.family in text and (user.nhs_number or "") in text
    assert f"{plan.kind.value} care plan, {plan.status.value}" in text
    assert f"Review due {plan.next_review_due}" in text
    for goal in plan.goals:
        assert goal.description in text
        assert f"target {goal.target_date or 'not set'}" in text
    for action in plan.actions:
        assert action.description in text
    for intervention in plan.interventions:
        if intervention.prescribing:
            assert intervention.prescribing.medicine in text
    for member in record.care_team:
        assert member.name.family in text
    headings = [_text(h) for h in root.iter(f"{{{XHTML_NAMESPACE}}}h3")]
    assert "Drug and alcohol misuse" in headings and "Interventions" in headings


@settings(max_examples=25, deadline=None)
@given(client_records(full=True))
def test_any_text_is_escaped_and_well_formed(record: ClientRecord) -> None:
    root = etree.fromstring(narrative(record).encode())
    text = "".join(root.itertext())
    assert record.service_user.name.family in text
    assert all(goal.description in text for goal in record.plan.goals)


def test_markup_in_the_record_stays_text() -> None:
    path = FIXTURES / "01-custody-triage.json"
    if not path.exists():
        pytest.skip("fixture not present")
    data = orjson.loads(path.read_bytes())
    data["plan"]["title"] = "<script>alert('x')</script> & co"
    root = etree.fromstring(narrative(load_record(data)).encode())
    assert not list(root.iter(f"{{{XHTML_NAMESPACE}}}script"))
    assert _text(root.find(f"{{{XHTML_NAMESPACE}}}h2")) == "<script>alert('x')</script> & co"


def test_every_resource_reads_on_its_own() -> None:
    path = FIXTURES / "03-gp-shared-care.json"
    if not path.exists():
        pytest.skip("fixture not present")
    record = load_record(orjson.loads(path.read_bytes()))
    texts = {}
    for entry in to_fhir(record)["entry"]:
        resource = entry["resource"]
        assert resource["text"]["status"] == "generated"
        texts.setdefault(resource["resourceType"], []).append(
            _text(etree.fromstring(resource["text"]["div"]))
        )
    user = record.service_user
    assert texts["Patient"] == [
        f"{user.name.prefix} {' '.join(user.name.given)} {user.name.family}, born "
        f"{user.birth_date}, NHS number {user.nhs_number}"
    ]
    for goal, text in zip(record.plan.goals, texts["Goal"], strict=True):
        assert text.startswith(f"Goal ({goal.domain.value.replace('-', ' ')}): {goal.description}")
    for organisation, text in zip(record.organisations, texts["Organization"], strict=True):
        assert text.startswith(f"{organisation.name} [{organisation.ods_code}]")


def test_prison_release_facts_are_in_the_plan() -> None:
    path = FIXTURES / "02-carat-release.json"
    if not path.exists():
        pytest.skip("fixture not present")
    record = load_record(orjson.loads(path.read_bytes()))
    custody = record.plan.custody
    assert custody is not None
    text = _text(_div(record))
    prison = next(o.name for o in record.organisations if o.ods_code == custody.prison)
    assert f"In custody at {prison} [{custody.prison}] since {custody.reception_date}" in text
    if custody.release_date:
        assert f"release due {custody.release_date}" in text
    if custody.receiving_cjit:
        cjit = next(o.name for o in record.organisations if o.ods_code == custody.receiving_cjit)
        assert f"receiving CJIT {cjit} [{custody.receiving_cjit}]" in text


def _fixture(name: str) -> ClientRecord:
    path = FIXTURES / f"{name}.json"
    if not path.exists():
        pytest.skip("fixture not present")
    return load_record(orjson.loads(path.read_bytes()))


def test_the_referral_and_drug_use_are_in_the_plan_main_substance_first() -> None:
    text = _text(_div(_fixture("01-custody-triage")))
    assert (
        "Criminal justice referral police custody on 2026-11-23; drug test positive both;"
        " trigger offence: Theft from a shop; assessment required"
    ) in text
    heroin = text.index("1. heroin, injecting, 26 of the last 28 days, first used at 19")
    assert text.index("2. crack cocaine, smoking, 8 of the last 28 days") > heroin
    injected = _text(_div(_fixture("02-carat-release")))
    assert "1. heroin, smoking, 0 of the last 28 days, first used at 22; has injected" in injected


def test_a_review_shows_its_treatment_outcomes_profile() -> None:
    text = _text(_div(_fixture("09-discharge-aftercare")))
    assert (
        "TOP (exit): days in the last 28: alcohol 8, opiates 0, crack 0, cocaine 0, amphetamines 0,"
        " cannabis 3, other drugs 0, injecting 0; psychological health 15/20, physical health 16/20,"
        " quality of life 16/20"
    ) in text
    assert "TOP (post-exit): days in the last 28: alcohol 6, opiates 0, injecting 0;" in text
    # Sharing injecting equipment is named: a blood-borne virus risk the receiver must see.
    custody = _text(_div(_fixture("13-dip-client-in-custody")))
    assert "injecting 24; psychological health 7/20" in custody
    assert "quality of life 5/20; shared a spoon, water or filter, acute housing problem" in custody
    # Only the scores given are named; a review whose TOP was completed without scores says so.
    shared_care = _text(_div(_fixture("03-gp-shared-care")))
    assert "TOP: days in the last 28: alcohol 2, opiates 0, crack 0, injecting 0;" in shared_care
    assert "2026-02-10: Stable; agreed weekly pick-up. (" in shared_care
    assert shared_care.count("TOP completed") == 2
