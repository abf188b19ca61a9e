"""Cross-field rules for what seed 003 asks to be recorded (see :mod:`adapter.model.coordination`) and
for the Treatment Outcomes Profile's items: every reference resolves, and a TOP does not contradict
itself. Registered in :data:`adapter.model.rules.RULES`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adapter.model.record import ClientRecord

Problem = tuple[str, str]


def coordination_references(record: ClientRecord) -> Iterator[Problem]:
    """Who decided, who followed up, and the agencies owing a duty of care are in the record."""
    plan = record.plan
    orgs = {o.ods_code for o in record.organisations}
    members = {m.id for m in record.care_team}
    refs: list[tuple[str, str | None, set[str], str]] = []
    if plan.coordination_agreement:
        refs += [
            (f"plan.coordination_agreement.decided_by[{i}]", who, members, "care team member")
            for i, who in enumerate(plan.coordination_agreement.decided_by)
        ]
    for i, duty in enumerate(plan.waiting_duty_of_care):
        for name in ("awaited_agency", "referring_agency", "triage_agency"):
            refs.append((f"plan.waiting_duty_of_care[{i}].{name}", getattr(duty, name), orgs, "organisation"))
    if plan.closure and plan.closure.follow_up:
        refs.append(("plan.closure.follow_up.by", plan.closure.follow_up.by, members, "care team member"))
    for path, value, known, kind in refs:
        if value is not None and value not in known:
            yield path, f"'{value}' is not a {kind} in this record"


def top_consistent(record: ClientRecord) -> Iterator[Problem]:
    """A TOP that records sharing injecting equipment records days of injecting (TOP section 2)."""
    for i, review in enumerate(record.plan.reviews):
        top = review.top
        if top is None or top.injecting_days > 0:
            continue
        for name in ("shared_needle_or_syringe", "shared_spoon_water_or_filter"):
            if getattr(top, name):
                yield (
                    f"plan.reviews[{i}].top.{name}",
                    "sharing injecting equipment is recorded but injecting_days is 0",
                )
