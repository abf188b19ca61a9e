"""The CarePlan: its own facts (the extension table), its activities, and the parts it points at."""

from __future__ import annotations

from typing import Any

from adapter.fhir.extensions import PLAN_EXTENSIONS
from adapter.fhir.from_fhir.context import Import, day
from adapter.fhir.from_fhir.extensions import ExtensionReader
from adapter.fhir.from_fhir.node import Node
from adapter.fhir.from_fhir.parties import Parties, local_id
from adapter.fhir.from_fhir.parts import Parts
from adapter.fhir.references import Target
from adapter.model.codes import Domain, Modality, Role, Tier, code_system_url
from adapter.types import FhirJson
from adapter.urls import extension_url

MODALITY_MAP = "intervention-modality-to-snomed"


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
        node.take("subject", "careTeam")
        if node.data.get("intent") == "plan":
            node.take("intent")
        imp.fixed_all(node.children("category"), "care-plan-category")
        self.put(out, plan, "id", local_id(node, "CarePlan"), f"{node.path}.identifier")
        self.put(out, plan, "status", node.value("status"), f"{node.path}.status")
        self.put(out, plan, "title", node.value("title"), f"{node.path}.title")
        created = day(node.value("created"), f"{node.path}.created", imp)
        self.put(out, plan, "created", created, f"{node.path}.created")
        period = node.child("period")
        self.put(out, plan, "start", period.value("start") if period else None, f"{node.path}.period.start")
        self.put(out, plan, "end", period.value("end") if period else None, f"{node.path}.period.end")
        author = self.parties.member_ref(node.child("author"), self.target)
        self.put(out, plan, "author", author, f"{node.path}.author")
        # Needs and goals first, in the plan's order, so that activities find them known.
        for ref in node.children("addresses"):
            self.parts.need_ref(ref, self.target)
        for ref in node.children("goal"):
            self.parts.goal_ref(ref, self.target)
        ExtensionReader(imp, self.parties, self.target).read(node, PLAN_EXTENSIONS, out, plan)
        self.activities(out)
        self.put(
            out, plan, "notes", [note.value("text") for note in node.children("note")], f"{node.path}.note"
        )
        return out

    # Activities ------------------------------------------------------------------------------
    def activities(self, out: FhirJson) -> None:
        actions: list[FhirJson] = []
        interventions: list[FhirJson] = []
        for i, activity in enumerate(self.node.children("activity")):
            detail = activity.child("detail")
            if detail is None:
                continue
            kind = detail.ext_value(extension_url("activity-type"), "valueCode")
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

    def _common(self, detail: Node, out: FhirJson, where: str, local: str, path: str) -> list[Target]:
        self.imp.where[where] = path
        self.put(out, where, "id", local, f"{path}.id")
        self.put(out, where, "status", detail.value("status"), f"{detail.path}.status")
        self.put(out, where, "description", detail.value("description"), f"{detail.path}.description")
        goals = [self.parts.goal_ref(ref, self.target) for ref in detail.children("goal")]
        self.put(out, where, "goals", [g for g in goals if g], f"{detail.path}.goal")
        performers = []
        for ref in detail.children("performer"):
            found = self.imp.resolve(ref, self.target, ("Organization", "PractitionerRole", "Practitioner"))
            if found is not None:
                performers.append(found)
        return performers

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
        self.put(out, where, "domain", self.imp.code(detail.child("code"), Domain), f"{detail.path}.code")
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
        self.put(
            out, where, "due", scheduled.value("end") if scheduled else None, f"{detail.path}.scheduledPeriod"
        )
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
            self.put(out, where, "start", scheduled.value("start"), f"{scheduled.path}.start")
            self.put(out, where, "end", scheduled.value("end"), f"{scheduled.path}.end")
        product = detail.child("productCodeableConcept")
        amount = detail.child("dailyAmount")
        if product is not None or amount is not None:
            self.put(
                out,
                where,
                "prescribing",
                self.prescribing(detail, product, amount, f"{where}.prescribing"),
                f"{detail.path}.productCodeableConcept",
            )
        return out

    def prescribing(self, detail: Node, product: Node | None, amount: Node | None, where: str) -> FhirJson:
        out: FhirJson = {}
        self.put(
            out,
            where,
            "medicine",
            product.value("text") if product else None,
            f"{detail.path}.productCodeableConcept.text",
        )
        if amount is not None:
            # system and code restate the unit in UCUM
            amount.take("system", "code")
            dose: FhirJson = {}
            self.put(dose, f"{where}.daily_dose", "value", amount.value("value"), f"{amount.path}.value")
            unit = amount.data.get("unit") or amount.data.get("code")
            amount.take("unit")
            self.put(dose, f"{where}.daily_dose", "unit", unit, f"{amount.path}.unit")
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
