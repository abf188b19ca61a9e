"""The real systems: what their own exports hold that the canonical model cannot, and the round trips
between them (any system -> canonical -> any other -> canonical keeps every field both carry)."""

from __future__ import annotations

import itertools

import orjson
import pytest

from adapter.dialects import InvalidSystemRecord, read, read_all, systems, write
from adapter.model import load_record
from adapter.model.codes import ReferralSetting, Role
from adapter.model.system_codes import ContactKind, DirForm, MentalHealthActStatus
from dialects.helpers import SYSTEMS_FIXTURES, client, differences, is_own_record_path, own_record_paths

SYSTEM_NAMES = [info.name for info in systems()]

# What the drug-use profile of client 02 holds (CARAT has no field for any of it).
SUBSTANCE_USE_FIELDS = ("substance", "rank", "route", "days_used_last_28", "age_first_used", "injected_ever")


def test_dir_export_maps_arrest_referral_and_drug_use_and_reports_the_custody_suite() -> None:
    data = (SYSTEMS_FIXTURES / "cjit-dir" / "exports" / "01-custody-arrest.xml").read_bytes()
    conversion = read("cjit-dir", data)
    # The custody suite's name has no canonical field (the referral holds its setting); the DIR
    # reference is the DIR's own.
    assert conversion.unmapped == (
        "/DIRRecord/Header/DIRReference",
        "/DIRRecord/ArrestReferral/CustodySuite",
    )
    episode = conversion.record.episode
    assert episode is not None and episode.criminal_justice_referral is not None
    referral = episode.criminal_justice_referral
    assert (str(referral.date), referral.setting, referral.drug_test, referral.required_assessment) == (
        "2026-11-23",
        "police-custody",
        "positive-both",
        True,
    )
    assert [
        (u.rank, u.substance, u.route, u.days_used_last_28, u.age_first_used)
        for u in conversion.record.plan.substance_use
    ] == [(1, "heroin", "injecting", 26, 19), (2, "crack-cocaine", "smoking", 8, None)]
    # The DIR export holds none of the client's own record (issue 11), nor the duty of care while
    # waiting for tier 3 (seed 003): all else is the fixture's.
    original = client("01-custody-triage")
    differing = [
        path
        for path in differences(original, conversion.record, set())
        if not path.startswith("plan.waiting_duty_of_care")
    ]
    assert sorted(differing) == sorted(own_record_paths(original))


def test_carat_export_reads_whole_sessions_as_contacts_and_reviews_and_the_licence_end() -> None:
    data = (SYSTEMS_FIXTURES / "carat" / "exports" / "02-release-with-sessions.csv").read_bytes()
    conversion = read("carat", data)
    # Nothing left over: the session's length and type are the contact log's, the licence end the
    # offender management's.
    assert conversion.unmapped == ()
    custody = conversion.record.plan.custody
    assert custody is not None
    assert (custody.prison, str(custody.release_date), custody.release_area) == (
        "NTI",
        "2026-12-09",
        "Northtown City Council",
    )
    # The one SESSION row fills both a review's columns and a contact's: it is read as both.
    [contact] = conversion.record.plan.contacts
    found = (str(contact.date), contact.worker, contact.kind, contact.duration_minutes, contact.attendance)
    assert found == (
        "2026-09-04",
        "carat-owen-price",
        ContactKind.CARE_PLAN_REVIEW,
        50,
        None,
    )
    [review] = conversion.record.plan.reviews
    assert (str(review.date), review.top_completed, review.reviewer) == (
        "2026-09-04",
        True,
        "carat-owen-price",
    )
    management = conversion.record.plan.offender_management
    assert management is not None and str(management.licence_end) == "2027-06-08"
    original = client("02-carat-release")
    lost = set(write("carat", original).lost_paths)
    assert differences(original, conversion.record, lost) == []


def test_carat_writes_a_contact_and_a_review_as_rows_of_their_own_and_reads_them_back() -> None:
    original = client("15-cpa-psychiatric-medication")
    written = write("carat", original)
    rows = [line for line in written.data.decode().splitlines() if line.startswith("SESSION,")]
    assert len(rows) == len(original.plan.reviews) + len(original.plan.contacts)
    back = read("carat", written.data).record
    assert back.plan.contacts == original.plan.contacts
    # CARAT records that a TOP was completed, not the TOP itself (reported as a loss when written).
    assert [review.model_copy(update={"top": None}) for review in original.plan.reviews] == back.plan.reviews
    assert "plan.reviews[0].top.psychological_health" in set(written.lost_paths)
    assert back.plan.offender_management == original.plan.offender_management


def test_carat_to_dir_and_back_keeps_every_field_both_carry() -> None:
    original = client("02-carat-release")
    from_carat = read("carat", write("carat", original).data).record
    as_dir = write("cjit-dir", from_carat)
    assert as_dir.losses == ()
    back = read("cjit-dir", as_dir.data).record
    assert differences(from_carat, back, set()) == []
    # What CARAT could not carry is reported, not silently dropped.
    # CARAT's export has no drug-use record: the substance-use profile is lost, and said so.
    assert set(write("carat", original).lost_paths) == {
        "care_team[1].professional_id.system",
        "care_team[1].professional_id.value",
        "plan.notes[0]",
        *(f"plan.substance_use[0].{field}" for field in SUBSTANCE_USE_FIELDS),
        # CARAT records only whether a TOP was completed, not the TOP itself (nor its stage).
        *(
            f"plan.reviews[0].top.{field}"
            for field in (
                "stage",
                "injecting_days",
                "psychological_health",
                "physical_health",
                "quality_of_life",
                "acute_housing_problem",
                "at_risk_of_eviction",
            )
        ),
        *own_record_paths(original),
    }


def test_dir_to_carat_reports_what_carat_cannot_carry() -> None:
    from_dir = read(
        "cjit-dir", (SYSTEMS_FIXTURES / "cjit-dir" / "11-prison-transfer.xml").read_bytes()
    ).record
    written = write("carat", from_dir)
    back = read("carat", written.data).record
    assert differences(from_dir, back, set(written.lost_paths)) == []
    assert {loss.reason for loss in written.losses} == {"carat has no field for it"}


@pytest.mark.parametrize(("source", "target"), list(itertools.permutations(SYSTEM_NAMES, 2)))
def test_every_pair_of_systems(source: str, target: str, client_name: str) -> None:
    original = client(client_name)
    try:
        first = read(source, write(source, original).data).record
    except InvalidSystemRecord as error:
        # Not every system holds every client (CARAT: prisoners; CMHT: clients on CPA). It names the
        # field it is missing, as its golden file records.
        golden = orjson.loads((SYSTEMS_FIXTURES / source / f"{client_name}.expected.json").read_bytes())
        assert [issue.expression for issue in error.outcome.issues] == golden["because"]
        return
    try:
        written = write(target, first)
    except InvalidSystemRecord as error:
        # A system that cannot hold the client says which field it is missing.
        assert all(issue.expression for issue in error.outcome.issues)
        return
    second = read(target, written.data).record
    assert differences(first, second, set(written.lost_paths)) == []


def test_one_export_can_hold_many_clients() -> None:
    first = (SYSTEMS_FIXTURES / "carat" / "02-carat-release.csv").read_text(encoding="utf-8")
    second = (SYSTEMS_FIXTURES / "carat" / "11-prison-transfer.csv").read_text(encoding="utf-8")
    both = first + second
    with pytest.raises(InvalidSystemRecord) as caught:
        read_all("carat", both.encode())
    # Each record type may have one header: a concatenated export repeats them.
    assert caught.value.outcome.issues[0].expression == f"CLIENT@{len(first.splitlines()) + 1}"
    merged = _merge_exports(first, second)
    conversions = read_all("carat", merged.encode())
    assert [c.record.service_user.prison_number for c in conversions] == ["A4821KD", "A9183FR"]
    with pytest.raises(InvalidSystemRecord) as caught:
        read("carat", merged.encode())
    assert "holds 2 client records" in caught.value.outcome.issues[0].text


def _merge_exports(*exports: str) -> str:
    """One export from several: the rows of each type under one header (headers must agree)."""
    sections: dict[str, list[str]] = {}
    for export in exports:
        header = ""
        for line in export.splitlines():
            if line.startswith("#"):
                header = line
                sections.setdefault(header, [])
            else:
                sections[header].append(line)
    return "".join(
        header + "\r\n" + "".join(row + "\r\n" for row in rows) for header, rows in sections.items()
    )


def test_cpa_export_reads_its_mental_health_section_whole() -> None:
    data = (SYSTEMS_FIXTURES / "cmht-cpa" / "exports" / "04-cpa-with-mental-health.xml").read_bytes()
    conversion = read("cmht-cpa", data)
    assert conversion.unmapped == ()
    plan = conversion.record.plan
    assert plan.external_coordination is not None
    assert plan.external_coordination.cpa_level == "enhanced"
    assert [d.description for d in plan.diagnoses] == [
        "Recurrent depressive disorder",
        "Post-traumatic stress disorder",
    ]
    # This export writes the medicine and its dose in one text: read as the medicine, dose not stated.
    assert [(m.medicine, m.dose, m.prescriber) for m in plan.psychiatric_medication] == [
        ("Sertraline 100 mg daily", None, None)
    ]
    assert plan.mental_health_act is not None
    assert (plan.mental_health_act.status, plan.mental_health_act.section_117_aftercare) == (
        MentalHealthActStatus.INFORMAL,
        True,
    )


def test_the_cpa_plan_carries_the_mental_health_section_both_ways_and_reports_what_it_cannot() -> None:
    original = client("15-cpa-psychiatric-medication")
    written = write("cmht-cpa", original)
    back = read("cmht-cpa", written.data).record
    assert back.plan.diagnoses == original.plan.diagnoses
    assert back.plan.psychiatric_medication == original.plan.psychiatric_medication
    assert back.plan.mental_health_act == original.plan.mental_health_act
    assert back.plan.contacts == original.plan.contacts
    # The CPA plan has no offender management or custody: each a reported loss.
    lost = set(written.lost_paths)
    assert {"plan.offender_management.licence_end", "plan.custody.prison"} <= lost
    assert not any(path.startswith("plan.contacts") for path in lost)


def test_a_role_the_cpa_system_lacks_is_an_approximation_reported_as_a_loss() -> None:
    record = client("04-enhanced-cpa")
    member = record.care_team[0].model_copy(update={"roles": [Role.CARAT_WORKER, *record.care_team[0].roles]})
    written = write("cmht-cpa", record.model_copy(update={"care_team": [member, *record.care_team[1:]]}))
    [loss] = [loss for loss in written.losses if loss.path.startswith("care_team[0].roles")]
    assert loss.path == "care_team[0].roles[0]"
    assert "used 'Other agency worker'" in loss.reason
    assert [issue.expression for issue in written.issues.issues] == ["care_team[0].roles[0]"]
    assert read("cmht-cpa", written.data).record.care_team[0].roles[0] == Role.KEYWORKER


def test_gp_system_reports_what_a_full_bundle_holds_that_it_does_not_keep() -> None:
    from adapter.fhir import to_fhir
    from adapter.wire import write_resource

    original = client("03-gp-shared-care")
    conversion = read("gp-shared-care", write_resource(to_fhir(original), "json"))
    # Understood and left out by the system's profile: "not kept", apart from what was not understood.
    assert "plan.needs[0].description" in conversion.not_kept
    assert "episode.provider" in conversion.not_kept
    assert not any(
        path.startswith(("plan.goals[0].description", "care_team", "plan.interventions"))
        for path in conversion.not_kept
    )
    assert conversion.record.plan.needs == []
    assert conversion.record.plan.goals[0].addresses == []
    assert differences(original, conversion.record, set(conversion.not_kept)) == []


def test_gp_system_requires_the_registered_practice() -> None:
    with pytest.raises(InvalidSystemRecord) as caught:
        write("gp-shared-care", client("01-custody-triage"))
    assert [issue.expression for issue in caught.value.outcome.issues] == [
        "service_user.registered_gp_practice"
    ]


@pytest.mark.parametrize("setting", list(ReferralSetting))
def test_the_dir_carries_the_referral_setting_and_its_form_both_ways(setting: ReferralSetting) -> None:
    data = orjson.loads(orjson.dumps(client("01-custody-triage").model_dump(mode="json", exclude_none=True)))
    data["episode"]["criminal_justice_referral"]["setting"] = setting.value
    data["episode"]["criminal_justice_referral"]["dir_form"] = DirForm.REQUIRED_ASSESSMENT.value
    written = write("cjit-dir", load_record(data))
    assert [
        (loss.path, loss.reason)
        for loss in written.losses
        if not is_own_record_path(loss.path) and not loss.path.startswith("plan.waiting_duty_of_care")
    ] == []
    back = read("cjit-dir", written.data).record
    assert back.episode is not None and back.episode.criminal_justice_referral is not None
    referral = back.episode.criminal_justice_referral
    assert (referral.setting, referral.dir_form) == (setting, DirForm.REQUIRED_ASSESSMENT)


def test_a_dir_without_a_setting_is_an_arrest_referral_from_police_custody() -> None:
    data = (SYSTEMS_FIXTURES / "cjit-dir" / "exports" / "01-custody-arrest.xml").read_bytes()
    assert b"<Setting>" not in data
    referral = read("cjit-dir", data).record.episode.criminal_justice_referral  # type: ignore[union-attr]
    assert referral is not None
    assert (referral.setting, referral.dir_form) == (
        ReferralSetting.POLICE_CUSTODY,
        DirForm.REQUIRED_ASSESSMENT,
    )


def test_the_dir_holds_psychiatric_medication_but_no_diagnoses_or_mental_health_act_status() -> None:
    original = client("15-cpa-psychiatric-medication")
    written = write("cjit-dir", original)
    assert set(written.lost_paths) == {
        "plan.diagnoses[0].description",
        "plan.diagnoses[0].diagnosed_on",
        "plan.diagnoses[1].description",
        "plan.mental_health_act.status",
        "plan.mental_health_act.since",
        "plan.mental_health_act.section_117_aftercare",
    }
    back = read("cjit-dir", written.data).record
    assert back.plan.psychiatric_medication == original.plan.psychiatric_medication
    assert back.plan.contacts == original.plan.contacts
    assert back.plan.offender_management == original.plan.offender_management


@pytest.mark.parametrize("system", ["cjit-dir", "cmht-cpa"])
def test_a_review_s_top_goes_through_the_systems_that_record_it(system: str) -> None:
    original = client("04-enhanced-cpa")
    written = write(system, original)
    assert not [loss for loss in written.lost_paths if ".top" in loss]
    back = read(system, written.data).record
    assert back.plan.reviews[0].top is not None
    assert back.plan.reviews[0].top == original.plan.reviews[0].top


def test_a_top_score_out_of_range_in_a_dir_is_refused_by_its_schema() -> None:
    data = write("cjit-dir", client("09-discharge-aftercare")).data
    broken = data.replace(b"<QualityOfLife>16</QualityOfLife>", b"<QualityOfLife>21</QualityOfLife>")
    assert broken != data
    with pytest.raises(InvalidSystemRecord) as caught:
        read("cjit-dir", broken)
    assert [issue.expression for issue in caught.value.outcome.issues] == [
        "/DIRRecord/ContinuityOfCare/Review[1]/TOP/QualityOfLife"
    ]
