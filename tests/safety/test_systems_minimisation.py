"""H-40 and H-41: the CPA client's mental health at a handover. Psychiatric medication reaches every
prescribing or keyworking destination (a prescriber adding methadone to an antipsychotic must know of
it); the diagnoses and the Mental Health Act status reach only the destinations the minimisation table
gives them. Asserted on the record sent and on the FHIR the message carries, for fixture 15."""

from __future__ import annotations

import pytest

from adapter.fhir import to_fhir
from adapter.handover import minimisation_table, minimise, rule_for
from adapter.model import ClientRecord
from adapter.model.codes import OrganisationKind
from adapter.wire import write_json
from safety.safety_cases import record

CPA_CLIENT = "15-cpa-psychiatric-medication.json"
PRESCRIBING_OR_KEYWORKING = sorted(
    set(minimisation_table()) - {OrganisationKind.PROBATION, OrganisationKind.CHILDRENS_SOCIAL_CARE}
)
"""Probation and children's social care neither prescribe nor keywork (their rows say what they get)."""
WHOLE_PLAN = {
    OrganisationKind.CARAT_TEAM,
    OrganisationKind.PRISON_HEALTHCARE,
    OrganisationKind.TREATMENT_PROVIDER,
    OrganisationKind.RESIDENTIAL_REHABILITATION,
}
DIAGNOSES_TO = WHOLE_PLAN | {OrganisationKind.CMHT, OrganisationKind.GP_PRACTICE}
"""The client's own doctor and the CPA co-ordinator, and those taking over the whole plan."""
MHA_STATUS_TO = WHOLE_PLAN | {OrganisationKind.CMHT}


def _sent(kind: OrganisationKind) -> tuple[ClientRecord, ClientRecord, str]:
    client = record(CPA_CLIENT)
    rule = rule_for(kind)
    assert rule is not None
    sent = minimise(client, rule, client.consents[0])
    return client, sent, write_json(to_fhir(sent), indent=False).decode()


@pytest.mark.parametrize("kind", PRESCRIBING_OR_KEYWORKING, ids=str)
def test_h40_psychiatric_medication_reaches_every_prescribing_or_keyworking_destination(
    kind: OrganisationKind,
) -> None:
    client, sent, wire = _sent(kind)
    assert sent.plan.psychiatric_medication == client.plan.psychiatric_medication
    assert [m.medicine for m in sent.plan.psychiatric_medication] == [
        "Olanzapine 10 mg tablets",
        "Sertraline 50 mg tablets",
    ]
    # As MedicationStatements the prescriber's system reads, each with its dose as prescribed.
    assert wire.count('"resourceType":"MedicationStatement"') == 2
    assert '"dosage":[{"text":"10 mg at night"}]' in wire


@pytest.mark.parametrize("kind", sorted(minimisation_table()), ids=str)
def test_h41_diagnoses_and_mental_health_act_status_go_only_where_the_table_says(
    kind: OrganisationKind,
) -> None:
    client, sent, wire = _sent(kind)
    if kind in DIAGNOSES_TO:
        assert sent.plan.diagnoses == client.plan.diagnoses
        assert "Post-traumatic stress disorder" in wire
    else:
        assert sent.plan.diagnoses == []
        assert "Post-traumatic stress disorder" not in wire
    if kind in MHA_STATUS_TO:
        assert sent.plan.mental_health_act == client.plan.mental_health_act
        assert "community-treatment-order" in wire
    else:
        assert sent.plan.mental_health_act is None
        assert "community-treatment-order" not in wire
        assert "mental-health-act" not in wire


def test_h41_probation_gets_its_own_offender_management_and_the_contact_log_but_no_medication() -> None:
    client, sent, wire = _sent(OrganisationKind.PROBATION)
    assert sent.plan.offender_management == client.plan.offender_management
    assert [c.attendance for c in sent.plan.contacts] == [c.attendance for c in client.plan.contacts]
    assert sent.plan.psychiatric_medication == []
    assert "Olanzapine" not in wire
