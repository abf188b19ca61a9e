"""The paper care plan: for every fixture client an HTML page and a PDF, whose text read back says
who the client is, the four domains, a goal, the prescription, the next review and where to sign.

Golden HTML for four clients (``golden/``); ``UPDATE_GOLDENS=1 pytest tests/paper`` rewrites them."""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date
from fnmatch import fnmatch
from io import BytesIO
from pathlib import Path

import orjson
import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from adapter.model import ClientRecord, load_record
from adapter.model.codes import KEY_DOMAINS
from adapter.paper import PaperFormat, paper_plan, print_plan
from adapter.paper.view import CURRENT, Facts, Items, Table
from adapter.plain import DOMAIN_HEADINGS, dose_amount, label, long_day, person, vocabularies

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = sorted((ROOT / "fixtures" / "clients").glob("*.json"))
GOLDEN = Path(__file__).resolve().parent / "golden"
TODAY = date(2026, 11, 25)  # adapter.cli.journey.FIXTURES_AS_OF
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"


def _record(path: Path) -> ClientRecord:
    return load_record(orjson.loads(path.read_bytes()))


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text, whitespace folded (a line wrap is a space)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages]


def html_text(data: bytes) -> str:
    """The page's text as read: each element's text apart, whitespace folded."""
    return " ".join(" ".join(lxml_html.fromstring(data).itertext()).split())


@pytest.fixture(scope="module", params=CLIENTS, ids=lambda path: path.stem)
def printed(request: pytest.FixtureRequest) -> tuple[ClientRecord, str, str]:
    record = _record(request.param)
    pdf = print_plan(record, TODAY, PaperFormat.PDF)
    assert pdf.startswith(b"%PDF-")
    page = print_plan(record, TODAY, PaperFormat.HTML)
    return record, " ".join(pdf_pages(pdf)), html_text(page)


def test_every_client_s_copy_says_what_the_plan_says(printed: tuple[ClientRecord, str, str]) -> None:
    record, pdf, page = printed
    plan = record.plan
    expected = [
        person(record.service_user.name),
        *(DOMAIN_HEADINGS[domain] for domain in KEY_DOMAINS),
        "Next review "
        + (long_day(plan.next_review_due) if plan.next_review_due and not plan.closure else ""),
        "Client " + person(record.service_user.name),
        "Signature",
        "Date",
        "Worker",
    ]
    expected += [goal.description for goal in plan.goals[:1]]
    for intervention in plan.interventions:
        if intervention.prescribing and intervention.status in CURRENT:
            expected.append(f"Medicine {intervention.prescribing.medicine}")
            expected.append(f"Daily dose {dose_amount(intervention.prescribing.daily_dose)} each day")
    for text in (pdf, page):
        missing = [line for line in expected if line not in text]
        assert missing == []


def test_every_domain_has_its_needs_goals_and_actions_in_the_client_s_words() -> None:
    for path in CLIENTS:
        record = _record(path)
        view = paper_plan(record, TODAY)
        sections = {section.title: section for section in view.sections}
        for domain in KEY_DOMAINS:
            section = sections[DOMAIN_HEADINGS[domain]]
            shown = [b.items for b in section.blocks if isinstance(b, Items)]
            listed = " ".join(item for items in shown for item in items)
            rows = [row for b in section.blocks if isinstance(b, Table) for row in b.rows]
            plan = record.plan
            assert all(n.description in listed for n in plan.needs if n.domain == domain), path.name
            assert all(g.description in listed for g in plan.goals if g.domain == domain), path.name
            actions = [a for a in plan.actions if a.domain == domain]
            assert [row[0] for row in rows] == [a.description for a in actions], path.name


def test_names_in_any_script_print_and_read_back_as_written() -> None:
    # Fixtures' clients include Zoë, Siân, Ó Briain and Wiśniewski: the font has every letter and
    # the PDF maps each glyph back to its character.
    for path in CLIENTS:
        record = _record(path)
        names = [person(record.service_user.name), *(person(m.name) for m in record.care_team)]
        text = " ".join(pdf_pages(print_plan(record, TODAY, PaperFormat.PDF)))
        assert [name for name in names if name not in text] == []
    assert any("ś" in person(_record(p).service_user.name) for p in CLIENTS) or any(
        "ś" in person(m.name) for p in CLIENTS for m in _record(p).care_team
    )


def test_the_keyworker_and_care_coordinator_are_named_with_how_to_reach_them() -> None:
    record = _record(ROOT / "fixtures" / "clients" / "04-enhanced-cpa.json")
    (team,) = [s for s in paper_plan(record, TODAY).sections if s.title == "Who to contact"]
    rows = dict(team.blocks[0].rows) if isinstance(team.blocks[0], Facts) else {}
    text = " ".join(f"{k} {v}" for k, v in team.blocks[0].rows) if isinstance(team.blocks[0], Facts) else ""
    coordinators = [m for m in record.care_team if "cmht-care-coordinator" in m.roles]
    assert coordinators
    for member in coordinators:
        assert person(member.name) in text
        assert all(contact in text for contact in (member.phone, member.email) if contact)
    assert "How to reach them" in rows


def test_markup_in_the_record_is_printed_as_text_never_obeyed(tmp_path: Path) -> None:
    data = orjson.loads((ROOT / "fixtures" / "clients" / "03-gp-shared-care.json").read_bytes())
    data["plan"]["goals"][0]["description"] = "<b>Stop</b> & <script>alert(1)</script> start"
    record = load_record(data)
    page = print_plan(record, TODAY, PaperFormat.HTML)
    assert b"<script>" not in page and b"&lt;script&gt;" in page
    assert "<b>Stop</b> & <script>alert(1)</script> start" in html_text(page)
    pdf = " ".join(pdf_pages(print_plan(record, TODAY, PaperFormat.PDF)))
    assert "<b>Stop</b> & <script>alert(1)</script> start" in pdf


def test_text_longer_than_a_page_flows_on_and_long_words_wrap() -> None:
    # A table row taller than a page splits inside itself; a word wider than its cell is broken.
    data = orjson.loads((ROOT / "fixtures" / "clients" / "03-gp-shared-care.json").read_bytes())
    data["plan"]["actions"][0]["description"] = " ".join(f"step{n}" for n in range(900))
    data["plan"]["crisis_plan"] = " ".join(f"crisis{n}" for n in range(2500))
    data["care_team"][0]["email"] = "a" * 90 + "@example.org"
    pages = pdf_pages(print_plan(load_record(data), TODAY, PaperFormat.PDF))
    text = " ".join(pages)
    assert len(pages) > 5
    assert "step899" in text and "crisis2499" in text
    assert "Signature" in pages[-1]


def test_the_same_plan_prints_the_same_bytes() -> None:
    record = _record(CLIENTS[0])
    assert print_plan(record, TODAY, PaperFormat.PDF) == print_plan(record, TODAY, PaperFormat.PDF)


def test_a_review_past_its_date_says_overdue_on_the_day_printed() -> None:
    record = _record(ROOT / "fixtures" / "clients" / "05-community-drr.json")
    due = record.plan.next_review_due
    assert due is not None
    on_the_day = html_text(print_plan(record, due, PaperFormat.HTML))
    after = html_text(print_plan(record, date.fromordinal(due.toordinal() + 1), PaperFormat.HTML))
    assert f"Next review {long_day(due)} (overdue)" in after
    assert "(overdue)" not in on_the_day


def test_the_client_words_name_real_codes_only() -> None:
    from adapter.model import codes, system_codes, top

    enums = {
        "role": codes.Role,
        "modality": codes.Modality,
        "activity-status": codes.ActivityStatus,
        "goal-status": codes.GoalStatus,
        "risk-area": codes.RiskArea,
        "consent-purpose": codes.ConsentPurpose,
        "closure-reason": codes.ClosureReason,
        "plan-kind": codes.PlanKind,
        "sentence-requirement": system_codes.SentenceRequirement,
        "top-stage": top.TopStage,
        "contact-kind": system_codes.ContactKind,
    }
    every_code_worded = {"sentence-requirement", "top-stage", "contact-kind"}
    tables = vocabularies()
    assert set(tables) == {*enums, "language"}
    for name, enum in enums.items():
        rows = tables[name]
        assert set(rows) <= {member.value for member in enum}, name
        assert all(words.strip() for words in rows.values()), name
        if name in every_code_worded:
            assert set(rows) == {member.value for member in enum}, name
    assert label("role", "no-such-role") == "no such role"


def test_a_first_language_is_named_by_its_primary_subtag_never_guessed() -> None:
    from adapter.plain import language

    # Primary subtags only (BCP 47: 2-3 letters, lower case as the registry writes them).
    assert all(re.fullmatch(r"[a-z]{2,3}", tag) for tag in vocabularies()["language"])
    assert language("pl") == "Polish"
    assert language("PL") == "Polish"
    assert language("pa-Guru") == "Punjabi"
    assert language("en-GB") == "English"
    assert language("cy") == "Welsh"
    assert language("xq") == "the language coded 'xq'"


def test_templates_and_word_tables_ship_in_the_wheel() -> None:
    # setuptools' package-data globs (pyproject.toml) must cover every data file of the package.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["adapter"]
    package = ROOT / "adapter"
    for folder in (package / "paper", package / "plain"):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix not in (".py", ".pyc"):
                relative = path.relative_to(package).as_posix()
                assert any(fnmatch(relative, pattern) for pattern in globs), relative


@pytest.mark.parametrize(
    "name", ["02-carat-release", "03-gp-shared-care", "12-child-protection", "15-cpa-psychiatric-medication"]
)
def test_golden_html(name: str) -> None:
    page = print_plan(_record(ROOT / "fixtures" / "clients" / f"{name}.json"), TODAY, PaperFormat.HTML)
    golden = GOLDEN / f"{name}.html"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(page)
    elif not golden.exists():
        pytest.fail(f"{golden.name} is missing: run UPDATE_GOLDENS=1 pytest {Path(__file__).name}")
    assert page == golden.read_bytes()
