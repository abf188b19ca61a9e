"""Rules that no single field can check: impossible states of a client record.

Each rule yields ``(path, message)`` for every breach it finds; :func:`record_problems` runs them
all, so a record with three problems reports three. Paths are the record's own JSON paths with
indices (``plan.reviews[0].date``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

from pydantic_core import PydanticCustomError

from adapter.model.circumstance_rules import CIRCUMSTANCE_RULES
from adapter.model.codes import DOMAIN_OF_AREA, NOT_STATED, Domain, DomainArea
from adapter.model.rules_coordination import coordination_references, top_consistent
from adapter.model.system_rules import system_problems

if TYPE_CHECKING:
    from adapter.model.record import ClientRecord

Problem = tuple[str, str]


def _before(earlier: date | None, later: date | None) -> bool:
    return earlier is not None and later is not None and later < earlier


def _dates_in_order(record: ClientRecord) -> Iterator[Problem]:
    plan = record.plan
    if _before(plan.start, plan.end):
        yield "plan.end", f"the plan ends ({plan.end}) before it starts ({plan.start})"
    if _before(plan.start, plan.next_review_due):
        yield (
            "plan.next_review_due",
            f"review due {plan.next_review_due} is before the plan starts ({plan.start})",
        )
    for i, review in enumerate(plan.reviews):
        if _before(plan.start, review.date):
            yield (
                f"plan.reviews[{i}].date",
                f"a review ({review.date}) cannot come before the plan starts ({plan.start})",
            )
    if plan.closure and _before(plan.start, plan.closure.date):
        yield "plan.closure.date", f"closure ({plan.closure.date}) is before the plan starts ({plan.start})"
    if record.episode and _before(record.episode.start, record.episode.end):
        yield (
            "episode.end",
            f"the episode ends ({record.episode.end}) before it starts ({record.episode.start})",
        )
    for i, consent in enumerate(record.consents):
        if _before(consent.start, consent.end):
            yield f"consents[{i}].end", f"consent ends ({consent.end}) before it starts ({consent.start})"
    for i, member in enumerate(record.care_team):
        if _before(member.start, member.end):
            yield f"care_team[{i}].end", f"membership ends ({member.end}) before it starts ({member.start})"
    for i, intervention in enumerate(plan.interventions):
        if _before(intervention.start, intervention.end):
            yield (
                f"plan.interventions[{i}].end",
                f"intervention ends ({intervention.end}) before it starts ({intervention.start})",
            )
    for i, goal in enumerate(plan.goals):
        if _before(goal.start, goal.target_date):
            yield (
                f"plan.goals[{i}].target_date",
                f"target date ({goal.target_date}) is before the goal starts",
            )
    ext = plan.external_coordination
    if ext and _before(ext.drr_start, ext.drr_end):
        yield "plan.external_coordination.drr_end", "the DRR ends before it starts"
    if plan.custody and _before(plan.custody.reception_date, plan.custody.release_date):
        yield "plan.custody.release_date", "release comes before reception into prison"
    if _before(record.service_user.birth_date, plan.start):
        yield "service_user.birth_date", "the service user is born after the plan starts"


def _signatures(record: ClientRecord) -> Iterator[Problem]:
    agreement = record.plan.agreement
    for who, flag, signed_on in (
        ("service_user", agreement.signed_by_service_user, agreement.service_user_signed_on),
        ("keyworker", agreement.signed_by_keyworker, agreement.keyworker_signed_on),
    ):
        path = f"plan.agreement.{who}_signed_on"
        if flag and signed_on is None:
            yield path, f"the plan is marked signed by the {who.replace('_', ' ')} but has no signature date"
        if signed_on is not None and not flag:
            yield path, f"a {who.replace('_', ' ')} signature date is given but the plan is not marked signed"
        if _before(record.plan.created, signed_on):
            yield path, f"signed ({signed_on}) before the plan was created ({record.plan.created})"


def _areas_in_domain(record: ClientRecord) -> Iterator[Problem]:
    def check(kind: str, items: Iterable[tuple[Domain, DomainArea | None]]) -> Iterator[Problem]:
        for i, (domain, area) in enumerate(items):
            if area is not None and DOMAIN_OF_AREA[area] != domain:
                yield (
                    f"plan.{kind}[{i}].area",
                    f"'{area}' belongs to the domain '{DOMAIN_OF_AREA[area]}', not '{domain}'",
                )

    yield from check("needs", ((n.domain, n.area) for n in record.plan.needs))
    yield from check("goals", ((g.domain, g.area) for g in record.plan.goals))


def _unique(record: ClientRecord) -> Iterator[Problem]:
    plan = record.plan
    groups: list[tuple[str, list[str], str]] = [
        ("organisations", [o.ods_code for o in record.organisations], "ods_code"),
        ("care_team", [m.id for m in record.care_team], "id"),
        ("consents", [c.id for c in record.consents], "id"),
        ("plan.needs", [n.id for n in plan.needs], "id"),
        ("plan.goals", [g.id for g in plan.goals], "id"),
        ("plan.actions", [a.id for a in plan.actions], "id"),
        ("plan.interventions", [i.id for i in plan.interventions], "id"),
        ("plan.assessments", [a.domain.value for a in plan.assessments], "domain"),
        ("plan.phases", [p.value for p in plan.phases], ""),
        ("plan.substance_use", [str(s.rank) for s in plan.substance_use], "rank"),
    ]
    for where, keys, field in groups:
        seen = Counter(keys)
        for i, key in enumerate(keys):
            if seen[key] > 1:
                path = f"{where}[{i}].{field}" if field else f"{where}[{i}]"
                yield path, f"'{key}' appears {seen[key]} times; it must be unique"


def _top_outcomes(record: ClientRecord) -> Iterator[Problem]:
    for i, review in enumerate(record.plan.reviews):
        if review.top is not None and not review.top_completed:
            yield (
                f"plan.reviews[{i}].top",
                "a Treatment Outcomes Profile is given but the review says TOP was not completed",
            )


def _references(record: ClientRecord) -> Iterator[Problem]:
    plan = record.plan
    orgs = {o.ods_code for o in record.organisations}
    members = {m.id for m in record.care_team}
    goals = {g.id for g in plan.goals}
    needs = {n.id for n in plan.needs}

    refs: list[tuple[str, str | None, set[str], str]] = [
        (
            "service_user.registered_gp_practice",
            record.service_user.registered_gp_practice,
            orgs,
            "organisation",
        ),
        ("plan.author", plan.author, members, "care team member"),
    ]
    refs += [
        (f"service_user.other_identifiers[{i}].assigner", o.assigner, orgs, "organisation")
        for i, o in enumerate(record.service_user.other_identifiers)
    ]
    refs += [
        (f"care_team[{i}].organisation", m.organisation, orgs, "organisation")
        for i, m in enumerate(record.care_team)
    ]
    if record.episode:
        refs += [
            ("episode.provider", record.episode.provider, orgs, "organisation"),
            ("episode.referral_source", record.episode.referral_source, orgs, "organisation"),
        ]
    for i, consent in enumerate(record.consents):
        refs += [
            (f"consents[{i}].organisations[{j}]", o, orgs, "organisation")
            for j, o in enumerate(consent.organisations)
        ]
        refs.append((f"consents[{i}].recorded_by", consent.recorded_by, members, "care team member"))
    for i, goal in enumerate(plan.goals):
        refs += [(f"plan.goals[{i}].addresses[{j}]", n, needs, "need") for j, n in enumerate(goal.addresses)]
        refs += [
            (f"plan.goals[{i}].progress_notes[{j}].author", p.author, members, "care team member")
            for j, p in enumerate(goal.progress_notes)
        ]
    for i, action in enumerate(plan.actions):
        refs += [(f"plan.actions[{i}].goals[{j}]", g, goals, "goal") for j, g in enumerate(action.goals)]
        refs += [
            (
                f"plan.actions[{i}].responsible_organisation",
                action.responsible_organisation,
                orgs,
                "organisation",
            ),
            (f"plan.actions[{i}].responsible_member", action.responsible_member, members, "care team member"),
        ]
    for i, iv in enumerate(plan.interventions):
        refs += [(f"plan.interventions[{i}].goals[{j}]", g, goals, "goal") for j, g in enumerate(iv.goals)]
        refs += [
            (f"plan.interventions[{i}].provider", iv.provider, orgs, "organisation"),
            (f"plan.interventions[{i}].keyworker", iv.keyworker, members, "care team member"),
        ]
        if iv.prescribing:
            refs.append(
                (
                    f"plan.interventions[{i}].prescribing.dispensing_pharmacy",
                    iv.prescribing.dispensing_pharmacy,
                    orgs,
                    "organisation",
                )
            )
            refs.append(
                (
                    f"plan.interventions[{i}].prescribing.prescriber",
                    iv.prescribing.prescriber,
                    members,
                    "care team member",
                )
            )
    refs += [
        (f"plan.reviews[{i}].reviewer", r.reviewer, members, "care team member")
        for i, r in enumerate(plan.reviews)
    ]
    if plan.custody:
        refs.append(("plan.custody.prison", plan.custody.prison, orgs, "organisation"))
        refs.append(("plan.custody.receiving_cjit", plan.custody.receiving_cjit, orgs, "organisation"))
    if plan.coordination_agreement:
        refs.append(
            (
                "plan.coordination_agreement.coordinator",
                plan.coordination_agreement.coordinator,
                members,
                "care team member",
            )
        )
    if plan.closure:
        refs.append(("plan.closure.destination", plan.closure.destination, orgs, "organisation"))
    if plan.child_protection:
        refs.append(
            (
                "plan.child_protection.forum_attended_by",
                plan.child_protection.forum_attended_by,
                members,
                "care team member",
            )
        )
    for path, value, known, kind in refs:
        if value is not None and value not in known:
            yield path, f"'{value}' is not a {kind} in this record"


def _not_stated_only_for_review(record: ClientRecord) -> Iterator[Problem]:
    """ "Not stated" (a code, a missing name, birth date or plan date) is how an imported plan says what
    its source did not: a record that is not marked imported-for-review may not carry it."""
    if record.plan.import_review is not None:
        return
    plan, user = record.plan, record.service_user
    missing = [
        ("service_user.name", user.name),
        ("service_user.birth_date", user.birth_date),
        ("plan.created", plan.created),
        ("plan.start", plan.start),
        *((f"care_team[{i}].name", m.name) for i, m in enumerate(record.care_team)),
    ]
    for path, value in missing:
        if value is None:
            yield path, "required (only a plan imported for review may leave it not stated)"
    coded: list[tuple[str, str]] = [
        ("plan.kind", plan.kind),
        ("plan.tier", plan.tier),
        *((f"organisations[{i}].kind", o.kind) for i, o in enumerate(record.organisations)),
        *((f"organisations[{i}].ods_code", o.ods_code) for i, o in enumerate(record.organisations)),
        *(
            (f"care_team[{i}].roles[{j}]", role)
            for i, m in enumerate(record.care_team)
            for j, role in enumerate(m.roles)
        ),
        *((f"plan.needs[{i}].domain", n.domain) for i, n in enumerate(plan.needs)),
        *((f"plan.goals[{i}].domain", g.domain) for i, g in enumerate(plan.goals)),
        *((f"plan.actions[{i}].domain", a.domain) for i, a in enumerate(plan.actions)),
        *((f"plan.actions[{i}].responsible_role", a.responsible_role) for i, a in enumerate(plan.actions)),
        *((f"plan.interventions[{i}].tier", v.tier) for i, v in enumerate(plan.interventions)),
        *((f"plan.interventions[{i}].modality", v.modality) for i, v in enumerate(plan.interventions)),
        *((f"plan.interventions[{i}].provider", v.provider) for i, v in enumerate(plan.interventions)),
    ]
    for path, code in coded:
        if code == NOT_STATED:
            yield path, "'not-stated' is allowed only in a plan imported for review"


RULES: tuple[Callable[[ClientRecord], Iterator[Problem]], ...] = (
    _dates_in_order,
    _signatures,
    _areas_in_domain,
    _unique,
    _top_outcomes,
    _references,
    _not_stated_only_for_review,
    coordination_references,
    top_consistent,
    *CIRCUMSTANCE_RULES,
    system_problems,
)


def record_problems(record: ClientRecord) -> list[Problem]:
    """Every impossible state in ``record``, as (path, message) pairs."""
    return [problem for rule in RULES for problem in rule(record)]


def raise_if_impossible(record: ClientRecord) -> None:
    """Raise one pydantic error carrying every problem (see :func:`adapter.model.load_record`)."""
    problems = record_problems(record)
    if problems:
        summary = "; ".join(f"{path}: {message}" for path, message in problems)
        raise PydanticCustomError(
            "impossible_record", "{summary}", {"summary": summary, "problems": problems}
        )
