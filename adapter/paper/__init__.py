"""The signed paper care plan: a copy of a record's plan for the client to read and sign.

    >>> from adapter.paper import PaperFormat, print_plan
    >>> pdf = print_plan(record, date(2026, 11, 25), PaperFormat.PDF)      # bytes of an A4 PDF
    >>> page = print_plan(record, date(2026, 11, 25), PaperFormat.HTML)    # UTF-8 HTML

Seed 001, 5.3.2: the care plan "should be a paper document which is available to the client and kept
on the client's file"; seed 003: "a written care plan, which is agreed with and signed by the service
user". The copy says, in plain English and from the same record and the same words as the FHIR
narrative (adapter.plain): the four domains with the needs and goals in the client's words, who does
what and by when, the keyworker and care co-ordinator and how to reach them (and the next booked
contact), current prescribing with the client's other medicines beside it, who looks after them while
they wait for tier 3 and the tier 2 help they were told of, risk, contingency and crisis plans, their
licence or order (never probation's risk), the next review, their own TOP ratings over time, the
follow-up after discharge, what the client agreed (and refused) to share, and lines for the client and
the worker (and an interpreter, when one is needed) to sign and date. Diagnoses, Mental Health Act
status, blood-borne virus results, sexuality, religion and ethnicity are never printed (H-55). A plan
imported for review, closed, a draft or on hold says so at the top; a plan entered in error is not
printed (PrintRefused).

The view (:func:`paper_plan`) is plain data both layouts read: HTML from a Jinja2 template
(``templates/plan.html.j2``) and PDF by ReportLab (:mod:`adapter.paper.pdf`).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from adapter.model import ClientRecord
from adapter.paper.view import PaperPlan, paper_plan

__all__ = ["PaperFormat", "PaperPlan", "paper_plan", "print_plan"]


class PaperFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"


def print_plan(record: ClientRecord, today: date, form: PaperFormat) -> bytes:
    """The paper copy of ``record``'s plan as of ``today``, in ``form``, whole."""
    plan = paper_plan(record, today)
    if form is PaperFormat.PDF:
        from adapter.paper.pdf import render_pdf

        return render_pdf(plan)
    from adapter.paper.html import render_html

    return render_html(plan).encode("utf-8")
