"""Rules over what the source systems hold beyond the drug plan: the contact log, offender management,
mental health and the DIR form. Each yields ``(path, message)`` like the rules of
:mod:`adapter.model.rules`, which runs :func:`system_problems` with its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from adapter.model.codes import NOT_STATED

if TYPE_CHECKING:
    from adapter.model.record import ClientRecord

Problem = tuple[str, str]


def _members(record: ClientRecord) -> Iterator[tuple[str, str | None]]:
    plan = record.plan
    yield from ((f"plan.contacts[{i}].worker", c.worker) for i, c in enumerate(plan.contacts))
    if plan.offender_management:
        yield "plan.offender_management.offender_manager", plan.offender_management.offender_manager
    yield from (
        (f"plan.psychiatric_medication[{i}].prescriber", m.prescriber)
        for i, m in enumerate(plan.psychiatric_medication)
    )


def _references(record: ClientRecord) -> Iterator[Problem]:
    known = {m.id for m in record.care_team}
    for path, member in _members(record):
        if member is not None and member not in known:
            yield path, f"'{member}' is not a care team member in this record"


def _contact_times(record: ClientRecord) -> Iterator[Problem]:
    """A contact's start time falls on its date (the log is read by date)."""
    for i, contact in enumerate(record.plan.contacts):
        if contact.time is not None and contact.time.date() != contact.date:
            yield (
                f"plan.contacts[{i}].time",
                f"the time ({contact.time}) is not on the contact's date ({contact.date})",
            )


def _probation_risk(record: ClientRecord) -> Iterator[Problem]:
    """Probation's risk of serious harm is a dated assessment (OASys reassesses it through the sentence,
    OASys Manual chapter 8): a level without its date cannot be judged current."""
    management = record.plan.offender_management
    if management is None:
        return
    if management.risk_of_serious_harm is not None and management.risk_assessed_on is None:
        yield (
            "plan.offender_management.risk_assessed_on",
            "a risk of serious harm level needs the date probation assessed it",
        )
    custody = record.plan.custody
    if (
        custody is not None
        and custody.release_date is not None
        and management.licence_end is not None
        and management.licence_end < custody.release_date
    ):
        yield (
            "plan.offender_management.licence_end",
            f"the licence ends ({management.licence_end}) before release ({custody.release_date})",
        )


def _not_stated(record: ClientRecord) -> Iterator[Problem]:
    """'not-stated' is for a plan imported for review only, here as in the record's other codes."""
    if record.plan.import_review is not None:
        return
    plan = record.plan
    coded: list[tuple[str, str | None]] = [
        *((f"plan.contacts[{i}].kind", c.kind) for i, c in enumerate(plan.contacts)),
        *((f"plan.contacts[{i}].attendance", c.attendance) for i, c in enumerate(plan.contacts)),
    ]
    if plan.offender_management:
        management = plan.offender_management
        coded.append(("plan.offender_management.risk_of_serious_harm", management.risk_of_serious_harm))
        coded += [
            (f"plan.offender_management.requirements[{i}]", r) for i, r in enumerate(management.requirements)
        ]
    if plan.mental_health_act:
        coded.append(("plan.mental_health_act.status", plan.mental_health_act.status))
    referral = record.episode.criminal_justice_referral if record.episode else None
    if referral is not None:
        coded.append(("episode.criminal_justice_referral.dir_form", referral.dir_form))
    for path, code in coded:
        if code == NOT_STATED:
            yield path, "'not-stated' is allowed only in a plan imported for review"


def system_problems(record: ClientRecord) -> Iterator[Problem]:
    """Every problem of the parts this module covers."""
    for rule in (_references, _contact_times, _probation_risk, _not_stated):
        yield from rule(record)
