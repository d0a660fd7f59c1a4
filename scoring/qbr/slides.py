"""The QBR pack as a PowerPoint file (python-pptx): the deck a CSM presents from after editing.

PowerPoint rather than PDF because the pack is a first draft: the CSM adds
the customer's logo, rewrites a line, drops a slide, which a PDF would not
allow.  Text goes into text frames and table cells as plain runs (a slide
never evaluates a formula, and ``pack`` already neutralised formula starts
and hidden characters for anyone who pastes a table into a spreadsheet).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Inches, Pt

from scoring.qbr.markdown import ARROWS
from scoring.qbr.pack import QbrPack

_TITLE_ONLY = 5
_TITLE = 0


def _bullets(slide: Slide, items: Sequence[str], top: float = 1.5) -> None:
    box = slide.shapes.add_textbox(Inches(0.6), Inches(top), Inches(8.8), Inches(5.5 - top + 1.5))
    frame = box.text_frame
    frame.word_wrap = True
    for i, item in enumerate(items):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = item
        para.font.size = Pt(16)


def _table(slide: Slide, header: Sequence[str], rows: Sequence[Sequence[str]], top: float = 1.5) -> None:
    shape = slide.shapes.add_table(len(rows) + 1, len(header), Inches(0.6), Inches(top), Inches(8.8), Inches(0.4))
    table = shape.table
    for c, text in enumerate(header):
        table.cell(0, c).text = text
    for r, row in enumerate(rows, 1):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = text
            cell.text_frame.paragraphs[0].font.size = Pt(12)


def _slide(deck: Deck, title: str) -> Slide:
    slide = deck.slides.add_slide(deck.slide_layouts[_TITLE_ONLY])
    slide.shapes.title.text = title
    return slide


def _gap(pack: QbrPack, section: str) -> list[str]:
    gap = pack.gap(section)
    return [f"No data yet. {gap.what_to_add}"] if gap else []


def to_pptx(pack: QbrPack, chart_png: bytes | None) -> bytes:
    """The deck as bytes: title, partnership, quarter, value, health, risks, goals."""
    deck = Presentation()
    first = deck.slides.add_slide(deck.slide_layouts[_TITLE])
    first.shapes.title.text = f"Quarterly business review: {pack.account_name}"
    first.placeholders[1].text = f"{pack.quarter} · account {pack.account_id} · {pack.model_name}"

    slide = _slide(deck, "Partnership at a glance")
    _table(slide, ("", ""), [(label, value) for label, value in pack.summary])

    slide = _slide(deck, f"The quarter in review ({pack.quarter})")
    achieved = list(pack.achievements) or _gap(pack, "Achievements")
    _bullets(slide, ["What the team achieved:", *achieved], top=1.4)
    slide = _slide(deck, "Metrics against target")
    if pack.metrics:
        rows = [(m.label, m.target, m.actual, ARROWS[m.trend]) for m in pack.metrics]
        _table(slide, ("Metric", "Target", "Actual", "Trend"), rows)
    else:
        _bullets(slide, _gap(pack, "Quarter in review"))

    slide = _slide(deck, "Value delivered")
    _bullets(slide, [f"{label}: {text}" for label, text in pack.value] or _gap(pack, "Value delivered"))

    slide = _slide(deck, "Health and what drives it")
    if pack.score is not None:
        trend = ARROWS[pack.score_trend]
        head = [f"Health score {pack.score:.1f} ({pack.band}){pack.score_in}; three-month trend: {trend}"]
        if pack.weakest:
            head.append(f"Losing the most points: {pack.weakest}")
        if pack.not_counted:
            head.append(f"Not counted, no data: {', '.join(pack.not_counted)}")
    else:
        head = _gap(pack, "Health")
    _bullets(slide, head, top=1.3)
    if chart_png:
        slide.shapes.add_picture(io.BytesIO(chart_png), Inches(1.0), Inches(2.4), width=Inches(8.0))

    slide = _slide(deck, "Open risks and issues")
    _bullets(slide, list(pack.risks) or _gap(pack, "Open risks and issues"))
    slide = _slide(deck, "Goals for next quarter")
    goals = [f"{i}. {g}" for i, g in enumerate(pack.goals, 1)]
    _bullets(slide, goals or _gap(pack, "Next quarter goals"))

    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
