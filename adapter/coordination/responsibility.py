"""Who is responsible for co-ordinating a client's care (seed 003, "Who is Responsible for Care
Co-ordination?").

    >>> decision = responsible_for_coordination(record, today=FixedClock(date(2026, 5, 1)))
    >>> decision.role, decision.rule
    (<Role.KEYWORKER: 'keyworker'>, 'one-intervention')

The protocol states its cases one by one and does not rank them; a client can meet several at once
(a DIP client on enhanced CPA who receives two interventions). The rules below are tried in this
order and the first that applies decides; the others that also applied are kept on the decision
(``overridden``) so the choice is visible:

1. ``enhanced-cpa``: the CMHT. The protocol says "in all cases" such clients are under a CMHT, and
   it carries no "unless alternative arrangements" escape; the drug service contributes to the CPA
   plan (seed 000, 5.3.7).
2. ``custody``: the CARAT worker. Seed 002, 5.3.4: "CARATs will take on the role of the keyworker
   while the client is in custody, to ensure continuity of care between both the community and
   prison and during transfers between prisons". No community worker (a DIP worker, a probation
   officer under a community order, the prison nurse who gives a single intervention) keyworks in
   prison; the DIP client returns to the DIP worker on release.
3. ``community-drr`` / ``residential-drr``: probation, or the care manager. A court order is a
   statutory obligation that sets co-ordination from outside the treatment system (seed 001, 5.2.1).
4. ``dip-client``: the DIP worker, "pre and post DRR": the protocol itself carves the DRR period out
   of this case, so it follows the DRR rules.
5. ``alternative-arrangement``: the team member named by a recorded co-ordination agreement marked
   as an alternative arrangement, where one of the two care manager rules below would otherwise
   decide. Those are the only sentences the protocol qualifies with "(Unless alternative
   arrangements are agreed)"; the cases above are stated without it, so an agreement cannot displace
   them (an agreement naming someone else there is the ``agreement-conflicts-with-rule`` finding).
6. ``care-manager-after-detox`` / ``care-manager``: the Substance Misuse Care Manager. After detox
   only as the protocol words it: "Where a Substance Misuse Care Manager is delivering a service to a
   service user they are responsible for care co-ordination following detox" - a detoxification of
   this episode is complete, none is under way, and a care manager on the team delivers a service
   (keyworks the detox or a live intervention). Otherwise once allocated to a client who meets all
   three limbs of the criteria. These displace the keyworker and care co-ordinator defaults "unless
   alternative arrangements are agreed", so they yield to the statutory cases above.
7. ``community-care-manager``: a community care manager for a community-care-funded client (seed 000,
   5.3.7 says such clients "may" have care co-ordinated that way, so it ranks below the protocol's
   own "will").
8. ``simultaneous-referral``: referral to several tier 3 services (at different providers, on the
   same day, one at least not yet started) needs "a decision ... taken between the relevant treatment
   co-ordinators/ key workers". Only a recorded co-ordination agreement saying who decided
   (``decided_by``), taken on or after the referrals, is that decision; a care co-ordinator on the
   team is not. Until it is recorded the decision is due. It is more specific than counting
   interventions, so it comes before the counts.
9. ``more-than-one-intervention``: the care co-ordinator, when more than one tier 3 modality is
   received (tier 2 and tier 4 do not count: ``situation.COUNTED_FOR_COORDINATION``).
10. ``one-intervention``: the keyworker (for a single tier 3 modality, the treatment co-ordinator /
   keyworker "will be the care co-ordinator").
11. ``no-intervention-yet``: the keyworker who completed triage (the CJIT worker after a custody
   triage) holds the initial plan while tier 3 treatment is awaited.

A recorded agreement counts only while its co-ordinator is on the team: once their membership has
ended it decides nothing (the ``agreed-coordinator-left-team`` finding asks for a new one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from adapter.clock import Clock
from adapter.coordination import situation, sources
from adapter.coordination.sources import Source
from adapter.model import CareTeamMember, ClientRecord, CoordinationAgreement
from adapter.model.codes import CpaLevel, DrrKind, Role, Tier
from adapter.model.record import given_and_family


@dataclass(frozen=True, slots=True)
class Candidate:
    """One tier 3 service a client was referred to at the same time as another."""

    intervention: str
    provider: str
    provider_name: str | None
    keyworker: CareTeamMember | None

    def __str__(self) -> str:
        who = f"{given_and_family(self.keyworker.name)}" if self.keyworker else None
        where = f"{self.provider_name} [{self.provider}]" if self.provider_name else self.provider
        return f"{where} ({self.intervention}{', ' + who if who else ''})"


@dataclass(frozen=True, slots=True)
class CoordinationDecision:
    """Who co-ordinates: the role, the team member(s) holding it, and the rule that decided.

    ``role`` is None when the protocol leaves the choice to a decision between the ``candidates``.
    """

    role: Role | None
    holders: tuple[CareTeamMember, ...]
    rule: str
    reason: str
    source: Source
    candidates: tuple[Candidate, ...] = ()
    overridden: tuple[str, ...] = ()
    agreement_conflict: bool = False
    """The plan records a co-ordination agreement naming a current team member who does not hold the
    role this decision's rule makes responsible, and the rule is not one an agreement may displace."""

    @property
    def decision_needed(self) -> bool:
        return self.role is None

    @property
    def team_matches(self) -> bool | None:
        """Whether someone on the team holds the role; None while a decision is still needed."""
        return None if self.role is None else bool(self.holders)


@dataclass(frozen=True, slots=True)
class _Conclusion:
    """What one rule concludes; holders are found by role unless the rule names them."""

    role: Role | None
    reason: str
    named: tuple[CareTeamMember, ...] = ()
    candidates: tuple[Candidate, ...] = ()


_Rule = Callable[[ClientRecord, date], "_Conclusion | None"]

DECIDED_BY_AGREEMENT = frozenset({"alternative-arrangement", "simultaneous-referral"})
"""Rules whose holder is the one a recorded agreement names, so the agreement cannot conflict with them."""


def _agreed_coordinator(record: ClientRecord, today: date) -> CareTeamMember | None:
    """The current team member the plan's co-ordination agreement names, if there is one."""
    agreement = record.plan.coordination_agreement
    return situation.member(record, agreement.coordinator, today) if agreement else None


def _full_name(member: CareTeamMember) -> str:
    return f"{given_and_family(member.name)}"


def _enhanced_cpa(record: ClientRecord, today: date) -> _Conclusion | None:
    """Seed 003, Who is Responsible: "The CMHT is responsible for care co-ordination for service
    users subject to enhanced CPA"; seed 000, 5.3.7: a named mental healthcare co-ordinator."""
    ext = record.plan.external_coordination
    if ext and ext.cpa_level == CpaLevel.ENHANCED:
        return _Conclusion(Role.CMHT_CARE_COORDINATOR, "on enhanced CPA: the CMHT co-ordinates care")
    return None


def _custody(record: ClientRecord, today: date) -> _Conclusion | None:
    """Seed 002, 5.3.4: "CARATs will take on the role of the keyworker while the client is in custody
    ... and during transfers between prisons". The CARAT worker of the holding prison is named when
    the team has one there."""
    if not situation.in_custody(record, today):
        return None
    custody = record.plan.custody
    assert custody is not None  # in_custody
    workers = situation.holders(record, Role.CARAT_WORKER, today)
    at_prison = tuple(m for m in workers if m.organisation == custody.prison)
    return _Conclusion(
        Role.CARAT_WORKER,
        f"in custody (received at {custody.prison} on {custody.reception_date}): the CARAT worker keyworks",
        named=at_prison,
    )


def _community_drr(record: ClientRecord, today: date) -> _Conclusion | None:
    """Seed 003, Who is Responsible: "Care Co-ordination of service users subject to a Community DRR
    is the responsibility of the Probation Service" (while the DRR is in force)."""
    if situation.drr_in_force(record, today) == DrrKind.COMMUNITY:
        return _Conclusion(
            Role.PROBATION_OFFENDER_MANAGER, "subject to a community DRR: probation co-ordinates"
        )
    return None


def _residential_drr(record: ClientRecord, today: date) -> _Conclusion | None:
    """Seed 003, Who is Responsible: "Where a residential DRR has been made the Care Manager will be
    responsible for care coordination"."""
    if situation.drr_in_force(record, today) == DrrKind.RESIDENTIAL:
        return _Conclusion(Role.CARE_MANAGER, "subject to a residential DRR: the care manager co-ordinates")
    return None


def _dip_client(record: ClientRecord, today: date) -> _Conclusion | None:
    """Seed 003, Who is Responsible: for clients engaged with the Drug Intervention Programme "the DIP
    worker will be the Care Co-ordinator pre and post DRR"."""
    ext = record.plan.external_coordination
    if ext and ext.dip_client and situation.drr_in_force(record, today) is None:
        return _Conclusion(
            Role.DIP_WORKER, "engaged with DIP and not under a DRR: the DIP worker co-ordinates"
        )
    return None


def _alternative_arrangement(record: ClientRecord, today: date) -> _Conclusion | None:
    """Seed 003, Who is Responsible: the care manager is responsible for care co-ordination "(Unless
    alternative arrangements are agreed)" - both care manager sentences carry it, no other does."""
    agreement = record.plan.coordination_agreement
    agreed = _agreed_coordinator(record, today)
    if agreement is None or not agreement.alternative_arrangement or agreed is None:
        return None
    if not any(rule(record, today) for rule in DISPLACED_BY_ALTERNATIVE_ARRANGEMENT.values()):
        return None
    return _Conclusion(
        Role.CARE_COORDINATOR,
        f"alternative arrangements agreed on {agreement.decided_on} instead of the care manager: "
        f"{_full_name(agreed)} co-ordinates ({agreement.reason})",
        named=(agreed,),
    )


def _care_manager_after_detox(record: ClientRecord, today: date) -> _Conclusion | None:
    """Seed 003, Who is Responsible: "Where a Substance Misuse Care Manager is delivering a service to
    a service user they are responsible for care co-ordination following detox". Both conditions as
    worded: the client is following a detox of this episode (``situation.following_detox``), and a
    current care manager delivers a service to them - keyworks that detox or a live intervention."""
    detoxes = situation.following_detox(record, today)
    if not detoxes:
        return None
    managers = {m.id: m for m in situation.holders(record, Role.CARE_MANAGER, today)}
    delivering = [
        managers[i.keyworker]
        for i in (*detoxes, *situation.live(record.plan.interventions))
        if i.keyworker in managers
    ]
    if not delivering:
        return None
    return _Conclusion(
        Role.CARE_MANAGER,
        f"following detox ({', '.join(i.id for i in detoxes)}) with a care manager delivering a service: "
        "the care manager co-ordinates",
        named=tuple({m.id: m for m in delivering}.values()),
    )


def _care_manager(record: ClientRecord, today: date) -> _Conclusion | None:
    """Seed 003, Who is Responsible (and Criteria for Care Manager Involvement): once a care manager
    is allocated to a client who meets the criteria, "the Care Manager will be responsible"."""
    ext = record.plan.external_coordination
    # The criteria alone are not enough: the care manager is responsible "once ... allocated";
    # until then the care-manager-not-allocated finding asks for the referral.
    criteria = ext.care_manager_criteria if ext else None
    if criteria and criteria.met and situation.holders(record, Role.CARE_MANAGER, today):
        return _Conclusion(
            Role.CARE_MANAGER, "meets all three care manager criteria and has a care manager allocated"
        )
    return None


DISPLACED_BY_ALTERNATIVE_ARRANGEMENT: dict[str, _Rule] = {
    "care-manager-after-detox": _care_manager_after_detox,
    "care-manager": _care_manager,
}
"""The rules seed 003 qualifies with "(Unless alternative arrangements are agreed)", by id."""


def _community_care_manager(record: ClientRecord, today: date) -> _Conclusion | None:
    """Seed 000, 5.3.7: community-care-funded clients "may have the co-ordination of care and case
    management provided by a community care manager"."""
    ext = record.plan.external_coordination
    if ext and ext.community_care_funded and situation.holders(record, Role.COMMUNITY_CARE_MANAGER, today):
        return _Conclusion(
            Role.COMMUNITY_CARE_MANAGER,
            "community care funded with a community care manager: they co-ordinate",
        )
    return None


def _simultaneous_referral(record: ClientRecord, today: date) -> _Conclusion | None:
    """Seed 003, Who is Responsible: on simultaneous referral to more than one tier 3 service "a
    decision needs to be taken between the relevant treatment co-ordinators/ key workers"."""
    by_day: dict[date, list[int]] = {}
    for n, iv in enumerate(record.plan.interventions):
        if iv.tier == Tier.TIER_3 and iv.referred_on and iv.status in situation.RECEIVING | situation.WAITING:
            by_day.setdefault(iv.referred_on, []).append(n)
    for day in sorted(by_day):
        referred = [record.plan.interventions[n] for n in by_day[day]]
        # Once every one of them has started, the client simply receives several interventions.
        if len({iv.provider for iv in referred}) < 2 or not any(
            iv.status in situation.WAITING for iv in referred
        ):
            continue
        agreement, agreed = record.plan.coordination_agreement, _agreed_coordinator(record, today)
        why_not = _why_not_the_keyworkers_decision(record, agreement, day) if agreement and agreed else None
        if agreement and agreed and why_not is None:
            return _Conclusion(
                Role.CARE_COORDINATOR,
                f"referred to {len(referred)} tier 3 services on {day}; the decision was taken on "
                f"{agreement.decided_on} by {', '.join(agreement.decided_by)}: {_full_name(agreed)} "
                f"co-ordinates ({agreement.reason})",
                named=(agreed,),
            )
        names = {o.ods_code: o.name for o in record.organisations}
        candidates = tuple(
            Candidate(
                iv.id, iv.provider, names.get(iv.provider), situation.member(record, iv.keyworker, today)
            )
            for iv in referred
        )
        return _Conclusion(
            None,
            f"referred to {len(referred)} tier 3 services on {day}: their keyworkers must decide who "
            "co-ordinates care (consider expected length and intensity of involvement, and history) "
            "and record who decided, when and why"
            + (f"; the agreement on file {why_not}" if why_not else ""),
            candidates=candidates,
        )
    return None


def _why_not_the_keyworkers_decision(
    record: ClientRecord, agreement: CoordinationAgreement, referred_on: date
) -> str | None:
    """Why a recorded agreement is not the decision seed 003 asks for after a simultaneous referral -
    one "taken between the relevant treatment co-ordinators/ key workers" - or None when it is: it says
    who decided, at least one of them a keyworker or treatment co-ordinator of the team (named on an
    intervention, or holding such a role, then or now), and it was taken on or after the referrals."""
    if not agreement.decided_by:
        return "does not say who decided"
    keyworking = situation.HOLDING_ROLES[Role.KEYWORKER]
    named = {i.keyworker for i in record.plan.interventions}
    deciders = {m.id for m in record.care_team if keyworking.intersection(m.roles) or m.id in named}
    if not deciders.intersection(agreement.decided_by):
        who = ", ".join(agreement.decided_by)
        return f"was decided by {who}, none of them a keyworker or treatment co-ordinator"
    if agreement.decided_on < referred_on:
        return f"was decided on {agreement.decided_on}, before the referrals"
    return None


def _more_than_one_intervention(record: ClientRecord, today: date) -> _Conclusion | None:
    """Seed 003, Who is Responsible: with "more than 1 treatment intervention the Care Co-ordinator
    has overall responsibility"; only tier 3 modalities count ("Where service users are accessing only
    one tier 3 treatment modality this person will be the care co-ordinator")."""
    count = len(situation.counted_for_coordination(record))
    if count > 1:
        return _Conclusion(
            Role.CARE_COORDINATOR, f"receiving {count} tier 3 treatment modalities: the care co-ordinator"
        )
    return None


def _one_intervention(record: ClientRecord, today: date) -> _Conclusion | None:
    """Seed 003, Who is Responsible: with "1 treatment intervention the key worker is responsible";
    the intervention's own keyworker when it names one. Only tier 3 modalities count (see
    :func:`_more_than_one_intervention`)."""
    received = situation.counted_for_coordination(record)
    if len(received) != 1:
        return None
    named = situation.member(record, received[0].keyworker, today)
    return _Conclusion(
        Role.KEYWORKER,
        f"receiving one tier 3 treatment modality ({received[0].id}): its keyworker",
        named=(named,) if named else (),
    )


def _no_intervention_yet(record: ClientRecord, today: date) -> _Conclusion | None:
    """Seed 003, Criteria for Care Planning 2-3: while treatment is awaited the triage agency
    establishes the care plan; seed 002, 5.3.4: the CJIT keyworker after triage."""
    if situation.counted_for_coordination(record):
        return None
    return _Conclusion(
        Role.KEYWORKER,
        "no tier 3 treatment modality being received: the keyworker holds the plan (the CJIT worker "
        "after triage)",
    )


RULES: tuple[tuple[str, Source, _Rule], ...] = (
    ("enhanced-cpa", sources.WHO_IS_RESPONSIBLE, _enhanced_cpa),
    ("custody", sources.KEYWORKING, _custody),
    ("community-drr", sources.WHO_IS_RESPONSIBLE, _community_drr),
    ("residential-drr", sources.WHO_IS_RESPONSIBLE, _residential_drr),
    ("dip-client", sources.WHO_IS_RESPONSIBLE, _dip_client),
    ("alternative-arrangement", sources.WHO_IS_RESPONSIBLE, _alternative_arrangement),
    ("care-manager-after-detox", sources.WHO_IS_RESPONSIBLE, _care_manager_after_detox),
    ("care-manager", sources.WHO_IS_RESPONSIBLE, _care_manager),
    ("community-care-manager", sources.EXTERNAL_COORDINATION, _community_care_manager),
    ("simultaneous-referral", sources.WHO_IS_RESPONSIBLE, _simultaneous_referral),
    ("more-than-one-intervention", sources.WHO_IS_RESPONSIBLE, _more_than_one_intervention),
    ("one-intervention", sources.WHO_IS_RESPONSIBLE, _one_intervention),
    ("no-intervention-yet", sources.CARE_PLANNING_CRITERIA, _no_intervention_yet),
)
"""The rules in order of precedence (see the module docstring for why this order): id, source, rule."""


def decide(record: ClientRecord, today: date) -> CoordinationDecision:
    """:func:`responsible_for_coordination` for a day already read from a clock."""
    matched = [(rule_id, source, c) for rule_id, source, rule in RULES if (c := rule(record, today))]
    # no-intervention-yet and one-intervention/more-than-one between them cover every record.
    rule_id, source, conclusion = matched[0]
    found = conclusion.named or (
        situation.holders(record, conclusion.role, today) if conclusion.role is not None else ()
    )
    agreed = _agreed_coordinator(record, today)
    return CoordinationDecision(
        role=conclusion.role,
        holders=found,
        rule=rule_id,
        reason=conclusion.reason,
        source=source,
        candidates=conclusion.candidates,
        overridden=tuple(r for r, _, _ in matched[1:]),
        agreement_conflict=(
            agreed is not None
            and rule_id not in DECIDED_BY_AGREEMENT
            and agreed.id not in {m.id for m in found}
        ),
    )


def responsible_for_coordination(record: ClientRecord, *, today: Clock) -> CoordinationDecision:
    """Who co-ordinates ``record``'s care on ``today.today()``: the first rule of :data:`RULES` that applies.

    The decision names the role, the current team member(s) holding it (empty when nobody does:
    see ``team_matches``), the rule and its seed section; when the client was referred to several
    tier 3 services at once it names no role and lists the ``candidates`` instead, unless the plan
    records the agreement that settles it. An agreement marked as an alternative arrangement displaces
    only the care manager rules; elsewhere an agreement naming someone else sets ``agreement_conflict``.
    """
    return decide(record, today.today())
