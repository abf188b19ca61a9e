"""Who co-ordinates: each rule of seed 003 firing and not firing, and the order of precedence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from coordination_records import CLOCK, CRITERIA_MET, Data, build, intervention, member

from adapter.clock import FixedClock
from adapter.coordination import RULES, Source, responsible_for_coordination
from adapter.model.codes import Role


def decide(change: Callable[[Data], object] | None = None) -> tuple[Role | None, str, list[str]]:
    decision = responsible_for_coordination(build(change), today=CLOCK)
    return decision.role, decision.rule, [m.id for m in decision.holders]


def external(data: Data, **fields: object) -> None:
    data["plan"]["external_coordination"] = fields


def add_member(data: Data, member_id: str, *roles: str, organisation: str = "Y03456") -> None:
    data["care_team"].append(member(member_id, *roles, organisation=organisation))


def test_one_intervention_the_intervention_keyworker() -> None:
    decision = responsible_for_coordination(build(), today=CLOCK)
    assert (decision.role, decision.rule, [m.id for m in decision.holders]) == (
        Role.KEYWORKER,
        "one-intervention",
        ["kw1"],
    )
    assert decision.source == Source("003", "Who is Responsible for Care Co-ordination?")
    assert decision.team_matches is True
    assert decision.overridden == ()


def test_one_intervention_without_a_named_keyworker_falls_back_to_keyworker_roles() -> None:
    def change(data: Data) -> None:
        del data["plan"]["interventions"][0]["keyworker"]
        data["care_team"][0]["roles"] = ["treatment-coordinator"]

    assert decide(change) == (Role.KEYWORKER, "one-intervention", ["kw1"])


def test_more_than_one_intervention_the_care_coordinator() -> None:
    def change(data: Data) -> None:
        data["plan"]["interventions"].append(intervention("iv2", provider="Y04567"))
        add_member(data, "cc1", "care-coordinator")

    assert decide(change) == (Role.CARE_COORDINATOR, "more-than-one-intervention", ["cc1"])


def test_more_than_one_counts_only_interventions_being_received() -> None:
    def change(data: Data) -> None:
        data["plan"]["interventions"].append(intervention("iv2", status="completed", end="2026-03-01"))
        data["plan"]["interventions"].append(intervention("iv3", tier="tier-1"))

    assert decide(change) == (Role.KEYWORKER, "one-intervention", ["kw1"])


def test_no_intervention_yet_the_triage_keyworker() -> None:
    def change(data: Data) -> None:
        data["plan"]["interventions"][0]["status"] = "not-started"
        data["care_team"][0]["roles"] = ["cjit-worker"]

    assert decide(change) == (Role.KEYWORKER, "no-intervention-yet", ["kw1"])
    assert responsible_for_coordination(build(), today=CLOCK).rule != "no-intervention-yet"


def test_enhanced_cpa_the_cmht() -> None:
    def change(data: Data) -> None:
        external(data, cpa_level="enhanced")
        add_member(data, "cmht1", "cmht-care-coordinator", organisation="Y06789")

    decision = responsible_for_coordination(build(change), today=CLOCK)
    assert (decision.role, decision.rule, [m.id for m in decision.holders]) == (
        Role.CMHT_CARE_COORDINATOR,
        "enhanced-cpa",
        ["cmht1"],
    )
    assert decision.overridden == ("one-intervention",)


def test_standard_cpa_is_not_the_cmht() -> None:
    assert decide(lambda data: external(data, cpa_level="standard"))[1] == "one-intervention"


def test_community_drr_probation() -> None:
    def change(data: Data) -> None:
        external(data, drr="community", drr_start="2026-02-01", drr_end="2026-08-01")
        add_member(data, "om1", "probation-offender-manager", organisation="Y05678")

    assert decide(change) == (Role.PROBATION_OFFENDER_MANAGER, "community-drr", ["om1"])


def test_community_drr_not_in_force_after_it_ends() -> None:
    assert (
        decide(lambda data: external(data, drr="community", drr_start="2026-01-06", drr_end="2026-04-30"))[1]
        == "one-intervention"
    )


def test_residential_drr_the_care_manager() -> None:
    def change(data: Data) -> None:
        external(data, drr="residential", drr_start="2026-02-01")
        add_member(data, "cm1", "care-manager", organisation="Y07890")

    assert decide(change) == (Role.CARE_MANAGER, "residential-drr", ["cm1"])


def test_residential_drr_not_before_it_starts() -> None:
    assert (
        decide(lambda data: external(data, drr="residential", drr_start="2026-05-02"))[1]
        == "one-intervention"
    )


def test_dip_client_the_dip_worker_pre_and_post_drr() -> None:
    def change(data: Data) -> None:
        external(data, dip_client=True, drr="community", drr_start="2026-01-06", drr_end="2026-03-31")
        add_member(data, "dip1", "dip-worker", organisation="Y02345")

    assert decide(change) == (Role.DIP_WORKER, "dip-client", ["dip1"])


def test_dip_client_under_a_drr_is_probation_not_the_dip_worker() -> None:
    def change(data: Data) -> None:
        external(data, dip_client=True, drr="community", drr_start="2026-01-06")

    decision = responsible_for_coordination(build(change), today=CLOCK)
    assert decision.rule == "community-drr"
    assert "dip-client" not in decision.overridden


def test_a_cjit_worker_holds_the_dip_workers_role() -> None:
    def change(data: Data) -> None:
        external(data, dip_client=True)
        add_member(data, "cjit1", "cjit-worker", organisation="Y02345")

    assert decide(change) == (Role.DIP_WORKER, "dip-client", ["cjit1"])


def test_care_manager_when_criteria_met_and_allocated() -> None:
    def change(data: Data) -> None:
        external(data, care_manager_criteria=CRITERIA_MET)
        add_member(data, "cm1", "care-manager", organisation="Y07890")

    assert decide(change) == (Role.CARE_MANAGER, "care-manager", ["cm1"])


def test_care_manager_criteria_alone_do_not_move_co_ordination() -> None:
    assert decide(lambda data: external(data, care_manager_criteria=CRITERIA_MET)) == (
        Role.KEYWORKER,
        "one-intervention",
        ["kw1"],
    )


def test_care_manager_after_detox() -> None:
    """Seed 003: a care manager "delivering a service" is responsible "following detox"."""

    def change(data: Data) -> None:
        data["plan"]["interventions"].append(
            intervention(
                "iv2",
                tier="tier-4",
                modality="inpatient-detoxification",
                status="completed",
                end="2026-03-01",
                keyworker="cm1",
            )
        )
        add_member(data, "cm1", "care-manager", organisation="Y07890")

    assert decide(change) == (Role.CARE_MANAGER, "care-manager-after-detox", ["cm1"])


def test_a_care_manager_on_the_team_who_delivers_no_service_does_not_co_ordinate_after_detox() -> None:
    def change(data: Data) -> None:
        data["plan"]["interventions"].append(
            intervention("iv2", modality="inpatient-detoxification", status="completed", end="2026-03-01")
        )
        add_member(data, "cm1", "care-manager", organisation="Y07890")

    assert decide(change) == (Role.KEYWORKER, "one-intervention", ["kw1"])


def test_a_detox_before_this_episode_is_not_following_detox() -> None:
    def change(data: Data) -> None:
        data["plan"]["interventions"].append(
            intervention(
                "iv0",
                modality="inpatient-detoxification",
                status="completed",
                start="2019-03-01",
                end="2019-03-21",
                keyworker="cm1",
            )
        )
        data["episode"] = {"id": "ep1", "provider": "Y03456", "status": "active", "start": "2026-01-05"}
        add_member(data, "cm1", "care-manager", organisation="Y07890")

    assert decide(change) == (Role.KEYWORKER, "one-intervention", ["kw1"])


def test_care_manager_not_responsible_while_detox_continues() -> None:
    def change(data: Data) -> None:
        data["plan"]["interventions"][0]["modality"] = "community-detoxification"
        add_member(data, "cm1", "care-manager", organisation="Y07890")

    assert decide(change)[1] == "one-intervention"


def test_community_care_manager_for_community_care_funded_clients() -> None:
    def change(data: Data) -> None:
        external(data, community_care_funded=True)
        add_member(data, "ccm1", "community-care-manager", organisation="Y07890")

    assert decide(change) == (Role.COMMUNITY_CARE_MANAGER, "community-care-manager", ["ccm1"])
    assert decide(lambda data: external(data, community_care_funded=True))[1] == "one-intervention"


def _two_referrals(data: Data, second_day: str = "2026-04-20", provider: str = "Y04567") -> None:
    data["plan"]["interventions"] = [
        intervention("iv1", status="not-started", referred_on="2026-04-20", keyworker="kw1"),
        intervention("iv2", status="not-started", referred_on=second_day, provider=provider),
    ]


def test_simultaneous_referral_needs_a_decision_and_lists_the_candidates() -> None:
    decision = responsible_for_coordination(build(_two_referrals), today=CLOCK)
    assert decision.role is None
    assert decision.decision_needed and decision.team_matches is None
    assert decision.rule == "simultaneous-referral"
    assert [
        (c.intervention, c.provider, c.keyworker.id if c.keyworker else None) for c in decision.candidates
    ] == [
        ("iv1", "Y03456", "kw1"),
        ("iv2", "Y04567", None),
    ]
    assert decision.overridden == ("no-intervention-yet",)


def test_a_care_coordinator_on_the_team_is_not_the_keyworkers_decision() -> None:
    """Seed 003: "a decision needs to be taken between the relevant treatment co-ordinators/ key
    workers"; a care co-ordinator on the team does not record who decided, when or why."""

    def change(data: Data) -> None:
        _two_referrals(data)
        add_member(data, "cc1", "care-coordinator")

    assert decide(change) == (None, "simultaneous-referral", [])


def test_simultaneous_referral_decided_by_a_recorded_decision_saying_who_decided() -> None:
    def agreed(data: Data, decided_by: list[str], decided_on: str = "2026-04-22") -> None:
        _two_referrals(data)
        add_member(data, "cc1", "care-coordinator")
        data["plan"]["coordination_agreement"] = {
            "decided_on": decided_on,
            "coordinator": "cc1",
            "reason": "longest expected involvement",
            "decided_by": decided_by,
        }

    assert decide(lambda data: agreed(data, ["kw1"])) == (
        Role.CARE_COORDINATOR,
        "simultaneous-referral",
        ["cc1"],
    )
    # Who decided is not recorded, nobody who decided keyworks, or the agreement predates the
    # referrals: the decision is still due, and the finding says why the agreement does not count.
    for change, why in [
        (lambda data: agreed(data, []), "does not say who decided"),
        (lambda data: agreed(data, ["cc1"]), "was decided by cc1, none of them a keyworker or treatment"),
        (lambda data: agreed(data, ["kw1"], "2026-04-19"), "was decided on 2026-04-19, before the referrals"),
    ]:
        decision = responsible_for_coordination(build(change), today=CLOCK)
        assert (decision.role, decision.rule) == (None, "simultaneous-referral")
        assert f"the agreement on file {why}" in decision.reason


def test_referrals_on_different_days_or_to_one_service_are_not_simultaneous() -> None:
    assert decide(lambda data: _two_referrals(data, second_day="2026-04-22"))[1] == "no-intervention-yet"
    assert decide(lambda data: _two_referrals(data, provider="Y03456"))[1] == "no-intervention-yet"


def test_simultaneous_referral_once_both_started_is_more_than_one_intervention() -> None:
    def change(data: Data) -> None:
        _two_referrals(data)
        for iv in data["plan"]["interventions"]:
            iv["status"] = "in-progress"

    assert decide(change)[:2] == (Role.CARE_COORDINATOR, "more-than-one-intervention")


def test_precedence_enhanced_cpa_over_drr_over_dip_over_counts() -> None:
    def change(data: Data) -> None:
        external(
            data, cpa_level="enhanced", drr="community", dip_client=True, care_manager_criteria=CRITERIA_MET
        )
        data["plan"]["interventions"].append(intervention("iv2", provider="Y04567"))
        add_member(data, "cm1", "care-manager", organisation="Y07890")

    decision = responsible_for_coordination(build(change), today=CLOCK)
    assert decision.rule == "enhanced-cpa"
    assert decision.overridden == ("community-drr", "care-manager", "more-than-one-intervention")
    assert decision.team_matches is False


def test_rules_are_listed_in_precedence_order_with_their_sources() -> None:
    assert [rule_id for rule_id, _, _ in RULES] == [
        "enhanced-cpa",
        "custody",
        "community-drr",
        "residential-drr",
        "dip-client",
        "alternative-arrangement",
        "care-manager-after-detox",
        "care-manager",
        "community-care-manager",
        "simultaneous-referral",
        "more-than-one-intervention",
        "one-intervention",
        "no-intervention-yet",
    ]
    assert {source.seed for _, source, _ in RULES} == {"000", "002", "003"}


def test_team_members_who_have_left_do_not_hold_the_role() -> None:
    def change(data: Data) -> None:
        data["care_team"][0]["end"] = "2026-04-30"

    decision = responsible_for_coordination(build(change), today=CLOCK)
    assert decision.holders == () and decision.team_matches is False
    later = responsible_for_coordination(build(change), today=FixedClock(date(2026, 4, 30)))
    assert [m.id for m in later.holders] == ["kw1"]
