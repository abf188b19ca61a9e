"""FHIR R4 -> canonical client record, from bundles that any system wrote.

    >>> result = from_fhir(bundle)
    >>> result.record.plan.kind
    <PlanKind.INITIAL: 'initial'>
    >>> [issue.expression for issue in result.unmapped]
    ['Bundle.entry[7].resource.maritalStatus']

Accepts a Bundle of any type (transaction, collection, searchset, document ...) or a lone resource
with what it contains. The CarePlan is the root; everything the record needs is reached from it by
reference. What cannot be mapped is reported in ``unmapped`` (warnings with FHIRPath expressions);
broken references and missing required elements raise :class:`~adapter.errors.InvalidFhir` with
every problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapter.errors import InvalidFhir, InvalidRecord
from adapter.fhir.from_fhir.context import Import
from adapter.fhir.from_fhir.meaning import refusals
from adapter.fhir.from_fhir.mental_health import read_mental_health
from adapter.fhir.from_fhir.node import Node, unread
from adapter.fhir.from_fhir.parties import Parties, service_user
from adapter.fhir.from_fhir.parts import Parts, consent, episode, recorded_at
from adapter.fhir.from_fhir.plan import PlanReader
from adapter.fhir.from_fhir.select import choose_plan
from adapter.fhir.references import Resolver, Target
from adapter.fhir.terminology import Terminology
from adapter.model import load_record
from adapter.model.record import ClientRecord
from adapter.outcome import Issue, OperationOutcome
from adapter.types import FhirJson

__all__ = ["MappingResult", "from_fhir"]


@dataclass(frozen=True, slots=True)
class MappingResult:
    """The record, and what in the input could not be mapped to it (each with its FHIRPath)."""

    record: ClientRecord
    unmapped: list[Issue]


def _fail(text: str, expression: str) -> InvalidFhir:
    return InvalidFhir(OperationOutcome.of([Issue.error("required", "fhir.no-care-plan", text, expression)]))


def _translate(imp: Import, error: InvalidRecord) -> list[Issue]:
    """The model's issues, pointed at the FHIR element each canonical field came from."""
    found = {issue.expression for issue in imp.errors}
    issues = []
    for issue in error.outcome.issues:
        path = issue.expression or ""
        while path and path not in imp.where:
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        expression = imp.where.get(path, "Bundle")
        # A reference already reported as broken also leaves its field empty: say it once.
        if expression not in found:
            issues.append(Issue(issue.severity, issue.code, issue.message_id, issue.text, expression))
    return issues


def _root_path(root: FhirJson) -> str:
    """Where a missing plan would have been: the Bundle's entries, or the lone resource."""
    kind = root.get("resourceType")
    if kind == "Bundle":
        return "Bundle.entry"
    return kind if isinstance(kind, str) and kind.isalpha() else "Resource"


def _care_plan(resolver: Resolver, root: FhirJson, plan_id: str | None = None) -> Target:
    plans = [t for t in resolver.all_targets() if t.resource_type == "CarePlan"]
    if not plans:
        raise _fail(
            "the input holds no CarePlan to map",
            _root_path(root),
        )
    return choose_plan(plans, plan_id)


def _unmapped(imp: Import) -> list[Issue]:
    issues: list[Issue] = []
    seen: set[str] = set()
    for target in imp.resolver.all_targets():
        if target.path not in imp.visited:
            issues.append(
                Issue.warning(
                    "not-supported",
                    "fhir.resource-unmapped",
                    f"{target.resource_type} is not part of the care plan record and was not mapped",
                    target.path,
                )
            )
            continue
        for path in unread(target.resource, target.path, imp.tracker, skip=frozenset({"contained"})):
            if path not in seen:
                seen.add(path)
                issues.append(
                    Issue.warning(
                        "not-supported",
                        "fhir.element-unmapped",
                        "this element has no place in the canonical record and was not mapped",
                        path,
                    )
                )
    return issues


def _episode(imp: Import, plan: Node, plan_target: Target) -> Target | None:
    """The EpisodeOfCare among the plan's supportingInfo, else the first in the input. Other
    supporting information is no part of the record: left unread, it is reported."""
    for ref in plan.children("supportingInfo"):
        literal = ref.data.get("reference")
        found = imp.resolver.resolve(literal, plan_target) if isinstance(literal, str) else None
        if found is not None and found.resource_type == "EpisodeOfCare":
            ref.take()
            return found
    episodes = imp.resolver.of_type("EpisodeOfCare")
    return episodes[0] if episodes else None


# Fields the model leaves empty only in a plan imported for review: from_fhir, which reads our own
# bundles, requires them as the model did before it knew imported plans.
_REQUIRED_HERE = ("service_user.name", "service_user.birth_date", "plan.created", "plan.start")


def _required(imp: Import, record: FhirJson) -> None:
    if "import_review" in record.get("plan", {}):
        return  # a plan imported for review says itself what it does not state
    for path in _REQUIRED_HERE:
        part, field = path.split(".")
        if part in record and field not in record[part]:
            imp.error("required", "fhir.required", f"{path}: required", imp.where.get(path, "Bundle"))
    for i, member in enumerate(record.get("care_team", [])):
        if "name" not in member:
            where = imp.where.get(f"care_team[{i}].name", imp.where.get(f"care_team[{i}]", "Bundle"))
            imp.error("required", "fhir.required", f"care_team[{i}].name: required", where)


def _is_privacy(imp: Import, target: Target) -> bool:
    """A consent to share information (R4 Consent.scope patient-privacy): the only kind the record's
    consents are. Another system's treatment or research consent is no consent to share; it is left
    unread, so reported, and never read as one."""
    scope = target.resource.get("scope")
    codings = scope.get("coding") if isinstance(scope, dict) else None
    fixed = imp.terminology.fixed("consent-scope")
    return isinstance(codings, list) and any(
        isinstance(c, dict) and c.get("system") == fixed["system"] and c.get("code") == fixed["code"]
        for c in codings
    )


def assemble(imp: Import, plan_target: Target) -> FhirJson:
    """The canonical record's JSON from the plan at ``plan_target`` and what it reaches (not yet
    checked by the model): the one mapping both from_fhir and the import of foreign plans run."""
    resolver = imp.resolver
    parties = Parties(imp)
    parts = Parts(imp, parties)
    for organisation in resolver.of_type("Organization"):
        parties.organisation(organisation)
    plan_node = imp.node(plan_target)
    teams = plan_node.children("careTeam")
    team = imp.resolve(teams[0], plan_target, ("CareTeam",)) if teams else None
    if team is not None:
        parties.care_team(team)
    for role in resolver.of_type("PractitionerRole"):
        parties.member(role)

    record: FhirJson = {}
    patient = imp.resolve(plan_node.child("subject"), plan_target, ("Patient",))
    imp.where["service_user"] = f"{plan_target.path}.subject"
    if patient is not None:
        record["service_user"] = service_user(imp, parties, patient)
    record["plan"] = PlanReader(imp, parties, parts, plan_target).read()
    record["plan"]["needs"] = parts.needs
    record["plan"]["goals"] = parts.goals
    episode_target = _episode(imp, plan_node, plan_target)
    if episode_target is not None:
        record["episode"] = episode(imp, parties, episode_target)
    record["plan"].update(read_mental_health(imp, parties, plan_node, plan_target))
    sharing = [t for t in resolver.of_type("Consent") if not imp.foreign or _is_privacy(imp, t)]
    record["consents"] = [
        consent(imp, parties, target, f"consents[{i}]", patient) for i, target in enumerate(sharing)
    ]
    when = recorded_at(imp, plan_target)
    if when is not None:
        record["recorded_at"] = when
    record["organisations"] = parties.organisations
    record["care_team"] = parties.members
    imp.where.setdefault("organisations", "Bundle.entry" if resolver.is_bundle else plan_target.path)
    return record


def load(imp: Import, record: FhirJson) -> ClientRecord:
    """The record checked by the model; every problem (the mapping's and the model's) at its FHIRPath.
    A modifier element the mapping did not carry refuses the record (adapter.fhir.from_fhir.meaning)."""
    read_from = [t for t in imp.resolver.all_targets() if t.path in imp.visited]
    imp.errors += refusals(imp, read_from)
    try:
        mapped = load_record(record)
    except InvalidRecord as error:
        raise InvalidFhir(OperationOutcome.of([*imp.errors, *_translate(imp, error)])) from None
    if imp.errors:
        raise InvalidFhir(OperationOutcome.of(imp.errors))
    return mapped


def unmapped(imp: Import) -> list[Issue]:
    """What the input held and the record does not: the mapping's warnings, then every element unread."""
    return [*imp.warnings, *_unmapped(imp)]


def from_fhir(
    bundle_or_resource: FhirJson, terminology: Terminology | None = None, *, plan_id: str | None = None
) -> MappingResult:
    """The canonical record in ``bundle_or_resource`` and what could not be mapped.

    Raises InvalidFhir (an OperationOutcome naming each element) when references are broken or
    the record lacks what the canonical model requires. Plans other systems made, which may lack it,
    are read by :func:`adapter.fhir.importer.import_plan`.
    """
    if not isinstance(bundle_or_resource, dict) or "resourceType" not in bundle_or_resource:
        raise _fail("expected a FHIR resource or Bundle (a JSON object with resourceType)", "Resource")
    resolver = Resolver(bundle_or_resource)
    plan_target = _care_plan(resolver, bundle_or_resource, plan_id)
    imp = Import(resolver, terminology or Terminology.default())
    record = assemble(imp, plan_target)
    _required(imp, record)
    return MappingResult(load(imp, record), unmapped(imp))
