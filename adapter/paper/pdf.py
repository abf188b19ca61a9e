"""The paper plan as a PDF to print: A4, 12 pt text, every page headed by nothing and footed by the
client's name, date of birth and "page N of M", so that a loose page finds its way back (H-52).

Laid out by ReportLab's Platypus (flowing text over pages, tables that split between rows with their
heading repeated, the signature block kept on one page) in Source Sans Pro, embedded (subset): a
TrueType font with every letter the clients' names use (Zoë, Siân, Wiśniewski, Ó Briain). The font
files come from the ``font-source-sans-pro`` package (Adobe's Source Sans Pro, SIL Open Font Licence
1.1); nothing is fetched at run time. Output is byte-for-byte the same for the same plan
(ReportLab's invariant mode: no creation time, a fixed document id).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import font_source_sans_pro
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from adapter.paper.view import Facts, Items, PaperPlan, Section, Signatures, Table, Text

FONT = "PaperSans"
BOLD = "PaperSans-Bold"
MARGIN = 16 * mm
PADDING = 6  # a Frame's own padding, in points
WIDTH = A4[0] - 2 * MARGIN - 2 * PADDING


@cache
def _fonts() -> None:
    files = font_source_sans_pro.font_files_ttf
    pdfmetrics.registerFont(TTFont(FONT, Path(files["SourceSansPro"])))
    pdfmetrics.registerFont(TTFont(BOLD, Path(files["SourceSansProBold"])))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _style(name: str, size: float, *, bold: bool = False, **more: Any) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=BOLD if bold else FONT,
        fontSize=size,
        leading=size * 1.3,
        alignment=TA_LEFT,
        **more,
    )


BODY = _style("body", 12, spaceAfter=4)
CELL = _style("cell", 11)
CELL_BOLD = _style("cell-bold", 11, bold=True)
TITLE = _style("title", 20, bold=True, spaceAfter=2)
H2 = _style("h2", 15, bold=True, spaceBefore=12, spaceAfter=4, keepWithNext=1)
H3 = _style("h3", 12, bold=True, spaceBefore=6, spaceAfter=2, keepWithNext=1)
ITEM = _style("item", 12, leftIndent=12, bulletIndent=2, spaceAfter=2)
STEP = _style("step", 11, leftIndent=30, bulletIndent=18, spaceAfter=1)
NOTICE_TITLE = _style("notice-title", 14, bold=True, spaceAfter=2)
FOOT = _style("foot", 9)

SPLIT_IN_ROW = 48
"""A row taller than what is left of the page splits inside itself, leaving at least this much (points,
about three lines) on either side: a long action or contact never runs off the page."""

GRID_WIDTHS: dict[tuple[str, ...], tuple[float, ...]] = {
    ("What", "Who", "By when", "Now"): (0.40, 0.32, 0.15, 0.13),
    ("Name", "Role", "Service", "Contact"): (0.20, 0.22, 0.24, 0.34),
    ("Treatment", "Where", "Keyworker", "Now"): (0.40, 0.27, 0.18, 0.15),
    ("Medicine", "Dose", "Prescribed by"): (0.36, 0.26, 0.38),
    ("When", "Psychological health", "Physical health", "Quality of life"): (0.40, 0.20, 0.20, 0.20),
}
"""Column shares of the page width for the tables the view makes; any other divides it evenly."""


def _p(text: str, style: ParagraphStyle = BODY, lead: str = "") -> Paragraph:
    """A paragraph of record text: escaped, so ``<`` or ``&`` in a plan is printed, never obeyed."""
    opening = f"<b>{escape(lead)}</b> " if lead else ""
    return Paragraph(opening + escape(text), style)


def _facts(block: Facts) -> list[Flowable]:
    lead: list[Flowable] = [_p(block.lead, H3)] if block.lead else []
    rows = [[_p(label, CELL_BOLD), _p(value, CELL)] for label, value in block.rows]
    table = PdfTable(rows, colWidths=(0.30 * WIDTH, 0.70 * WIDTH), splitInRow=SPLIT_IN_ROW, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return [*lead, table, Spacer(1, 4)]


def _items(block: Items) -> list[Flowable]:
    flowables: list[Flowable] = [_p(block.lead, H3)] if block.lead else []
    for number, item in enumerate(block.items):
        flowables.append(Paragraph(escape(item), ITEM, bulletText="•"))
        steps = block.steps[number] if number < len(block.steps) else ()
        flowables += [Paragraph(escape(step), STEP, bulletText="–") for step in steps]
    return flowables


def _table(block: Table) -> list[Flowable]:
    shares = GRID_WIDTHS.get(block.header, tuple(1 / len(block.header) for _ in block.header))
    rows = [[_p(h, CELL_BOLD) for h in block.header], *([_p(c, CELL) for c in row] for row in block.rows)]
    table = PdfTable(
        rows, colWidths=[s * WIDTH for s in shares], repeatRows=1, splitInRow=SPLIT_IN_ROW, hAlign="LEFT"
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#555555")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    lead: list[Flowable] = [_p(block.lead, H3)] if block.lead else []
    return [*lead, table, Spacer(1, 6)]


def _text(block: Text) -> list[Flowable]:
    return [_p(block.text, BODY, block.lead)]


def _signatures(block: Signatures) -> list[Flowable]:
    parts: list[Flowable] = [_p(block.statement)]
    for who, name in block.signers:
        # No printed name (an interpreter, a worker not recorded): a line to write it on.
        lines = ["Signature", "Date"] if name else ["Name", "Signature", "Date"]
        rows = [[_p(who, CELL_BOLD), _p(name or " ", CELL)], *([_p(line, CELL), ""] for line in lines)]
        table = PdfTable(
            rows,
            colWidths=(0.22 * WIDTH, 0.60 * WIDTH),
            rowHeights=[None, *(30 for _ in lines)],
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 1), (-1, -1), "BOTTOM"),
                    ("VALIGN", (0, 0), (-1, 0), "TOP"),
                    ("LINEBELOW", (1, 1), (1, -1), 0.8, colors.black),
                    ("LEFTPADDING", (0, 0), (0, -1), 0),
                ]
            )
        )
        parts += [Spacer(1, 8), table]
    return parts


_BLOCKS: dict[str, Callable[[Any], list[Flowable]]] = {
    "facts": _facts,
    "items": _items,
    "table": _table,
    "text": _text,
    "signatures": _signatures,
}


def _section(section: Section) -> list[Flowable]:
    flowables: list[Flowable] = [_p(section.title, H2)]
    for block in section.blocks:
        flowables += _BLOCKS[block.kind](block)
    if any(isinstance(block, Signatures) for block in section.blocks):
        # Signing is done on one page, under its heading: never a heading left behind.
        return [KeepTogether(flowables)]
    return flowables


def _notice(title: str, text: str) -> Flowable:
    box = PdfTable([[[_p(title, NOTICE_TITLE), _p(text)]]], colWidths=(WIDTH,))
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 2, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return box


def _story(plan: PaperPlan) -> list[Flowable]:
    story: list[Flowable] = [_p(plan.title, TITLE), Spacer(1, 4)]
    for notice in plan.notices:
        story += [_notice(notice.title, notice.text), Spacer(1, 6)]
    story += _facts(Facts(plan.facts))
    for section in plan.sections:
        story += _section(section)
    story += [Spacer(1, 12), _p(plan.footer, FOOT)]
    return story


def _build(plan: PaperPlan, pages: int | None) -> tuple[bytes, int]:
    buffer = BytesIO()

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 9)
        canvas.drawString(MARGIN + PADDING, 10 * mm, plan.identity)
        of = f" of {pages}" if pages else ""
        canvas.drawRightString(A4[0] - MARGIN - PADDING, 10 * mm, f"Page {doc.page}{of}")
        canvas.restoreState()

    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"{plan.title}: {plan.client}",
        author=plan.holder,
        subject="Care plan to read and sign",
        creator="careplan print",
        invariant=1,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="text")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=footer)])
    doc.build(_story(plan))
    return buffer.getvalue(), doc.page


def render_pdf(plan: PaperPlan) -> bytes:
    """The PDF, whole. Laid out twice: the first pass counts the pages for "page N of M"."""
    _fonts()
    _, pages = _build(plan, None)
    data, _ = _build(plan, pages)
    return data
