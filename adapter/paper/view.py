"""The paper care plan as a client reads it: what it says, in plain English, in the order it is read.

Seed 001, 5.3.2: "A care plan is an agreement on a plan of action between the client and service
provider. It should be a paper document which is available to the client and kept on the client's
file", documenting needs, goals and progress across the four key domains. Seed 003 (aims): "a written
care plan, which is agreed with and signed by the service user"; the care co-ordinator develops
"contingency and crisis management plans" and "any appropriate risk management plan" (roles 1, 3, 9).

The view is plain data - sections made of a few kinds of block (facts, lists, tables, paragraphs,
notices, signature lines) - that the HTML template and the PDF both lay out. A new section is one
function here, listed in :data:`SECTIONS`; the layouts need nothing new for it.

What is judged on a day (a review overdue, a consent in force) is judged on ``today``, given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Literal

from adapter.clock import ENGLAND
from adapter.coordination.situation import waiting
from adapter.errors import PrintRefused
from adapter.model.codes import (
    KEY_DOMAINS,
    ActivityStatus,
    ConsentDecision,
    ConsentStatus,
    Domain,
    PlanStatus,
    Role,
    Tier,
)
from adapter.model.contacts import KeyworkerContact
from adapter.model.mental_health import PsychiatricMedication
from adapter.model.record import (
    Action,
    CareTeamMember,
    ClientRecord,
    Goal,
    Intervention,
    Organisation,
    Prescribing,
)
from adapter.model.system_codes import ContactAttendance
from adapter.plain import DOMAIN_HEADINGS, dose_amount, label, language, long_day, person

# --- the blocks a section is made of ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Facts:
    """Label and value rows (who, when, how to reach them)."""

    rows: tuple[tuple[str, str], ...]
    lead: str = ""
    kind: Literal["facts"] = "facts"


@dataclass(frozen=True, slots=True)
class Items:
    """A list, with an optional lead line; ``steps[i]`` are the steps under item i (a goal's
    milestones)."""

    items: tuple[str, ...]
    lead: str = ""
    steps: tuple[tuple[str, ...], ...] = ()
    kind: Literal["items"] = "items"


@dataclass(frozen=True, slots=True)
class Table:
    """Rows under column headings (who does what, by when)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lead: str = ""
    kind: Literal["table"] = "table"


@dataclass(frozen=True, slots=True)
class Text:
    """A paragraph; ``lead`` is its bold opening words."""

    text: str
    lead: str = ""
    kind: Literal["text"] = "text"


@dataclass(frozen=True, slots=True)
class Signatures:
    """Lines to sign and date, one per person signing: (who signs, their printed name)."""

    statement: str
    signers: tuple[tuple[str, str], ...]
    kind: Literal["signatures"] = "signatures"


Block = Facts | Items | Table | Text | Signatures


@dataclass(frozen=True, slots=True)
class Notice:
    """A boxed warning at the top of the first page: the plan is not to be read as current."""

    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class PaperPlan:
    """Everything the paper copy says, in reading order."""

    title: str
    client: str
    identity: str
    """Name and date of birth: printed on every page, so a loose page is never filed with another
    client's plan (hazard H-52)."""
    holder: str
    notices: tuple[Notice, ...]
    sections: tuple[Section, ...]
    footer: str
    printed_on: date
    facts: tuple[tuple[str, str], ...] = field(default=())


# --- wording ------------------------------------------------------------------------------------

KEYWORKER_ROLES = frozenset({Role.KEYWORKER})
"""The keyworker (seed 002, 5.3.4: "a dedicated and named keyworker"), with each intervention's
keyworker named on it."""
COORDINATOR_ROLES = frozenset({Role.CARE_COORDINATOR, Role.CMHT_CARE_COORDINATOR})
"""Who co-ordinates the plan as the record names them (seed 003, who is responsible; CPA: the CMHT)."""
CURRENT = frozenset(
    {ActivityStatus.NOT_STARTED, ActivityStatus.SCHEDULED, ActivityStatus.IN_PROGRESS, ActivityStatus.ON_HOLD}
)
"""Treatment and actions still to do or under way; the rest are history."""
ENDED = frozenset({PlanStatus.COMPLETED, PlanStatus.REVOKED})
"""A plan that has ended, whether or not its closure is recorded."""

NOT_REVIEWED = "This plan has not been reviewed"
CLOSED = "This plan is closed"
SIGN_ENDED = (
    "This plan has ended. Signing below says only that we have gone through this record of it together."
)
SIGN_STATEMENT = (
    "We have read this plan together. It says what we have agreed: my needs and goals, who will do"
    " what, and what happens if things go wrong."
)


class _Reader:
    """Looks things up in one record: members and organisations by id, in the client's words."""

    def __init__(self, record: ClientRecord, today: date) -> None:
        self.record = record
        self.today = today
        self.members = {m.id: m for m in record.care_team}
        self.organisations = {o.ods_code: o for o in record.organisations}

    def organisation(self, ods: str | None) -> Organisation | None:
        return self.organisations.get(ods) if ods else None

    def organisation_name(self, ods: str | None) -> str:
        found = self.organisation(ods)
        return found.name if found else "service not named"

    def member(self, member_id: str | None) -> CareTeamMember | None:
        return self.members.get(member_id) if member_id else None

    def roles(self, member: CareTeamMember) -> str:
        return ", ".join(label("role", r) for r in member.roles)

    def contact(self, member: CareTeamMember) -> str:
        """How to reach a worker: their own phone and email, then their service's."""
        service = self.organisation(member.organisation)
        own = [c for c in (member.phone, member.email) if c]
        theirs = [c for c in (service.phone, service.email) if c and c not in own] if service else []
        parts = []
        if own:
            parts.append(", ".join(own))
        if theirs:
            parts.append(f"{service.name if service else ''}: {', '.join(theirs)}")
        return "; ".join(parts) or "ask at your service"

    def who(self, action: Action) -> str:
        member = self.member(action.responsible_member)
        named = f"{person(member.name)}, " if member else ""
        where = self.organisation_name(action.responsible_organisation)
        return f"{named}{label('role', action.responsible_role)}, {where}"


def _sentence(words: str) -> str:
    """Words that open a line or a cell, with a capital letter."""
    return words[:1].upper() + words[1:]


def _goal_line(goal: Goal) -> str:
    target = f"by {long_day(goal.target_date)}" if goal.target_date else "no date set"
    return f"{goal.description} ({target}; {label('goal-status', goal.status)})"


def _domain_section(reader: _Reader, domain: Domain) -> Section | None:
    plan = reader.record.plan
    needs = [n for n in plan.needs if n.domain == domain]
    goals = [g for g in plan.goals if g.domain == domain]
    actions = [a for a in plan.actions if a.domain == domain]
    if domain is Domain.NOT_STATED and not (needs or goals or actions):
        return None
    blocks: list[Block] = []
    if needs:
        blocks.append(
            Items(tuple(n.description + (" (straight away)" if n.immediate else "") for n in needs), "Needs")
        )
    if goals:
        steps = tuple(
            tuple(
                m.description
                + (f" (done {long_day(m.achieved_on)})" if m.achieved_on else f" (by {long_day(m.due)})")
                for m in goal.milestones
            )
            for goal in goals
        )
        blocks.append(Items(tuple(_goal_line(g) for g in goals), "Goals", steps))
    if actions:
        rows = tuple(
            (
                a.description,
                reader.who(a),
                long_day(a.due) if a.due else "no date set",
                label("activity-status", a.status),
            )
            for a in actions
        )
        blocks.append(Table(("What", "Who", "By when", "Now"), rows, "Who does what"))
    if not blocks:
        blocks.append(Text("Nothing is planned in this area yet."))
    return Section(DOMAIN_HEADINGS[domain], tuple(blocks))


def _team(reader: _Reader) -> Section:
    record = reader.record
    keyworker_ids = {m.id for m in record.care_team if KEYWORKER_ROLES & set(m.roles)} | {
        iv.keyworker for iv in record.plan.interventions if iv.keyworker and iv.status in CURRENT
    }
    coordinators = [m for m in record.care_team if COORDINATOR_ROLES & set(m.roles)]
    keyworkers = [m for m in record.care_team if m.id in keyworker_ids]
    rows: list[tuple[str, str]] = []
    both = [m for m in keyworkers if m in coordinators]
    for title, people in (
        ("Your keyworker and care co-ordinator", both),
        ("Your keyworker", [m for m in keyworkers if m not in both]),
        ("Your care co-ordinator", [m for m in coordinators if m not in both]),
    ):
        for member in people:
            rows.append((title, _named(reader, member)))
            rows.append(("How to reach them", reader.contact(member)))
    if not keyworkers:
        rows.append(("Your keyworker", "not named in this plan: ask your service"))
    if not coordinators:
        rows.append(("Your care co-ordinator", "not named in this plan: ask your keyworker"))
    others = tuple(
        (person(m.name), reader.roles(m), reader.organisation_name(m.organisation), reader.contact(m))
        for m in record.care_team
        if m.id not in keyworker_ids and m not in coordinators
    )
    blocks: list[Block] = [Facts(tuple(rows))]
    contact = _next_contact(reader)
    if contact is not None:
        blocks.append(Facts(_appointment(reader, contact), "Your next appointment"))
    if others:
        blocks.append(Table(("Name", "Role", "Service", "Contact"), others, "Others working with you"))
    return Section("Who to contact", tuple(blocks))


def _appointment(reader: _Reader, contact: KeyworkerContact) -> tuple[tuple[str, str], ...]:
    """The next booked contact: when (the time in England, where the services are), what, with whom.
    Only the booking: the log's notes and what was missed are the worker's record."""
    when = long_day(contact.date)
    if contact.time is not None:
        when += f" at {contact.time.astimezone(ENGLAND):%H:%M}"
    rows = [("When", when), ("What", _sentence(label("contact-kind", contact.kind)))]
    worker = reader.member(contact.worker)
    if worker is not None:
        rows.append(("With", _named(reader, worker)))
    return tuple(rows)


def _named(reader: _Reader, member: CareTeamMember) -> str:
    return f"{person(member.name)} ({reader.roles(member)}), {reader.organisation_name(member.organisation)}"


def _prescribing_line(reader: _Reader, prescribing: Prescribing) -> tuple[tuple[str, str], ...]:
    prescriber = reader.member(prescribing.prescriber)
    pharmacy = reader.organisation(prescribing.dispensing_pharmacy)
    supervised = {
        True: "yes: you take each dose while a pharmacist or nurse watches",
        False: "no: you take your doses at home",
        None: "not recorded: ask your prescriber",
    }[prescribing.supervised_consumption]
    rows = [
        ("Medicine", prescribing.medicine),
        ("Daily dose", f"{dose_amount(prescribing.daily_dose)} each day"),
        ("Supervised", supervised),
    ]
    if pharmacy:
        reach = ", ".join(c for c in (pharmacy.phone, pharmacy.email) if c)
        rows.append(("Pharmacy", pharmacy.name + (f" ({reach})" if reach else "")))
    if prescriber:
        rows.append(
            ("Prescriber", f"{person(prescriber.name)}, {reader.organisation_name(prescriber.organisation)}")
        )
    return tuple(rows)


TELL_EVERY_PRESCRIBER = (
    "Tell every doctor, nurse or pharmacist who prescribes or gives you medicine about all the"
    " medicines on this page, your drug treatment prescription and these together: some medicines are"
    " not safe to take together."
)


def _other_medicines(reader: _Reader, medicines: list[PsychiatricMedication]) -> list[Block]:
    """The client's other medicines (the CMHT's psychiatric medication) beside the drug-treatment
    prescription, so that every prescriber, and the client, sees both (hazard H-40: a prescriber who
    does not know of an antipsychotic or antidepressant may prescribe a dangerous combination). The
    medicine and the dose as prescribed; never why it is prescribed (a diagnosis: see SECTIONS)."""
    if not medicines:
        return []
    rows = []
    for medicine in medicines:
        prescriber = reader.member(medicine.prescriber)
        by = (
            f"{person(prescriber.name)}, {reader.organisation_name(prescriber.organisation)}"
            if prescriber
            else "not recorded: ask your keyworker"
        )
        rows.append((medicine.medicine, medicine.dose or "not recorded: ask your prescriber", by))
    return [
        Table(("Medicine", "Dose", "Prescribed by"), tuple(rows), "Other medicines you take"),
        Text(TELL_EVERY_PRESCRIBER, "Tell every prescriber."),
    ]


def _treatment(reader: _Reader) -> Section | None:
    interventions = reader.record.plan.interventions
    others = _other_medicines(reader, reader.record.plan.psychiatric_medication)
    if not interventions and not others:
        return None
    blocks: list[Block] = []
    current = [iv for iv in interventions if iv.status in CURRENT]
    rows = tuple(_intervention_row(reader, iv) for iv in current)
    if rows:
        blocks.append(Table(("Treatment", "Where", "Keyworker", "Now"), rows))
    for iv in current:
        if iv.prescribing:
            blocks.append(Facts(_prescribing_line(reader, iv.prescribing), "Your prescription"))
    past = [iv for iv in interventions if iv.status not in CURRENT]
    if past:
        blocks.append(
            Items(
                tuple(
                    f"{_sentence(label('modality', iv.modality))}, {reader.organisation_name(iv.provider)}"
                    f" ({label('activity-status', iv.status)}{', ' + long_day(iv.end) if iv.end else ''})"
                    for iv in past
                ),
                "Treatment that has ended",
            )
        )
    blocks += others
    return Section("Your treatment and prescription", tuple(blocks))


def _intervention_row(reader: _Reader, iv: Intervention) -> tuple[str, str, str, str]:
    keyworker = reader.member(iv.keyworker)
    what = _sentence(label("modality", iv.modality)) + (f": {iv.description}" if iv.description else "")
    return (
        what,
        reader.organisation_name(iv.provider),
        person(keyworker.name) if keyworker else "",
        label("activity-status", iv.status),
    )


def _risk(reader: _Reader) -> Section | None:
    """Risk as the plan agreed with the client sets it out: what the risks are and what everyone does
    about them (seed 003, roles 3 and 9). The professionals' own assessment text and a child
    protection summary are not printed: they may hold what others told the service (hazard H-51)."""
    plan = reader.record.plan
    blocks: list[Block] = []
    if plan.risk:
        areas = ", ".join(label("risk-area", a) for a in plan.risk.areas) or "no particular area"
        blocks.append(
            Text(
                f"At the risk assessment on {long_day(plan.risk.assessed_on)} the risk was rated"
                f" {plan.risk.level.value}. The risks we are working on: {areas}."
            )
        )
        if plan.risk.overdose_risk_on_release is not None:
            blocks.append(
                Text(
                    "Your risk of overdose after leaving prison is"
                    f" {plan.risk.overdose_risk_on_release.value}: your body will not be used to the"
                    " amount it was.",
                    "Overdose after release.",
                )
            )
    if plan.child_protection:
        blocks.append(
            Text(
                "There is a child protection concern. What we have agreed to keep children safe is part"
                " of the plan to manage risk below.",
                "Children.",
            )
        )
    for lead, value in (
        ("How we manage the risks.", plan.risk_management_plan),
        ("If things do not go to plan.", plan.contingency_plan),
        ("In a crisis.", plan.crisis_plan),
    ):
        if value:
            blocks.append(Text(value, lead))
    if not blocks:
        return None
    return Section("Keeping safe", tuple(blocks))


def _custody(reader: _Reader) -> Section | None:
    custody = reader.record.plan.custody
    if custody is None:
        return None
    rows = [
        (
            "In prison at",
            f"{reader.organisation_name(custody.prison)} since {long_day(custody.reception_date)}",
        )
    ]
    if custody.release_date:
        rows.append(("Release date", long_day(custody.release_date)))
    if custody.release_area:
        rows.append(("Going to", custody.release_area))
    if custody.receiving_cjit:
        cjit = reader.organisation(custody.receiving_cjit)
        contact = (cjit.single_point_of_contact or cjit.phone or "") if cjit else ""
        rows.append(
            (
                "Drug team after release",
                reader.organisation_name(custody.receiving_cjit) + (f" ({contact})" if contact else ""),
            )
        )
    if custody.first_community_appointment:
        at = custody.first_community_appointment
        rows.append(("First appointment after release", f"{long_day(at.date())} at {at:%H:%M}"))
    return Section("Leaving prison", (Facts(tuple(rows)),))


def _waiting(reader: _Reader) -> Section | None:
    """While the client waits for a tier 3 intervention: who owes them a duty of care meanwhile (the
    referring agency, the agency that did the triage and the agency awaited) and the tier 2 services
    they were told of (seed 003, Criteria for Care Planning and Care Co-ordination 2-3). Only for a
    wait still going on (the intervention not yet started, as the co-ordination rules judge it) in a
    plan still open: a record of an old wait is not news to the client."""
    plan = reader.record.plan
    if plan.closure is not None or plan.status in ENDED:
        return None
    duties = {duty.awaited_agency: duty for duty in plan.waiting_duty_of_care}
    blocks: list[Block] = []
    for _, intervention in waiting(reader.record, Tier.TIER_3):
        duty = duties.get(intervention.provider)
        if duty is None:
            continue
        rows = [
            (
                "Waiting for",
                f"{_sentence(label('modality', intervention.modality))}, "
                f"{reader.organisation_name(intervention.provider)}",
            )
        ]
        for title, ods in (
            ("Who referred you", duty.referring_agency),
            ("Who assessed you", duty.triage_agency),
            ("Who you are waiting for", duty.awaited_agency),
        ):
            rows.append((title, _service(reader, ods)))
        if duty.tier_2_services_advised:
            told = (
                f" (we told you about them on {long_day(duty.tier_2_services_advised_on)})"
                if (duty.tier_2_services_advised_on)
                else ""
            )
            rows.append(("Help you can use while you wait", duty.tier_2_services_advised + told))
        blocks.append(
            Facts(
                tuple(rows),
                "While you wait, these services all have a duty to look after you.",
            )
        )
    if not blocks:
        return None
    return Section("While you wait for treatment", tuple(blocks))


def _service(reader: _Reader, ods: str) -> str:
    """A service by name with its phone (or email), as the client would ring it."""
    found = reader.organisation(ods)
    if found is None:
        return "service not named"
    reach = found.phone or found.email
    return found.name + (f" ({reach})" if reach else "")


def _offender_management(reader: _Reader) -> Section | None:
    """The licence or order the client is supervised under (seed 000, 5.3.7: "links with the appropriate
    offender management arrangements"): the offender manager and how to reach them, when the licence
    ends, and what the order or licence asks, in words. Probation's risk of serious harm level, its
    date and its summary are NOT printed: they are probation's assessment and may hold what others told
    it (third parties' information, as hazard H-51 keeps the professionals' risk text off this copy);
    the client hears them from their offender manager, not from a page that goes home with them."""
    management = reader.record.plan.offender_management
    if management is None:
        return None
    rows: list[tuple[str, str]] = []
    manager = reader.member(management.offender_manager)
    if manager is not None:
        rows.append(("Your offender manager", _named(reader, manager)))
        rows.append(("How to reach them", reader.contact(manager)))
    else:
        rows.append(("Your offender manager", "not named in this plan: ask your keyworker"))
    if management.licence_end is not None:
        rows.append(("Your licence ends", long_day(management.licence_end)))
    blocks: list[Block] = [Facts(tuple(rows))]
    if management.requirements:
        blocks.append(
            Items(
                tuple(_sentence(label("sentence-requirement", r)) for r in management.requirements),
                "What your order or licence asks of you",
            )
        )
    return Section("Probation", tuple(blocks))


def _after_discharge(reader: _Reader) -> Section | None:
    """The early follow-up after discharge (seed 003, Role and Responsibilities of the Care
    Co-ordinator: "the early follow-up of discharged service users where possible and appropriate"),
    on a plan closed or closing: when, by whom and how to reach them. The follow-up's outcome is the
    worker's note, not printed (like the contact log, it is the worker's record)."""
    closure = reader.record.plan.closure
    if closure is None or closure.follow_up is None:
        return None
    follow_up = closure.follow_up
    rows: list[tuple[str, str]] = []
    if follow_up.done_on is not None:
        rows.append(("Follow-up", f"done on {long_day(follow_up.done_on)}"))
    else:
        rows.append(("Follow-up", f"we will be in touch by {long_day(follow_up.due)} to see how you are"))
    worker = reader.member(follow_up.by)
    if worker is not None:
        rows.append(
            ("Followed up by" if follow_up.done_on else "Who will be in touch", _named(reader, worker))
        )
        rows.append(("How to reach them", reader.contact(worker)))
    return Section(
        "After you leave treatment",
        (
            Facts(tuple(rows)),
            Text(
                "If things start to go wrong after you leave, you can come back to treatment: contact"
                " the service that wrote this plan."
            ),
        ),
    )


TOP_SCALE = (
    "Your own ratings, from 0 (poor) to 20 (good), each time you filled in the Treatment Outcomes"
    " Profile (TOP) with your keyworker."
)


def _top_ratings(reader: _Reader) -> Section | None:
    """The client's own ratings from the Treatment Outcomes Profile (NTA TOP, section 4: psychological
    health, physical health and overall quality of life, 0 to 20) at each stage it was completed
    (seed 003: at comprehensive assessment, every three months, at discharge). Their own answers, so
    theirs to see; the rest of the TOP (drug use, crime, injecting) is left to the review itself."""
    rated = sorted(
        ((n, review) for n, review in enumerate(reader.record.plan.reviews) if review.top is not None),
        key=lambda pair: (pair[1].date, pair[0]),
    )
    if not rated:
        return None
    rows = []
    for _, review in rated:
        top = review.top
        assert top is not None  # filtered above
        stage = _sentence(label("top-stage", top.stage)) + ", " if top.stage is not None else ""
        rows.append(
            (
                stage + long_day(review.date),
                str(top.psychological_health),
                str(top.physical_health),
                str(top.quality_of_life),
            )
        )
    header = ("When", "Psychological health", "Physical health", "Quality of life")
    return Section("How things have changed", (Text(TOP_SCALE), Table(header, tuple(rows))))


BOOKED = frozenset({None, ContactAttendance.NOT_STATED})
"""A contact not yet attended, missed or cancelled: booked."""


def _next_contact(reader: _Reader) -> KeyworkerContact | None:
    """The first contact of the log booked after the day printed (no attendance recorded), if any."""
    booked = [c for c in reader.record.plan.contacts if c.date > reader.today and c.attendance in BOOKED]
    return min(booked, key=lambda c: (c.date, c.time.timestamp() if c.time else float("inf")), default=None)


def _sharing(reader: _Reader) -> Section | None:
    """What the client agreed to share, and what they refused (a refusal is never worded as consent:
    hazard H-49). In force on the day printed by the one test the handover's consent rule asks
    (:meth:`ConsentToShare.in_force`)."""
    consents = reader.record.consents
    if not consents:
        return None
    agreed, refused, other = [], [], []
    for consent in consents:
        with_whom = " and ".join(reader.organisation_name(o) for o in consent.organisations)
        purposes = "; ".join(label("consent-purpose", p) for p in consent.purposes)
        in_force = consent.in_force(reader.today)
        since = f"from {long_day(consent.start)}" + (f" to {long_day(consent.end)}" if consent.end else "")
        if not in_force:
            state = (
                "withdrawn or ended"
                if consent.status is ConsentStatus.INACTIVE or consent.end
                else "not in force"
            )
            what = "agreement" if consent.decision is ConsentDecision.PERMIT else "refusal"
            other.append(f"{with_whom}: {purposes} ({what} {state}, {since})")
        elif consent.decision is ConsentDecision.DENY:
            refused.append(f"{with_whom}: {purposes} ({since})")
        else:
            agreed.append(f"{with_whom}: {purposes} ({since})")
    blocks: list[Block] = []
    if agreed:
        blocks.append(Items(tuple(agreed), "You agreed that we share information with"))
    if refused:
        blocks.append(Items(tuple(refused), "You said NO to sharing information with"))
    if other:
        blocks.append(Items(tuple(other), "No longer in force"))
    return Section("Sharing your information", tuple(blocks))


def _reviews(reader: _Reader) -> Section:
    plan = reader.record.plan
    rows: list[tuple[str, str]] = []
    due = plan.next_review_due
    if plan.closure is not None or plan.status in ENDED:
        rows.append(("Next review", "none: this plan has ended"))
    elif due is None:
        rows.append(("Next review", "not set: ask your keyworker"))
    else:
        late = " (overdue)" if due < reader.today else ""
        rows.append(("Next review", long_day(due) + late))
    if plan.reviews:
        last = max(plan.reviews, key=lambda r: r.date)
        rows.append(("Last review", f"{long_day(last.date)}: {last.outcome}"))
        if last.changes_agreed:
            rows.append(("Changes agreed", last.changes_agreed))
    return Section("Reviewing this plan", (Facts(tuple(rows)),))


def _spoken(tag: str | None) -> str:
    return language(tag) if tag else "your language"


def _interpreter_text(spoken: str) -> str:
    return (
        f"You need an interpreter. This plan is to be read with you in {spoken} by an interpreter"
        " before you sign it. The interpreter writes their name and signs below too."
    )


def _signatures(reader: _Reader) -> Section:
    plan, record = reader.record.plan, reader.record
    worker = reader.member(plan.author) or next(
        (m for m in record.care_team if KEYWORKER_ROLES & set(m.roles)), None
    )
    worker_line = f"{person(worker.name)} ({reader.roles(worker)})" if worker else ""
    ended = plan.closure is not None or plan.status in ENDED
    signers: tuple[tuple[str, str], ...] = (
        ("Client", person(record.service_user.name)),
        ("Worker", worker_line),
    )
    blocks: list[Block] = []
    if record.service_user.interpreter_required:
        # Hazard H-35: a plan signed without being understood is not agreed. The interpreter writes
        # their own name (an empty printed name gives a line to write it on).
        spoken = _spoken(record.service_user.first_language)
        blocks.append(Text(_interpreter_text(spoken), "Reading this plan with an interpreter."))
        signers += ((f"Interpreter ({spoken})", ""),)
    blocks.append(Signatures(SIGN_ENDED if ended else SIGN_STATEMENT, signers))
    agreement = plan.agreement
    if agreement.signed_by_service_user or agreement.signed_by_keyworker:
        signed = [
            f"by you on {long_day(agreement.service_user_signed_on)}"
            if agreement.signed_by_service_user
            else "",
            f"by your keyworker on {long_day(agreement.keyworker_signed_on)}"
            if agreement.signed_by_keyworker
            else "",
        ]
        blocks.insert(0, Text("An earlier copy was signed " + " and ".join(s for s in signed if s) + "."))
    return Section("Agreeing this plan", tuple(blocks))


# Never printed, in any section: diagnoses (plan.diagnoses), Mental Health Act status
# (plan.mental_health_act), blood-borne virus results (plan.blood_borne_viruses), sexual orientation,
# religion and ethnic category (service_user). They are special-category data the client already
# knows, not needed to read and sign the plan, and the paper goes home where others may read it
# (hazard H-55). Nor are probation's risk of serious harm and summary, the professionals' risk and
# child-protection summaries (hazard H-51), or the workers' own notes (the contact log's notes and
# attendance, a follow-up's outcome, a closure's note).
SECTIONS: tuple[Callable[[_Reader], Section | None], ...] = (
    _team,
    *(partial(_domain_section, domain=domain) for domain in (*KEY_DOMAINS, Domain.NOT_STATED)),
    _treatment,
    _waiting,
    _risk,
    _custody,
    _offender_management,
    _reviews,
    _top_ratings,
    _after_discharge,
    _sharing,
    _signatures,
)
"""The sections in reading order: each a function of the record (and the day) that returns a
section, or None when the record has nothing for it."""


def _notices(reader: _Reader) -> tuple[Notice, ...]:
    plan = reader.record.plan
    notices = []
    if plan.import_review is not None:
        source = f" ({plan.import_review.source})" if plan.import_review.source else ""
        count = len(plan.import_review.findings)
        notices.append(
            Notice(
                NOT_REVIEWED,
                f"It was brought in from another system{source} and a worker has not yet checked it"
                f" ({count} {'thing' if count == 1 else 'things'} to check). Do not sign it until it has"
                " been reviewed with you.",
            )
        )
    if plan.closure is not None:
        reason = label("closure-reason", plan.closure.reason)
        notices.append(
            Notice(
                CLOSED,
                f"It was closed on {long_day(plan.closure.date)} ({reason})."
                " It is a record, not a current plan.",
            )
        )
    elif plan.status in ENDED:
        ended = f" on {long_day(plan.end)}" if plan.end else ""
        notices.append(Notice(CLOSED, f"It ended{ended}. It is a record, not a current plan."))
    elif plan.status is PlanStatus.DRAFT:
        notices.append(
            Notice("This is a draft", "It has not been agreed yet: read it together before signing.")
        )
    elif plan.status is PlanStatus.ON_HOLD:
        notices.append(Notice("This plan is on hold", "Talk to your keyworker about when it starts again."))
    return tuple(notices)


def paper_plan(record: ClientRecord, today: date) -> PaperPlan:
    """The paper copy of ``record``'s care plan, judged as of ``today``."""
    plan = record.plan
    if plan.status is PlanStatus.ENTERED_IN_ERROR:
        raise PrintRefused.single(
            "business-rule",
            "paper.entered-in-error",
            "the plan is marked entered in error: it is not printed for a client to read or sign (H-53)",
            "plan.status",
        )
    reader = _Reader(record, today)
    user = record.service_user
    client = person(user.name)
    born = f"born {long_day(user.birth_date)}" if user.birth_date else "date of birth not recorded"
    holder_ods = record.episode.provider if record.episode else None
    author = reader.member(plan.author)
    holder = reader.organisation_name(holder_ods or (author.organisation if author else None))
    facts = [
        ("Name", client),
        ("Date of birth", long_day(user.birth_date)),
        *([("NHS number", _spaced(user.nhs_number))] if user.nhs_number else []),
        ("Plan", f"{label('plan-kind', plan.kind)}, from {long_day(plan.start)}"),
        ("Service", holder),
    ]
    if user.interpreter_required:
        facts.append(("Interpreter", f"needed: this plan is read with you in {_spoken(user.first_language)}"))
    sections = tuple(s for make in SECTIONS if (s := make(reader)) is not None)
    return PaperPlan(
        title=plan.title or "My care plan",
        client=client,
        identity=f"{client}, {born}",
        holder=holder,
        notices=_notices(reader),
        sections=sections,
        footer=f"Plan reference {plan.id}. Printed on {long_day(today)}.",
        printed_on=today,
        facts=tuple(facts),
    )


def _spaced(nhs_number: str) -> str:
    """An NHS number as it is printed on NHS letters: 3-3-4 digits."""
    return f"{nhs_number[:3]} {nhs_number[3:6]} {nhs_number[6:]}"
