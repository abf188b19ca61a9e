"""A recorded co-ordination agreement (``plan.coordination_agreement``) and seed 003, Who is Responsible.

The agreement settles the decision after simultaneous tier 3 referrals; marked as an alternative
arrangement it displaces the care manager (the only sentences qualified "Unless alternative
arrangements are agreed"); it cannot displace the CMHT under enhanced CPA nor probation under a
community DRR; and it stops deciding once the agreed co-ordinator has left the team.
"""

from __future__ import annotations

from collections.abc import Callable

from coordination_records import CLOCK, CRITERIA_MET, Data, build, found, intervention, member, report

from adapter.coordination import responsible_for_coordination
from adapter.model.codes import Role

AGREED = "plan.coordination_agreement.coordinator"


def agree(data: Data, coordinator: str, *, alternative: bool = False) -> None:
    data["plan"]["coordination_agreement"] = {
        "decided_on": "2026-04-22",
        "coordinator": coordinator,
        "reason": "longest expected involvement",
        "alternative_arrangement": alternative,
        "decided_by": ["kw1"],
    }


def add_member(data: Data, member_id: str, *roles: str, organisation: str = "Y03456", **fields: str) -> None:
    data["care_team"].append(member(member_id, *roles, organisation=organisation) | fields)


def both(*changes: Callable[[Data], object]) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        for one in changes:
            one(data)

    return change


def two_referrals(data: Data) -> None:
    data["plan"]["interventions"] = [
        intervention("iv1", status="not-started", referred_on="2026-04-20", keyworker="kw1"),
        intervention(
            "iv2", status="not-started", referred_on="2026-04-20", provider="Y04567", keyworker="kw2"
        ),
    ]
    add_member(data, "kw2", "keyworker", organisation="Y04567")
    # Each awaited agency's duty of care is recorded, with the tier 2 advice (seed 003 criteria 2-3).
    data["plan"]["waiting_duty_of_care"] = [
        {
            "awaited_agency": provider,
            "referring_agency": "Y02345",
            "triage_agency": "Y03456",
            "recorded_on": "2026-04-20",
            "tier_2_services_advised_on": "2026-04-20",
        }
        for provider in ("Y03456", "Y04567")
    ]


def care_manager(data: Data) -> None:
    data["plan"]["external_coordination"] = {"care_manager_criteria": CRITERIA_MET}
    add_member(data, "cm1", "care-manager", organisation="Y07890")


def enhanced_cpa(data: Data) -> None:
    data["plan"]["external_coordination"] = {"cpa_level": "enhanced"}
    add_member(data, "cmht1", "cmht-care-coordinator", organisation="Y06789")


def community_drr(data: Data) -> None:
    data["plan"]["external_coordination"] = {"drr": "community", "drr_start": "2026-02-01"}
    add_member(data, "om1", "probation-offender-manager", organisation="Y05678")


def decided(change: Callable[[Data], object]) -> tuple[Role | None, str, list[str]]:
    decision = responsible_for_coordination(build(change), today=CLOCK)
    return decision.role, decision.rule, [m.id for m in decision.holders]


def test_an_agreement_settles_the_simultaneous_referral_decision() -> None:
    settled = both(two_referrals, lambda data: agree(data, "kw2"))
    assert decided(settled) == (Role.CARE_COORDINATOR, "simultaneous-referral", ["kw2"])
    assert (
        "the decision was taken on 2026-04-22 by kw1: Alex Kw2 co-ordinates"
        in report(settled).decision.reason
    )
    assert found(settled) == []
    # Without the agreement the keyworkers still have to decide.
    assert decided(two_referrals) == (None, "simultaneous-referral", [])
    assert found(two_referrals) == [("coordination-decision-needed", "plan.interventions")]


def test_an_agreement_outranks_a_care_coordinator_on_the_team_after_simultaneous_referral() -> None:
    def coordinator(data: Data) -> None:
        add_member(data, "cc1", "care-coordinator")

    # A care co-ordinator on the team is not the keyworkers' recorded decision (seed 003).
    assert decided(both(two_referrals, coordinator)) == (None, "simultaneous-referral", [])
    agreed = both(two_referrals, coordinator, lambda data: agree(data, "kw1"))
    assert decided(agreed) == (Role.CARE_COORDINATOR, "simultaneous-referral", ["kw1"])
    assert found(agreed) == []


def test_an_alternative_arrangement_displaces_the_care_manager() -> None:
    alternative = both(care_manager, lambda data: agree(data, "kw1", alternative=True))
    decision = responsible_for_coordination(build(alternative), today=CLOCK)
    assert (decision.role, decision.rule, [m.id for m in decision.holders]) == (
        Role.CARE_COORDINATOR,
        "alternative-arrangement",
        ["kw1"],
    )
    assert decision.overridden == ("care-manager", "one-intervention")
    assert not decision.agreement_conflict
    assert found(alternative) == []
    assert decided(care_manager) == (Role.CARE_MANAGER, "care-manager", ["cm1"])


def test_an_agreement_not_marked_alternative_does_not_displace_the_care_manager() -> None:
    plain = both(care_manager, lambda data: agree(data, "kw1"))
    assert decided(plain) == (Role.CARE_MANAGER, "care-manager", ["cm1"])
    assert found(plain) == [("agreement-conflicts-with-rule", AGREED)]
    assert "not marked as an alternative arrangement" in report(plain).findings[0].text
    # Naming the care manager is no conflict.
    assert found(both(care_manager, lambda data: agree(data, "cm1"))) == []


def test_an_alternative_arrangement_cannot_displace_the_cmht_under_enhanced_cpa() -> None:
    conflicting = both(enhanced_cpa, lambda data: agree(data, "kw1", alternative=True))
    assert decided(conflicting) == (Role.CMHT_CARE_COORDINATOR, "enhanced-cpa", ["cmht1"])
    assert found(conflicting) == [("agreement-conflicts-with-rule", AGREED)]
    finding = report(conflicting).findings[0]
    assert finding.severity == "warning"
    assert "Alex Reid (kw1)" in finding.text and "rule enhanced-cpa" in finding.text
    assert 'without "unless alternative arrangements are agreed"' in finding.text
    assert str(finding.source) == "seed 003, Who is Responsible for Care Co-ordination?"
    assert found(both(enhanced_cpa, lambda data: agree(data, "cmht1", alternative=True))) == []


def test_an_alternative_arrangement_cannot_displace_probation_under_a_community_drr() -> None:
    conflicting = both(community_drr, lambda data: agree(data, "kw1", alternative=True))
    assert decided(conflicting) == (Role.PROBATION_OFFENDER_MANAGER, "community-drr", ["om1"])
    assert found(conflicting) == [("agreement-conflicts-with-rule", AGREED)]
    assert "rule community-drr" in report(conflicting).findings[0].text
    assert found(both(community_drr, lambda data: agree(data, "om1"))) == []


def test_an_agreement_naming_the_rules_own_holder_is_no_finding() -> None:
    # Fixture 03's shape: one intervention, its keyworker agreed as co-ordinator.
    same = lambda data: agree(data, "kw1", alternative=True)  # noqa: E731
    assert decided(same) == (Role.KEYWORKER, "one-intervention", ["kw1"])
    assert found(same) == []


def test_an_agreed_coordinator_who_has_left_the_team_decides_nothing() -> None:
    def left(data: Data) -> None:
        two_referrals(data)
        data["care_team"][-1]["end"] = "2026-04-30"
        agree(data, "kw2")

    assert decided(left) == (None, "simultaneous-referral", [])
    assert found(left) == [
        ("coordination-decision-needed", "plan.interventions"),
        ("agreed-coordinator-left-team", AGREED),
    ]
    assert "Alex Kw2 (kw2), who left the care team on 2026-04-30" in report(left).findings[1].text


def test_an_agreed_coordinator_whose_membership_ends_today_is_still_on_the_team() -> None:
    def ends_today(data: Data) -> None:
        two_referrals(data)
        data["care_team"][-1]["end"] = "2026-05-01"
        agree(data, "kw2")

    assert decided(ends_today) == (Role.CARE_COORDINATOR, "simultaneous-referral", ["kw2"])
    assert found(ends_today) == []
