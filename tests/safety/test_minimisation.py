"""H-04: risk withheld from the prescriber. For every kind of destination the minimisation table
names, the safety-critical elements are there and the elements it must not see are not - asserted on
the record sent and on the FHIR the message carries."""

from __future__ import annotations

import pytest

from adapter.fhir import to_fhir
from adapter.handover import minimisation_table, minimise, rule_for
from adapter.model import ClientRecord, load_record
from adapter.model.codes import OrganisationKind
from adapter.wire import write_json
from safety.safety_cases import data

SOCIAL_CARE_DETAIL = (
    "Two children on child protection plans; social worker Jo Rees, Northtown children's services"
)
TRIGGER_OFFENCE = "Theft from a shop (trigger offence)"
WHOLE_PLAN = {
    OrganisationKind.CARAT_TEAM,
    OrganisationKind.PRISON_HEALTHCARE,
    OrganisationKind.TREATMENT_PROVIDER,
    OrganisationKind.RESIDENTIAL_REHABILITATION,
}
"""Kinds that take over keyworking the whole plan, child protection details included (seed 003)."""
PRESCRIBING_OR_KEYWORKING = sorted(
    set(minimisation_table()) - {OrganisationKind.PROBATION, OrganisationKind.CHILDRENS_SOCIAL_CARE}
)
"""Probation and children's social care neither prescribe nor keywork (their rows say what they get)."""


def _everything() -> ClientRecord:
    """Fixture 02 with a child protection concern and a criminal justice referral added."""
    client = data()
    client["plan"]["child_protection"] = {
        "raised_on": "2026-09-01",
        "summary": SOCIAL_CARE_DETAIL,
        "in_risk_management_plan": True,
        "forum_attended_by": "carat-owen-price",
    }
    client["episode"]["criminal_justice_referral"] = {
        "date": "2026-06-01",
        "setting": "police-custody",
        "trigger_offence": TRIGGER_OFFENCE,
        "drug_test": "positive-opiates",
        "required_assessment": True,
    }
    return load_record(client)


def _sent(kind: OrganisationKind) -> tuple[ClientRecord, ClientRecord, str]:
    record = _everything()
    rule = rule_for(kind)
    assert rule is not None
    sent = minimise(record, rule, record.consents[0])
    return record, sent, write_json(to_fhir(sent), indent=False).decode()


@pytest.mark.parametrize("kind", PRESCRIBING_OR_KEYWORKING, ids=str)
def test_h04_every_prescribing_or_keyworking_destination_gets_the_safety_set(kind: OrganisationKind) -> None:
    record, sent, wire = _sent(kind)
    plan = sent.plan
    assert plan.risk == record.plan.risk  # overdose risk on release and the risk areas
    assert plan.risk is not None and plan.risk.overdose_risk_on_release is not None and plan.risk.areas
    assert plan.risk_management_plan == record.plan.risk_management_plan  # naloxone
    assert "Naloxone" in wire
    assert plan.custody == record.plan.custody  # release date and area
    assert plan.custody is not None and plan.custody.release_date is not None
    methadone = [i for i in plan.interventions if i.prescribing is not None]
    assert [i.prescribing.last_dose_at for i in methadone if i.prescribing] == [
        record.plan.interventions[0].prescribing.last_dose_at  # type: ignore[union-attr]
    ]
    assert (
        plan.child_protection is not None
        and plan.child_protection.raised_on == record.plan.child_protection.raised_on
    )  # type: ignore[union-attr]
    if kind not in WHOLE_PLAN:
        # The flag, not the social care details.
        assert SOCIAL_CARE_DETAIL not in wire
        assert plan.child_protection.forum_attended_by is None


@pytest.mark.parametrize(
    "kind", [OrganisationKind.CJIT, OrganisationKind.GP_PRACTICE, OrganisationKind.CMHT], ids=str
)
def test_h04_cjit_gp_and_cmht_get_the_domain_assessments(kind: OrganisationKind) -> None:
    record, sent, _ = _sent(kind)
    assert sent.plan.assessments == record.plan.assessments and sent.plan.assessments


def test_h04_the_cjit_gets_the_drug_use_profile_and_the_dir_referral() -> None:
    record, sent, wire = _sent(OrganisationKind.CJIT)
    assert sent.plan.substance_use == record.plan.substance_use and sent.plan.substance_use
    assert sent.episode is not None and sent.episode.criminal_justice_referral is not None
    assert TRIGGER_OFFENCE in wire


@pytest.mark.parametrize(
    "kind", [OrganisationKind.GP_PRACTICE, OrganisationKind.CMHT, OrganisationKind.RECOVERY_SERVICE], ids=str
)
def test_h04_the_episode_is_minimised_like_the_plan(kind: OrganisationKind) -> None:
    _, sent, wire = _sent(kind)
    assert sent.episode is not None and sent.episode.criminal_justice_referral is None
    assert TRIGGER_OFFENCE not in wire
    assert sent.plan.substance_use == []


def test_h04_the_gp_sees_neither_needs_nor_actions_nor_other_domains() -> None:
    _, sent, wire = _sent(OrganisationKind.GP_PRACTICE)
    assert (sent.plan.needs, sent.plan.actions) == ([], [])
    assert '"resourceType":"Condition"' not in wire
    assert all(i.prescribing is not None for i in sent.plan.interventions)


def test_h04_probation_gets_no_clinical_risk_detail() -> None:
    _, sent, wire = _sent(OrganisationKind.PROBATION)
    assert (sent.plan.risk, sent.plan.child_protection, sent.plan.risk_management_plan) == (None, None, None)
    assert SOCIAL_CARE_DETAIL not in wire and "Naloxone" not in wire
