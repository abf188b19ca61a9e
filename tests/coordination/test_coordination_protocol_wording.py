"""Issue 11: the co-ordination rules as the guidance words them, each tested from its sentence.

Seed 002, 5.3.4 (CARATs in custody, GP shared care) and seed 003 (who is responsible, the criteria
for care planning and for care manager involvement, the care co-ordinator's duties, closures). Every
record is :data:`coordination_records.CLEAN` changed by one story; findings are asserted with their
code and their expression (the record's JSON path).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from coordination_records import CLOCK, CRITERIA_MET, Data, build, found, intervention, member, report, top
from typer.testing import CliRunner

from adapter.cli.app import app
from adapter.clock import FixedClock
from adapter.coordination import FindingCode, check_coordination, responsible_for_coordination
from adapter.coordination.settings import CoordinationEnvironment, CoordinationSettings
from adapter.errors import InvalidRecord
from adapter.model.codes import Role

PRISON = {"ods_code": "NTI", "name": "HMP Northtown CARAT team", "kind": "carat-team"}
SECOND_PRISON = {"ods_code": "EMI", "name": "HMP Eastmoor CARAT team", "kind": "carat-team"}
PRACTICE = {"ods_code": "B82031", "name": "Riverside Surgery", "kind": "gp-practice"}


def decide(change: Callable[[Data], object]) -> tuple[Role | None, str, list[str]]:
    decision = responsible_for_coordination(build(change), today=CLOCK)
    return decision.role, decision.rule, [m.id for m in decision.holders]


def codes(change: Callable[[Data], object], *wanted: FindingCode) -> list[tuple[str, str]]:
    return [pair for pair in found(change) if pair[0] in wanted]


def in_custody(data: Data, *, prison: str = "NTI", release_date: str | None = None) -> None:
    """Received into prison in March; the prison healthcare nurse keyworks the one intervention."""
    data["organisations"] += [PRISON, SECOND_PRISON]
    data["plan"]["custody"] = {"prison": prison, "reception_date": "2026-03-02"}
    if release_date:
        data["plan"]["custody"]["release_date"] = release_date


def dip_client(data: Data) -> None:
    data["plan"]["external_coordination"] = {"dip_client": True}
    data["care_team"].append(member("dip1", "cjit-worker", "dip-worker", organisation="Y02345"))


def carat_worker(member_id: str = "carat1", prison: str = "NTI") -> Data:
    return member(member_id, "carat-worker", organisation=prison)


# ---- custody: seed 002, 5.3.4 "CARATs will take on the role of the keyworker while the client is in
# custody ... and during transfers between prisons" ----


def test_a_dip_client_in_custody_is_keyworked_by_the_carat_worker_not_the_dip_worker() -> None:
    def change(data: Data) -> None:
        dip_client(data)
        in_custody(data)
        data["care_team"].append(carat_worker())

    decision = responsible_for_coordination(build(change), today=CLOCK)
    assert (decision.role, decision.rule, [m.id for m in decision.holders]) == (
        Role.CARAT_WORKER,
        "custody",
        ["carat1"],
    )
    assert decision.overridden == ("dip-client", "one-intervention")
    assert (decision.source.seed, decision.source.section) == (
        "002",
        "5.3.4 Keyworking and the care planning process",
    )
    assert found(change) == []


def test_in_custody_with_one_intervention_the_carat_worker_keyworks_not_the_prison_nurse() -> None:
    def change(data: Data) -> None:
        in_custody(data)
        data["care_team"][0]["organisation"] = "NTI"  # kw1, the intervention's keyworker
        data["care_team"].append(carat_worker())

    assert decide(change) == (Role.CARAT_WORKER, "custody", ["carat1"])


def test_in_custody_without_a_carat_worker_the_gap_is_the_carat_worker_not_the_dip_worker() -> None:
    def change(data: Data) -> None:
        dip_client(data)
        in_custody(data)

    assert decide(change) == (Role.CARAT_WORKER, "custody", [])
    [finding] = report(change).findings
    assert (finding.severity, finding.code, finding.expression) == (
        "error",
        FindingCode.COORDINATOR_NOT_IN_TEAM,
        "care_team",
    )
    assert "carat-worker" in finding.text


def test_during_a_transfer_between_prisons_the_receiving_prisons_carat_worker_keyworks() -> None:
    def change(data: Data) -> None:
        in_custody(data, prison="EMI")
        data["care_team"] += [carat_worker("carat-nti"), carat_worker("carat-emi", "EMI")]
        data["plan"]["closure"] = {
            "kind": "transfer",
            "reason": "transferred-between-prisons",
            "date": "2026-04-20",
            "destination": "EMI",
            "evidence_on_file": True,
        }

    assert decide(change) == (Role.CARAT_WORKER, "custody", ["carat-emi"])


def test_after_release_the_dip_worker_co_ordinates_again() -> None:
    def change(data: Data) -> None:
        dip_client(data)
        in_custody(data, release_date="2026-04-28")
        data["care_team"].append(carat_worker())

    assert decide(change) == (Role.DIP_WORKER, "dip-client", ["dip1"])


def test_release_day_itself_ends_custody() -> None:
    def change(data: Data) -> None:
        dip_client(data)
        in_custody(data, release_date="2026-05-01")
        data["care_team"].append(carat_worker())

    assert decide(change)[1] == "dip-client"


# ---- seed 003: "Where service users are accessing only one tier 3 treatment modality this person will
# be the care co-ordinator" ----


def shared_care_with_needle_exchange(data: Data) -> None:
    data["organisations"].append(PRACTICE)
    data["plan"]["interventions"] = [
        intervention("iv1", modality="opioid-substitution", provider="B82031", keyworker="kw1"),
        intervention("iv2", tier="tier-2", modality="harm-reduction", description="needle exchange"),
    ]
    data["care_team"][0]["roles"] = ["shared-care-worker", "keyworker"]
    data["care_team"].append(member("gp1", "gp-prescriber", organisation="B82031"))


def test_a_tier_2_needle_exchange_beside_gp_shared_care_is_not_a_second_intervention() -> None:
    assert decide(shared_care_with_needle_exchange) == (Role.KEYWORKER, "one-intervention", ["kw1"])
    assert found(shared_care_with_needle_exchange) == []


def test_two_tier_3_modalities_still_need_the_care_co_ordinator() -> None:
    def change(data: Data) -> None:
        shared_care_with_needle_exchange(data)
        data["plan"]["interventions"][1].update(tier="tier-3", modality="psychosocial")

    assert decide(change)[:2] == (Role.CARE_COORDINATOR, "more-than-one-intervention")


def test_only_tier_2_services_leave_the_triage_keyworker_holding_the_plan() -> None:
    def change(data: Data) -> None:
        data["plan"]["interventions"] = [intervention("iv2", tier="tier-2", modality="harm-reduction")]

    assert decide(change)[:2] == (Role.KEYWORKER, "no-intervention-yet")


# ---- seed 002, 5.3.4: the care plan makes the roles of "the GP, the shared care worker" clear ----


def test_a_shared_care_plan_names_the_prescribing_gp_and_the_shared_care_worker() -> None:
    def no_gp(data: Data) -> None:
        shared_care_with_needle_exchange(data)
        data["care_team"] = data["care_team"][:1]

    def no_worker(data: Data) -> None:
        shared_care_with_needle_exchange(data)
        data["care_team"][0]["roles"] = ["keyworker"]

    gp, worker = FindingCode.SHARED_CARE_GP_NOT_NAMED, FindingCode.SHARED_CARE_WORKER_NOT_NAMED
    assert codes(no_gp, gp, worker) == [(gp, "care_team")]
    assert codes(no_worker, gp, worker) == [(worker, "care_team")]
    assert report(no_gp).findings[0].severity == "error"
    # A plan with no intervention at a GP practice is not shared care.
    assert codes(lambda data: None, gp, worker) == []


# ---- seed 003, criteria 2-3: the duty of care while waiting for tier 3, and tier 2 advice ----


def waiting(data: Data) -> None:
    data["plan"]["interventions"].append(
        intervention("iv2", status="not-started", referred_on="2026-04-20", provider="Y04567")
    )


def duty(awaited: str = "Y04567", **fields: str) -> Data:
    return {
        "awaited_agency": awaited,
        "referring_agency": "Y02345",
        "triage_agency": "Y03456",
        "recorded_on": "2026-04-20",
    } | fields


def test_waiting_for_tier_3_without_the_duty_of_care_recorded() -> None:
    wanted = (FindingCode.WAITING_DUTY_OF_CARE_NOT_RECORDED, FindingCode.TIER_2_SERVICES_NOT_ADVISED)
    assert codes(waiting, *wanted) == [("waiting-duty-of-care-not-recorded", "plan.interventions[1]")]

    def other_agency(data: Data) -> None:
        waiting(data)
        data["plan"]["waiting_duty_of_care"] = [duty("Y03456", tier_2_services_advised_on="2026-04-20")]

    assert codes(other_agency, *wanted) == [("waiting-duty-of-care-not-recorded", "plan.interventions[1]")]

    def not_advised(data: Data) -> None:
        waiting(data)
        data["plan"]["waiting_duty_of_care"] = [duty()]

    assert codes(not_advised, *wanted) == [
        ("tier-2-services-not-advised", "plan.waiting_duty_of_care[0].tier_2_services_advised_on")
    ]

    def advised(data: Data) -> None:
        waiting(data)
        data["plan"]["waiting_duty_of_care"] = [duty(tier_2_services_advised_on="2026-04-20")]

    assert codes(advised, *wanted) == []


def test_the_duty_of_care_names_agencies_in_the_record() -> None:
    def unknown(data: Data) -> None:
        data["plan"]["waiting_duty_of_care"] = [duty(triage_agency="Y99999")]

    with pytest.raises(InvalidRecord) as caught:
        build(unknown)
    assert [i.expression for i in caught.value.outcome.issues] == [
        "plan.waiting_duty_of_care[0].triage_agency"
    ]


# ---- seed 003, criteria for care manager involvement: three limbs joined by "and" ----


def criteria(*limbs: Data) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        data["plan"]["external_coordination"] = {"care_manager_criteria": {"limbs": list(limbs)}}
        data["care_team"].append(member("cm1", "care-manager", organisation="Y07890"))

    return change


WILLING = {"limb": "willing-to-address-misuse", "met": True, "evidence": "asked for rehab"}
HAZARDOUS = {"limb": "serious-or-prolonged-hazardous-misuse", "met": True, "evidence": "overdoses"}
TRIED = {"limb": "previous-interventions-did-not-meet-needs", "met": True, "evidence": "two episodes"}


def test_the_care_manager_co_ordinates_only_when_every_limb_is_met() -> None:
    assert decide(criteria(WILLING, HAZARDOUS, TRIED)) == (Role.CARE_MANAGER, "care-manager", ["cm1"])
    assert decide(criteria(WILLING, HAZARDOUS, TRIED | {"met": False}))[1] == "one-intervention"
    assert decide(criteria(WILLING, HAZARDOUS))[1] == "one-intervention"


def test_a_limb_met_without_evidence_is_a_finding_at_that_limb() -> None:
    unevidenced = {"limb": HAZARDOUS["limb"], "met": True}
    assert codes(
        criteria(WILLING, unevidenced, TRIED), FindingCode.CARE_MANAGER_CRITERION_WITHOUT_EVIDENCE
    ) == [
        (
            "care-manager-criterion-without-evidence",
            "plan.external_coordination.care_manager_criteria.limbs[1].evidence",
        )
    ]
    # An unmet limb needs no evidence to be reported.
    assert found(criteria(WILLING, HAZARDOUS, {"limb": TRIED["limb"], "met": False})) == []


def test_a_limb_judged_twice_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidRecord) as caught:
        build(criteria(WILLING, WILLING))
    issue = caught.value.outcome.issues[0]
    assert issue.expression == "plan.external_coordination.care_manager_criteria"
    assert "willing-to-address-misuse appears more than once" in issue.text


def test_the_shared_criteria_fixture_meets_all_three_limbs() -> None:
    assert decide(criteria(*CRITERIA_MET["limbs"]))[1] == "care-manager"


# ---- seed 003, role 3: ongoing risk assessment, an interval in the settings ----


def old_risk(data: Data) -> None:
    data["plan"]["risk"]["assessed_on"] = "2026-01-05"


def test_a_risk_assessment_older_than_the_interval_is_out_of_date() -> None:
    [finding] = report(old_risk).findings
    assert (finding.severity, finding.code, finding.expression) == (
        "warning",
        FindingCode.RISK_ASSESSMENT_OUT_OF_DATE,
        "plan.risk.assessed_on",
    )
    # The same record under a local protocol of six months.
    six = check_coordination(build(old_risk), today=CLOCK, settings=CoordinationSettings(6))
    assert six.findings == ()
    # Three calendar months after 5 January is 5 April: on that day it is still current.
    assert check_coordination(build(old_risk), today=FixedClock(date(2026, 4, 5))).findings == ()


def test_the_default_interval_is_the_three_monthly_review() -> None:
    assert CoordinationSettings().risk_assessment_max_age_months == 3


def test_a_bad_interval_names_the_setting() -> None:
    with pytest.raises(ValueError, match="risk_assessment_max_age_months: expected 1 to 24 months, got 0"):
        CoordinationSettings(0)


def test_the_command_line_reads_the_interval_from_careplan_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS", "6")
    assert CoordinationEnvironment().settings() == CoordinationSettings(6, 28)
    monkeypatch.setenv("CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS", "0")
    with pytest.raises(ValueError, match="risk_assessment_max_age_months"):
        CoordinationEnvironment()


# ---- seed 003, role 11: TOP at comprehensive assessment, 3-monthly thereafter, at discharge ----


def test_a_top_that_is_not_the_start_tops_does_not_count_as_at_assessment() -> None:
    def change(data: Data) -> None:
        data["plan"]["reviews"][0]["top"]["stage"] = "review"

    [finding] = report(change).findings
    assert (finding.severity, finding.code, finding.expression) == (
        "error",
        FindingCode.TOP_NOT_AT_ASSESSMENT,
        "plan.reviews",
    )

    def no_stage(data: Data) -> None:
        del data["plan"]["reviews"][0]["top"]["stage"]

    assert codes(no_stage, FindingCode.TOP_NOT_AT_ASSESSMENT) == [("top-not-at-assessment", "plan.reviews")]


def test_a_review_without_a_top_does_not_restart_the_three_months() -> None:
    def change(data: Data) -> None:
        data["plan"]["reviews"][1] = {"date": "2026-04-01", "top_completed": False, "outcome": "stable"}

    [finding] = report(change).findings
    assert (finding.severity, finding.code, finding.expression) == (
        "error",
        FindingCode.TOP_REVIEW_OVERDUE,
        "plan.reviews[0].top",
    )
    assert "the 1 later review(s) recorded no TOP" in finding.text


def discharged(data: Data, *, follow_up: Data | None = None) -> None:
    plan = data["plan"]
    plan.update(kind="aftercare", status="completed", end="2026-04-20")
    plan["interventions"][0].update(status="completed", end="2026-04-20")
    plan["reviews"][1]["top"] = top("exit")
    plan["closure"] = {
        "kind": "closure",
        "reason": "treatment-completed",
        "date": "2026-04-20",
        "evidence_on_file": True,
    }
    if follow_up is not None:
        plan["closure"]["follow_up"] = follow_up


def test_discharge_needs_an_exit_stage_top() -> None:
    def review_stage(data: Data) -> None:
        discharged(data, follow_up={"due": "2026-05-04"})
        data["plan"]["reviews"][1]["top"]["stage"] = "review"

    assert codes(review_stage, FindingCode.TOP_NOT_AT_DISCHARGE) == [("top-not-at-discharge", "plan.reviews")]
    assert found(lambda data: discharged(data, follow_up={"due": "2026-05-04"})) == []


def test_early_follow_up_after_discharge() -> None:
    code = FindingCode.POST_DISCHARGE_FOLLOW_UP_DUE
    assert codes(discharged, code) == [("post-discharge-follow-up-due", "plan.closure.follow_up")]
    overdue = {"due": "2026-04-27"}
    assert codes(lambda data: discharged(data, follow_up=overdue), code) == [
        ("post-discharge-follow-up-due", "plan.closure.follow_up.done_on")
    ]
    done = overdue | {"done_on": "2026-04-29", "by": "kw1", "outcome": "drug-free"}
    assert codes(lambda data: discharged(data, follow_up=done), code) == []
    [finding] = report(discharged).findings
    assert (finding.severity, finding.source.seed) == ("warning", "003")


# ---- seed 003, closures and transfers: "Evidence of this process must be contained within the
# client file" ----


@pytest.mark.parametrize(
    ("kind", "reason"), [("closure", "moved-away"), ("transfer", "transferred-to-provider")]
)
def test_a_closure_or_transfer_without_evidence_on_file(kind: str, reason: str) -> None:
    def change(data: Data) -> None:
        data["plan"]["closure"] = {
            "kind": kind,
            "reason": reason,
            "date": "2026-04-20",
            "evidence_on_file": False,
        }

    assert codes(change, FindingCode.CLOSURE_EVIDENCE_NOT_ON_FILE) == [
        ("closure-evidence-not-on-file", "plan.closure.evidence_on_file")
    ]
    assert next(f for f in report(change).findings if f.code == "closure-evidence-not-on-file").is_error


# ---- the TOP's own sections ----


def test_sharing_injecting_equipment_needs_days_of_injecting() -> None:
    def change(data: Data) -> None:
        data["plan"]["reviews"][0]["top"]["shared_spoon_water_or_filter"] = True

    with pytest.raises(InvalidRecord) as caught:
        build(change)
    assert [i.expression for i in caught.value.outcome.issues] == [
        "plan.reviews[0].top.shared_spoon_water_or_filter"
    ]
    build(
        lambda data: data["plan"]["reviews"][0]["top"].update(
            injecting_days=4, shared_spoon_water_or_filter=True
        )
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("shoplifting_days", 29), ("alcohol_units_per_drinking_day", -1), ("paid_work_days", -1)],
)
def test_a_top_item_out_of_its_range_is_refused_naming_it(field: str, value: int) -> None:
    with pytest.raises(InvalidRecord) as caught:
        build(lambda data: data["plan"]["reviews"][0]["top"].update({field: value}))
    assert [i.expression for i in caught.value.outcome.issues] == [f"plan.reviews[0].top.{field}"]


def test_careplan_check_judges_risk_currency_by_the_careplan_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = Path(__file__).resolve().parents[2] / "fixtures" / "clients" / "03-gp-shared-care.json"
    runner = CliRunner()
    default = runner.invoke(app, ["check", str(plan), "--today", "2026-11-25", "--format", "json"])
    assert "plan.risk.assessed_on" in default.stdout  # assessed 11 August: over three months ago
    monkeypatch.setenv("CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS", "6")
    longer = runner.invoke(app, ["check", str(plan), "--today", "2026-11-25", "--format", "json"])
    assert "plan.risk.assessed_on" not in longer.stdout
    monkeypatch.setenv("CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS", "forever")
    bad = runner.invoke(app, ["check", str(plan), "--today", "2026-11-25"])
    assert bad.exit_code == 2
    assert "CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS" in bad.stderr


def test_the_discharge_top_window_is_a_setting() -> None:
    """The protocol gives no window for "at discharge"; the exit TOP of 1 April is 19 days before the
    discharge on 20 April: inside the default 28 days, outside a local protocol's 14."""
    record = build(lambda data: discharged(data, follow_up={"due": "2026-05-04"}))
    assert check_coordination(record, today=CLOCK).findings == ()
    narrow = check_coordination(record, today=CLOCK, settings=CoordinationSettings(3, 14))
    assert [(f.code, f.expression) for f in narrow.findings] == [("top-not-at-discharge", "plan.reviews")]


def test_after_detox_a_care_manager_delivering_a_live_service_co_ordinates() -> None:
    """Seed 003: "Where a Substance Misuse Care Manager is delivering a service to a service user they
    are responsible for care co-ordination following detox" - here the care manager keyworks the
    relapse-prevention that followed a detox keyworked by someone else."""

    def change(data: Data) -> None:
        data["plan"]["interventions"] += [
            intervention(
                "iv2",
                tier="tier-4",
                modality="inpatient-detoxification",
                status="completed",
                end="2026-03-01",
            ),
            intervention("iv3", tier="tier-2", modality="relapse-prevention", keyworker="cm1"),
        ]
        data["care_team"].append(member("cm1", "care-manager", organisation="Y07890"))

    assert decide(change) == (Role.CARE_MANAGER, "care-manager-after-detox", ["cm1"])

    def detox_under_way(data: Data) -> None:
        change(data)
        data["plan"]["interventions"].append(
            intervention("iv4", modality="community-detoxification", status="in-progress", keyworker="kw1")
        )

    assert decide(detox_under_way)[1] != "care-manager-after-detox"
