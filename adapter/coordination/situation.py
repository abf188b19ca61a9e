"""Facts about a client's situation on a given day, shared by the responsibility rules and the findings.

Each function reads the canonical record only; none reads a clock. The tables here are data so a
local protocol that counts things differently changes a table, not a rule.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date

from adapter.model import CareTeamMember, ClientRecord, Intervention
from adapter.model.codes import (
    ActivityStatus,
    ClosureKind,
    ClosureReason,
    DrrKind,
    EngagementEvent,
    Modality,
    PlanStatus,
    Role,
    Tier,
)

RECEIVING = frozenset({ActivityStatus.IN_PROGRESS, ActivityStatus.ON_HOLD, ActivityStatus.UNKNOWN})
"""An intervention the client is receiving. On hold still counts (the episode is theirs to resume);
unknown counts too, because co-ordinating a live intervention beats missing one."""

WAITING = frozenset({ActivityStatus.NOT_STARTED, ActivityStatus.SCHEDULED})
"""Referred (or booked) but not yet started: the "period of delay" of seed 003."""

TREATMENT_TIERS = frozenset({Tier.TIER_2, Tier.TIER_3, Tier.TIER_4})
"""Tiers whose interventions are treatment interventions. Tier 1 is non-substance-specific services
(seed 003 counts "treatment interventions" and sets care planning criteria at tier 2 and/or 3)."""

COUNTED_FOR_COORDINATION = frozenset({Tier.TIER_3})
"""Tiers whose interventions count when deciding between the keyworker and a separate care
co-ordinator. Seed 003, Who is Responsible: "All service users accessing Tier 3 Services will be
allocated a treatment co-ordinator/ key worker. Where service users are accessing only one tier 3
treatment modality this person will be the care co-ordinator." A tier 2 service beside it (a needle
exchange beside GP shared care) does not make a second intervention; tier 4 (inpatient detox,
residential rehabilitation) has the protocol's own rules (the care manager after detox, a residential
DRR) and does not count either."""

DETOXIFICATION = frozenset({Modality.COMMUNITY_DETOXIFICATION, Modality.INPATIENT_DETOXIFICATION})

IN_FORCE = frozenset({PlanStatus.ACTIVE, PlanStatus.ON_HOLD})
"""A plan being delivered: reviews fall due, risks need a plan."""

NOT_APPLICABLE = frozenset({PlanStatus.REVOKED, PlanStatus.ENTERED_IN_ERROR})
"""A plan withdrawn or recorded in error: nothing to co-ordinate."""

DISCHARGE_REASONS = frozenset({ClosureReason.TREATMENT_COMPLETED, ClosureReason.DECLINED_TREATMENT})
"""Closures that discharge the client from treatment (seed 002, 5.3.3). Transfers, release from
prison and moving away pass the client on to another service; a client who dropped out is the
re-engagement rule's concern; no plan follows a death."""

HOLDING_ROLES: dict[Role, frozenset[Role]] = {
    # The keyworker is named in each setting's own words: the CARAT worker in custody and the CJIT
    # worker after triage (seed 002, 5.3.4), the shared-care worker in primary care (ibid.), and the
    # treatment co-ordinator of a tier 3 service (seed 003). The GP is left out: the GP leads on
    # prescribing and a GP who is also keyworker carries the keyworker role as well.
    Role.KEYWORKER: frozenset(
        {
            Role.KEYWORKER,
            Role.TREATMENT_COORDINATOR,
            Role.CARAT_WORKER,
            Role.CJIT_WORKER,
            Role.SHARED_CARE_WORKER,
        }
    ),
    Role.CARE_COORDINATOR: frozenset({Role.CARE_COORDINATOR}),
    Role.CARE_MANAGER: frozenset({Role.CARE_MANAGER}),
    Role.COMMUNITY_CARE_MANAGER: frozenset({Role.COMMUNITY_CARE_MANAGER}),
    Role.PROBATION_OFFENDER_MANAGER: frozenset({Role.PROBATION_OFFENDER_MANAGER}),
    # CJITs are the community teams of the Drug Interventions Programme and keep its record, the DIR
    # (seed 000, 5.3.6), so a CJIT worker holds the DIP worker's role.
    Role.DIP_WORKER: frozenset({Role.DIP_WORKER, Role.CJIT_WORKER}),
    Role.CMHT_CARE_COORDINATOR: frozenset({Role.CMHT_CARE_COORDINATOR}),
}
"""Which team roles can hold each co-ordinating role."""


def is_current(member: CareTeamMember, today: date) -> bool:
    """The member is on the team today (no start means "from the start", no end "still on it")."""
    started = member.start is None or member.start <= today
    return started and (member.end is None or member.end >= today)


def holders(record: ClientRecord, role: Role, today: date) -> tuple[CareTeamMember, ...]:
    """Current team members who can hold ``role``.

    For the keyworker, a member named as the keyworker of a live intervention holds it whatever
    their team roles: the keyworker is "the dedicated and named practitioner" (seed 002, 5.3.4).
    """
    accepted = HOLDING_ROLES.get(role, frozenset({role}))
    named = {i.keyworker for i in live(record.plan.interventions)} if role == Role.KEYWORKER else set()
    return tuple(
        m
        for m in record.care_team
        if is_current(m, today) and (accepted.intersection(m.roles) or m.id in named)
    )


def member(record: ClientRecord, member_id: str | None, today: date) -> CareTeamMember | None:
    """The current team member with ``member_id``, if any."""
    for candidate in record.care_team:
        if candidate.id == member_id and is_current(candidate, today):
            return candidate
    return None


def receiving(record: ClientRecord) -> tuple[Intervention, ...]:
    """Treatment interventions the client is receiving now."""
    return tuple(i for i in record.plan.interventions if i.tier in TREATMENT_TIERS and i.status in RECEIVING)


def counted_for_coordination(record: ClientRecord) -> tuple[Intervention, ...]:
    """The tier 3 treatment modalities the client is receiving now (:data:`COUNTED_FOR_COORDINATION`)."""
    return tuple(i for i in receiving(record) if i.tier in COUNTED_FOR_COORDINATION)


def in_custody(record: ClientRecord, today: date) -> bool:
    """The client is in prison today: received, not yet released (a release date still to come, or
    none), and no release closure. A transfer between prisons keeps them in custody (seed 002, 5.3.4:
    CARATs keywork "while the client is in custody ... and during transfers between prisons")."""
    custody = record.plan.custody
    if custody is None or custody.reception_date > today:
        return False
    if custody.release_date is not None and custody.release_date <= today:
        return False
    closure = record.plan.closure
    return not (
        closure is not None and closure.reason == ClosureReason.RELEASED_FROM_PRISON and closure.date <= today
    )


def waiting(record: ClientRecord, tier: Tier) -> tuple[tuple[int, Intervention], ...]:
    """Interventions of ``tier`` the client is referred to and waiting for, with their index."""
    return tuple(
        (n, i) for n, i in enumerate(record.plan.interventions) if i.tier == tier and i.status in WAITING
    )


def live(interventions: Iterable[Intervention]) -> tuple[Intervention, ...]:
    """Interventions received or waited for (not completed, cancelled or stopped)."""
    return tuple(i for i in interventions if i.status in RECEIVING | WAITING)


def is_tier_3_client(record: ClientRecord) -> bool:
    """The plan is at tier 3, or the client receives or waits for a tier 3 intervention."""
    plan = record.plan
    return plan.tier == Tier.TIER_3 or any(i.tier == Tier.TIER_3 for i in live(plan.interventions))


def drr_in_force(record: ClientRecord, today: date) -> DrrKind | None:
    """The kind of Drug Rehabilitation Requirement in force today, if any (open dates count as open)."""
    ext = record.plan.external_coordination
    if ext is None or ext.drr is None:
        return None
    started = ext.drr_start is None or ext.drr_start <= today
    return ext.drr if started and (ext.drr_end is None or ext.drr_end >= today) else None


def following_detox(record: ClientRecord, today: date) -> tuple[Intervention, ...]:
    """The detoxifications this episode of care has just come through: completed, ended by today and
    on or after the start of the current episode (or plan), while no detoxification is under way or
    awaited. Empty when the client is not "following detox" (seed 003, Who is Responsible)."""
    interventions = record.plan.interventions
    if any(i.modality in DETOXIFICATION for i in live(interventions)):
        return ()
    since = record.episode.start if record.episode else record.plan.start
    return tuple(
        i
        for i in interventions
        if i.modality in DETOXIFICATION
        and i.status == ActivityStatus.COMPLETED
        and i.end is not None
        and i.end <= today
        and (since is None or i.end >= since)
    )


def is_discharged(record: ClientRecord) -> bool:
    """Care ended with a discharge from treatment (not a transfer, see :data:`DISCHARGE_REASONS`)."""
    closure = record.plan.closure
    return closure is not None and closure.kind == ClosureKind.CLOSURE and closure.reason in DISCHARGE_REASONS


def open_drop_out(record: ClientRecord) -> int | None:
    """Index of the latest drop-out not followed by a re-engagement, if the client is still out."""
    events = sorted(enumerate(record.plan.engagement), key=lambda pair: (pair[1].date, pair[0]))
    if events and events[-1][1].event == EngagementEvent.DROPPED_OUT:
        return events[-1][0]
    return None


def add_months(day: date, months: int) -> date:
    """``day`` plus calendar months, clamped to the month's last day (30 Nov + 3 -> 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
