"""What is missing or due in a client's care co-ordination: one small check per duty of the guidance.

    >>> report = check_coordination(record, today=FixedClock(date(2026, 5, 1)))
    >>> [(f.code, f.expression) for f in report.findings]
    [(<FindingCode.REVIEW_OVERDUE: 'review-overdue'>, 'plan.next_review_due')]

Each check is ``check(record, context) -> Iterator[Finding]`` and cites the seed section whose duty
it enforces; :func:`check_coordination` runs every check and keeps every finding (never stopping at
the first). Expressions are paths into the canonical record with indices (``plan.reviews[2].date``).
Which plans a check looks at follows the plan's status: reviews fall due only while a plan is in
force; a draft is not yet expected to be agreed; a revoked plan or one entered in error is not checked
at all (and the report says so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from adapter.clock import Clock
from adapter.coordination import situation, sources
from adapter.coordination.codes import FINDING_DEFINITIONS, FindingCode
from adapter.coordination.responsibility import (
    DISPLACED_BY_ALTERNATIVE_ARRANGEMENT,
    CoordinationDecision,
    decide,
)
from adapter.coordination.settings import CoordinationSettings
from adapter.coordination.sources import Source
from adapter.model import ClientRecord
from adapter.model.codes import (
    KEY_DOMAINS,
    ClosureKind,
    Domain,
    OrganisationKind,
    PlanKind,
    PlanStatus,
    RiskLevel,
    Role,
    Tier,
)
from adapter.model.record import Review, given_and_family
from adapter.model.top import TopStage
from adapter.outcome import Issue, Severity

REVIEW_INTERVAL_MONTHS = 3
"""TOP "3 monthly review thereafter" (seed 003, Role and Responsibilities of the Care Co-ordinator)."""

RISK_NEEDING_A_PLAN = frozenset({RiskLevel.MEDIUM, RiskLevel.HIGH})

OPEN = frozenset({PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.ON_HOLD, PlanStatus.UNKNOWN})
"""Plans still being drawn up or delivered (completed plans are past co-ordination)."""

AGREED_STATUSES = frozenset({PlanStatus.ACTIVE, PlanStatus.ON_HOLD, PlanStatus.COMPLETED})
"""Plans that must have been agreed and signed: everything past a draft."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One gap in care co-ordination: how serious, which code, what, where in the record, and why."""

    severity: Severity
    code: FindingCode
    text: str
    expression: str
    source: Source

    @property
    def is_error(self) -> bool:
        return self.severity in ("fatal", "error")

    def to_issue(self) -> Issue:
        """The finding as an OperationOutcome issue (message id ``coordination.<code>``)."""
        issue_type = FINDING_DEFINITIONS[self.code].issue_type
        return Issue(
            self.severity,
            issue_type,
            f"coordination.{self.code}",
            f"{self.text} ({self.source})",
            self.expression,
        )


@dataclass(frozen=True, slots=True)
class Context:
    """What every check may use besides the record: the day, who co-ordinates on it, the settings."""

    today: date
    decision: CoordinationDecision
    settings: CoordinationSettings


@dataclass(frozen=True, slots=True)
class CoordinationReport:
    """The decision on who co-ordinates, and every finding, for one record on one day."""

    today: date
    decision: CoordinationDecision
    findings: tuple[Finding, ...]

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)


Check = Callable[[ClientRecord, Context], Iterator[Finding]]


def check_named_keyworker(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """Tier 3 clients have a named keyworker (seed 003: "All service users accessing Tier 3 Services
    will be allocated a treatment co-ordinator/ key worker"; seed 002, 5.3.4: the named practitioner)."""
    if record.plan.status not in OPEN or not situation.is_tier_3_client(record):
        return
    if not situation.holders(record, Role.KEYWORKER, context.today):
        yield Finding(
            "error",
            FindingCode.NO_NAMED_KEYWORKER,
            "a tier 3 client with no named keyworker or treatment co-ordinator on the care team",
            "care_team",
            sources.WHO_IS_RESPONSIBLE,
        )


def check_coordinator_in_team(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """Someone on the team holds the role the protocol makes responsible (seed 003, Who is Responsible).

    A missing keyworker for a tier 3 client is reported once, by :func:`check_named_keyworker`."""
    decision = context.decision
    if record.plan.status not in OPEN or decision.team_matches is not False or decision.role is None:
        return
    if decision.role == Role.KEYWORKER and situation.is_tier_3_client(record):
        return
    yield Finding(
        "error",
        FindingCode.COORDINATOR_NOT_IN_TEAM,
        f"the {decision.role} is responsible for co-ordination ({decision.reason}) but nobody on the "
        "care team holds that role",
        "care_team",
        decision.source,
    )


def check_decision_needed(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """A decision on co-ordination after simultaneous tier 3 referrals (seed 003, Who is Responsible)."""
    decision = context.decision
    if record.plan.status in OPEN and decision.decision_needed:
        candidates = "; ".join(str(c) for c in decision.candidates)
        yield Finding(
            "warning",
            FindingCode.COORDINATION_DECISION_NEEDED,
            f"{decision.reason}; candidates: {candidates}",
            "plan.interventions",
            decision.source,
        )


def check_coordination_agreement(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """A recorded co-ordination agreement that cannot decide (seed 003, Who is Responsible).

    The agreement settles the choice after simultaneous referrals ("a decision needs to be taken
    between the relevant treatment co-ordinators/ key workers") and displaces the care manager "(Unless
    alternative arrangements are agreed)"; it cannot displace a case the protocol states without that
    escape (the CMHT "in all cases" under enhanced CPA, probation under a community DRR), and it stops
    deciding when the agreed co-ordinator leaves the team."""
    agreement, decision = record.plan.coordination_agreement, context.decision
    if record.plan.status not in OPEN or agreement is None:
        return
    named = next(m for m in record.care_team if m.id == agreement.coordinator)
    who = f"{given_and_family(named.name)} ({named.id})"
    if named.end is not None and named.end < context.today:
        yield Finding(
            "warning",
            FindingCode.AGREED_COORDINATOR_LEFT_TEAM,
            f"the co-ordination agreement of {agreement.decided_on} names {who}, who left the care team "
            f"on {named.end}: the agreement no longer decides who co-ordinates care",
            "plan.coordination_agreement.coordinator",
            sources.WHO_IS_RESPONSIBLE,
        )
    if decision.agreement_conflict:
        why = (
            "the agreement is not marked as an alternative arrangement"
            if decision.rule in DISPLACED_BY_ALTERNATIVE_ARRANGEMENT
            else 'the protocol states this rule without "unless alternative arrangements are agreed"'
        )
        yield Finding(
            "warning",
            FindingCode.AGREEMENT_CONFLICTS_WITH_RULE,
            f"the co-ordination agreement of {agreement.decided_on} names {who}, but rule {decision.rule} "
            f"makes the {decision.role} responsible ({decision.reason}) and {why}",
            "plan.coordination_agreement.coordinator",
            decision.source,
        )


def check_care_manager_allocated(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """Clients meeting the care manager criteria "should be referred" (seed 003, Who is Responsible)."""
    ext = record.plan.external_coordination
    criteria = ext.care_manager_criteria if ext else None
    if record.plan.status not in OPEN or criteria is None or not criteria.met:
        return
    if not situation.holders(record, Role.CARE_MANAGER, context.today):
        yield Finding(
            "warning",
            FindingCode.CARE_MANAGER_NOT_ALLOCATED,
            "meets all three criteria for care manager involvement but no care manager is allocated: refer",
            "plan.external_coordination.care_manager_criteria",
            sources.WHO_IS_RESPONSIBLE,
        )


def check_care_manager_evidence(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """Each limb of the criteria for care manager involvement judged met rests on evidence (seed 003,
    Criteria for Care Manager Involvement: willingness, a serious or prolonged hazardous history, and
    community or prison interventions tried that did not meet the client's needs)."""
    ext = record.plan.external_coordination
    criteria = ext.care_manager_criteria if ext else None
    if record.plan.status not in OPEN or criteria is None:
        return
    for n, limb in enumerate(criteria.limbs):
        if limb.met and limb.evidence is None:
            yield Finding(
                "warning",
                FindingCode.CARE_MANAGER_CRITERION_WITHOUT_EVIDENCE,
                f"the care manager criterion '{limb.limb}' is recorded as met with no evidence",
                f"plan.external_coordination.care_manager_criteria.limbs[{n}].evidence",
                sources.CARE_MANAGER_CRITERIA,
            )


def check_agreement(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """The plan is "agreed with and signed by the service user" (seed 003, Overarching Principles;
    seed 001, 5.3.2: "an agreement on a plan of action between the client and service provider")."""
    plan = record.plan
    if plan.status not in AGREED_STATUSES:
        return
    if plan.agreement.agreed_on is None:
        yield Finding(
            "error",
            FindingCode.PLAN_NOT_AGREED,
            "the care plan has no date of agreement with the service user",
            "plan.agreement.agreed_on",
            sources.OVERARCHING_PRINCIPLES,
        )
    if not plan.agreement.signed_by_service_user:
        yield Finding(
            "error",
            FindingCode.PLAN_NOT_SIGNED,
            "the care plan is not signed by the service user",
            "plan.agreement.signed_by_service_user",
            sources.OVERARCHING_PRINCIPLES,
        )


def check_domains_assessed(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """Each of the four domains is assessed (seed 001, 5.3.2): by a domain assessment, or a need
    recorded with its assessment date. An initial plan after triage meets
    immediate needs before the comprehensive assessment (seed 000, 5.3.5), so there it is a warning."""
    plan = record.plan
    if plan.status not in AGREED_STATUSES:
        return
    # A need with the date it was assessed also records an assessment of its domain.
    assessed = {a.domain for a in plan.assessments} | {n.domain for n in plan.needs if n.assessed_on}
    severity: Severity = "warning" if plan.kind == PlanKind.INITIAL else "error"
    for domain in KEY_DOMAINS:
        if domain not in assessed:
            yield Finding(
                severity,
                FindingCode.DOMAIN_NOT_ASSESSED,
                f"the {domain} domain has no recorded assessment",
                "plan.assessments",
                sources.CARE_PLAN,
            )


def check_review_due(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """Reviews at least every three months (seed 003, Role and Responsibilities: TOP "3 monthly
    review thereafter"); the plan's own review date counts too."""
    plan = record.plan
    if plan.status not in situation.IN_FORCE or plan.closure is not None:
        return
    today = context.today
    if plan.next_review_due is not None and plan.next_review_due < today:
        yield Finding(
            "error",
            FindingCode.REVIEW_OVERDUE,
            f"the review due on {plan.next_review_due} has not been recorded",
            "plan.next_review_due",
            sources.COORDINATOR_DUTIES,
        )
    since: date | None
    if plan.reviews:
        last = max(range(len(plan.reviews)), key=lambda n: (plan.reviews[n].date, n))
        since, where = plan.reviews[last].date, f"plan.reviews[{last}].date"
    else:
        # An imported plan may not say when it started: then no review can be judged overdue by it.
        since, where = plan.start or plan.created, "plan.reviews"
    if since is None:
        return
    if situation.add_months(since, REVIEW_INTERVAL_MONTHS) < today:
        what = "the last review" if plan.reviews else "the plan started"
        yield Finding(
            "error",
            FindingCode.REVIEW_OVERDUE,
            f"{what} on {since}, more than {REVIEW_INTERVAL_MONTHS} months ago",
            where,
            sources.COORDINATOR_DUTIES,
        )


def _top_stage(review: Review) -> TopStage | None:
    return review.top.stage if review.top_completed and review.top is not None else None


def check_top_at_assessment(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """A TOP at comprehensive assessment (seed 003, Role and Responsibilities of the Care Co-ordinator:
    "to ensure the completion of the Treatment Outcome Profile (TOPs) at Comprehensive Assessment"):
    a TOP of the start stage, not any TOP ever. An error: the protocol says "ensure"."""
    plan = record.plan
    if plan.kind != PlanKind.COMPREHENSIVE or plan.status not in situation.IN_FORCE | {PlanStatus.COMPLETED}:
        return
    if not any(_top_stage(r) == TopStage.START for r in plan.reviews):
        yield Finding(
            "error",
            FindingCode.TOP_NOT_AT_ASSESSMENT,
            "a comprehensive care plan with no Treatment Outcomes Profile of the start stage "
            "(at comprehensive assessment)",
            "plan.reviews",
            sources.COORDINATOR_DUTIES,
        )


def check_top_three_monthly(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """A TOP every three months after the comprehensive assessment (seed 003, Role and Responsibilities:
    "3 monthly review thereafter"). Only a review with a TOP completed counts; a review without one
    does not restart the three months. Reviews without a TOP are :func:`check_review_due`'s concern."""
    plan = record.plan
    if plan.kind != PlanKind.COMPREHENSIVE or plan.status not in situation.IN_FORCE or plan.closure:
        return
    with_top = [n for n, r in enumerate(plan.reviews) if r.top_completed]
    if not with_top:
        return  # no TOP at all: check_top_at_assessment reports it
    last = max(with_top, key=lambda n: (plan.reviews[n].date, n))
    since = plan.reviews[last].date
    if situation.add_months(since, REVIEW_INTERVAL_MONTHS) < context.today:
        later = [n for n in range(len(plan.reviews)) if plan.reviews[n].date > since]
        without = f"; the {len(later)} later review(s) recorded no TOP" if later else ""
        yield Finding(
            "error",
            FindingCode.TOP_REVIEW_OVERDUE,
            f"the last Treatment Outcomes Profile was on {since}, more than {REVIEW_INTERVAL_MONTHS} "
            f"months ago{without}",
            f"plan.reviews[{last}].top",
            sources.COORDINATOR_DUTIES,
        )


def check_top_at_discharge(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """A TOP at discharge (seed 003, Role and Responsibilities): an exit-stage TOP within the settings'
    ``discharge_top_window_days`` of the closure. An error: the protocol says "ensure"."""
    closure = record.plan.closure
    if closure is None or not situation.is_discharged(record):
        return
    window = timedelta(days=context.settings.discharge_top_window_days)
    near = [
        r
        for r in record.plan.reviews
        if _top_stage(r) == TopStage.EXIT and abs(r.date - closure.date) <= window
    ]
    if not near:
        yield Finding(
            "error",
            FindingCode.TOP_NOT_AT_DISCHARGE,
            f"discharged on {closure.date} with no exit Treatment Outcomes Profile within {window.days} days",
            "plan.reviews",
            sources.COORDINATOR_DUTIES,
        )


def check_post_discharge_follow_up(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """Early follow-up of discharged clients (seed 003, Role and Responsibilities: "to ensure the early
    follow-up of discharged service users where possible and appropriate in line with local
    protocols"). "Where possible and appropriate": a warning, when none is recorded or the one due has
    passed without being done."""
    closure = record.plan.closure
    if closure is None or not situation.is_discharged(record):
        return
    follow_up = closure.follow_up
    if follow_up is None:
        yield Finding(
            "warning",
            FindingCode.POST_DISCHARGE_FOLLOW_UP_DUE,
            f"discharged on {closure.date} with no early follow-up recorded",
            "plan.closure.follow_up",
            sources.COORDINATOR_DUTIES,
        )
    elif follow_up.done_on is None and follow_up.due < context.today:
        yield Finding(
            "warning",
            FindingCode.POST_DISCHARGE_FOLLOW_UP_DUE,
            f"the follow-up after discharge due on {follow_up.due} has not been recorded as done",
            "plan.closure.follow_up.done_on",
            sources.COORDINATOR_DUTIES,
        )


def check_closure_evidence(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """The closures rule of seed 003 (Closures and Transfers): "The closure or transfer of care
    co-ordination must be made in line with local protocols. Evidence of this process must be
    contained within the client file." """
    closure = record.plan.closure
    if closure is not None and not closure.evidence_on_file:
        what = "transfer" if closure.kind == ClosureKind.TRANSFER else "closure"
        yield Finding(
            "error",
            FindingCode.CLOSURE_EVIDENCE_NOT_ON_FILE,
            f"the {what} of care co-ordination on {closure.date} ({closure.reason}) has no evidence on file",
            "plan.closure.evidence_on_file",
            sources.CLOSURES_AND_TRANSFERS,
        )


def check_risk_assessed(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """Ongoing risk assessment (seed 003, Role and Responsibilities of the Care Co-ordinator)."""
    if record.plan.status in situation.IN_FORCE and record.plan.risk is None:
        yield Finding(
            "warning",
            FindingCode.RISK_NOT_ASSESSED,
            "a care plan in force with no risk assessment",
            "plan.risk",
            sources.COORDINATOR_DUTIES,
        )


def check_risk_assessment_current(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """Ongoing risk assessment (seed 003, Role and Responsibilities of the Care Co-ordinator: care plans
    "based on ongoing assessment (including risk assessment)"; "to ensure ongoing risk assessment"): a
    risk assessment older than the settings' ``risk_assessment_max_age_months`` is out of date."""
    plan, risk = record.plan, record.plan.risk
    if plan.status not in situation.IN_FORCE or risk is None:
        return
    months = context.settings.risk_assessment_max_age_months
    if situation.add_months(risk.assessed_on, months) < context.today:
        yield Finding(
            "warning",
            FindingCode.RISK_ASSESSMENT_OUT_OF_DATE,
            f"the risk assessment of {risk.assessed_on} is more than {months} months old",
            "plan.risk.assessed_on",
            sources.COORDINATOR_DUTIES,
        )


def check_risk_management_plan(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """A recorded risk has a risk management plan (seed 003, Role and Responsibilities: "co-ordinate
    any appropriate risk management plan"). Medium or high risk, a significant and immediate risk, or
    a medium or high overdose risk on release all need one."""
    plan, risk = record.plan, record.plan.risk
    if plan.status not in OPEN or risk is None or plan.risk_management_plan:
        return
    reasons = []
    if risk.level in RISK_NEEDING_A_PLAN:
        reasons.append(f"{risk.level} risk")
    if risk.significant_immediate_risk:
        reasons.append("a significant and immediate risk")
    if risk.overdose_risk_on_release in RISK_NEEDING_A_PLAN:
        reasons.append(f"{risk.overdose_risk_on_release} overdose risk on release")
    if reasons:
        yield Finding(
            "error",
            FindingCode.RISK_WITHOUT_MANAGEMENT_PLAN,
            f"{' and '.join(reasons)} assessed on {risk.assessed_on} but no risk management plan",
            "plan.risk_management_plan",
            sources.COORDINATOR_DUTIES,
        )


def check_complex_needs_plans(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """Contingency and crisis management plans for complex needs (seed 003, Role and Responsibilities)."""
    plan = record.plan
    if plan.status not in OPEN or not plan.complex_needs:
        return
    if not plan.contingency_plan:
        yield Finding(
            "error",
            FindingCode.COMPLEX_NEEDS_WITHOUT_CONTINGENCY_PLAN,
            "complex needs recorded but no contingency plan",
            "plan.contingency_plan",
            sources.COORDINATOR_DUTIES,
        )
    if not plan.crisis_plan:
        yield Finding(
            "error",
            FindingCode.COMPLEX_NEEDS_WITHOUT_CRISIS_PLAN,
            "complex needs recorded but no crisis management plan",
            "plan.crisis_plan",
            sources.COORDINATOR_DUTIES,
        )


def check_waiting_at_risk(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """While a client waits for tier 3 every agency owes a duty of care, and a significant and
    immediate risk calls for a care plan, with tier 2 services offered meanwhile (seed 003, Criteria
    for Care Planning and Care Co-ordination 2-3). Either interim tier 2 support or a risk
    management plan answers it."""
    plan = record.plan
    if plan.status not in OPEN or plan.risk is None or not plan.risk.significant_immediate_risk:
        return
    awaited = situation.waiting(record, Tier.TIER_3)
    interim = [i for i in situation.live(plan.interventions) if i.tier == Tier.TIER_2]
    if awaited and not interim and not plan.risk_management_plan:
        index, intervention = awaited[0]
        yield Finding(
            "error",
            FindingCode.WAITING_AT_RISK_WITHOUT_PLAN,
            f"waiting for tier 3 ({intervention.id} at {intervention.provider}) with a significant and "
            "immediate risk, and neither interim tier 2 support nor a risk management plan",
            f"plan.interventions[{index}]",
            sources.CARE_PLANNING_CRITERIA,
        )


def check_waiting_duty_of_care(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """While a client waits for tier 3, "the referring agency, the agency completing the triage
    assessment, and the agency from whom they are awaiting a service, all owe a duty of care", and
    the triage worker should "advise service users of Tier 2 services, which are available whilst they
    are waiting" (seed 003, Criteria for Care Planning and Care Co-ordination 2-3). Each awaited tier 3
    provider needs a duty-of-care record naming it, with the tier 2 advice."""
    plan = record.plan
    if plan.status not in OPEN:
        return
    duties = {d.awaited_agency: n for n, d in enumerate(plan.waiting_duty_of_care)}
    for index, intervention in situation.waiting(record, Tier.TIER_3):
        n = duties.get(intervention.provider)
        if n is None:
            yield Finding(
                "warning",
                FindingCode.WAITING_DUTY_OF_CARE_NOT_RECORDED,
                f"waiting for tier 3 ({intervention.id} at {intervention.provider}) with no record of the "
                "referring, triage and awaited agencies' duty of care",
                f"plan.interventions[{index}]",
                sources.CARE_PLANNING_CRITERIA,
            )
        elif plan.waiting_duty_of_care[n].tier_2_services_advised_on is None:
            yield Finding(
                "warning",
                FindingCode.TIER_2_SERVICES_NOT_ADVISED,
                f"waiting for tier 3 ({intervention.id} at {intervention.provider}) and not recorded as "
                "advised of the tier 2 services open meanwhile",
                f"plan.waiting_duty_of_care[{n}].tier_2_services_advised_on",
                sources.CARE_PLANNING_CRITERIA,
            )


def check_shared_care_roles(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """In GP shared care "the care plan will describe how the specific roles and responsibilities of
    the GP, the shared care worker and any others involved will be shared ... in all cases this will
    be clear in the care plan" (seed 002, 5.3.4): a plan with treatment at a GP practice names the
    prescribing GP and the shared-care worker on its care team."""
    plan = record.plan
    if plan.status not in OPEN:
        return
    practices = {o.ods_code for o in record.organisations if o.kind == OrganisationKind.GP_PRACTICE}
    shared = [
        (n, i)
        for n, i in enumerate(plan.interventions)
        if i.provider in practices and i in situation.live(plan.interventions)
    ]
    if not shared:
        return
    _, intervention = shared[0]
    roles = {role for m in record.care_team if situation.is_current(m, context.today) for role in m.roles}
    if Role.GP_PRESCRIBER not in roles:
        yield Finding(
            "error",
            FindingCode.SHARED_CARE_GP_NOT_NAMED,
            f"{intervention.id} is delivered in GP shared care at {intervention.provider} and the care team "
            "names no prescribing GP",
            "care_team",
            sources.KEYWORKING,
        )
    if Role.SHARED_CARE_WORKER not in roles:
        yield Finding(
            "error",
            FindingCode.SHARED_CARE_WORKER_NOT_NAMED,
            f"{intervention.id} is delivered in GP shared care at {intervention.provider} and the care team "
            "names no shared-care worker",
            "care_team",
            sources.KEYWORKING,
        )


def check_aftercare_plan(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """Clients discharged from treatment have an aftercare plan covering drug-related and
    non-drug-related support (seed 002, 5.3.3)."""
    plan = record.plan
    if situation.is_discharged(record) and plan.kind != PlanKind.AFTERCARE:
        yield Finding(
            "error",
            FindingCode.DISCHARGE_WITHOUT_AFTERCARE_PLAN,
            f"discharged ({plan.closure.reason if plan.closure else ''}) with a {plan.kind} plan, not an "
            "aftercare plan",
            "plan.kind",
            sources.AFTERCARE,
        )
    if plan.kind == PlanKind.AFTERCARE and plan.status not in situation.NOT_APPLICABLE:
        domains = {g.domain for g in plan.goals} | {a.domain for a in plan.actions}
        if not domains - {Domain.DRUG_AND_ALCOHOL_MISUSE}:
            yield Finding(
                "warning",
                FindingCode.AFTERCARE_PLAN_DRUG_SUPPORT_ONLY,
                "the aftercare plan has no goal or action outside drug and alcohol misuse",
                "plan.goals",
                sources.AFTERCARE,
            )


def check_re_engagement(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """Re-engage clients who dropped out (seed 003, Aims and Role and Responsibilities; seed 002,
    5.3.4: the CJIT keyworker ready to re-engage)."""
    index = situation.open_drop_out(record)
    if index is None:
        return
    event = record.plan.engagement[index]
    if not event.re_engagement_action:
        yield Finding(
            "error",
            FindingCode.DISENGAGED_WITHOUT_RE_ENGAGEMENT,
            f"dropped out on {event.date} with no re-engagement action recorded",
            f"plan.engagement[{index}].re_engagement_action",
            sources.COORDINATOR_DUTIES,
        )


def check_child_protection(record: ClientRecord, context: Context) -> Iterator[Finding]:
    """Child protection: the forum is attended and new risk factors are "addressed in the client risk
    management plan" (seed 003, Role and Responsibilities of the Care Co-ordinator)."""
    plan, concern = record.plan, record.plan.child_protection
    if plan.status not in OPEN or concern is None:
        return
    if not concern.in_risk_management_plan or not plan.risk_management_plan:
        where = (
            "plan.child_protection.in_risk_management_plan"
            if plan.risk_management_plan
            else ("plan.risk_management_plan")
        )
        yield Finding(
            "error",
            FindingCode.CHILD_PROTECTION_NOT_IN_RISK_PLAN,
            f"the child protection concern raised on {concern.raised_on} is not in the risk management plan",
            where,
            sources.COORDINATOR_DUTIES,
        )
    if concern.forum_attended_by is None:
        yield Finding(
            "warning",
            FindingCode.CHILD_PROTECTION_FORUM_UNATTENDED,
            "no team member is named as attending the child protection forum",
            "plan.child_protection.forum_attended_by",
            sources.COORDINATOR_DUTIES,
        )


CHECKS: tuple[Check, ...] = (
    check_named_keyworker,
    check_coordinator_in_team,
    check_decision_needed,
    check_coordination_agreement,
    check_care_manager_allocated,
    check_care_manager_evidence,
    check_agreement,
    check_domains_assessed,
    check_review_due,
    check_top_at_assessment,
    check_top_three_monthly,
    check_top_at_discharge,
    check_post_discharge_follow_up,
    check_closure_evidence,
    check_risk_assessed,
    check_risk_assessment_current,
    check_risk_management_plan,
    check_complex_needs_plans,
    check_waiting_at_risk,
    check_waiting_duty_of_care,
    check_shared_care_roles,
    check_aftercare_plan,
    check_re_engagement,
    check_child_protection,
)
"""Every check, in the order its findings are reported."""


def check_coordination(
    record: ClientRecord, *, today: Clock, settings: CoordinationSettings | None = None
) -> CoordinationReport:
    """Who co-ordinates ``record``'s care and every gap found, judged on ``today.today()`` with
    ``settings`` (the intervals a local protocol sets; :class:`CoordinationSettings` defaults).

    The day is read once, so every check judges the same day.
    """
    day = today.today()
    decision = decide(record, day)
    if record.plan.status in situation.NOT_APPLICABLE:
        skipped = Finding(
            "information",
            FindingCode.PLAN_NOT_IN_FORCE,
            f"the plan is {record.plan.status}: no co-ordination checks were run",
            "plan.status",
            sources.CARE_PLAN,
        )
        return CoordinationReport(day, decision, (skipped,))
    context = Context(day, decision, settings or CoordinationSettings())
    return CoordinationReport(day, decision, tuple(f for check in CHECKS for f in check(record, context)))
