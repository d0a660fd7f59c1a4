"""A plan's progress as CSV (for spreadsheets) and Markdown (for a CRM note).

CSV cells that a spreadsheet would read as a formula (starting with = + - @,
or a tab or carriage return that some spreadsheets skip before one) get a
leading single quote: names and notes are typed by users, and a note
starting with ``=HYPERLINK(...)`` must stay text.  In Markdown, characters
that would turn user text (names, notes) into links, emphasis or HTML are
escaped; the checklist's own wording comes from our TOML and is left as is.
Both drop bidi controls and control characters (``scoring.hidden_chars``):
CSV through ``safe_cell``, Markdown in ``md_escape``.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from scoring.checklists.progress import PlanProgress, gate
from scoring.checklists.replay import Mark
from scoring.csv_export import rows_to_csv
from scoring.hidden_chars import strip_hidden

CSV_COLUMNS = (
    "Checklist",
    "Subject",
    "Start date",
    "Stage",
    "Period",
    "Stage due",
    "Stage status",
    "Stage progress",
    "Signed off by",
    "Signed off at",
    "Item",
    "Done",
    "Ticked by",
    "Ticked at",
    "Note",
)
# User text only ever appears mid-line, so list and heading markers at a line start cannot occur.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at else ""


def _who(mark: Mark | None) -> str:
    return mark.actor if mark else ""


def to_csv(progress: PlanProgress) -> str:
    """One row per item, with its stage's dates, status and sign-off repeated for filtering."""
    plan = progress.state.plan
    rows = [
        (
            progress.state.checklist.name,
            plan.subject,
            plan.start_date.isoformat(),
            sp.stage.title,
            sp.stage.period,
            sp.due.isoformat(),
            str(sp.status),
            sp.state.counter,
            _who(sp.state.signoff),
            _when(sp.state.signoff.at if sp.state.signoff else None),
            item.item.text,
            "yes" if item.done else "no",
            _who(item.ticked),
            _when(item.ticked.at if item.ticked else None),
            item.note,
        )
        for sp in progress.stages
        for item in sp.state.items
    ]
    return rows_to_csv(CSV_COLUMNS, rows)


def md_escape(text: str) -> str:
    """User text, made inert so a CRM's Markdown renderer shows it literally, with hidden characters dropped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(strip_hidden(text).split()))


def _day(d: date) -> str:
    return d.strftime("%d %b %Y")


def to_markdown(progress: PlanProgress, today: date) -> str:
    """A short, pasteable summary: headline numbers, then each stage with its items."""
    state = progress.state
    plan = state.plan
    lines = [
        f"## {state.checklist.name}: {md_escape(plan.subject)}",
        "",
        f"- Started: {_day(plan.start_date)}",
        f"- Progress: {state.ticked} of {state.total} items ({state.percent_done} %), {progress.status}",
    ]
    if progress.current is not None:
        lines.append(
            f"- Current stage: {progress.current.stage.title}, "
            f"{progress.days_in_stage} days in stage, due {_day(progress.current.due)}"
        )
    lines.append(f"- As of: {_day(today)}")
    for sp in progress.stages:
        lines += ["", f"### {sp.stage.title} ({sp.stage.period}): {sp.state.counter}, {sp.status}, due {_day(sp.due)}"]
        g = gate(sp.state)
        if g.needed:
            lines.append(f"_{md_escape(g.reason)}_")
        lines.append("")
        for item in sp.state.items:
            box = "[x]" if item.done else "[ ]"
            line = f"- {box} {item.item.text}"
            if item.ticked:
                line += f" (ticked by {md_escape(item.ticked.actor)}, {_when(item.ticked.at)})"
            if item.note:
                line += f"; note: {md_escape(item.note)}"
            lines.append(line)
    return "\n".join(lines) + "\n"
