"""The parts of the plan kept in their own resources: Goal, Condition, EpisodeOfCare, Consent, Provenance."""

from __future__ import annotations

from typing import Any

from adapter.fhir.extensions import EPISODE_EXTENSIONS, GOAL_MILESTONE
from adapter.fhir.from_fhir.context import Import, concept_text, day, period_day, values_of
from adapter.fhir.from_fhir.extensions import ExtensionReader
from adapter.fhir.from_fhir.node import Node
from adapter.fhir.from_fhir.parties import Parties, local_id
from adapter.fhir.references import Target
from adapter.model.codes import ConsentPurpose, Domain, DomainArea
from adapter.types import FhirJson
from adapter.urls import PROVENANCE_PROFILE as HANDOVER_PROVENANCE_PROFILE
from adapter.urls import extension_url, profile_url

GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
PROBLEM_MAP = "snomed-problem-to-domain"


def _domain_and_area(imp: Import, node: Node, out: FhirJson, canonical: str) -> None:
    codings = [c for category in node.children("category") for c in category.children("coding")]
    areas = values_of(DomainArea)
    imp.put(out, canonical, "domain", imp.code_in(codings, Domain, others=areas), f"{node.path}.category")
    area_codings = [c for c in codings if str(c.data.get("code")) in areas]
    imp.put(out, canonical, "area", imp.code_in(area_codings, DomainArea), f"{node.path}.category")


class Parts:
    """Goals and needs, each mapped once, in the order the plan lists them."""

    def __init__(self, imp: Import, parties: Parties) -> None:
        self.imp = imp
        self.parties = parties
        self.goals: list[FhirJson] = []
        self.needs: list[FhirJson] = []
        self._goal_ids: dict[int, str | None] = {}
        self._need_ids: dict[int, str | None] = {}

    def goal_ref(self, reference: Node | None, source: Target) -> str | None:
        target = self.imp.resolve(reference, source, ("Goal",))
        return None if target is None else self.goal(target)

    def need_ref(self, reference: Node | None, source: Target) -> str | None:
        target = self.imp.resolve(reference, source, ("Condition",))
        return None if target is None else self.need(target)

    def _begin(
        self, target: Target, ids: dict[int, str | None], parts: list[FhirJson], field: str, kind: str
    ) -> tuple[Node, str, FhirJson, str | None]:
        """Start reading one Goal or Condition into a new entry of ``plan.<field>``: remember where
        it came from and its local id (so each resource is read once), and read its id and subject."""
        imp = self.imp
        node = imp.node(target)
        canonical = f"plan.{field}[{len(parts)}]"
        imp.where[canonical] = node.path
        out: FhirJson = {}
        parts.append(out)
        part_id = local_id(node, kind)
        ids[id(target)] = part_id
        if not imp.foreign or imp.resolve(node.child("subject"), target, ("Patient",)) is not None:
            node.take("subject")
        imp.put(out, canonical, "id", part_id, f"{node.path}.identifier")
        return node, canonical, out, part_id

    def goal(self, target: Target) -> str | None:
        if id(target) in self._goal_ids:
            return self._goal_ids[id(target)]
        imp = self.imp
        node, canonical, out, goal_id = self._begin(target, self._goal_ids, self.goals, "goals", "Goal")
        _domain_and_area(imp, node, out, canonical)
        # Goal.description is a CodeableConcept: its text, else (a coded goal) a coding's display.
        imp.put(
            out, canonical, "description", concept_text(node.child("description")), f"{node.path}.description"
        )
        imp.put(out, canonical, "status", node.value("lifecycleStatus"), f"{node.path}.lifecycleStatus")
        achievement = node.child("achievementStatus")
        progress = None
        for coding in achievement.children("coding") if achievement else []:
            if coding.data.get("system") == GOAL_ACHIEVEMENT:
                coding.take("system", "display")
                progress = coding.value("code")
        imp.put(out, canonical, "progress", progress, f"{node.path}.achievementStatus")
        imp.put(out, canonical, "start", node.value("startDate"), f"{node.path}.startDate")
        targets = node.children("target")
        if targets:
            imp.put(out, canonical, "target_date", targets[0].value("dueDate"), f"{targets[0].path}.dueDate")
        ExtensionReader(imp, self.parties, target).complex(node, GOAL_MILESTONE, out, canonical)
        if imp.foreign:
            # A measured target (an HbA1c below 7 %) has no canonical field: it is kept as a milestone
            # in words, and the measure itself stays unread, so its loss is reported.
            words = [m for m in (_target_words(t) for t in targets) if m]
            milestones = out.setdefault("milestones", [])
            milestones += [
                {"description": text, "due": due} if due else {"description": text} for text, due in words
            ]
            if not milestones:
                del out["milestones"]
        notes: list[FhirJson] = []
        for note in node.children("note"):
            where = f"{canonical}.progress_notes[{len(notes)}]"
            imp.where[where] = note.path
            written: FhirJson = {}
            imp.put(
                written,
                where,
                "recorded_on",
                day(note.value("time"), f"{note.path}.time", imp),
                f"{note.path}.time",
            )
            imp.put(written, where, "text", note.value("text"), f"{note.path}.text")
            imp.put(
                written,
                where,
                "author",
                self.parties.member_ref(note.child("authorReference"), target),
                f"{note.path}.authorReference",
            )
            notes.append(written)
        imp.put(out, canonical, "progress_notes", notes, f"{node.path}.note")
        addresses = [self.need_ref(ref, target) for ref in node.children("addresses")]
        imp.put(out, canonical, "addresses", [a for a in addresses if a], f"{node.path}.addresses")
        return goal_id

    def need(self, target: Target) -> str | None:
        if id(target) in self._need_ids:
            return self._need_ids[id(target)]
        imp = self.imp
        node, canonical, out, need_id = self._begin(target, self._need_ids, self.needs, "needs", "Condition")
        imp.fixed_all(node.children("category"), "need-category")
        clinical = node.child("clinicalStatus")
        imp.fixed(clinical, "need-clinical-status")
        _domain_and_area(imp, node, out, canonical)
        code = node.child("code")
        if code is not None:
            if "domain" not in out:
                for coding in code.children("coding"):
                    domain = imp.terminology.maps[PROBLEM_MAP].translate(str(coding.data.get("code")))
                    if coding.data.get("system") == imp.terminology.maps[PROBLEM_MAP].source and domain:
                        coding.take()
                        out["domain"] = domain["code"]
                        break
            text = code.value("text")
            if text is None:
                for coding in code.children("coding"):
                    text = coding.data.get("display")
                    if text:
                        coding.take()
                        break
            imp.put(out, canonical, "description", text, f"{code.path}.text")
        else:
            imp.where[f"{canonical}.description"] = f"{node.path}.code"
        if imp.foreign and "description" in out:
            out["description"] += _statuses_in_words(node)
        imp.put(
            out,
            canonical,
            "assessed_on",
            day(node.value("recordedDate"), f"{node.path}.recordedDate", imp),
            f"{node.path}.recordedDate",
        )
        immediate = node.ext_value(extension_url("immediate-need"), "valueBoolean")
        imp.put(out, canonical, "immediate", immediate, node.ext_path(extension_url("immediate-need")))
        return need_id


def episode(imp: Import, parties: Parties, target: Target) -> FhirJson:
    node = imp.node(target)
    imp.where["episode"] = node.path
    node.take("patient")
    for team in node.children("team"):
        # The episode's team is the plan's care team, carried as the record's members; a team that is
        # not in the input (or a broken reference) is reported, never passed over.
        if imp.resolve(team, target, ("CareTeam",)) is not None:
            team.take()
    out: FhirJson = {}
    imp.put(out, "episode", "id", local_id(node, "EpisodeOfCare"), f"{node.path}.identifier")
    imp.put(
        out,
        "episode",
        "provider",
        parties.organisation_ref(node.child("managingOrganization"), target),
        f"{node.path}.managingOrganization",
    )
    imp.put(out, "episode", "status", node.value("status"), f"{node.path}.status")
    period = node.child("period")
    imp.put(out, "episode", "start", period_day(period, "start", imp), f"{node.path}.period.start")
    imp.put(out, "episode", "end", period_day(period, "end", imp), f"{node.path}.period.end")
    source = node.extension(extension_url("referral-source"))
    if source is not None:
        imp.put(
            out,
            "episode",
            "referral_source",
            parties.organisation_ref(source.child("valueReference"), target),
            f"{source.path}.valueReference",
        )
    imp.put(
        out,
        "episode",
        "triage_date",
        node.ext_value(extension_url("triage-date"), "valueDate"),
        node.ext_path(extension_url("triage-date")),
    )
    ExtensionReader(imp, parties, target).read(node, EPISODE_EXTENSIONS, out, "episode")
    return out


def _decision(imp: Import, provision: Node, canonical: str) -> str | None:
    """The client's decision, from ``provision.type``: permit or deny, said outright. A refusal must
    never become a permission (hazard H-12): a provision that does not say which, or one that nests
    further provisions (which may deny at any depth; the canonical record keeps one decision per
    consent), is an error naming the element, and the plan is not imported."""
    for nested in provision.children("provision"):
        kinds = _nested_types(nested.data)
        imp.error(
            "not-supported",
            "fhir.consent-nested-provision",
            f"a nested provision ({' and '.join(sorted(kinds)) or 'no type'}) cannot be kept as one "
            f"decision: the consent is not imported rather than read as "
            f"{'a permission' if 'deny' in kinds else 'broader than it is'}",
            nested.path,
        )
    kind = provision.data.get("type")
    imp.where[f"{canonical}.decision"] = f"{provision.path}.type"
    if isinstance(kind, str) and kind in {"permit", "deny"}:  # damaged input may hold any JSON here
        provision.take("type")
        return str(kind)
    imp.error(
        "required",
        "fhir.consent-provision-type",
        f"the consent's provision.type is {kind!r}: it must say permit or deny, or a refusal could be "
        f"read as a consent",
        f"{provision.path}.type",
    )
    return None


def _nested_types(provision: Any) -> set[str]:
    """Every provision.type in ``provision`` and the provisions nested in it, at any depth."""
    if not isinstance(provision, dict):
        return set()
    found = {str(provision["type"])} if "type" in provision else set()
    for nested in provision.get("provision") or []:
        found |= _nested_types(nested)
    return found


def consent(
    imp: Import, parties: Parties, target: Target, canonical: str, client: Target | None = None
) -> FhirJson:
    """The canonical consent in ``target``. A consent about another person than ``client`` (the
    plan's subject) covers nothing of this client: an error naming Consent.patient (hazard H-14)."""
    node = imp.node(target)
    imp.where[canonical] = node.path
    patient = node.child("patient")
    about = imp.resolve(patient, target, ("Patient",)) if patient is not None else None
    if client is not None and about is not client:
        imp.error(
            "invariant",
            "fhir.consent-other-patient",
            "the consent is about another patient than the care plan's subject: it covers nothing of "
            "this client",
            f"{node.path}.patient",
        )
    node.take("patient")
    imp.fixed(node.child("scope"), "consent-scope")
    imp.fixed_all(node.children("category"), "consent-category")
    imp.fixed(node.child("policyRule"), "consent-policy-rule")
    out: FhirJson = {}
    imp.put(out, canonical, "id", local_id(node, "Consent"), f"{node.path}.identifier")
    imp.put(out, canonical, "status", node.value("status"), f"{node.path}.status")
    imp.put(
        out,
        canonical,
        "signed_on",
        day(node.value("dateTime"), f"{node.path}.dateTime", imp),
        f"{node.path}.dateTime",
    )
    for performer in node.children("performer"):
        who = imp.resolve(performer, target, ("Patient", "PractitionerRole", "Practitioner"))
        if who is not None and who.resource_type != "Patient" and "recorded_by" not in out:
            imp.put(out, canonical, "recorded_by", parties.member(who), performer.path)
    provision = node.child("provision")
    organisations: list[str | None] = []
    purposes: list[str | None] = []
    if provision is not None:
        imp.put(out, canonical, "decision", _decision(imp, provision, canonical), f"{provision.path}.type")
        period = provision.child("period")
        if period is not None:
            imp.put(out, canonical, "start", period.value("start"), f"{period.path}.start")
            imp.put(out, canonical, "end", period.value("end"), f"{period.path}.end")
        for actor in provision.children("actor"):
            imp.fixed(actor.child("role"), "consent-recipient-role")
            organisations.append(parties.organisation_ref(actor.child("reference"), target))
        purposes = [imp.coding(p, ConsentPurpose) for p in provision.children("purpose")]
    if "start" not in out:
        imp.where[f"{canonical}.start"] = f"{node.path}.provision.period.start"
    imp.put(out, canonical, "organisations", [o for o in organisations if o], f"{node.path}.provision.actor")
    imp.put(out, canonical, "purposes", [p for p in purposes if p], f"{node.path}.provision.purpose")
    return out


def _profiles(resource: FhirJson) -> list[object]:
    meta = resource.get("meta")
    profiles = meta.get("profile") if isinstance(meta, dict) else None
    return profiles if isinstance(profiles, list) else []


def recorded_at(imp: Import, plan: Target) -> str | None:
    """When the holding system recorded the plan: the Provenance that targets the CarePlan.

    A handover message holds a second Provenance that targets the plan - the sender's signature over
    the message, recorded when the message was built (profile HandoverProvenance). It attests the
    message, not the plan's recording: read as the plan's version it would make a re-sent old plan
    look newer than the plan it should never replace (hazard H-01). A Provenance carrying our plan
    profile is chosen first; a signature Provenance is never the plan's."""
    provenances = [
        target
        for target in imp.resolver.of_type("Provenance")
        if HANDOVER_PROVENANCE_PROFILE not in _profiles(target.resource)
    ]
    provenances.sort(key=lambda target: profile_url("Provenance") not in _profiles(target.resource))
    for target in provenances:
        targets = target.resource.get("target")
        refs = (
            [t.get("reference") for t in targets if isinstance(t, dict)] if isinstance(targets, list) else []
        )
        if any(isinstance(r, str) and imp.resolver.resolve(r, target) is plan for r in refs):
            node = imp.node(target)
            node.take("target")
            for agent in node.children("agent"):
                # Who recorded the plan: the plan's author or its holding organisation, both in the
                # record. An agent that is not in the input is reported.
                if imp.resolve(
                    agent.child("who"), target, ("PractitionerRole", "Practitioner", "Organization")
                ):
                    agent.take("who")
                    imp.fixed(agent.child("type"), "provenance-author")
            imp.where["recorded_at"] = f"{node.path}.recorded"
            value = node.value("recorded")
            return value if isinstance(value, str) else None
    return None


def _target_words(target: Node) -> tuple[str, str | None] | None:
    """A Goal.target in words (its measure and detail), with its due date; None when it has neither."""
    data = target.data
    measure = data.get("measure")
    what = None
    if isinstance(measure, dict):
        what = measure.get("text") or next(
            (c.get("display") for c in measure.get("coding", []) if isinstance(c, dict) and c.get("display")),
            None,
        )
    detail = next((value for key, value in data.items() if key.startswith("detail")), None)
    detail_words: str | None = None
    if isinstance(detail, dict):
        detail_words = _quantity_words(detail)
    elif detail is not None:
        detail_words = str(detail)
    if what is None and detail_words is None:
        return None
    text = f"Target: {what or 'measure not stated'}" + (f" {detail_words}" if detail_words else "")
    due = data.get("dueDate")
    return text, due if isinstance(due, str) else None


def _quantity_words(detail: FhirJson) -> str:
    """A Quantity, Range, Ratio or CodeableConcept target detail, as written."""
    if "low" in detail or "high" in detail:
        low, high = detail.get("low", {}), detail.get("high", {})
        return f"from {_quantity_words(low) if low else '-'} to {_quantity_words(high) if high else '-'}"
    if "value" in detail:
        return " ".join(str(p) for p in (detail.get("comparator"), detail["value"], detail.get("unit")) if p)
    if "text" in detail:
        return str(detail["text"])
    return ", ".join(
        str(c.get("display") or c.get("code")) for c in detail.get("coding", []) if isinstance(c, dict)
    )


# Condition statuses (R4 modifiers) that another system's need may carry and the record says in
# words beside the description; refuted and entered-in-error are not carried (the import refuses
# them: adapter.fhir.from_fhir.meaning), so a refuted problem is never imported as a need.
_NOT_CARRIED = frozenset({"refuted", "entered-in-error"})


def _statuses_in_words(node: Node) -> str:
    words = []
    for key, label in (("clinicalStatus", "clinical status"), ("verificationStatus", "verification")):
        concept = node.child(key)
        if concept is None:
            continue
        codes = [str(c.data.get("code")) for c in concept.children("coding")]
        if not codes or any(code in _NOT_CARRIED for code in codes):
            continue
        concept.take()
        if key != "clinicalStatus" or codes != ["active"]:
            words.append(f"{label}: {', '.join(codes)}")
    return f" ({'; '.join(words)})" if words else ""
