"""Findings: each check firing and not firing, with its code, expression, severity and source."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from coordination_records import CLOCK, CRITERIA_MET, Data, build, found, intervention, member, report

from adapter.clock import FixedClock
from adapter.coordination import CHECKS, FINDING_DEFINITIONS, FindingCode, check_coordination
from adapter.coordination.settings import CoordinationSettings


def duty(awaited: str, *, advised: bool = True) -> Data:
    """The duty of care while waiting for ``awaited`` (seed 003 criteria 2-3), tier 2 advice given or not."""
    record: Data = {
        "awaited_agency": awaited,
        "referring_agency": "Y02345",
        "triage_agency": "Y03456",
        "recorded_on": "2026-04-20",
    }
    if advised:
        record |= {"tier_2_services_advised_on": "2026-04-20", "tier_2_services_advised": "needle exchange"}
    return record


def only(change: Callable[[Data], object], code: FindingCode) -> list[tuple[str, str]]:
    return [pair for pair in found(change) if pair[0] == code]


def test_the_clean_record_has_no_findings() -> None:
    assert found() == []
    assert report().has_errors is False


# -- named keyworker / co-ordinator ------------------------------------------------------------------


def test_tier_3_client_without_a_named_keyworker() -> None:
    def change(data: Data) -> None:
        data["care_team"][0]["roles"] = ["gp-prescriber"]
        del data["plan"]["interventions"][0]["keyworker"]

    assert found(change) == [("no-named-keyworker", "care_team")]
    assert report(change).findings[0].severity == "error"
    assert str(report(change).findings[0].source) == "seed 003, Who is Responsible for Care Co-ordination?"


def test_named_on_the_intervention_is_a_named_keyworker() -> None:
    assert found(lambda data: data["care_team"][0].update(roles=["gp-prescriber"])) == []


def test_tier_2_client_without_keyworker_is_reported_as_the_missing_co_ordinating_role() -> None:
    def change(data: Data) -> None:
        data["care_team"][0]["roles"] = ["gp-prescriber"]
        del data["plan"]["interventions"][0]["keyworker"]
        data["plan"]["tier"] = "tier-2"
        data["plan"]["interventions"][0]["tier"] = "tier-2"

    assert found(change) == [("coordinator-not-in-team", "care_team")]


def test_care_coordinator_role_missing_from_the_team() -> None:
    def change(data: Data) -> None:
        data["plan"]["interventions"].append(intervention("iv2", provider="Y04567"))

    assert found(change) == [("coordinator-not-in-team", "care_team")]
    finding = report(change).findings[0]
    assert "care-coordinator" in finding.text and finding.severity == "error"


def test_care_coordinator_on_the_team_is_no_finding() -> None:
    def change(data: Data) -> None:
        data["plan"]["interventions"].append(intervention("iv2", provider="Y04567"))
        data["care_team"].append(member("cc1", "care-coordinator"))

    assert found(change) == []


def test_simultaneous_referral_asks_for_a_decision() -> None:
    def change(data: Data) -> None:
        data["plan"]["interventions"] = [
            intervention("iv1", status="not-started", referred_on="2026-04-20", keyworker="kw1"),
            intervention("iv2", status="not-started", referred_on="2026-04-20", provider="Y04567"),
        ]
        data["plan"]["waiting_duty_of_care"] = [duty("Y03456"), duty("Y04567")]

    assert found(change) == [("coordination-decision-needed", "plan.interventions")]
    finding = report(change).findings[0]
    assert finding.severity == "warning"
    assert "Northtown Community Drug Service [Y03456] (iv1, Alex Reid)" in finding.text
    assert "Eastgate Day Programme [Y04567] (iv2)" in finding.text


def test_care_manager_criteria_met_without_one_allocated() -> None:
    def change(data: Data) -> None:
        data["plan"]["external_coordination"] = {"care_manager_criteria": CRITERIA_MET}

    assert found(change) == [
        ("care-manager-not-allocated", "plan.external_coordination.care_manager_criteria")
    ]

    def allocated(data: Data) -> None:
        change(data)
        data["care_team"].append(member("cm1", "care-manager", organisation="Y07890"))

    assert found(allocated) == []


# -- agreement ---------------------------------------------------------------------------------------


def test_plan_not_agreed_and_not_signed() -> None:
    def change(data: Data) -> None:
        data["plan"]["agreement"] = {}

    assert found(change) == [
        ("plan-not-agreed", "plan.agreement.agreed_on"),
        ("plan-not-signed", "plan.agreement.signed_by_service_user"),
    ]
    assert {str(f.source) for f in report(change).findings} == {"seed 003, Overarching Principles"}


def test_a_draft_is_not_yet_expected_to_be_agreed() -> None:
    def change(data: Data) -> None:
        data["plan"]["agreement"] = {}
        data["plan"]["status"] = "draft"

    assert only(change, FindingCode.PLAN_NOT_AGREED) == []
    assert only(change, FindingCode.PLAN_NOT_SIGNED) == []


# -- domains -----------------------------------------------------------------------------------------


def test_a_domain_with_no_assessment() -> None:
    def change(data: Data) -> None:
        data["plan"]["assessments"] = data["plan"]["assessments"][:2]

    assert found(change) == [("domain-not-assessed", "plan.assessments")] * 2
    texts = [f.text for f in report(change).findings]
    assert ["offending" in texts[0], "social-functioning" in texts[1]] == [True, True]
    assert {f.severity for f in report(change).findings} == {"error"}


def test_an_assessed_need_records_an_assessment_of_its_domain() -> None:
    def change(data: Data) -> None:
        data["plan"]["assessments"] = data["plan"]["assessments"][:3]
        data["plan"]["needs"] = [
            {"id": "n1", "domain": "social-functioning", "area": "housing", "description": "rent arrears"}
        ]

    assert found(change) == [("domain-not-assessed", "plan.assessments")]

    def assessed(data: Data) -> None:
        change(data)
        data["plan"]["needs"][0]["assessed_on"] = "2026-01-05"

    assert found(assessed) == []


def test_an_initial_plan_missing_domains_is_a_warning() -> None:
    def change(data: Data) -> None:
        data["plan"]["assessments"] = []
        data["plan"]["kind"] = "initial"

    assert len(only(change, FindingCode.DOMAIN_NOT_ASSESSED)) == 4
    assert {f.severity for f in report(change).findings} == {"warning"}


# -- reviews and TOP ---------------------------------------------------------------------------------


def test_next_review_date_passed() -> None:
    def change(data: Data) -> None:
        data["plan"]["next_review_due"] = "2026-04-30"

    assert found(change) == [("review-overdue", "plan.next_review_due")]


def test_review_due_today_is_not_overdue() -> None:
    assert found(lambda data: data["plan"].update(next_review_due="2026-05-01")) == []


def test_last_review_more_than_three_months_ago() -> None:
    def change(data: Data) -> None:
        data["plan"]["reviews"][1]["date"] = "2026-01-31"

    assert found(change) == [
        ("review-overdue", "plan.reviews[1].date"),
        ("top-review-overdue", "plan.reviews[1].top"),
    ]
    # Three calendar months after 31 January is 30 April; on 30 April it is not yet overdue.
    same = check_coordination(build(change), today=FixedClock(date(2026, 4, 30)))
    assert same.findings == ()


def test_no_review_since_the_plan_started_more_than_three_months_ago() -> None:
    def change(data: Data) -> None:
        data["plan"]["reviews"] = []
        data["plan"]["kind"] = "initial"

    assert found(change) == [("review-overdue", "plan.reviews")]


def test_a_closed_plan_has_no_review_due() -> None:
    def change(data: Data) -> None:
        data["plan"]["next_review_due"] = "2026-04-30"
        data["plan"]["status"] = "completed"

    assert only(change, FindingCode.REVIEW_OVERDUE) == []


def test_comprehensive_plan_without_a_top() -> None:
    def change(data: Data) -> None:
        for review in data["plan"]["reviews"]:
            review["top_completed"] = False
            del review["top"]

    assert found(change) == [("top-not-at-assessment", "plan.reviews")]
    assert found(lambda data: data["plan"].update(kind="initial")) == []


def _discharge(data: Data, *, reason: str = "treatment-completed", kind: str = "aftercare") -> None:
    plan = data["plan"]
    plan.update(kind=kind, status="completed", end="2026-04-20")
    plan["closure"] = {
        "kind": "closure",
        "reason": reason,
        "date": "2026-04-20",
        "evidence_on_file": True,
        "follow_up": {"due": "2026-05-04"},
    }
    plan["interventions"][0].update(status="completed", end="2026-04-20")
    plan["reviews"][-1]["top"]["stage"] = "exit"


def test_discharge_without_a_top() -> None:
    def change(data: Data) -> None:
        _discharge(data)
        data["plan"]["reviews"] = data["plan"]["reviews"][:1]

    assert found(change) == [("top-not-at-discharge", "plan.reviews")]


def test_discharge_with_a_top_within_the_window() -> None:
    assert CoordinationSettings().discharge_top_window_days == 28
    # the last review (1 April) is 19 days before the discharge on 20 April
    assert found(_discharge) == []


def test_transfer_is_not_a_discharge() -> None:
    def change(data: Data) -> None:
        _discharge(data, reason="transferred-to-provider", kind="comprehensive")
        data["plan"]["closure"]["kind"] = "transfer"
        data["plan"]["reviews"] = data["plan"]["reviews"][:1]

    assert found(change) == []


# -- risk --------------------------------------------------------------------------------------------


def test_no_risk_assessment() -> None:
    assert found(lambda data: data["plan"].pop("risk")) == [("risk-not-assessed", "plan.risk")]


def test_risk_without_a_risk_management_plan() -> None:
    def change(data: Data) -> None:
        data["plan"]["risk"] = {
            "assessed_on": "2026-04-01",
            "level": "high",
            "areas": ["overdose"],
            "summary": "uses alone",
            "significant_immediate_risk": True,
        }

    assert found(change) == [("risk-without-management-plan", "plan.risk_management_plan")]
    assert "high risk and a significant and immediate risk" in report(change).findings[0].text

    def planned(data: Data) -> None:
        change(data)
        data["plan"]["risk_management_plan"] = "naloxone supplied; daily contact for a week"

    assert found(planned) == []


def test_overdose_risk_on_release_needs_a_plan() -> None:
    def change(data: Data) -> None:
        data["plan"]["risk"]["overdose_risk_on_release"] = "high"

    assert found(change) == [("risk-without-management-plan", "plan.risk_management_plan")]


def test_low_risk_needs_no_risk_management_plan() -> None:
    assert found(lambda data: data["plan"]["risk"].update(areas=["blood-borne-virus"])) == []


# -- complex needs -----------------------------------------------------------------------------------


def test_complex_needs_without_contingency_and_crisis_plans() -> None:
    def change(data: Data) -> None:
        data["plan"]["complex_needs"] = True

    assert found(change) == [
        ("complex-needs-without-contingency-plan", "plan.contingency_plan"),
        ("complex-needs-without-crisis-plan", "plan.crisis_plan"),
    ]

    def planned(data: Data) -> None:
        data["plan"].update(
            complex_needs=True, contingency_plan="if housing fails", crisis_plan="crisis team"
        )

    assert found(planned) == []


# -- waiting for tier 3 at risk ----------------------------------------------------------------------


def _waiting_at_risk(data: Data) -> None:
    plan = data["plan"]
    plan.update(kind="initial", tier="tier-2")
    plan["interventions"] = [intervention("iv-wait", status="not-started", referred_on="2026-04-28")]
    plan["risk"].update(level="low", significant_immediate_risk=True)
    data["care_team"][0]["roles"] = ["cjit-worker"]


def test_waiting_for_tier_3_at_risk_without_a_plan() -> None:
    assert only(_waiting_at_risk, FindingCode.WAITING_AT_RISK_WITHOUT_PLAN) == [
        ("waiting-at-risk-without-plan", "plan.interventions[0]")
    ]
    finding = next(f for f in report(_waiting_at_risk).findings if f.code == "waiting-at-risk-without-plan")
    assert finding.source.section == "Criteria for Care Planning and Care Co-ordination"


def test_interim_tier_2_support_answers_the_wait() -> None:
    def change(data: Data) -> None:
        _waiting_at_risk(data)
        data["plan"]["interventions"].append(intervention("iv-hr", tier="tier-2", modality="harm-reduction"))

    assert only(change, FindingCode.WAITING_AT_RISK_WITHOUT_PLAN) == []


def test_a_risk_management_plan_answers_the_wait() -> None:
    def change(data: Data) -> None:
        _waiting_at_risk(data)
        data["plan"]["risk_management_plan"] = "daily phone contact until assessment"

    assert only(change, FindingCode.WAITING_AT_RISK_WITHOUT_PLAN) == []


# -- discharge and aftercare -------------------------------------------------------------------------


def test_discharge_without_an_aftercare_plan() -> None:
    def change(data: Data) -> None:
        _discharge(data, kind="comprehensive")

    assert found(change) == [("discharge-without-aftercare-plan", "plan.kind")]
    assert str(report(change).findings[0].source) == "seed 002, 5.3.3 aftercare plans"


def test_aftercare_plan_with_drug_support_only() -> None:
    def change(data: Data) -> None:
        _discharge(data)
        data["plan"]["goals"] = data["plan"]["goals"][:1]

    assert found(change) == [("aftercare-plan-drug-support-only", "plan.goals")]


# -- disengagement -----------------------------------------------------------------------------------


def test_dropped_out_without_a_re_engagement_action() -> None:
    def change(data: Data) -> None:
        data["plan"]["engagement"] = [
            {"date": "2026-02-01", "event": "dropped-out"},
            {"date": "2026-02-10", "event": "re-engaged"},
            {"date": "2026-04-20", "event": "dropped-out", "note": "missed three appointments"},
        ]

    assert found(change) == [("disengaged-without-re-engagement", "plan.engagement[2].re_engagement_action")]


def test_drop_out_with_an_action_or_followed_by_re_engagement() -> None:
    def acted(data: Data) -> None:
        data["plan"]["engagement"] = [
            {"date": "2026-04-20", "event": "dropped-out", "re_engagement_action": "outreach visit booked"}
        ]

    def returned(data: Data) -> None:
        data["plan"]["engagement"] = [
            {"date": "2026-04-20", "event": "dropped-out"},
            {"date": "2026-04-25", "event": "re-engaged"},
        ]

    assert found(acted) == []
    assert found(returned) == []


# -- child protection --------------------------------------------------------------------------------


def _concern(data: Data, *, in_plan: bool, forum: str | None = "kw1") -> None:
    concern: Data = {
        "raised_on": "2026-03-01",
        "summary": "child on a plan",
        "in_risk_management_plan": in_plan,
    }
    if forum:
        concern["forum_attended_by"] = forum
    data["plan"]["child_protection"] = concern
    data["plan"]["risk_management_plan"] = "safe storage of medication; liaison with social worker"


def test_child_protection_concern_not_in_the_risk_plan() -> None:
    assert found(lambda data: _concern(data, in_plan=False)) == [
        ("child-protection-not-in-risk-plan", "plan.child_protection.in_risk_management_plan")
    ]


def test_child_protection_concern_with_no_risk_plan_at_all() -> None:
    def change(data: Data) -> None:
        _concern(data, in_plan=True)
        del data["plan"]["risk_management_plan"]

    assert found(change) == [("child-protection-not-in-risk-plan", "plan.risk_management_plan")]


def test_child_protection_concern_in_the_plan_and_forum_attended() -> None:
    assert found(lambda data: _concern(data, in_plan=True)) == []
    assert found(lambda data: _concern(data, in_plan=True, forum=None)) == [
        ("child-protection-forum-unattended", "plan.child_protection.forum_attended_by")
    ]


# -- whole report ------------------------------------------------------------------------------------


def test_every_finding_is_collected_at_once() -> None:
    def change(data: Data) -> None:
        data["plan"]["agreement"] = {}
        data["plan"]["complex_needs"] = True
        data["plan"]["next_review_due"] = "2026-04-01"
        data["plan"]["assessments"] = []

    codes = [code for code, _ in found(change)]
    assert codes == [
        "plan-not-agreed",
        "plan-not-signed",
        *["domain-not-assessed"] * 4,
        "review-overdue",
        "complex-needs-without-contingency-plan",
        "complex-needs-without-crisis-plan",
    ]


def test_a_revoked_plan_is_not_checked_and_says_so() -> None:
    def change(data: Data) -> None:
        data["plan"]["status"] = "revoked"
        data["plan"]["agreement"] = {}

    assert found(change) == [("plan-not-in-force", "plan.status")]
    assert report(change).has_errors is False


def test_the_day_comes_from_the_clock_only() -> None:
    record = build(lambda data: data["plan"].update(next_review_due="2026-05-10"))
    assert check_coordination(record, today=CLOCK).findings == ()
    later = check_coordination(record, today=FixedClock(date(2026, 5, 11)))
    assert [(f.code, f.expression) for f in later.findings] == [("review-overdue", "plan.next_review_due")]
    assert later.today == date(2026, 5, 11)


def test_every_code_is_defined_and_every_check_documented() -> None:
    assert set(FINDING_DEFINITIONS) == set(FindingCode)
    assert all(check.__doc__ and "seed" in check.__doc__ for check in CHECKS)
