"""CarePlan.text: the plan as a person reads it, generated from the canonical record.

Plain XHTML within FHIR's narrative rules (a ``div`` in the XHTML namespace, headings, paragraphs,
lists and tables; no scripts, styles or links). Every piece of text from the record is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape as _html_escape

from adapter.fhir.narrative_systems import contacts, mental_health, offender_management
from adapter.model.codes import Domain
from adapter.model.record import (
    CareTeamMember,
    ClientRecord,
    ImportReview,
    Intervention,
    TopOutcome,
)
from adapter.plain import (  # the words the narrative shares with the client's paper copy
    DOMAIN_HEADINGS,
    dose_amount,
    minute,
    supervision,
)
from adapter.plain import iso_day as _day
from adapter.plain import person as _name
from adapter.plain import person as person  # re-exported: the FHIR mapper names resources with it
from adapter.plain import words as _words
from adapter.plain import words as words  # re-exported, as person
from adapter.types import FhirJson

XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"


def escape(text: str) -> str:
    """Text content escaped as an XML serialiser writes it (quotes left alone: no attributes here),
    so the div survives JSON -> XML -> JSON unchanged."""
    return _html_escape(text, quote=False)


IMPORTED_FOR_REVIEW = "Imported for review"
"""The narrative row that says a plan came from a system that is not ours and must be reviewed."""


def _imported_for_review(review: ImportReview | None) -> list[tuple[str, str]]:
    if review is None:
        return []
    findings = "; ".join(review.findings)
    return [
        (IMPORTED_FOR_REVIEW, escape(f"{len(review.findings)} finding(s) a person must review: {findings}"))
    ]


def _li(items: Iterable[str]) -> str:
    rows = "".join(f"<li>{item}</li>" for item in items)
    return f"<ul>{rows}</ul>" if rows else ""


class _Plan:
    """Renders one record; the text pieces are escaped as they are taken from the record."""

    def __init__(self, record: ClientRecord) -> None:
        self.record = record
        self.members = {m.id: m for m in record.care_team}
        self.organisations = {o.ods_code: o.name for o in record.organisations}

    def who(self, member_id: str | None) -> str:
        member: CareTeamMember | None = self.members.get(member_id) if member_id else None
        if member is None:
            return ""
        roles = ", ".join(_words(r) for r in member.roles)
        return escape(f"{_name(member.name)} ({roles})")

    def organisation(self, ods: str) -> str:
        return escape(f"{self.organisations.get(ods, ods)} [{ods}]")

    def render(self) -> str:
        from adapter.fhir.client_narrative import client_section  # it builds on this module's helpers

        sections = [
            self.summary(),
            client_section(self.record),
            self.drug_use(),
            *self.domains(),
            self.interventions(),
            self.risk(),
            self.coordination(),
            mental_health(self.record, self.who, escape),
            offender_management(self.record, self.who, escape),
            self.reviews(),
            contacts(self.record, self.who, escape),
        ]
        body = "".join(s for s in sections if s)
        return f'<div xmlns="{XHTML_NAMESPACE}">{body}</div>'

    def summary(self) -> str:
        record, plan = self.record, self.record.plan
        agreement = plan.agreement
        signed = [
            f"by the service user on {_day(agreement.service_user_signed_on)}"
            if agreement.signed_by_service_user
            else "not signed by the service user",
            f"by the keyworker on {_day(agreement.keyworker_signed_on)}"
            if agreement.signed_by_keyworker
            else "not signed by the keyworker",
        ]
        rows = [
            ("Client", escape(_name(record.service_user.name))),
            ("NHS number", escape(record.service_user.nhs_number or "not recorded")),
            ("Plan", escape(f"{_words(plan.kind)} care plan, {plan.status.value}")),
            ("Phases", escape(", ".join(_words(p) for p in plan.phases) or "not recorded")),
            ("Tier", escape(_words(plan.tier))),
            ("Period", f"{_day(plan.start)} to {_day(plan.end) if plan.end else 'open'}"),
            ("Review due", _day(plan.next_review_due)),
            *_imported_for_review(plan.import_review),
            ("Agreed", f"{_day(agreement.agreed_on)}; signed {'; '.join(signed)}"),
        ]
        referral = record.episode.criminal_justice_referral if record.episode else None
        if referral:
            facts = [
                f"{_words(referral.setting)} on {referral.date}",
                f"drug test {_words(referral.drug_test)}",
                *([f"trigger offence: {referral.trigger_offence}"] if referral.trigger_offence else []),
                "assessment required" if referral.required_assessment else "no required assessment",
            ]
            rows.append(("Criminal justice referral", escape("; ".join(facts))))
        table = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows)
        title = escape(plan.title) if plan.title else "Care plan"
        return f"<h2>{title}</h2><table>{table}</table>"

    def drug_use(self) -> str:
        """The drug-use profile, main problem substance first."""
        items = [
            escape(
                f"{use.rank}. {_words(use.substance)}, {_words(use.route)}, {use.days_used_last_28} of the"
                " last 28 days"
                + (f", first used at {use.age_first_used}" if use.age_first_used is not None else "")
                + (
                    ""
                    if use.injected_ever is None
                    else "; has injected"
                    if use.injected_ever
                    else "; never injected"
                )
            )
            for use in sorted(self.record.plan.substance_use, key=lambda use: use.rank)
        ]
        return "<h3>Drug use</h3>" + _li(items) if items else ""

    def reviews(self) -> str:
        """Each review, with its Treatment Outcomes Profile when one was completed."""
        items = []
        for review in self.record.plan.reviews:
            text = escape(f"{review.date}: {review.outcome}")
            if review.reviewer:
                text += f" ({self.who(review.reviewer)})"
            if review.top:
                text += " - " + escape(_top(review.top))
            elif review.top_completed:
                text += " - TOP completed"
            items.append(text)
        return "<h3>Reviews</h3>" + _li(items) if items else ""

    def domains(self) -> Iterable[str]:
        plan = self.record.plan
        for domain in Domain:
            needs = [n for n in plan.needs if n.domain == domain]
            goals = [g for g in plan.goals if g.domain == domain]
            actions = [a for a in plan.actions if a.domain == domain]
            if not (needs or goals or actions):
                continue
            parts = [f"<h3>{DOMAIN_HEADINGS[domain]}</h3>"]
            if needs:
                parts.append(
                    "<p>Needs</p>"
                    + _li(escape(n.description) + (" (immediate)" if n.immediate else "") for n in needs)
                )
            if goals:
                parts.append(
                    "<p>Goals</p>"
                    + _li(
                        escape(g.description)
                        + f" (target {_day(g.target_date)}; {g.status.value}"
                        + (f", {_words(g.progress)}" if g.progress else "")
                        + ")"
                        + _li(
                            escape(m.description)
                            + f" - due {_day(m.due)}"
                            + (f", achieved {_day(m.achieved_on)}" if m.achieved_on else "")
                            for m in g.milestones
                        )
                        for g in goals
                    )
                )
            if actions:
                parts.append(
                    "<p>Actions</p>"
                    + _li(
                        escape(a.description)
                        + f" - {escape(_words(a.responsible_role))}"
                        + f", {self.organisation(a.responsible_organisation)}"
                        + (f", {self.who(a.responsible_member)}" if a.responsible_member else "")
                        + f" ({a.status.value}, due {_day(a.due)})"
                        for a in actions
                    )
                )
            yield "".join(parts)

    def interventions(self) -> str:
        items = [self.intervention(i) for i in self.record.plan.interventions]
        return "<h3>Interventions</h3>" + _li(items) if items else ""

    def intervention(self, iv: Intervention) -> str:
        text = escape(f"{_words(iv.modality)} ({_words(iv.tier)}, {iv.status.value})")
        text += f" at {self.organisation(iv.provider)}"
        if iv.keyworker:
            text += f", keyworker {self.who(iv.keyworker)}"
        if iv.description:
            text += f": {escape(iv.description)}"
        if iv.prescribing:
            text += escape(f"; {iv.prescribing.medicine} {dose_amount(iv.prescribing.daily_dose)} daily")
            # What the next prescriber checks first (hazard H-10): when the last dose was, and whether
            # doses were supervised.
            text += escape(f", last dose {minute(iv.prescribing.last_dose_at)}")
            text += ", " + supervision(iv.prescribing.supervised_consumption)
            if iv.prescribing.dispensing_pharmacy:
                text += f", dispensed by {self.organisation(iv.prescribing.dispensing_pharmacy)}"
        return text

    def risk(self) -> str:
        plan = self.record.plan
        parts = []
        if plan.risk:
            parts.append(
                escape(
                    f"Risk ({_words(plan.risk.level)}, assessed {plan.risk.assessed_on}): {plan.risk.summary}"
                )
            )
            if plan.risk.overdose_risk_on_release is not None:
                parts.append(
                    escape(f"Overdose risk on release: {_words(plan.risk.overdose_risk_on_release)}")
                )
        for label, value in (
            ("Risk management plan", plan.risk_management_plan),
            ("Contingency plan", plan.contingency_plan),
            ("Crisis plan", plan.crisis_plan),
        ):
            if value:
                parts.append(escape(f"{label}: {value}"))
        if plan.child_protection:
            parts.append(escape(f"Child protection concern: {plan.child_protection.summary}"))
        return "<h3>Risk and plans</h3>" + "".join(f"<p>{p}</p>" for p in parts) if parts else ""

    def coordination(self) -> str:
        record = self.record
        team = [f"{self.who(m.id)}, {self.organisation(m.organisation)}" for m in record.care_team]
        parts = ["<p>Care team</p>" + _li(team)] if team else []
        ext = record.plan.external_coordination
        if ext:
            facts = [
                f"CPA {ext.cpa_level.value}" if ext.cpa_level else "",
                f"{ext.drr.value} DRR" if ext.drr else "",
                "community care funded" if ext.community_care_funded else "",
                "DIP client" if ext.dip_client else "",
                ext.note or "",
            ]
            parts.append(
                "<p>" + escape("; ".join(f for f in facts if f) or "no external co-ordination") + "</p>"
            )
        parts += self.agreement_and_custody()
        return "<h3>Co-ordination</h3>" + "".join(parts) if parts else ""

    def agreement_and_custody(self) -> list[str]:
        plan = self.record.plan
        parts = []
        agreed = plan.coordination_agreement
        if agreed:
            parts.append(
                f"<p>Co-ordinator agreed on {agreed.decided_on}: {self.who(agreed.coordinator)}"
                f" ({escape(agreed.reason)})</p>"
            )
        custody = plan.custody
        if custody:
            facts = [f"In custody at {self.organisation(custody.prison)} since {custody.reception_date}"]
            if custody.release_date:
                facts.append(f"release due {custody.release_date}")
            if custody.release_area:
                facts.append(f"to {escape(custody.release_area)}")
            if custody.receiving_cjit:
                facts.append(f"receiving CJIT {self.organisation(custody.receiving_cjit)}")
            if custody.first_community_appointment:
                facts.append(f"first community appointment {custody.first_community_appointment.isoformat()}")
            parts.append("<p>" + "; ".join(facts) + "</p>")
        return parts


_TOP_DAYS = (
    ("alcohol", "alcohol_days"),
    ("opiates", "opiates_days"),
    ("crack", "crack_days"),
    ("cocaine", "cocaine_days"),
    ("amphetamines", "amphetamines_days"),
    ("cannabis", "cannabis_days"),
    ("other drugs", "other_drug_days"),
    ("injecting", "injecting_days"),
)


def _top(top: TopOutcome) -> str:
    days = ", ".join(
        f"{label} {getattr(top, field)}" for label, field in _TOP_DAYS if getattr(top, field) is not None
    )
    housing = [
        *(["shared a needle or syringe"] if top.shared_needle_or_syringe else []),
        *(["shared a spoon, water or filter"] if top.shared_spoon_water_or_filter else []),
        *(["acute housing problem"] if top.acute_housing_problem else []),
        *(["at risk of eviction"] if top.at_risk_of_eviction else []),
    ]
    stage = f" ({top.stage})" if top.stage else ""
    return (
        f"TOP{stage}: days in the last 28: {days}; psychological health {top.psychological_health}/20,"
        f" physical health {top.physical_health}/20, quality of life {top.quality_of_life}/20"
        + (f"; {', '.join(housing)}" if housing else "")
    )


def brief(text: str) -> FhirJson:
    """The narrative of a resource other than the plan: one escaped sentence, so that every
    resource reads on its own in a viewer (FHIR's dom-6 asks for narrative on each)."""
    return {"status": "generated", "div": f'<div xmlns="{XHTML_NAMESPACE}"><p>{escape(text)}</p></div>'}


def narrative(record: ClientRecord) -> str:
    """The XHTML ``div`` of CarePlan.text for ``record``."""
    return _Plan(record).render()
