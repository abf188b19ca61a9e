"""The client's paper copy and what the record gained in issue 11: an interpreter need (H-35), other
medicines beside the prescription (H-40), probation's risk kept off the copy (H-51) and the
special-category facts never printed (H-55)."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import orjson
from lxml import html as lxml_html
from pypdf import PdfReader

from adapter.model import ClientRecord, load_record
from adapter.paper import PaperFormat, print_plan
from adapter.paper.view import TELL_EVERY_PRESCRIBER

CLIENTS = Path(__file__).resolve().parents[2] / "fixtures" / "clients"
TODAY = date(2026, 11, 25)


def _data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads((CLIENTS / name).read_bytes())
    return data


def _pdf_pages(record: ClientRecord) -> list[str]:
    pdf = print_plan(record, TODAY, PaperFormat.PDF)
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages]


def _both(record: ClientRecord) -> list[str]:
    page = print_plan(record, TODAY, PaperFormat.HTML)
    return [" ".join(_pdf_pages(record)), " ".join(" ".join(lxml_html.fromstring(page).itertext()).split())]


def test_h35_the_paper_copy_is_read_with_an_interpreter_in_the_client_s_language_and_signed_by_one() -> None:
    # Fixture 02: first language Polish, interpreter needed.
    record = load_record(_data("02-carat-release.json"))
    assert record.service_user.first_language == "pl" and record.service_user.interpreter_required
    pages = _pdf_pages(record)
    assert "Interpreter needed: this plan is read with you in Polish" in pages[0]
    (signing,) = [page for page in pages if "Agreeing this plan" in page]
    signing = signing[signing.index("Agreeing this plan") :]
    assert "This plan is to be read with you in Polish by an interpreter before you sign it" in signing
    assert "Interpreter (Polish) Name Signature Date" in signing
    # The interpreter signs on the same page as the client.
    assert "Client Mr Tomasz Wiśniewski Signature Date" in signing
    # Interpreter not needed: no interpreter line.
    data = _data("02-carat-release.json")
    data["service_user"]["interpreter_required"] = False
    assert all("Interpreter" not in text for text in _both(load_record(data)))


def test_h40_the_paper_copy_lists_other_medicines_beside_the_prescription() -> None:
    # Fixture 15: methadone (drug service) and olanzapine and sertraline (CMHT) on one page, with
    # the line telling the client to tell every prescriber.
    record = load_record(_data("15-cpa-psychiatric-medication.json"))
    (page,) = [p for p in _pdf_pages(record) if "Your prescription" in p]
    for medicine in record.plan.psychiatric_medication:
        assert medicine.medicine in page and (medicine.dose or "") in page
    assert "Methadone hydrochloride 1 mg/mL oral solution" in page
    assert TELL_EVERY_PRESCRIBER in page
    for text in _both(record):
        assert text.index("Your prescription") < text.index("Other medicines you take")


def test_h51_probation_s_risk_of_serious_harm_is_not_printed() -> None:
    # Fixture 15: probation rated the risk of serious harm high, with a summary naming who is at risk.
    record = load_record(_data("15-cpa-psychiatric-medication.json"))
    management = record.plan.offender_management
    assert management is not None and management.risk_summary and management.risk_of_serious_harm
    for text in _both(record):
        assert "Kate Burns" in text and "Your licence ends 2 February 2027" in text
        assert management.risk_summary not in text
        assert "Risk to known adults" not in text
        assert "serious harm" not in text.lower()
        assert "20 July 2026" not in text  # the day probation assessed it


def test_h55_diagnoses_legal_status_virus_results_sexuality_religion_and_ethnicity_are_not_printed() -> None:
    # Fixture 15: diagnoses and a community treatment order with section 117 aftercare.
    record = load_record(_data("15-cpa-psychiatric-medication.json"))
    for text in _both(record):
        assert "Post-traumatic stress disorder" not in text
        assert "14 May 2019" not in text  # the day of the diagnosis
        lowered = text.lower()
        assert "community treatment order" not in lowered
        assert "section 117" not in lowered and "mental health act" not in lowered
    # Fixture 02: hepatitis C antibody positive, HIV negative; Christian, heterosexual, White - other.
    record = load_record(_data("02-carat-release.json"))
    user = record.service_user
    assert user.religion and user.sexual_orientation and user.ethnic_category
    for text in _both(record):
        lowered = text.lower()
        assert "antibody positive" not in lowered and "rna test" not in lowered
        assert "positive" not in lowered and "negative" not in lowered
        assert "christian" not in lowered and "heterosexual" not in lowered
        assert "any other white background" not in lowered and "ethnic" not in lowered
