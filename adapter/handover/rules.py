"""The handover's tables, read once from ``data/`` (they are data, not code: a local protocol may
change who gets what, which consent purposes permit which handover, and how a Task may move)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, get_args

import orjson
import yaml
from pydantic import BaseModel

from adapter.handover.codes import HandoverReason, TaskStatus
from adapter.model import CarePlan
from adapter.model.codes import ConsentPurpose, Domain, OrganisationKind
from adapter.model.record import ServiceUser, TreatmentEpisode

_DATA = resources.files("adapter.handover") / "data"

ALWAYS_SENT = frozenset(
    {"id", "kind", "status", "title", "tier", "created", "start", "end", "author", "import_review"}
)
"""The plan's identity, and its standing: a plan imported for review says so to every destination
(hazard H-22) - a receiver must never take it for a plan a service wrote and checked."""

SERVICE_USER_ALWAYS_SENT = frozenset(
    {
        "nhs_number",
        "prison_number",
        "pnc_id",
        "other_identifiers",
        "name",
        "birth_date",
        "gender",
        "address",
        "phone",
        "registered_gp_practice",
    }
)
"""Who the client is and how to reach them: sent to every destination. The rest of the service user
(sex at birth, ethnic category, sexual orientation, religion, language, disabilities: issue 11) goes
only where the table's ``service_user`` row places it."""

FILTERABLE = frozenset({"needs", "goals", "actions", "interventions"})
FLAGGABLE = frozenset({"child_protection"})


@dataclass(frozen=True, slots=True)
class Minimisation:
    """What one kind of destination is sent: plan elements kept, and filters on list elements."""

    kind: OrganisationKind
    why: str
    kept: frozenset[str]
    only: tuple[tuple[str, str], ...]
    flagged: frozenset[str] = frozenset()
    """Elements sent as a flag only (the fact and its date, not the details)."""
    episode: frozenset[str] = frozenset()
    """The optional treatment-episode elements that travel."""
    reads: frozenset[ConsentPurpose] = frozenset()
    """The consent purposes under which an organisation of this kind may read a plan."""
    without: tuple[tuple[str, frozenset[str]], ...] = ()
    """Parts left out of an element that travels, of each item of a list (``interventions:
    [prescribing]``: that the client is in treatment, not the dose; ``reviews: [top]``: the reviews
    without their TOP)."""
    service_user: frozenset[str] = frozenset()
    """The optional service-user elements that travel (beyond ``SERVICE_USER_ALWAYS_SENT``)."""

    def selector(self, element: str) -> str | None:
        return dict(self.only).get(element)

    def left_out(self, element: str) -> frozenset[str]:
        return dict(self.without).get(element, frozenset())


def _load(name: str) -> Any:
    text = (_DATA / name).read_text(encoding="utf-8")
    return yaml.safe_load(text) if name.endswith(".yaml") else orjson.loads(text)


def _check_selector(kind: str, element: str, selector: str) -> None:
    if element not in FILTERABLE:
        raise ValueError(f"minimisation.yaml {kind}: 'only' on {element}, which cannot be filtered")
    if selector == "prescribing" and element == "interventions":
        return
    words = selector.split()
    if len(words) == 2 and words[0] == "domain" and words[1] in set(Domain):
        return
    raise ValueError(f"minimisation.yaml {kind}: unknown filter {selector!r} on {element}")


def _check_without(
    kind: str, element: str, parts: frozenset[str], kept: frozenset[str] | None = None
) -> frozenset[str]:
    """``without`` names optional parts of an element that travels (of each item, for a list)."""
    if kept is not None and element not in kept:
        raise ValueError(f"minimisation.yaml {kind}: 'without' on {element}, which is not sent")
    annotation = CarePlan.model_fields[element].annotation
    model = next(
        (arg for arg in _flatten(annotation) if isinstance(arg, type) and issubclass(arg, BaseModel)), None
    )
    if model is None:
        raise ValueError(f"minimisation.yaml {kind}: 'without' on {element}, which has no parts")
    optional = {name for name, field in model.model_fields.items() if not field.is_required()}
    if unknown := parts - optional:
        raise ValueError(f"minimisation.yaml {kind}: {sorted(unknown)} are not optional parts of {element}")
    return parts


def _flatten(annotation: Any) -> list[Any]:
    args = get_args(annotation)
    return [annotation] if not args else [leaf for arg in args for leaf in _flatten(arg)]


@cache
def minimisation_table() -> dict[OrganisationKind, Minimisation]:
    """Destination kind -> what it is sent (``data/minimisation.yaml``), checked against the model."""
    optional = set(CarePlan.model_fields) - ALWAYS_SENT
    table: dict[OrganisationKind, Minimisation] = {}
    for kind, entry in _load("minimisation.yaml")["destinations"].items():
        plan = entry["plan"]
        withheld = frozenset(entry.get("withhold") or [])
        kept = (frozenset(optional) if plan == "all" else frozenset(plan)) - withheld
        if unknown := (kept | withheld) - optional:
            raise ValueError(f"minimisation.yaml {kind}: {sorted(unknown)} are not optional plan elements")
        user_optional = set(ServiceUser.model_fields) - SERVICE_USER_ALWAYS_SENT
        user = entry.get("service_user") or []
        user_kept = frozenset(user_optional) if user == "all" else frozenset(user)
        if unknown := user_kept - user_optional:
            raise ValueError(
                f"minimisation.yaml {kind}: {sorted(unknown)} are not optional service-user elements"
            )
        only = tuple(sorted((entry.get("only") or {}).items()))
        for element, selector in only:
            _check_selector(kind, element, selector)
        flagged = frozenset(entry.get("flag") or [])
        if unknown := flagged - FLAGGABLE:
            raise ValueError(f"minimisation.yaml {kind}: {sorted(unknown)} cannot be sent as a flag")
        episode_optional = {n for n, f in TreatmentEpisode.model_fields.items() if not f.is_required()}
        episode = entry.get("episode") or []
        episode_kept = frozenset(episode_optional) if episode == "all" else frozenset(episode)
        if unknown := episode_kept - episode_optional:
            raise ValueError(f"minimisation.yaml {kind}: {sorted(unknown)} are not optional episode elements")
        reads = frozenset(ConsentPurpose(p) for p in entry.get("reads") or [])
        without = tuple(
            sorted(
                (element, _check_without(kind, element, frozenset(parts), kept))
                for element, parts in (entry.get("without") or {}).items()
            )
        )
        table[OrganisationKind(kind)] = Minimisation(
            OrganisationKind(kind), entry["why"], kept, only, flagged, episode_kept, reads, without, user_kept
        )
    return table


@cache
def consent_purposes() -> dict[HandoverReason, frozenset[ConsentPurpose]]:
    """Handover reason -> the consent purposes that permit it (``data/consent-purposes.json``)."""
    data = _load("consent-purposes.json")
    table = {
        HandoverReason(reason): frozenset(ConsentPurpose(p) for p in purposes)
        for reason, purposes in data.items()
        if not reason.startswith("_")
    }
    if missing := set(HandoverReason) - set(table):
        raise ValueError(f"consent-purposes.json has no entry for {sorted(missing)}")
    return table


@cache
def task_transitions() -> dict[TaskStatus | None, frozenset[TaskStatus]]:
    """Task status -> the statuses it may move to (``None``: the status a new Task may carry)."""
    data = _load("task-transitions.json")
    return {
        (None if status == "start" else TaskStatus(status)): frozenset(TaskStatus(s) for s in moves)
        for status, moves in data.items()
        if not status.startswith("_")
    }


@cache
def default_reasons() -> dict[tuple[OrganisationKind, OrganisationKind], HandoverReason]:
    """(sender kind, destination kind) -> the reason assumed (``data/default-reasons.json``)."""
    data = _load("default-reasons.json")
    return {
        (OrganisationKind(sender), OrganisationKind(destination)): HandoverReason(reason)
        for sender, destinations in data.items()
        if not sender.startswith("_")
        for destination, reason in destinations.items()
    }
