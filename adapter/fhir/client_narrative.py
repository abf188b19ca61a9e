"""The narrative section about the client (issue 11): who they are and the circumstances the plan takes
account of (seed 003, role 2: "culture, ethnicity, gender and sexuality"), in plain English.

Rendered from the record the narrative is made for, so a minimised record (a handover) shows only what
its destination was sent. Every piece of text from the record is escaped."""

from __future__ import annotations

from datetime import date

from adapter.fhir.narrative import escape, words
from adapter.model.circumstance_codes import ETHNIC_CATEGORY_DISPLAY
from adapter.model.circumstances import BloodBorneViruses, TreatmentHistory, VirusTest
from adapter.model.record import ClientRecord


def _yes_no(value: bool | None, yes: str, no: str) -> list[str]:
    return [] if value is None else [yes if value else no]


def _who(record: ClientRecord) -> list[str]:
    user = record.service_user
    facts: list[str] = []
    if user.first_language is not None:
        facts.append(f"First language: {user.first_language}")
    facts += _yes_no(user.interpreter_required, "An interpreter is needed", "No interpreter needed")
    if user.sex_at_birth is not None:
        facts.append(f"Sex registered at birth: {words(user.sex_at_birth)}; gender: {words(user.gender)}")
    if user.ethnic_category is not None:
        facts.append(f"Ethnic category: {ETHNIC_CATEGORY_DISPLAY[user.ethnic_category]}")
    if user.sexual_orientation is not None:
        facts.append(f"Sexual orientation: {words(user.sexual_orientation)}")
    if user.religion is not None:
        facts.append(f"Religion or belief: {words(user.religion)}")
    if user.disabilities:
        facts.append(f"Disability: {', '.join(words(d) for d in user.disabilities)}")
    return facts


def _circumstances(record: ClientRecord) -> list[str]:
    plan = record.plan
    facts: list[str] = []
    social = plan.circumstances
    if social is not None:
        parts = [
            *([f"housing: {words(social.accommodation)}"] if social.accommodation else []),
            *([f"employment: {words(social.employment)}"] if social.employment else []),
            *_yes_no(social.parental_responsibility, "parental responsibility for a child under 18", ""),
            *(
                [f"children living with the client: {words(social.children_living_with_client)}"]
                if social.children_living_with_client
                else []
            ),
        ]
        facts.append(f"Circumstances ({social.assessed_on}): " + "; ".join(p for p in parts if p))
    if plan.pregnancy is not None:
        pregnancy = plan.pregnancy
        if pregnancy.pregnant:
            due = f", expected delivery {pregnancy.expected_delivery}" if pregnancy.expected_delivery else ""
            facts.append(f"Pregnant (recorded {pregnancy.recorded_on}{due})")
        else:
            facts.append(f"Not pregnant (recorded {pregnancy.recorded_on})")
    if plan.injecting is not None:
        injecting = plan.injecting
        sharing = [
            *_yes_no(injecting.ever_shared, "has shared injecting equipment", "has never shared"),
            *_yes_no(injecting.currently_sharing, "sharing now", "not sharing now"),
        ]
        facts.append(
            f"Injecting: {words(injecting.status)} (recorded {injecting.recorded_on})"
            + (f"; {', '.join(sharing)}" if sharing else "")
        )
    if plan.blood_borne_viruses is not None:
        facts += _viruses(plan.blood_borne_viruses)
    return facts


def _test(name: str, test: VirusTest) -> str:
    result = f", {words(test.result)}" if test.result else ""
    note = f" ({test.note})" if test.note else ""
    return f"{name}: {words(test.status)} on {test.on}{result}{note}"


def _viruses(viruses: BloodBorneViruses) -> list[str]:
    facts = []
    if viruses.hepatitis_b is not None:
        facts.append(
            f"Hepatitis B vaccination: {words(viruses.hepatitis_b.status)} ({viruses.hepatitis_b.on})"
        )
    if viruses.hepatitis_c is not None:
        facts.append(_test("Hepatitis C", viruses.hepatitis_c))
    if viruses.hiv is not None:
        facts.append(_test("HIV", viruses.hiv))
    return facts


def _history(history: TreatmentHistory) -> str:
    if not history.previously_treated:
        return "Not previously in treatment"
    episodes = [
        f"{words(e.modality)} at {e.provider}"
        + (f" from {e.start}" if e.start else "")
        + (f" to {e.end}" if e.end else "")
        + (f" ({e.note})" if e.note else "")
        for e in history.episodes
    ]
    return "Previously in treatment" + (f": {'; '.join(episodes)}" if episodes else "")


def _episode(record: ClientRecord) -> list[str]:
    episode = record.episode
    if episode is None:
        return []
    dates: list[tuple[str, date | None]] = [
        ("referral received", episode.referral_received),
        ("first appointment offered", episode.first_appointment_offered),
        ("triage", episode.triage_date),
        ("treatment started", episode.treatment_start),
    ]
    known = [f"{label} {day}" for label, day in dates if day is not None]
    facts = [f"Waiting times: {'; '.join(known)}"] if episode.referral_received and known else []
    if episode.treatment_history is not None:
        facts.append(_history(episode.treatment_history))
    return facts


def client_section(record: ClientRecord) -> str:
    """``<h3>About the client</h3>`` and a list, or nothing when the record holds none of it."""
    facts = [*_who(record), *_circumstances(record), *_episode(record)]
    if not facts:
        return ""
    return "<h3>About the client</h3><ul>" + "".join(f"<li>{escape(f)}</li>" for f in facts) + "</ul>"
