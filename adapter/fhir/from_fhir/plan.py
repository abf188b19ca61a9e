"""The CarePlan: its own facts (extensions), its activities, and the parts it points at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adapter.fhir.from_fhir.context import Import, day
from adapter.fhir.from_fhir.node import Node
from adapter.fhir.from_fhir.parties import Parties, local_id
from adapter.fhir.from_fhir.parts import Parts
from adapter.fhir.references import Target
from adapter.fhir.urls import extension_url
from adapter.model.codes import (
    ClosureKind,
    ClosureReason,
    CpaLevel,
    Domain,
    DrrKind,
    EngagementEvent,
    Modality,
    Phase,
    PlanKind,
    RiskArea,
    RiskLevel,
    Role,
    Tier,
    code_system_url,
)
from adapter.types import FhirJson

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

    def sub(self, ext: Node, name: str, key: str, out: FhirJson, canonical: str, field: str) -> None:
        """One sub-extension of a complex extension into ``out[field]``."""
        part = ext.extension(name)
        self.put(out, canonical, field, part.value(key) if part else None, _sub_path(ext, part, name))

    def sub_code(self, ext: Node, name: str, enum: Any, out: FhirJson, canonical: str, field: str) -> None:
        part = ext.extension(name)
        code = self.imp.coding(part.child("valueCoding"), enum) if part else None
        self.put(out, canonical, field, code, _sub_path(ext, part, name))

    def sub_member(self, ext: Node, name: str, out: FhirJson, canonical: str, field: str) -> None:
        part = ext.extension(name)
        if part is not None:
            self.put(
                out,
                canonical,
                field,
                self.parties.member_ref(part.child("valueReference"), self.target),
                part.path,
            )

    def complex_list(
        self, extension_id: str, canonical: str, read: Callable[[Node, FhirJson, str], None]
    ) -> list[FhirJson]:
        found: list[FhirJson] = []
        for ext in self.node.extensions(extension_url(extension_id)):
            where = f"{canonical}[{len(found)}]"
            self.imp.where[where] = ext.path
            out: FhirJson = {}
            read(ext, out, where)
            found.append(out)
        return found

    def complex_one(
        self, extension_id: str, canonical: str, read: Callable[[Node, FhirJson, str], None]
    ) -> FhirJson | None:
        found = self.complex_list(extension_id, canonical, read)
        if found:
            self.imp.where[canonical] = self.imp.where.pop(f"{canonical}[0]")
            return found[0]
        return None

    def ext_path(self, extension_id: str) -> str:
        """Where one of our extensions is on the CarePlan, or where it is missing from."""
        return self.node.ext_path(extension_url(extension_id))

    def code_ext(self, extension_id: str, enum: Any) -> str | None:
        ext = self.node.extension(extension_url(extension_id))
        return None if ext is None else self.imp.coding(ext.child("valueCoding"), enum)

    def read(self) -> FhirJson:
        imp, node, plan = self.imp, self.node, "plan"
        imp.where[plan] = node.path
        out: FhirJson = {}
        node.take("subject", "careTeam")
        if node.data.get("intent") == "plan":
            node.take("intent")
        imp.fixed_all(node.children("category"), "care-plan-category")
        self.put(out, plan, "id", local_id(node, "CarePlan"), f"{node.path}.identifier")
        self.put(
            out, plan, "kind", self.code_ext("care-plan-kind", PlanKind), self.ext_path("care-plan-kind")
        )
        self.put(out, plan, "status", node.value("status"), f"{node.path}.status")
        self.put(out, plan, "title", node.value("title"), f"{node.path}.title")
        phases = [
            imp.coding(ext.child("valueCoding"), Phase)
            for ext in node.extensions(extension_url("treatment-phase"))
        ]
        self.put(out, plan, "phases", phases, self.ext_path("treatment-phase"))
        self.put(out, plan, "tier", self.code_ext("treatment-tier", Tier), self.ext_path("treatment-tier"))
        self.put(
            out,
            plan,
            "created",
            day(node.value("created"), f"{node.path}.created", imp),
            f"{node.path}.created",
        )
        period = node.child("period")
        self.put(out, plan, "start", period.value("start") if period else None, f"{node.path}.period.start")
        self.put(out, plan, "end", period.value("end") if period else None, f"{node.path}.period.end")
        self.put(
            out,
            plan,
            "agreement",
            self.complex_one("service-user-agreement", "plan.agreement", self.agreement),
            self.ext_path("service-user-agreement"),
        )
        self.put(
            out,
            plan,
            "next_review_due",
            node.ext_value(extension_url("next-review-due"), "valueDate"),
            self.ext_path("next-review-due"),
        )
        self.put(
            out,
            plan,
            "author",
            self.parties.member_ref(node.child("author"), self.target),
            f"{node.path}.author",
        )
        self.put(
            out,
            plan,
            "assessments",
            self.complex_list("domain-assessment", "plan.assessments", self.assessment),
            self.ext_path("domain-assessment"),
        )
        for ref in node.children("addresses"):
            self.parts.need_ref(ref, self.target)
        for ref in node.children("goal"):
            self.parts.goal_ref(ref, self.target)
        self.activities(out)
        self.put(
            out,
            plan,
            "risk",
            self.complex_one("risk-assessment", "plan.risk", self.risk),
            self.ext_path("risk-assessment"),
        )
        for field, extension_id in (
            ("risk_management_plan", "risk-management-plan"),
            ("contingency_plan", "contingency-plan"),
            ("crisis_plan", "crisis-plan"),
        ):
            self.put(
                out,
                plan,
                field,
                node.ext_value(extension_url(extension_id), "valueString"),
                self.ext_path(extension_id),
            )
        self.put(
            out,
            plan,
            "complex_needs",
            node.ext_value(extension_url("complex-needs"), "valueBoolean"),
            self.ext_path("complex-needs"),
        )
        self.put(
            out,
            plan,
            "child_protection",
            self.complex_one("child-protection-concern", "plan.child_protection", self.concern),
            self.ext_path("child-protection-concern"),
        )
        self.put(
            out,
            plan,
            "external_coordination",
            self.complex_one("external-coordination", "plan.external_coordination", self.coordination),
            self.ext_path("external-coordination"),
        )
        self.put(
            out,
            plan,
            "reviews",
            self.complex_list("care-plan-review", "plan.reviews", self.review),
            self.ext_path("care-plan-review"),
        )
        self.put(
            out,
            plan,
            "engagement",
            self.complex_list("engagement-event", "plan.engagement", self.engagement),
            self.ext_path("engagement-event"),
        )
        self.put(
            out,
            plan,
            "closure",
            self.complex_one("closure", "plan.closure", self.closure),
            self.ext_path("closure"),
        )
        notes = [note.value("text") for note in node.children("note")]
        self.put(out, plan, "notes", notes, f"{node.path}.note")
        return out

    # Complex extensions ----------------------------------------------------------------------
    def agreement(self, ext: Node, out: FhirJson, where: str) -> None:
        self.sub(ext, "agreed", "valueDate", out, where, "agreed_on")
        self.sub(ext, "signedByServiceUser", "valueBoolean", out, where, "signed_by_service_user")
        self.sub(ext, "serviceUserSigned", "valueDate", out, where, "service_user_signed_on")
        self.sub(ext, "signedByKeyworker", "valueBoolean", out, where, "signed_by_keyworker")
        self.sub(ext, "keyworkerSigned", "valueDate", out, where, "keyworker_signed_on")

    def assessment(self, ext: Node, out: FhirJson, where: str) -> None:
        self.sub_code(ext, "domain", Domain, out, where, "domain")
        self.sub(ext, "assessed", "valueDate", out, where, "assessed_on")
        self.sub(ext, "summary", "valueString", out, where, "summary")

    def risk(self, ext: Node, out: FhirJson, where: str) -> None:
        self.sub(ext, "assessed", "valueDate", out, where, "assessed_on")
        self.sub_code(ext, "level", RiskLevel, out, where, "level")
        areas = [self.imp.coding(area.child("valueCoding"), RiskArea) for area in ext.extensions("area")]
        self.put(out, where, "areas", areas, f"{ext.path}.extension")
        self.sub(ext, "summary", "valueString", out, where, "summary")
        self.sub(ext, "significantImmediateRisk", "valueBoolean", out, where, "significant_immediate_risk")
        self.sub_code(ext, "overdoseRiskOnRelease", RiskLevel, out, where, "overdose_risk_on_release")

    def concern(self, ext: Node, out: FhirJson, where: str) -> None:
        self.sub(ext, "raised", "valueDate", out, where, "raised_on")
        self.sub(ext, "summary", "valueString", out, where, "summary")
        self.sub(ext, "inRiskManagementPlan", "valueBoolean", out, where, "in_risk_management_plan")
        self.sub_member(ext, "forumAttendedBy", out, where, "forum_attended_by")

    def coordination(self, ext: Node, out: FhirJson, where: str) -> None:
        self.sub_code(ext, "cpaLevel", CpaLevel, out, where, "cpa_level")
        self.sub_code(ext, "drr", DrrKind, out, where, "drr")
        drr = ext.extension("drrPeriod")
        period = drr.child("valuePeriod") if drr else None
        if period is not None:
            self.put(out, where, "drr_start", period.value("start"), f"{period.path}.start")
            self.put(out, where, "drr_end", period.value("end"), f"{period.path}.end")
        self.sub(ext, "communityCareFunded", "valueBoolean", out, where, "community_care_funded")
        self.sub(ext, "careManagerCriteriaMet", "valueBoolean", out, where, "care_manager_criteria_met")
        self.sub(ext, "dipClient", "valueBoolean", out, where, "dip_client")
        self.sub(ext, "note", "valueString", out, where, "note")

    def review(self, ext: Node, out: FhirJson, where: str) -> None:
        self.sub(ext, "date", "valueDate", out, where, "date")
        self.sub(ext, "topCompleted", "valueBoolean", out, where, "top_completed")
        self.sub(ext, "outcome", "valueString", out, where, "outcome")
        self.sub(ext, "changesAgreed", "valueString", out, where, "changes_agreed")
        self.sub_member(ext, "reviewer", out, where, "reviewer")

    def engagement(self, ext: Node, out: FhirJson, where: str) -> None:
        self.sub(ext, "date", "valueDate", out, where, "date")
        self.sub_code(ext, "event", EngagementEvent, out, where, "event")
        self.sub(ext, "note", "valueString", out, where, "note")
        self.sub(ext, "reEngagementAction", "valueString", out, where, "re_engagement_action")

    def closure(self, ext: Node, out: FhirJson, where: str) -> None:
        self.sub_code(ext, "kind", ClosureKind, out, where, "kind")
        self.sub_code(ext, "reason", ClosureReason, out, where, "reason")
        self.sub(ext, "date", "valueDate", out, where, "date")
        destination = ext.extension("destination")
        if destination is not None:
            self.put(
                out,
                where,
                "destination",
                self.parties.organisation_ref(destination.child("valueReference"), self.target),
                destination.path,
            )
        self.sub(ext, "evidenceOnFile", "valueBoolean", out, where, "evidence_on_file")
        self.sub(ext, "note", "valueString", out, where, "note")

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
