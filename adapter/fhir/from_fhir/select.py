"""Which CarePlan of an input is the plan: the one named, else ours by profile, else the one active.

A bundle from another system often holds several plans (a patient's whole history). Taking the first
would import a completed plan as the current one, so the choice follows a stated order and, when it
cannot decide, refuses with the candidates listed (each with its status and period). Plans the chosen
one points at through ``replaces``, ``partOf`` or ``basedOn`` (R4 CarePlan) are its history: they
are reported as such, never imported as current.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from adapter.errors import InvalidFhir
from adapter.fhir.references import Resolver, Target
from adapter.outcome import Issue, OperationOutcome
from adapter.urls import profile_url

HISTORY_LINKS = ("replaces", "partOf", "basedOn")
"""CarePlan elements that point at earlier or wider plans (R4 CarePlan: Request pattern)."""


def _names(target: Target) -> set[str]:
    """What a user may call a plan by: its id, any identifier value, its fullUrl."""
    names = {str(target.resource.get("id", ""))}
    identifiers = target.resource.get("identifier")
    for identifier in identifiers if isinstance(identifiers, list) else []:
        if isinstance(identifier, dict) and isinstance(identifier.get("value"), str):
            names.add(identifier["value"])
    if target.full_url:
        names.add(target.full_url)
    return names - {""}


def is_ours(target: Target) -> bool:
    meta = target.resource.get("meta")
    profiles = meta.get("profile") if isinstance(meta, dict) else None
    ours = profile_url("CarePlan")
    return isinstance(profiles, list) and any(
        isinstance(p, str) and p.split("|")[0] == ours for p in profiles
    )


def describe(target: Target) -> str:
    """``CarePlan/1 (status active, period 2020-01-01 to open) at Bundle.entry[3].resource``."""
    plan = target.resource
    period = plan.get("period")
    start, end = (
        (period.get("start", "not stated"), period.get("end", "open"))
        if isinstance(period, dict)
        else ("not stated", "open")
    )
    name = plan.get("id") or target.full_url or "(no id)"
    status = plan.get("status", "not stated")
    return f"CarePlan {name} (status {status}, period {start} to {end}) at {target.path}"


def _refuse(text: str, expression: str) -> InvalidFhir:
    return InvalidFhir(
        OperationOutcome.of([Issue.error("multiple-matches", "fhir.which-plan", text, expression)])
    )


def in_force(target: Target, as_of: date) -> bool:
    """Whether the plan is active with a period that covers ``as_of`` (an open end covers any day)."""
    plan = target.resource
    period = plan.get("period")
    period = period if isinstance(period, dict) else {}
    start, end = str(period.get("start", ""))[:10], str(period.get("end", ""))[:10]
    day = as_of.isoformat()
    return plan.get("status") == "active" and (not start or start <= day) and (not end or day <= end)


def choose_plan(plans: Sequence[Target], plan_id: str | None = None, as_of: date | None = None) -> Target:
    """The plan to import among ``plans`` (never empty); with ``as_of``, "active" means in force on that
    day (:func:`in_force`)."""
    where = "Bundle.entry" if plans[0].path.startswith("Bundle") else plans[0].path
    listing = "; ".join(describe(p) for p in plans)
    if plan_id is not None:
        named = [p for p in plans if plan_id in _names(p)]
        if len(named) == 1:
            return named[0]
        found = "no" if not named else f"{len(named)}"
        raise _refuse(f"{found} CarePlan called {plan_id!r}; the candidates are: {listing}", where)
    if len(plans) == 1:
        return plans[0]
    ours = [p for p in plans if is_ours(p)]
    if len(ours) == 1:
        return ours[0]
    active = [
        p for p in (ours or plans) if (in_force(p, as_of) if as_of else p.resource.get("status") == "active")
    ]
    if len(active) == 1:
        return active[0]
    on = f" on {as_of.isoformat()}" if as_of else ""
    why = f"several active plans{on}" if active else f"no active plan{on}"
    raise _refuse(
        f"the input holds {len(plans)} CarePlans and {why}: name one with --plan ID (its id, identifier "
        f"or fullUrl). The candidates are: {listing}",
        where,
    )


def history(resolver: Resolver, plan: Target) -> list[tuple[str, Target]]:
    """The plans ``plan`` names as its history, each with the FHIRPath of the link."""
    found: list[tuple[str, Target]] = []
    for link in HISTORY_LINKS:
        refs = plan.resource.get(link)
        for i, ref in enumerate(refs if isinstance(refs, list) else []):
            literal = ref.get("reference") if isinstance(ref, dict) else None
            target = resolver.resolve(literal, plan) if isinstance(literal, str) else None
            if target is not None and target.resource_type == "CarePlan" and target is not plan:
                found.append((f"{plan.path}.{link}[{i}]", target))
    return found
