"""The CarePlan: its own facts (the extension table), its activities, and the parts it points at."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from adapter.fhir.extensions import PLAN_EXTENSIONS
from adapter.fhir.from_fhir.context import Import, concept_text, day, period_day
from adapter.fhir.from_fhir.extensions import ExtensionReader
from adapter.fhir.from_fhir.node import Node
from adapter.fhir.from_fhir.parties import Parties, local_id
from adapter.fhir.from_fhir.parts import Parts
from adapter.fhir.references import Target
from adapter.model.codes import Domain, Modality, Role, Tier, code_system_url
from adapter.types import FhirJson
from adapter.urls import extension_url

MODALITY_MAP = "intervention-modality-to-snomed"
DOMAIN_MAP = "snomed-to-care-plan-domain"


_STRENGTH = extension_url("dose-strength")


class PlanReader:
    """Maps one CarePlan resource to the canonical ``plan``."""

    def __init__(self, imp: Import, parties: Parties, parts: Parts, target: Target) -> None:
        self.imp = imp
        self.parties = parties
        self.parts = parts
        self.target = target
        self.node = imp.node(target)

    def put(self, out: FhirJson, canonical: str, field: str, value: Any, fhirpath: str) -> None:
        self.imp.put(out, canonical, field, value, fhirpath)

    def read(self) -> FhirJson:
        imp, node, plan = self.imp, self.node, "plan"
        imp.where[plan] = node.path
        out: FhirJson = {}
        if not imp.foreign:
            node.take("subject")  # ours always name the one service user; others' are resolved below
        # R4 CarePlan.intent is a modifier: "plan" is ours; "order" (a plan authorised to act on, as
        # Synthea and US Core write) does not change what the record says. Any other is left unread:
        # the import refuses it by name (adapter.fhir.from_fhir.meaning).
        if node.data.get("intent") == "plan" or (imp.foreign and node.data.get("intent") == "order"):
            node.take("intent")
        imp.fixed_all(node.children("category"), "care-plan-category")
        if imp.foreign:
            categories = [c for category in node.children("category") for c in category.children("coding")]
            imp.plan_domain = imp.infer(categories, DOMAIN_MAP)
        self.put(out, plan, "id", local_id(node, "CarePlan"), f"{node.path}.identifier")
        self.put(out, plan, "status", node.value("status"), f"{node.path}.status")
        self.put(out, plan, "title", node.value("title"), f"{node.path}.title")
        created = day(node.value("created"), f"{node.path}.created", imp)
        self.put(out, plan, "created", created, f"{node.path}.created")
        period = node.child("period")
        self.put(out, plan, "start", period_day(period, "start", imp), f"{node.path}.period.start")
        self.put(out, plan, "end", period_day(period, "end", imp), f"{node.path}.period.end")
        author = self.parties.member_ref(node.child("author"), self.target)
        self.put(out, plan, "author", author, f"{node.path}.author")
        # Needs and goals first, in the plan's order, so that activities find them known.
        for ref in node.children("addresses"):
            self.parts.need_ref(ref, self.target)
        for ref in node.children("goal"):
            self.parts.goal_ref(ref, self.target)
        ExtensionReader(imp, self.parties, self.target).read(node, PLAN_EXTENSIONS, out, plan)
        carried = self.activities(out)
        notes = [note.value("text") for note in node.children("note")]
        self.put(out, plan, "notes", [*notes, *carried], f"{node.path}.note")
        return out

    # Activities ------------------------------------------------------------------------------
    def activities(self, out: FhirJson) -> list[str]:
        """Actions and interventions into ``out``; returns, as readable text for the plan's notes, the
        activities no canonical field can hold (a reference to a MedicationRequest, ServiceRequest ...),
        which stay unread and so are reported as lost."""
        actions: list[FhirJson] = []
        interventions: list[FhirJson] = []
        carried: list[str] = []
        for i, activity in enumerate(self.node.children("activity")):
            detail = activity.child("detail")
            if detail is None:
                text = self._activity_text(activity)
                if text:
                    carried.append(text)
                continue
            kind = detail.ext_value(extension_url("activity-type"), "valueCode")
            if kind is None and self.imp.foreign:
                kind = "intervention" if self._modality_of(detail) else "action"
            if kind is None:
                kind = "action" if _has_system(detail, Domain) else "intervention"
            local = activity.value("id") or f"activity-{i + 1}"
            if kind == "action":
                where = f"plan.actions[{len(actions)}]"
                actions.append(self.action(detail, where, local, activity.path))
            else:
                where = f"plan.interventions[{len(interventions)}]"
                interventions.append(self.intervention(detail, where, local, activity.path))
        self.put(out, "plan", "actions", actions, f"{self.node.path}.activity")
        self.put(out, "plan", "interventions", interventions, f"{self.node.path}.activity")
        return carried

    def _modality_of(self, detail: Node) -> bool:
        """Whether an activity of another system's plan is coded as one of our modalities' concepts."""
        code = detail.data.get("code")
        codings = code.get("coding") if isinstance(code, dict) else None
        table = self.imp.terminology.maps[MODALITY_MAP]
        listed = codings if isinstance(codings, list) else []
        return any(
            isinstance(c, dict) and c.get("system") == table.target and table.reverse(str(c.get("code")))
            for c in listed
        )

    def _activity_text(self, activity: Node) -> str | None:
        """What an activity with no detail says, in words: the display of its reference, or what the
        resource it points at is called (a medicine, a service); None when it says nothing."""
        ref = activity.data.get("reference")
        if not isinstance(ref, dict):
            return None
        literal = ref.get("reference")
        target = self.imp.resolver.resolve(literal, self.target) if isinstance(literal, str) else None
        kind = target.resource_type if target else str(ref.get("type") or "activity")
        words = ref.get("display") or (_resource_words(target.resource) if target else None)
        return f"Activity ({kind}), not carried as an activity: {words or literal or 'no description'}"

    def _common(self, detail: Node, out: FhirJson, where: str, local: str, path: str) -> list[Target]:
        self.imp.where[where] = path
        self.put(out, where, "id", local, f"{path}.id")
        self.put(out, where, "status", detail.value("status"), f"{detail.path}.status")
        self.put(out, where, "description", self._description(detail), f"{detail.path}.description")
        goals = [self.parts.goal_ref(ref, self.target) for ref in detail.children("goal")]
        self.put(out, where, "goals", [g for g in goals if g], f"{detail.path}.goal")
        performers = []
        for ref in detail.children("performer"):
            found = self.imp.resolve(ref, self.target, ("Organization", "PractitionerRole", "Practitioner"))
            if found is not None:
                performers.append(found)
        return performers

    def _description(self, detail: Node) -> str | None:
        """The activity's description, else (display text for a coded activity) its code's text or the
        display of its first coding that has one."""
        described = detail.value("description")
        if isinstance(described, str) or not self.imp.foreign:
            return described if isinstance(described, str) else None
        return concept_text(detail.child("code"))

    def _performers(
        self,
        performers: list[Target],
        out: FhirJson,
        where: str,
        org_field: str,
        member_field: str,
        path: str,
    ) -> None:
        for found in performers:
            if found.resource_type == "Organization" and org_field not in out:
                self.put(out, where, org_field, self.parties.organisation(found), path)
            elif found.resource_type != "Organization" and member_field not in out:
                self.put(out, where, member_field, self.parties.member(found), path)
        self.imp.where.setdefault(f"{where}.{org_field}", path)

    def action(self, detail: Node, where: str, local: str, path: str) -> FhirJson:
        out: FhirJson = {}
        performers = self._common(detail, out, where, local, path)
        domain = self.imp.code(detail.child("code"), Domain)
        code = detail.child("code")
        if domain is None and self.imp.foreign and code is not None:
            domain = self.imp.infer(code.children("coding"), DOMAIN_MAP)
        self.put(out, where, "domain", domain, f"{detail.path}.code")
        role = detail.extension(extension_url("responsible-role"))
        self.put(
            out,
            where,
            "responsible_role",
            self.imp.coding(role.child("valueCoding"), Role) if role else None,
            detail.ext_path(extension_url("responsible-role")),
        )
        self._performers(
            performers,
            out,
            where,
            "responsible_organisation",
            "responsible_member",
            f"{detail.path}.performer",
        )
        scheduled = detail.child("scheduledPeriod")
        self.put(out, where, "due", period_day(scheduled, "end", self.imp), f"{detail.path}.scheduledPeriod")
        return out

    def intervention(self, detail: Node, where: str, local: str, path: str) -> FhirJson:
        out: FhirJson = {}
        performers = self._common(detail, out, where, local, path)
        self.put(
            out,
            where,
            "modality",
            self.imp.code(detail.child("code"), Modality, MODALITY_MAP),
            f"{detail.path}.code",
        )
        self.put(
            out,
            where,
            "tier",
            self._code_ext(detail, "treatment-tier", Tier),
            detail.ext_path(extension_url("treatment-tier")),
        )
        self.put(
            out,
            where,
            "referred_on",
            detail.ext_value(extension_url("referred-on"), "valueDate"),
            detail.ext_path(extension_url("referred-on")),
        )
        self._performers(performers, out, where, "provider", "keyworker", f"{detail.path}.performer")
        scheduled = detail.child("scheduledPeriod")
        if scheduled is not None:
            self.put(out, where, "start", period_day(scheduled, "start", self.imp), f"{scheduled.path}.start")
            self.put(out, where, "end", period_day(scheduled, "end", self.imp), f"{scheduled.path}.end")
        product = detail.child("productCodeableConcept")
        amount = detail.child("dailyAmount")
        if self.imp.foreign and amount is None:
            # No daily dose: no prescribing can be recorded (a dose is never guessed). The medicine is
            # kept as words in the description; the product stays unread, so its loss is reported.
            medicine = self._medicine(detail, product)
            if medicine:
                described = out.get("description")
                out["description"] = (
                    f"{described}; medicine: {medicine}" if described else f"Medicine: {medicine}"
                )
            return out
        if product is not None or amount is not None:
            self.put(
                out,
                where,
                "prescribing",
                self.prescribing(detail, product, amount, f"{where}.prescribing"),
                f"{detail.path}.productCodeableConcept",
            )
        return out

    def _medicine(self, detail: Node, product: Node | None) -> str | None:
        """The medicine's name without reading it: the product's text or a coding's display, or the
        Medication a productReference points at (its code's text or display)."""
        if product is not None:
            return concept_text(product, read=False)
        ref = detail.data.get("productReference")
        literal = ref.get("reference") if isinstance(ref, dict) else None
        target = self.imp.resolver.resolve(literal, self.target) if isinstance(literal, str) else None
        if target is not None and target.resource_type == "Medication":
            return _resource_words(target.resource)
        display = ref.get("display") if isinstance(ref, dict) else None
        return display if isinstance(display, str) else None

    def _strength(self, detail: Node) -> FhirJson | None:
        """The liquid's strength (extension dose-strength: a Ratio of mass to volume), as the canonical
        value per one unit of volume; a ratio it cannot read stays unread, and so is reported."""
        extension = detail.extension(_STRENGTH)
        ratio = extension.child("valueRatio") if extension is not None else None
        numerator = ratio.child("numerator") if ratio is not None else None
        denominator = ratio.child("denominator") if ratio is not None else None
        if numerator is None or denominator is None:
            return None
        mass, volume = numerator.data.get("unit"), denominator.data.get("unit")
        top, bottom = numerator.data.get("value"), denominator.data.get("value")
        if not (isinstance(mass, str) and isinstance(volume, str)):
            return None
        if not (isinstance(top, int | Decimal) and isinstance(bottom, int | Decimal)) or not bottom:
            return None
        for part in (numerator, denominator):
            part.value("value")
            part.value("unit")
            part.take("system", "code")
        value = top if bottom == 1 else Decimal(top) / Decimal(bottom)
        return {"value": value, "unit": f"{mass}/{volume}"}

    def prescribing(self, detail: Node, product: Node | None, amount: Node | None, where: str) -> FhirJson:
        out: FhirJson = {}
        medicine = product.value("text") if product else None
        if medicine is None and self.imp.foreign:
            medicine = concept_text(product) if product else self._medicine(detail, None)
        self.put(out, where, "medicine", medicine, f"{detail.path}.productCodeableConcept.text")
        if amount is not None:
            # system and code restate the unit in UCUM
            amount.take("system", "code")
            dose: FhirJson = {}
            self.put(dose, f"{where}.daily_dose", "value", amount.value("value"), f"{amount.path}.value")
            unit = amount.data.get("unit") or amount.data.get("code")
            amount.take("unit")
            self.put(dose, f"{where}.daily_dose", "unit", unit, f"{amount.path}.unit")
            strength = self._strength(detail)
            if strength is not None:
                self.put(dose, f"{where}.daily_dose", "strength", strength, detail.ext_path(_STRENGTH))
            self.put(out, where, "daily_dose", dose, amount.path)
        else:
            self.imp.where[f"{where}.daily_dose"] = f"{detail.path}.dailyAmount"
        self.put(
            out,
            where,
            "last_dose_at",
            detail.ext_value(extension_url("last-dose"), "valueDateTime"),
            detail.ext_path(extension_url("last-dose")),
        )
        self.put(
            out,
            where,
            "supervised_consumption",
            detail.ext_value(extension_url("supervised-consumption"), "valueBoolean"),
            detail.ext_path(extension_url("supervised-consumption")),
        )
        prescriber = detail.extension(extension_url("prescriber"))
        if prescriber is not None:
            self.put(
                out,
                where,
                "prescriber",
                self.parties.member_ref(prescriber.child("valueReference"), self.target),
                prescriber.path,
            )
        pharmacy = detail.extension(extension_url("dispensing-pharmacy"))
        if pharmacy is not None:
            self.put(
                out,
                where,
                "dispensing_pharmacy",
                self.parties.organisation_ref(pharmacy.child("valueReference"), self.target),
                pharmacy.path,
            )
        return out

    def _code_ext(self, node: Node, extension_id: str, enum: Any) -> str | None:
        ext = node.extension(extension_url(extension_id))
        return None if ext is None else self.imp.coding(ext.child("valueCoding"), enum)


def _has_system(detail: Node, enum: Any) -> bool:
    code = detail.child("code")
    codings = code.data.get("coding") if code is not None else None
    if not isinstance(codings, list):
        return False
    return any(isinstance(c, dict) and c.get("system") == code_system_url(enum) for c in codings)


def _sub_path(ext: Node, part: Node | None, name: str) -> str:
    return part.path if part is not None else f"{ext.path}.extension('{name}')"


def _resource_words(resource: FhirJson) -> str | None:
    """What a resource an activity points at is about, in words: its code (a Medication's, a
    ServiceRequest's) or a MedicationRequest's medicine, as text or a coding's display."""
    for key in ("code", "medicationCodeableConcept", "productCodeableConcept"):
        concept = resource.get(key)
        if isinstance(concept, dict):
            if isinstance(concept.get("text"), str):
                return str(concept["text"])
            for coding in concept.get("coding", []) if isinstance(concept.get("coding"), list) else []:
                if isinstance(coding, dict) and isinstance(coding.get("display"), str):
                    return str(coding["display"])
    return None
