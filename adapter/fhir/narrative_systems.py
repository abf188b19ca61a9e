"""The CarePlan narrative's sections for what the source systems hold beyond the drug plan: the CPA
client's mental health, offender management, the contact log. Text from the record is escaped."""

from __future__ import annotations

from collections.abc import Callable

from adapter.model.record import ClientRecord

Who = Callable[[str | None], str]
Escape = Callable[[str], str]


def _words(code: str) -> str:
    return code.replace("-", " ")


def mental_health(record: ClientRecord, who: Who, escape: Escape) -> str:
    plan = record.plan
    parts = [f"<p>Diagnosis: {escape(d.description)}</p>" for d in plan.diagnoses]
    for medicine in plan.psychiatric_medication:
        facts = [escape(medicine.medicine)]
        if medicine.dose:
            facts.append(escape(medicine.dose))
        if medicine.prescriber:
            facts.append(f"prescribed by {who(medicine.prescriber)}")
        parts.append("<p>Psychiatric medication: " + ", ".join(facts) + "</p>")
    act = plan.mental_health_act
    if act is not None:
        facts = [f"Mental Health Act: {_words(act.status.value)}" if act.status else "Mental Health Act"]
        if act.since:
            facts.append(f"since {act.since}")
        facts.append("section 117 aftercare" if act.section_117_aftercare else "no section 117 aftercare")
        parts.append("<p>" + ", ".join(facts) + "</p>")
    return "<h3>Mental health</h3>" + "".join(parts) if parts else ""


def offender_management(record: ClientRecord, who: Who, escape: Escape) -> str:
    management = record.plan.offender_management
    if management is None:
        return ""
    facts = []
    if management.offender_manager:
        facts.append(f"Offender manager: {who(management.offender_manager)}")
    if management.licence_end:
        facts.append(f"licence ends {management.licence_end}")
    if management.requirements:
        facts.append("requirements: " + ", ".join(_words(r.value) for r in management.requirements))
    if management.risk_of_serious_harm:
        facts.append(
            f"risk of serious harm (probation): {_words(management.risk_of_serious_harm.value)}"
            + (f", assessed {management.risk_assessed_on}" if management.risk_assessed_on else "")
        )
    if management.risk_summary:
        facts.append(escape(management.risk_summary))
    return "<h3>Offender management</h3><p>" + "; ".join(facts) + "</p>" if facts else ""


def contacts(record: ClientRecord, who: Who, escape: Escape) -> str:
    items = []
    for contact in record.plan.contacts:
        text = f"{contact.date} {_words(contact.kind.value)}"
        if contact.worker:
            text += f" with {who(contact.worker)}"
        if contact.attendance:
            text += f": {_words(contact.attendance.value)}"
        if contact.note:
            text += f" ({escape(contact.note)})"
        items.append(f"<li>{text}</li>")
    return "<h3>Contacts</h3><ul>" + "".join(items) + "</ul>" if items else ""
