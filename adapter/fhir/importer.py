"""Import a care plan that another system made: any FHIR R4 bundle or resource holding a CarePlan.

    >>> result = import_plan(bundle, plan_id=None, source="gp-export.json")
    >>> result.for_review                      # the plan did not say everything our record needs
    True
    >>> [str(issue) for issue in result.unmapped if issue.severity == "error"][:1]
    ['error: this element has no place in the canonical record ... @ Bundle.entry[5].resource.activity[0]...']

The stages, each a plain function:

1. **normalise** (a copy): a resource with no ``id`` takes the uuid of its ``urn:uuid`` fullUrl; the
   ODS system written with a lower-case ``id`` segment is read as the NHS's own
   (``https://fhir.nhs.uk/Id/ods-organization-code``); a reference by identifier only is resolved to
   the resource of the input that carries that identifier (R4 Reference.identifier), and an
   organisation known only by such a reference is added with its ODS code and display.
2. **choose** the plan (adapter.fhir.from_fhir.select): the one named, ours by profile, or the one
   active; plans it ``replaces`` / is ``partOf`` / ``basedOn`` are reported as its history.
3. **map** with the same readers as :func:`adapter.fhir.from_fhir` in foreign mode: a reference to a
   resource outside the input is reported, not an error; what another system's codes say about kind,
   domain, role or modality is inferred through the IG's ConceptMaps.
4. **fill**: what the record needs and the plan does not say becomes ``not-stated`` (or empty), with a
   finding for a person to review; the plan is then marked imported-for-review.
5. **refuse** what would change meaning (adapter.fhir.from_fhir.meaning): a modifier element the
   record cannot carry, anything entered-in-error.
6. **report**: every element not carried, with its FHIRPath and a severity (:func:`severity_of`).
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from adapter.errors import InvalidFhir
from adapter.fhir.from_fhir import assemble, from_fhir, load, unmapped
from adapter.fhir.from_fhir.context import Import
from adapter.fhir.from_fhir.select import choose_plan, describe, history, is_ours
from adapter.fhir.references import Resolver, Target
from adapter.fhir.terminology import Terminology
from adapter.model.codes import NOT_STATED
from adapter.model.identifiers import (
    NHS_NUMBER_SYSTEM,
    ODS_NOT_STATED,
    ODS_SYSTEM,
    ODS_SYSTEMS,
    is_valid_nhs_number,
    is_valid_ods_code,
)
from adapter.model.record import ClientRecord
from adapter.outcome import Issue, OperationOutcome, Severity
from adapter.types import FhirJson

__all__ = ["ImportResult", "import_plan", "read_plan", "severity_of"]

NOT_STATED_ORGANISATION: Final[FhirJson] = {
    "ods_code": ODS_NOT_STATED,
    "name": "Organisation not stated (imported for review)",
    "kind": NOT_STATED,
}
"""Stands for every organisation an imported plan names without an ODS code, or does not name."""

_CLINICAL: Final = frozenset(
    {
        "activity",
        "target",
        "participant",
        "period",
        "status",
        "statusReason",
        "intent",
        "doNotPerform",
        "dailyAmount",
        "quantity",
        "productCodeableConcept",
        "productReference",
        "provision",
        "goal",
        "addresses",
        "scheduledPeriod",
        "scheduledTiming",
        "scheduledString",
        "lifecycleStatus",
        "clinicalStatus",
        "verificationStatus",
        "dosageInstruction",
        "medicationCodeableConcept",
        "medicationReference",
    }
)
"""Elements whose loss is clinical (an activity, a goal target, a care team member, a period, a status,
a dose): reported as errors, though the import goes on with the rest carried."""

_ADMINISTRATIVE: Final = frozenset({"text", "meta", "language", "fullUrl", "request", "response", "search"})
"""Elements whose loss changes nothing a person acts on: reported as information."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The imported record, and every element of the input it does not carry (each with its FHIRPath
    and a severity: information, warning, or error for clinical content)."""

    record: ClientRecord
    unmapped: list[Issue]

    @property
    def for_review(self) -> bool:
        """Whether a person must review the plan before relying on it (it says so itself)."""
        return self.record.plan.import_review is not None


def severity_of(expression: str | None) -> Severity:
    """How much the loss of the element at ``expression`` matters (see :data:`_CLINICAL`)."""
    names = re.sub(r"\[\d+\]", "", expression or "").split(".")
    if any(name in _CLINICAL for name in names):
        return "error"
    if names and names[-1] in _ADMINISTRATIVE:
        return "information"
    return "warning"


def _graded(issues: list[Issue]) -> list[Issue]:
    graded = []
    for issue in issues:
        if issue.message_id in ("fhir.element-unmapped", "fhir.resource-unmapped"):
            severity = (
                severity_of(issue.expression) if issue.message_id == "fhir.element-unmapped" else "warning"
            )
            issue = Issue(severity, issue.code, issue.message_id, issue.text, issue.expression)
        graded.append(issue)
    return graded


# 1. normalise ------------------------------------------------------------------------------------
def _entries(root: FhirJson) -> list[tuple[FhirJson, str | None]]:
    if root.get("resourceType") != "Bundle":
        return [(root, None)]
    found = []
    for entry in root.get("entry", []) if isinstance(root.get("entry"), list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
            full_url = entry.get("fullUrl")
            found.append((entry["resource"], full_url if isinstance(full_url, str) else None))
    return found


def _ods_systems(data: Any) -> int:
    """Rewrite the ODS system in its other case to the NHS's own, everywhere; how many were."""
    count = 0
    if isinstance(data, dict):
        system = data.get("system")
        if isinstance(system, str) and system in ODS_SYSTEMS and system != ODS_SYSTEM:
            data["system"] = ODS_SYSTEM
            count += 1
        for value in data.values():
            count += _ods_systems(value)
    elif isinstance(data, list):
        for value in data:
            count += _ods_systems(value)
    return count


def normalise(root: FhirJson) -> tuple[FhirJson, list[Issue]]:
    """A copy of ``root`` read as R4 allows it to be written (see the module docstring)."""
    data = copy.deepcopy(root)
    notes: list[Issue] = []
    for i, (resource, full_url) in enumerate(_entries(data)):
        if "id" not in resource and full_url and full_url.startswith("urn:uuid:"):
            resource["id"] = full_url.removeprefix("urn:uuid:")
            notes.append(
                Issue(
                    "information",
                    "informational",
                    "fhir.id-from-full-url",
                    f"the resource has no id: its fullUrl {full_url!r} gives it",
                    f"Bundle.entry[{i}].fullUrl",
                )
            )
    if _ods_systems(data):
        notes.append(
            Issue(
                "information",
                "informational",
                "fhir.ods-system-case",
                f"ODS codes written under another case of the ODS system were read as {ODS_SYSTEM}",
                "Bundle" if data.get("resourceType") == "Bundle" else str(data.get("resourceType")),
            )
        )
    notes += _organisations_by_code(data)
    return data, notes


def _ods_references(data: Any, path: str) -> Iterator[tuple[str, str, str | None]]:
    """(FHIRPath, ODS code, display) of every reference by ODS identifier only."""
    if isinstance(data, dict):
        identifier = data.get("identifier")
        if (
            "reference" not in data
            and isinstance(identifier, dict)
            and identifier.get("system") == ODS_SYSTEM
        ):
            code, display = identifier.get("value"), data.get("display")
            if isinstance(code, str) and is_valid_ods_code(code):
                yield path, code, display if isinstance(display, str) else None
        for key, value in data.items():
            if key not in ("contained", "resource"):
                yield from _ods_references(value, f"{path}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _ods_references(value, f"{path}[{i}]")


def _organisations_by_code(data: FhirJson) -> list[Issue]:
    """An organisation the plan names by ODS code alone, and the input does not hold, is added as an
    Organization with that code and the reference's display (nothing else is known of it), so that the
    reference resolves (R4 Reference.identifier) and the record names the organisation by its code."""
    resources = [r for r, _ in _entries(data)]
    resources += [c for r in list(resources) for c in r.get("contained", []) if isinstance(c, dict)]
    held = {
        i.get("value")
        for r in resources
        if r.get("resourceType") == "Organization"
        for i in r.get("identifier", [])
        if isinstance(i, dict) and i.get("system") == ODS_SYSTEM
    }
    notes: list[Issue] = []
    for index, (resource, _) in enumerate(_entries(data)):
        where = (
            f"Bundle.entry[{index}].resource"
            if data.get("resourceType") == "Bundle"
            else str(resource["resourceType"])
        )
        for path, code, display in _ods_references(resource, where):
            if code in held:
                continue
            held.add(code)
            organisation: FhirJson = {
                "resourceType": "Organization",
                "id": f"ods-{code}",
                "identifier": [{"system": ODS_SYSTEM, "value": code}],
                "name": display or f"Organisation {code}",
            }
            if data.get("resourceType") == "Bundle":
                data.setdefault("entry", []).append(
                    {"fullUrl": f"urn:careplan-import:ods:{code}", "resource": organisation}
                )
            else:
                data.setdefault("contained", []).append(organisation)
            notes.append(
                Issue(
                    "information",
                    "informational",
                    "fhir.organisation-by-code",
                    f"organisation {code} is named only by its ODS code here: carried by its code"
                    + (f" and the display {display!r}" if display else ""),
                    path,
                )
            )
    return notes


# 4. fill -----------------------------------------------------------------------------------------
class _Gaps:
    """What the record needs and the plan did not say: filled as not stated, counted for review."""

    def __init__(self, imp: Import) -> None:
        self.imp = imp
        self.counts: Counter[str] = Counter()
        self.where: dict[str, str] = {}

    def fill(self, out: FhirJson, canonical: str, field: str, value: Any) -> None:
        if field in out and out[field] not in (None, [], ""):
            return
        out[field] = value
        self.note(f"{canonical}.{field}")

    def note(self, path: str) -> None:
        pattern = re.sub(r"\[\d+\]", "[*]", path)
        self.counts[pattern] += 1
        self.where.setdefault(
            pattern, self.imp.where.get(path, self.imp.where.get(path.rsplit(".", 1)[0], ""))
        )

    def findings(self) -> list[str]:
        lines = []
        for pattern, count in self.counts.items():
            times = f" ({count} times)" if count > 1 else ""
            looked = f" (looked for at {self.where[pattern]})" if self.where.get(pattern) else ""
            lines.append(f"{pattern}: not stated{times}; nothing in the source says it{looked}")
        return lines


def _fill(record: FhirJson, imp: Import, gaps: _Gaps, plan_target: Target) -> None:
    user = record.setdefault("service_user", {})
    if not user.get("nhs_number"):
        # A subject outside the input named by NHS number (a logical reference): the number is kept.
        subject = plan_target.resource.get("subject")
        identifier = subject.get("identifier") if isinstance(subject, dict) else None
        number = identifier.get("value") if isinstance(identifier, dict) else None
        system = identifier.get("system") if isinstance(identifier, dict) else None
        if system == NHS_NUMBER_SYSTEM and isinstance(number, str) and is_valid_nhs_number(number):
            user["nhs_number"] = number
            imp.tracker.mark(f"{plan_target.path}.subject.identifier")
    for field in ("name", "birth_date"):
        if field not in user:
            gaps.note(f"service_user.{field}")
    gaps.fill(user, "service_user", "gender", "unknown")

    plan = record["plan"]
    gaps.fill(plan, "plan", "id", "imported-plan")
    gaps.fill(plan, "plan", "status", "unknown")
    gaps.fill(plan, "plan", "kind", NOT_STATED)
    gaps.fill(plan, "plan", "tier", NOT_STATED)
    for field in ("created", "start"):
        if field not in plan:
            gaps.note(f"plan.{field}")
    domain = imp.plan_domain or NOT_STATED
    for kind in ("needs", "goals"):
        for i, part in enumerate(plan.get(kind, [])):
            gaps.fill(part, f"plan.{kind}[{i}]", "domain", domain)
            gaps.fill(part, f"plan.{kind}[{i}]", "description", "Not stated")
    for i, action in enumerate(plan.get("actions", [])):
        where = f"plan.actions[{i}]"
        gaps.fill(action, where, "domain", domain)
        gaps.fill(action, where, "description", "Not stated")
        gaps.fill(action, where, "status", "unknown")
        gaps.fill(action, where, "responsible_role", NOT_STATED)
        gaps.fill(action, where, "responsible_organisation", ODS_NOT_STATED)
    for i, intervention in enumerate(plan.get("interventions", [])):
        where = f"plan.interventions[{i}]"
        gaps.fill(intervention, where, "status", "unknown")
        gaps.fill(intervention, where, "tier", NOT_STATED)
        gaps.fill(intervention, where, "modality", NOT_STATED)
        gaps.fill(intervention, where, "provider", ODS_NOT_STATED)
    for i, member in enumerate(record.get("care_team", [])):
        where = f"care_team[{i}]"
        gaps.fill(member, where, "roles", [NOT_STATED])
        gaps.fill(member, where, "organisation", ODS_NOT_STATED)
        if "name" not in member:
            gaps.note(f"{where}.name")
    for i, organisation in enumerate(record.get("organisations", [])):
        gaps.fill(organisation, f"organisations[{i}]", "kind", NOT_STATED)
        gaps.fill(organisation, f"organisations[{i}]", "name", "Name not stated")
    _organisation_not_stated(record, gaps)


def _organisation_not_stated(record: FhirJson, gaps: _Gaps) -> None:
    """Organisations without an ODS code are not carried (the record keys organisations by ODS code):
    what referred to one refers to the one "organisation not stated", which is added when needed."""
    organisations = record.setdefault("organisations", [])
    kept = [o for o in organisations if isinstance(o.get("ods_code"), str)]
    record["organisations"] = kept
    needed = len(kept) < len(organisations) or not kept or _refers_to_not_stated(record)
    if needed and not any(o.get("ods_code") == ODS_NOT_STATED for o in kept):
        kept.append(dict(NOT_STATED_ORGANISATION))
        gaps.note("organisations[*].ods_code")


def _refers_to_not_stated(data: Any) -> bool:
    if isinstance(data, dict):
        return any(_refers_to_not_stated(v) for v in data.values())
    if isinstance(data, list):
        return any(_refers_to_not_stated(v) for v in data)
    return bool(data == ODS_NOT_STATED)


def _organisations_without_ods(imp: Import) -> list[Issue]:
    issues = []
    for target in imp.resolver.of_type("Organization"):
        identifiers = target.resource.get("identifier")
        listed = identifiers if isinstance(identifiers, list) else []
        if not any(isinstance(i, dict) and i.get("system") == ODS_SYSTEM for i in listed):
            name = target.resource.get("name", "(no name)")
            issues.append(
                Issue.warning(
                    "not-supported",
                    "fhir.organisation-without-ods",
                    f"Organization {name!r} has no ODS code: the record keys organisations by ODS code, so "
                    "it is carried as 'organisation not stated'",
                    target.path,
                )
            )
    return issues


# the import --------------------------------------------------------------------------------------
def _history(resolver: Resolver, plan: Target) -> list[Issue]:
    return [
        Issue(
            "information",
            "informational",
            "fhir.plan-history",
            f"{describe(earlier)} is the plan's history ({link.rsplit('.', 1)[-1]}), not imported as current",
            link,
        )
        for link, earlier in history(resolver, plan)
    ]


def import_plan(
    bundle_or_resource: FhirJson,
    *,
    plan_id: str | None = None,
    as_of: date | None = None,
    source: str | None = None,
    terminology: Terminology | None = None,
) -> ImportResult:
    """The canonical record of the CarePlan in ``bundle_or_resource``, which any system may have written.

    Raises InvalidFhir (an OperationOutcome, each issue at its FHIRPath) when there is no plan, when
    several could be meant and none is named, or when carrying the plan would change its meaning.
    """
    if not isinstance(bundle_or_resource, dict) or "resourceType" not in bundle_or_resource:
        raise InvalidFhir(
            OperationOutcome.of(
                [
                    Issue.error(
                        "structure",
                        "fhir.not-a-resource",
                        "expected a FHIR resource or Bundle (a JSON object with resourceType)",
                        "Resource",
                    )
                ]
            )
        )
    data, notes = normalise(bundle_or_resource)
    resolver = Resolver(data)
    plans = resolver.of_type("CarePlan")
    if not plans:
        where = "Bundle.entry" if resolver.is_bundle else str(data["resourceType"])
        raise InvalidFhir(
            OperationOutcome.of(
                [Issue.error("required", "fhir.no-care-plan", "the input holds no CarePlan to import", where)]
            )
        )
    plan = choose_plan(plans, plan_id, as_of)
    imp = Import(resolver, terminology or Terminology.default(), foreign=True)
    record = assemble(imp, plan)
    gaps = _Gaps(imp)
    _fill(record, imp, gaps, plan)
    findings = gaps.findings()
    if findings:
        review: FhirJson = {"findings": findings}
        if source:
            review["source"] = source
        record["plan"]["import_review"] = review
    mapped = load(imp, record)
    history_paths = {issue.expression for issue in _history(resolver, plan)}
    reported = [
        issue
        for issue in _graded(unmapped(imp))
        if not (
            issue.message_id == "fhir.resource-unmapped" and _is_history(issue, resolver, plan, history_paths)
        )
    ]
    return ImportResult(
        mapped, [*notes, *_history(resolver, plan), *_organisations_without_ods(imp), *reported]
    )


def _is_history(issue: Issue, resolver: Resolver, plan: Target, links: set[str | None]) -> bool:
    return any(issue.expression == earlier.path for _, earlier in history(resolver, plan))


def read_plan(
    bundle_or_resource: FhirJson,
    *,
    plan_id: str | None = None,
    as_of: date | None = None,
    source: str | None = None,
    terminology: Terminology | None = None,
) -> ImportResult:
    """The one way FHIR becomes a record (the command line's reader, the REST facade): a plan of our
    profile is read strictly (:func:`adapter.fhir.from_fhir`: lossless, every gap an error); any other
    plan is imported (:func:`import_plan`: gaps not stated, for review)."""
    if isinstance(bundle_or_resource, dict) and "resourceType" in bundle_or_resource:
        plans = Resolver(bundle_or_resource).of_type("CarePlan")
        chosen = choose_plan(plans, plan_id, as_of) if plans else None
        if chosen is not None and is_ours(chosen):
            named = chosen.resource.get("id")
            mapped = from_fhir(
                bundle_or_resource, terminology, plan_id=named if isinstance(named, str) else plan_id
            )
            return ImportResult(mapped.record, _graded(mapped.unmapped))
    return import_plan(
        bundle_or_resource, plan_id=plan_id, as_of=as_of, source=source, terminology=terminology
    )
