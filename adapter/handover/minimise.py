"""Minimisation: each destination gets only what it needs, by the kind of organisation it is.

The table is data (``data/minimisation.yaml``): per organisation kind, the optional plan elements
that travel and filters on list elements. Everything else is left out of the record before it is
mapped to FHIR, so what is not sent never reaches the message. Links into what was left out (a goal
addressing a need not sent, an action serving a goal not sent) are dropped with it, so the record
sent is itself a valid canonical record.

    >>> sent = minimise(record, rule_for(OrganisationKind.GP_PRACTICE), consent)
    >>> sent.plan.risk is None
    True
"""

from __future__ import annotations

from typing import Any

from adapter.handover.rules import ALWAYS_SENT, SERVICE_USER_ALWAYS_SENT, Minimisation, minimisation_table
from adapter.model import CarePlan, ClientRecord, ConsentToShare, load_record
from adapter.model.codes import OrganisationKind
from adapter.model.record import TreatmentEpisode


def rule_for(kind: OrganisationKind) -> Minimisation | None:
    """What a destination of ``kind`` is sent, or None when no handover goes to such a destination."""
    return minimisation_table().get(kind)


def _selected(items: list[dict[str, Any]], selector: str | None) -> list[dict[str, Any]]:
    if selector is None:
        return items
    if selector == "prescribing":
        return [item for item in items if item.get("prescribing") is not None]
    domain = selector.split()[1]
    return [item for item in items if item.get("domain") == domain]


def _drop_dangling_links(plan: dict[str, Any]) -> None:
    needs = {need["id"] for need in plan.get("needs", [])}
    goals = {goal["id"] for goal in plan.get("goals", [])}
    for goal in plan.get("goals", []):
        goal["addresses"] = [n for n in goal.get("addresses", []) if n in needs]
    for item in [*plan.get("actions", []), *plan.get("interventions", [])]:
        item["goals"] = [g for g in item.get("goals", []) if g in goals]


def _flag(name: str, value: dict[str, Any]) -> dict[str, Any]:
    """An element as a flag: that it is recorded and when, not what it says (``flag`` in the table)."""
    assert name == "child_protection"  # the only element rules.FLAGGABLE allows
    return {
        "raised_on": value["raised_on"],
        "summary": "A child protection concern is recorded; the details are held by the sending service "
        "and the services in the child protection plan.",
        "in_risk_management_plan": value["in_risk_management_plan"],
    }


def _without(value: Any, parts: frozenset[str]) -> Any:
    """An element (each item of a list) with ``parts`` left out (``without`` in the table)."""
    if isinstance(value, list):
        return [_without(item, parts) for item in value]
    return {key: item for key, item in value.items() if key not in parts}


def minimise(record: ClientRecord, rule: Minimisation, consent: ConsentToShare) -> ClientRecord:
    """``record`` as ``rule``'s destination is to receive it, with ``consent`` its only consent."""
    data = record.model_dump(mode="python", exclude_none=True)
    defaults = CarePlan.model_fields
    plan: dict[str, Any] = {}
    for name, value in data["plan"].items():
        if name in ALWAYS_SENT:
            plan[name] = value
        elif name in rule.kept:
            plan[name] = _selected(value, rule.selector(name)) if isinstance(value, list) else value
        elif defaults[name].is_required():
            plan[name] = value
    for name in rule.flagged & set(plan):
        plan[name] = _flag(name, plan[name])
    for name, parts in rule.without:
        if name in plan:
            plan[name] = _without(plan[name], parts)
    _drop_dangling_links(plan)
    data["plan"] = plan
    data["service_user"] = {
        name: value
        for name, value in data["service_user"].items()
        if name in SERVICE_USER_ALWAYS_SENT or name in rule.service_user
    }
    if "episode" in data:
        data["episode"] = {
            name: value
            for name, value in data["episode"].items()
            if name in rule.episode or TreatmentEpisode.model_fields[name].is_required()
        }
    # Other consents name other organisations and purposes: not this destination's business.
    data["consents"] = [consent.model_dump(mode="python", exclude_none=True)]
    return load_record(data)
