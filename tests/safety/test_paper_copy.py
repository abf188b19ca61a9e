"""The client's paper copy of the plan (careplan print): what it must say, and never say, to be safe
to read and sign (hazards H-48 to H-54)."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import orjson
from lxml import html as lxml_html
from pypdf import PdfReader
from typer.testing import CliRunner

from adapter.cli import app
from adapter.model import ClientRecord, load_record
from adapter.paper import PaperFormat, print_plan
from adapter.paper.view import CLOSED, NOT_REVIEWED
from adapter.plain import long_day, person

CLIENTS = Path(__file__).resolve().parents[2] / "fixtures" / "clients"
TODAY = date(2026, 11, 25)
runner = CliRunner()


def _data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads((CLIENTS / name).read_bytes())
    return data


def _pages(record: ClientRecord, today: date = TODAY) -> list[str]:
    pdf = print_plan(record, today, PaperFormat.PDF)
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages]


def _html(record: ClientRecord, today: date = TODAY) -> str:
    page = print_plan(record, today, PaperFormat.HTML)
    return " ".join(" ".join(lxml_html.fromstring(page).itertext()).split())


def _both(record: ClientRecord, today: date = TODAY) -> list[str]:
    return [" ".join(_pages(record, today)), _html(record, today)]


def _after(text: str, heading: str, until: str) -> str:
    """The text between a heading and the next one named."""
    start = text.index(heading) + len(heading)
    return text[start : text.index(until, start)] if until in text[start:] else text[start:]


# --- H-48 -----------------------------------------------------------------------------------------


def test_h48_an_imported_plan_says_not_reviewed_at_the_top_of_the_first_page() -> None:
    data = _data("03-gp-shared-care.json")
    data["plan"]["import_review"] = {"source": "gp-export.json", "findings": ["tier not stated", "role"]}
    record = load_record(data)
    first = _pages(record)[0]
    assert NOT_REVIEWED in first
    assert first.index(NOT_REVIEWED) < first.index("Who to contact")
    assert "Do not sign it until it has been reviewed with you" in first
    assert "another system (gp-export.json)" in first and "(2 things to check)" in first
    html = _html(record)
    assert html.index(NOT_REVIEWED) < html.index("Who to contact")
    reviewed = load_record(_data("03-gp-shared-care.json"))
    assert all(NOT_REVIEWED not in text for text in _both(reviewed))


def test_h48_print_says_on_stderr_that_the_plan_was_imported_for_review(tmp_path: Path) -> None:
    data = _data("03-gp-shared-care.json")
    data["plan"]["import_review"] = {"findings": ["kind not stated"]}
    source = tmp_path / "plan.json"
    source.write_bytes(orjson.dumps(data))
    out = tmp_path / "plan.pdf"
    result = runner.invoke(app, ["print", str(source), "--out", str(out), "--today", "2026-11-25"])
    assert result.exit_code == 0, result.stderr
    assert "imported for review" in result.stderr
    assert NOT_REVIEWED in PdfReader(out).pages[0].extract_text()


# --- H-49 -----------------------------------------------------------------------------------------


def test_h49_a_refusal_prints_under_said_no_never_under_agreed() -> None:
    # Fixture 12: the client refused sharing with the GP for offender management, and consented to
    # the GP for shared care.
    record = load_record(_data("12-child-protection.json"))
    for text in _both(record):
        agreed = _after(text, "You agreed that we share information with", "You said NO")
        refused = _after(text, "You said NO to sharing information with", "Agreeing this plan")
        assert "probation and offender management" in refused
        assert "probation and offender management" not in agreed
        assert "shared care with your GP" in agreed


def test_h49_a_withdrawn_ended_or_future_consent_is_never_printed_as_agreed() -> None:
    data = _data("12-child-protection.json")
    consents = data["consents"]
    consents[1]["status"] = "inactive"  # the GP consent withdrawn
    consents[1]["end"] = "2026-11-20"
    consents[2]["start"] = "2026-12-01"  # safeguarding consent not yet in force
    consents[2]["signed_on"] = "2026-12-01"
    record = load_record(data)
    for text in _both(record):
        assert "You agreed that we share information with" not in text
        gone = _after(text, "No longer in force", "Agreeing this plan")
        assert "agreement withdrawn or ended" in gone and "agreement not in force" in gone


# --- H-50 -----------------------------------------------------------------------------------------


def test_h50_a_closed_plan_says_so_and_is_never_called_overdue() -> None:
    data = _data("09-discharge-aftercare.json")
    record = load_record(data)
    closure = record.plan.closure
    assert closure is not None
    late = date(2027, 12, 1)  # long after any review date
    for text in _both(record, late):
        assert CLOSED in text
        assert f"It was closed on {long_day(closure.date)} (treatment completed)" in text
        assert "(overdue)" not in text
        assert "Next review none: this plan has ended" in text
        assert "This plan has ended. Signing below says only that" in text
        assert "It says what we have agreed" not in text


def test_h50_a_completed_or_revoked_plan_says_it_ended() -> None:
    for status in ("completed", "revoked"):
        data = _data("03-gp-shared-care.json")
        data["plan"]["status"] = status
        data["plan"]["end"] = "2026-11-20"
        record = load_record(data)
        for text in _both(record):
            assert f"{CLOSED} It ended on 20 November 2026. It is a record, not a current plan." in text


# --- H-51 -----------------------------------------------------------------------------------------


def test_h51_professionals_risk_text_and_child_protection_summary_are_not_printed() -> None:
    record = load_record(_data("12-child-protection.json"))
    plan = record.plan
    assert plan.risk is not None and plan.child_protection is not None
    for text in _both(record):
        assert plan.risk.summary not in text
        assert "partner (violent history)" not in text
        assert plan.child_protection.summary not in text
        # What was agreed with the client is printed: the risk plan, the contingency, the crisis plan.
        for agreed in (plan.risk_management_plan, plan.contingency_plan, plan.crisis_plan):
            assert agreed is not None and agreed in text
        assert "There is a child protection concern" in text


# --- H-52 -----------------------------------------------------------------------------------------


def test_h52_every_page_carries_the_name_birth_date_and_page_of_pages() -> None:
    for path in sorted(CLIENTS.glob("*.json")):
        record = load_record(orjson.loads(path.read_bytes()))
        user = record.service_user
        pages = _pages(record)
        identity = f"{person(user.name)}, born {long_day(user.birth_date)}"
        for number, text in enumerate(pages, start=1):
            assert identity in text, (path.name, number)
            assert f"Page {number} of {len(pages)}" in text, (path.name, number)


# --- H-53 -----------------------------------------------------------------------------------------


def test_h53_a_plan_entered_in_error_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    data = _data("03-gp-shared-care.json")
    data["plan"]["status"] = "entered-in-error"
    source = tmp_path / "plan.json"
    source.write_bytes(orjson.dumps(data))
    for name in ("plan.pdf", "plan.html"):
        out = tmp_path / name
        result = runner.invoke(app, ["print", str(source), "--out", str(out), "--today", "2026-11-25"])
        assert result.exit_code == 1
        assert "plan.status" in result.stderr and "entered in error" in result.stderr
        assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]


# --- H-54 -----------------------------------------------------------------------------------------


def test_h54_a_liquid_dose_prints_with_its_strength_exactly_as_recorded() -> None:
    # Fixture 05: methadone oral solution 60 mL of 1 mg/mL, supervised.
    record = load_record(_data("05-community-drr.json"))
    for text in _both(record):
        assert "Daily dose 60 mL of 1 mg/mL each day" in text
        assert "Supervised yes: you take each dose while a pharmacist or nurse watches" in text
    data = _data("05-community-drr.json")
    data["plan"]["interventions"][0]["prescribing"]["daily_dose"] = {
        "value": "2.50",
        "unit": "mL",
        "strength": {"value": "10", "unit": "mg/mL"},
    }
    for text in _both(load_record(data)):
        assert "Daily dose 2.50 mL of 10 mg/mL each day" in text


def test_h54_supervision_not_recorded_is_said_so_never_read_as_no() -> None:
    data = _data("05-community-drr.json")
    data["plan"]["interventions"][0]["prescribing"].pop("supervised_consumption")
    for text in _both(load_record(data)):
        assert "Supervised not recorded: ask your prescriber" in text
        assert "you take your doses at home" not in text
