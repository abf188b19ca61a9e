"""The paper copy's sections for what the canonical record gained after the paper was written: other
medicines beside the prescription, reading with an interpreter, the wait for treatment, probation,
the follow-up after discharge, the client's own TOP ratings and the next booked contact. Each asserted
in the PDF's text and the HTML's, for the fixtures that hold it, and absent where the record does not
say it (or where it is no longer so)."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import orjson
from lxml import html as lxml_html
from pypdf import PdfReader

from adapter.model import ClientRecord, load_record
from adapter.paper import PaperFormat, paper_plan, print_plan
from adapter.paper.view import TELL_EVERY_PRESCRIBER, Facts, Table

CLIENTS = Path(__file__).resolve().parents[2] / "fixtures" / "clients"
TODAY = date(2026, 11, 25)  # adapter.cli.journey.FIXTURES_AS_OF


def _data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads((CLIENTS / f"{name}.json").read_bytes())
    return data


def _both(record: ClientRecord, today: date = TODAY) -> list[str]:
    """The PDF's text and the HTML's, whitespace folded."""
    pdf = print_plan(record, today, PaperFormat.PDF)
    pages = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf)).pages)
    page = print_plan(record, today, PaperFormat.HTML)
    return [pages, " ".join(" ".join(lxml_html.fromstring(page).itertext()).split())]


def _after(text: str, heading: str, until: str) -> str:
    start = text.index(heading) + len(heading)
    return text[start : text.index(until, start)] if until in text[start:] else text[start:]


def _titles(record: ClientRecord, today: date = TODAY) -> list[str]:
    return [section.title for section in paper_plan(record, today).sections]


# --- other medicines -----------------------------------------------------------------------------


def test_other_medicines_stand_beside_the_prescription_with_dose_and_prescriber() -> None:
    # Fixture 15: methadone from the drug service's doctor; olanzapine and sertraline from the CMHT's.
    record = load_record(_data("15-cpa-psychiatric-medication"))
    for text in _both(record):
        treatment = _after(text, "Your treatment and prescription", "Keeping safe")
        assert "Medicine Methadone hydrochloride 1 mg/mL oral solution" in treatment
        assert "Prescriber Dr Colm Reilly, Northtown Community Drug Service" in treatment
        others = _after(treatment, "Other medicines you take", "Tell every prescriber.")
        assert (
            "Olanzapine 10 mg tablets 10 mg at night"
            " Dr Ruth Lowe, Northtown East Community Mental Health Team" in others
        )
        assert "Sertraline 50 mg tablets 50 mg each morning Dr Ruth Lowe" in others
        assert TELL_EVERY_PRESCRIBER in text
    plain = load_record(_data("03-gp-shared-care"))
    assert all("Other medicines you take" not in text for text in _both(plain))


def test_a_medicine_without_dose_or_prescriber_says_ask_and_needs_no_drug_treatment() -> None:
    data = _data("15-cpa-psychiatric-medication")
    data["plan"]["psychiatric_medication"] = [{"medicine": "Lithium carbonate 400 mg tablets"}]
    data["plan"]["interventions"] = []
    data["plan"]["goals"][0]["status"] = "active"
    for action in data["plan"]["actions"]:
        action["goals"] = []
    for goal in data["plan"]["goals"]:
        goal.pop("addresses", None)
    record = load_record(data)
    (section,) = [
        s for s in paper_plan(record, TODAY).sections if s.title == "Your treatment and prescription"
    ]
    (table,) = [b for b in section.blocks if isinstance(b, Table)]
    assert table.rows == (
        (
            "Lithium carbonate 400 mg tablets",
            "not recorded: ask your prescriber",
            "not recorded: ask your keyworker",
        ),
    )


# --- language and interpreter ----------------------------------------------------------------------


def test_an_interpreter_need_puts_the_language_at_the_top_and_an_interpreter_line_to_sign() -> None:
    record = load_record(_data("02-carat-release"))
    for text in _both(record):
        assert "Interpreter needed: this plan is read with you in Polish" in text
        signing = _after(text, "Agreeing this plan", "Plan reference")
        assert "This plan is to be read with you in Polish by an interpreter before you sign it" in signing
        interpreter = _after(signing, "Interpreter (Polish)", "Plan reference")
        assert interpreter.split()[:3] == ["Name", "Signature", "Date"]
    # Welsh is fixture 03's first language, with no interpreter needed: nothing said of either.
    for text in _both(load_record(_data("03-gp-shared-care"))):
        assert "Interpreter" not in text and "Welsh" not in text


def test_an_interpreter_need_with_no_language_recorded_still_gives_the_line() -> None:
    data = _data("02-carat-release")
    data["service_user"].pop("first_language")
    for text in _both(load_record(data)):
        assert "to be read with you in your language by an interpreter" in text
        assert "Interpreter (your language) Name Signature Date" in text


# --- waiting for treatment ---------------------------------------------------------------------


def test_the_wait_for_tier_3_names_the_three_services_and_the_tier_2_help() -> None:
    # Fixture 01: referred from the police custody suite, triaged by the CJIT, waiting for methadone at
    # the community drug service; told of the CJIT's harm reduction sessions on 23 November.
    record = load_record(_data("01-custody-triage"))
    for text in _both(record):
        wait = _after(text, "While you wait for treatment", "Keeping safe")
        assert "Waiting for Opioid substitute prescribing, Northtown Community Drug Service" in wait
        assert "Who referred you Northtown Police Custody Suite" in wait
        assert "Who assessed you Northtown Criminal Justice Integrated Team (0113 496 0100)" in wait
        assert "Who you are waiting for Northtown Community Drug Service (0113 496 0200)" in wait
        assert "CJIT harm reduction sessions and the needle exchange" in wait
        assert "(we told you about them on 23 November 2026)" in wait


def test_each_awaited_service_of_a_simultaneous_referral_has_its_own_wait() -> None:
    record = load_record(_data("08-simultaneous-referral"))
    (section,) = [s for s in paper_plan(record, TODAY).sections if s.title == "While you wait for treatment"]
    waits = [
        dict(block.rows)["Who you are waiting for"] for block in section.blocks if isinstance(block, Facts)
    ]
    assert waits == [
        "Northtown Community Drug Service (0113 496 0200)",
        "Riverside Recovery Day Programme (0113 496 0250)",
    ]


def test_a_wait_that_is_over_is_not_printed() -> None:
    data = _data("01-custody-triage")
    data["plan"]["interventions"][1]["status"] = "in-progress"
    data["plan"]["interventions"][1]["start"] = "2026-11-25"
    assert "While you wait for treatment" not in _titles(load_record(data))


# --- probation ---------------------------------------------------------------------------------


def test_probation_names_the_offender_manager_the_licence_end_and_the_requirements_in_words() -> None:
    record = load_record(_data("15-cpa-psychiatric-medication"))
    for text in _both(record):
        probation = _after(text, "Probation", "Reviewing this plan")
        assert (
            "Your offender manager Kate Burns (probation offender manager), Northtown Probation" in probation
        )
        assert "How to reach them 0113 496 0822" in probation
        assert "Your licence ends 2 February 2027" in probation
        asks = _after(probation, "What your order or licence asks of you", "Reviewing this plan")
        for words in (
            "Supervision (regular appointments with your offender manager)",
            "Drug testing (a condition of your licence)",
            "Going to your drug appointments (a condition of your licence)",
            "Living at the address that was approved",
        ):
            assert words in asks
        assert "licence-drug-testing" not in text


def test_probation_without_a_named_offender_manager_says_ask() -> None:
    # Fixture 02: only the licence end is recorded.
    for text in _both(load_record(_data("02-carat-release"))):
        probation = _after(text, "Probation", "Reviewing this plan")
        assert "Your offender manager not named in this plan: ask your keyworker" in probation
        assert "Your licence ends 8 June 2027" in probation
        assert "What your order or licence asks of you" not in probation


# --- after discharge -----------------------------------------------------------------------------


def test_the_follow_up_after_discharge_says_when_and_who() -> None:
    # Fixture 09: discharged 30 October, followed up on 20 November by the recovery worker.
    record = load_record(_data("09-discharge-aftercare"))
    for text in _both(record):
        after = _after(text, "After you leave treatment", "Sharing your information")
        assert "Follow-up done on 20 November 2026" in after
        assert "Followed up by Lou Gill (recovery worker), Northtown Recovery Community" in after
        assert "How to reach them Northtown Recovery Community: 0113 496 0290" in after
        # The outcome is the worker's note.
        assert "recovery cafe" not in text
    data = _data("09-discharge-aftercare")
    data["plan"]["closure"]["follow_up"].pop("done_on")
    data["plan"]["closure"]["follow_up"].pop("outcome")
    data["plan"]["reviews"].pop()  # the post-exit review was the follow-up
    for text in _both(load_record(data)):
        after = _after(text, "After you leave treatment", "Sharing your information")
        assert "Follow-up we will be in touch by 27 November 2026 to see how you are" in after
        assert "Who will be in touch Lou Gill" in after
    assert "After you leave treatment" not in _titles(load_record(_data("03-gp-shared-care")))


# --- the client's own TOP ratings ----------------------------------------------------------------


def test_how_things_have_changed_lists_the_client_s_own_top_ratings_in_date_order() -> None:
    # Fixture 14: a start TOP on 1 July (9, 8, 9) and a review TOP on 30 September (12, 12, 12).
    record = load_record(_data("14-gp-shared-care-needle-exchange"))
    (section,) = [s for s in paper_plan(record, TODAY).sections if s.title == "How things have changed"]
    (table,) = [b for b in section.blocks if isinstance(b, Table)]
    assert table.header == ("When", "Psychological health", "Physical health", "Quality of life")
    assert table.rows == (
        ("Start of treatment, 1 July 2026", "9", "8", "9"),
        ("Review, 30 September 2026", "12", "12", "12"),
    )
    for text in _both(record):
        changed = _after(text, "How things have changed", "Sharing your information")
        assert "from 0 (poor) to 20 (good)" in changed
        assert "Start of treatment, 1 July 2026 9 8 9 Review, 30 September 2026 12 12 12" in changed
    # Fixture 09: end of treatment and after treatment, in that order.
    view = paper_plan(load_record(_data("09-discharge-aftercare")), TODAY)
    (top,) = [s for s in view.sections if s.title == "How things have changed"]
    rows = next(b for b in top.blocks if isinstance(b, Table)).rows
    assert [row[0] for row in rows] == [
        "End of treatment, 28 October 2026",
        "After treatment, 20 November 2026",
    ]
    # A client with no TOP has no table.
    assert "How things have changed" not in _titles(load_record(_data("10-dropout-reengaged")))


def test_a_top_without_its_stage_is_dated_only() -> None:
    # Fixture 16: two TOPs whose source did not say the stage.
    view = paper_plan(load_record(_data("16-prison-reception")), TODAY)
    (top,) = [s for s in view.sections if s.title == "How things have changed"]
    rows = next(b for b in top.blocks if isinstance(b, Table)).rows
    assert [row[0] for row in rows] == ["10 August 2026", "9 November 2026"]


# --- the next booked contact ---------------------------------------------------------------------


def _with_contacts(*contacts: dict[str, Any]) -> ClientRecord:
    data = _data("15-cpa-psychiatric-medication")
    data["plan"]["contacts"] += list(contacts)
    return load_record(data)


def test_the_next_booked_contact_after_the_day_printed_is_shown() -> None:
    record = _with_contacts(
        {"date": "2026-12-08", "worker": "cmht-sam-okafor", "kind": "home-visit"},
        {
            "date": "2026-12-01",
            "time": "2026-12-01T10:30:00+00:00",
            "worker": "dd-worker-priya-shah",
            "kind": "keywork-session",
        },
        # Cancelled already: not booked.
        {
            "date": "2026-11-30",
            "worker": "dd-worker-priya-shah",
            "kind": "group-session",
            "attendance": "cancelled-by-service",
        },
    )
    for text in _both(record):
        next_one = _after(text, "Your next appointment", "Others working with you").strip()
        assert next_one.startswith(
            "When 1 December 2026 at 10:30 What Keywork session"
            " With Priya Shah (keyworker), Northtown Community Drug Service"
        )
        assert "home visit" not in next_one.lower()
        assert "No answer on his phone" not in text  # the log's notes are the worker's record
    # On the day after it, the home visit is next.
    for text in _both(record, date(2026, 12, 1)):
        assert "Your next appointment When 8 December 2026 What Home visit With Sam Okafor" in text


def test_a_time_is_printed_as_the_clock_in_england_reads() -> None:
    record = _with_contacts(
        {
            "date": "2027-06-01",
            "time": "2027-06-01T09:00:00+00:00",
            "worker": "dd-worker-priya-shah",
            "kind": "telephone",
        }
    )
    assert "When 1 June 2027 at 10:00 What Phone call" in _both(record)[1]


def test_no_future_contact_no_appointment() -> None:
    # Fixture 15's log is all before 25 November 2026.
    record = load_record(_data("15-cpa-psychiatric-medication"))
    assert all(c.date <= TODAY for c in record.plan.contacts)
    for text in _both(record):
        assert "Your next appointment" not in text
    # Nor one that was missed or only recorded as a letter: the log is the worker's record.
    assert "Did not attend" not in _both(record)[0] and "Letter" not in _both(record)[0]
