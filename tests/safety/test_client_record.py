"""H-30 to H-35: the client's own record (issue 11) - what must reach a prescriber, what must not reach
a destination that has no reason to see it, and a record that cannot be the client's.

Asserted on the record each destination is sent and on the FHIR it is sent as (read back as a receiver
reads it), over the real minimisation table, FHIR mapping, system writers and a signed handover."""

from __future__ import annotations

import pytest

from adapter.dialects import read, write
from adapter.errors import InvalidRecord
from adapter.fhir import from_fhir, to_fhir
from adapter.handover import HandoverReason, build_handover, minimisation_table, minimise, rule_for
from adapter.handover.receive import receive_handover
from adapter.model import ClientRecord, load_record
from adapter.model.codes import OrganisationKind
from adapter.store import open_store
from adapter.wire import read_json, write_json
from safety.safety_cases import Keys, clock, data

PREGNANT = "12-child-protection.json"
"""Kayleigh Brennan: pregnant (expected 2027-04-19), never injected; BBV tested at antenatal screening."""
INJECTING = "01-custody-triage.json"
"""Zoë Hartley: currently injecting and sharing; not pregnant."""
DRUG_SERVICE, GP = "Y03456", "B82017"
DAY = "2026-11-25T10:30:00+00:00"

PRESCRIBING_OR_KEYWORKING = sorted(
    set(minimisation_table()) - {OrganisationKind.PROBATION, OrganisationKind.CHILDRENS_SOCIAL_CARE}
)
CLINICAL = {
    OrganisationKind.PRISON_HEALTHCARE,
    OrganisationKind.TREATMENT_PROVIDER,
    OrganisationKind.RESIDENTIAL_REHABILITATION,
    OrganisationKind.GP_PRACTICE,
}
"""The destinations that test, vaccinate, treat or prescribe: the only ones sent blood-borne virus status."""
KEYWORKED = {
    OrganisationKind.CARAT_TEAM,
    OrganisationKind.PRISON_HEALTHCARE,
    OrganisationKind.TREATMENT_PROVIDER,
    OrganisationKind.RESIDENTIAL_REHABILITATION,
    OrganisationKind.CJIT,
    OrganisationKind.CMHT,
}
"""Where the plan is keyworked or co-ordinated (seed 003, role 2): sexuality and religion go only here."""


def _sent(name: str, kind: OrganisationKind) -> tuple[ClientRecord, ClientRecord]:
    """The record a destination of ``kind`` receives, as it reads it back from the FHIR sent."""
    record = load_record(data(name))
    rule = rule_for(kind)
    assert rule is not None
    sent = minimise(record, rule, record.consents[0])
    received = from_fhir(read_json(write_json(to_fhir(sent))))
    assert received.unmapped == []
    return record, received.record


# ---- H-30 pregnancy dropped at a prescribing handover ----


@pytest.mark.parametrize("kind", PRESCRIBING_OR_KEYWORKING, ids=str)
def test_h30_every_prescribing_or_keyworking_destination_is_told_of_a_pregnancy(
    kind: OrganisationKind,
) -> None:
    record, received = _sent(PREGNANT, kind)
    assert record.plan.pregnancy is not None and record.plan.pregnancy.pregnant
    assert received.plan.pregnancy == record.plan.pregnancy
    assert received.service_user.sex_at_birth == record.service_user.sex_at_birth


def test_h30_a_signed_shared_care_handover_to_the_gp_carries_the_pregnancy() -> None:
    client = load_record(data(PREGNANT))
    keys = Keys()
    message = build_handover(
        client,
        destination=GP,
        reason=HandoverReason.SHARED_CARE,
        sender=DRUG_SERVICE,
        clock=clock(DAY),
        signer=keys.signer(DRUG_SERVICE),
    )
    store = open_store(":memory:")
    ack = receive_handover(
        read_json(write_json(message)),
        store=store,
        trust=keys.trust(DRUG_SERVICE),
        clock=clock(DAY),
        as_organisation=GP,
    )
    assert ack.code == "ok"
    (held,) = store.list_plans(GP)
    assert held.plan.pregnancy == client.plan.pregnancy


def test_h30_a_system_that_cannot_carry_a_pregnancy_says_so_and_the_gp_system_keeps_it() -> None:
    client = load_record(data(PREGNANT))
    lost = set(write("cjit-dir", client).lost_paths)
    assert {"plan.pregnancy.pregnant", "plan.pregnancy.expected_delivery"} <= lost
    written = write("gp-shared-care", client)
    assert not [path for path in written.lost_paths if path.startswith("plan.pregnancy")]
    assert read("gp-shared-care", written.data).record.plan.pregnancy == client.plan.pregnancy


# ---- H-31 blood-borne virus status leaked to a non-clinical destination ----


@pytest.mark.parametrize("kind", sorted(minimisation_table()), ids=str)
def test_h31_blood_borne_virus_status_goes_to_clinical_destinations_only(kind: OrganisationKind) -> None:
    record = load_record(data(PREGNANT))
    rule = rule_for(kind)
    assert rule is not None
    wire = write_json(to_fhir(minimise(record, rule, record.consents[0])), indent=False).decode()
    _, received = _sent(PREGNANT, kind)
    if kind in CLINICAL:
        assert received.plan.blood_borne_viruses == record.plan.blood_borne_viruses
        assert "hiv-test" in wire
    else:
        assert received.plan.blood_borne_viruses is None
        assert "hiv-test" not in wire and "blood-borne-virus-status" not in wire
        assert "Antenatal screening" not in wire


def test_h31_a_keyworker_without_the_status_still_sees_the_blood_borne_virus_risk() -> None:
    record, received = _sent("02-carat-release.json", OrganisationKind.CJIT)
    assert record.plan.blood_borne_viruses is not None and received.plan.blood_borne_viruses is None
    assert received.plan.risk is not None and received.plan.risk == record.plan.risk


def test_h30_the_child_protection_forum_is_told_of_a_pregnancy_and_the_children_at_home() -> None:
    """Children's social care prescribes nothing, but an unborn child and the children living with the
    client are who the forum protects (seed 004, 3.9.2); the clinical detail stays behind."""
    record, received = _sent("12-child-protection.json", OrganisationKind.CHILDRENS_SOCIAL_CARE)
    assert record.plan.pregnancy is not None and received.plan.pregnancy == record.plan.pregnancy
    assert record.plan.circumstances is not None and received.plan.circumstances == record.plan.circumstances
    assert received.plan.injecting is None and received.plan.blood_borne_viruses is None


# ---- H-32 injecting status dropped at a prescribing handover ----


@pytest.mark.parametrize("kind", PRESCRIBING_OR_KEYWORKING, ids=str)
def test_h32_every_prescribing_or_keyworking_destination_is_told_of_current_injecting_and_sharing(
    kind: OrganisationKind,
) -> None:
    record, received = _sent(INJECTING, kind)
    assert record.plan.injecting is not None and record.plan.injecting.currently_sharing
    assert received.plan.injecting == record.plan.injecting


# ---- H-33 a pregnancy recorded against a client who cannot be pregnant ----


def _expressions(client: dict[str, object]) -> list[str | None]:
    with pytest.raises(InvalidRecord) as refused:
        load_record(client)
    return [issue.expression for issue in refused.value.outcome.issues]


def test_h33_a_pregnancy_for_a_client_whose_sex_at_birth_is_male_is_refused() -> None:
    client = data(PREGNANT)
    client["service_user"]["sex_at_birth"] = "male"
    assert _expressions(client) == ["plan.pregnancy.pregnant"]


def test_h33_gender_alone_decides_nothing_a_man_may_be_pregnant() -> None:
    client = data(PREGNANT)
    client["service_user"]["gender"] = "male"  # a trans man, sex registered at birth female
    assert load_record(client).plan.pregnancy is not None
    client["service_user"]["sex_at_birth"] = "male"
    assert _expressions(client) == ["plan.pregnancy.pregnant"]


def test_h33_a_test_dated_before_the_client_was_born_is_refused() -> None:
    client = data(PREGNANT)
    client["plan"]["blood_borne_viruses"]["hiv"]["on"] = "1990-01-01"
    assert _expressions(client) == ["plan.blood_borne_viruses.hiv.on"]


# ---- H-34 sexuality and religion sent where the guidance gives no reason ----


@pytest.mark.parametrize("kind", sorted(minimisation_table()), ids=str)
def test_h34_sexuality_and_religion_travel_only_where_the_plan_is_keyworked(kind: OrganisationKind) -> None:
    record, received = _sent("03-gp-shared-care.json", kind)
    user, got = record.service_user, received.service_user
    assert user.sexual_orientation is not None and user.religion is not None
    if kind in KEYWORKED:
        assert (got.sexual_orientation, got.religion) == (user.sexual_orientation, user.religion)
    else:
        assert (got.sexual_orientation, got.religion) == (None, None)


# ---- H-35 an interpreter need dropped ----


@pytest.mark.parametrize("kind", sorted(minimisation_table()), ids=str)
def test_h35_every_destination_learns_the_first_language_and_the_interpreter_need(
    kind: OrganisationKind,
) -> None:
    record, received = _sent("02-carat-release.json", kind)
    assert record.service_user.interpreter_required is True
    assert (received.service_user.first_language, received.service_user.interpreter_required) == (
        "pl",
        True,
    )


def test_h35_the_interpreter_need_is_fhir_s_own_extension_and_the_language_patient_communication() -> None:
    bundle = to_fhir(load_record(data("02-carat-release.json")))
    (patient,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert patient["communication"] == [
        {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "pl"}]}, "preferred": True}
    ]
    assert {
        "url": "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired",
        "valueBoolean": True,
    } in (patient["extension"])
