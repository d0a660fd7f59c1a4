"""The QBR pack as Markdown: seed 004's outline, in our words, with user text escaped.

Every piece of user text was cleaned in ``pack`` (hidden characters,
formula starts); here it is also escaped, so a name holding HTML or Markdown
shows as the characters typed rather than as markup or a link.
"""

from __future__ import annotations

import re

from scoring.qbr.pack import QbrPack

# Inline markup only: user text never starts a line here (it always follows a
# label or a bullet), so list and heading starters need no escape.
_MARKUP = re.compile(r"([\\`*_{}\[\]<>#|~!&$])")
ARROWS = {"up": "up ↑", "down": "down ↓", "flat": "flat →", "no history": "no history"}


def esc(text: str) -> str:
    """Backslash every character Markdown or HTML could act on."""
    return _MARKUP.sub(r"\\\1", text)


def _missing(pack: QbrPack, section: str) -> list[str]:
    gap = pack.gap(section)
    return [f"_No data yet._ {gap.what_to_add}", ""] if gap else []


def to_markdown(pack: QbrPack, chart_file: str | None = None) -> str:
    """The whole pack; ``chart_file`` names the PNG written next to it (None: no chart)."""
    out = [f"# Quarterly business review: {esc(pack.account_name)}", ""]
    out += [f"{esc(pack.quarter)} · account {esc(pack.account_id)} · health model: {esc(pack.model_name)}", ""]
    out += ["## Partnership at a glance", ""]
    out += [f"- {label}: {esc(value)}" for label, value in pack.summary]
    out.append("")
    for section in ("Customer since", "Current ARR", "Users"):
        gap = pack.gap(section)
        if gap:
            out.append(f"> To fill in {section.lower()}: {gap.what_to_add}")
    out += ["", f"## The quarter in review ({esc(pack.quarter)})", "", "### What the team achieved", ""]
    out += [f"- {esc(a)}" for a in pack.achievements] or _missing(pack, "Achievements")
    out += ["", "### Metrics", ""]
    if pack.metrics:
        out += [f"Values from {esc(pack.metrics_month or '')}; trend against the previous quarter's last month.", ""]
        out += ["| Metric | Target | Actual | Trend |", "|---|---|---|---|"]
        out += [f"| {esc(m.label)} | {esc(m.target)} | {esc(m.actual)} | {ARROWS[m.trend]} |" for m in pack.metrics]
    else:
        out += _missing(pack, "Quarter in review")
    out += ["", "## Value delivered", ""]
    out += [f"- {label}: {esc(text)}" for label, text in pack.value] or _missing(pack, "Value delivered")
    out += ["", "## Health and what drives it", ""]
    if pack.score is not None:
        trend = ARROWS[pack.score_trend]
        score = f"Health score **{pack.score:.1f}** ({esc(pack.band)}){pack.score_in}"
        out.append(f"{score}, trend over three months: {trend}.")
        if pack.weakest:
            out.append(f"Losing the most points: {esc(pack.weakest)}.")
    else:
        out += _missing(pack, "Health")
    if chart_file and pack.drivers:
        out += ["", f"![Points each signal earned]({chart_file})"]
    if pack.drivers:
        out += ["", "| Signal | Points | Out of |", "|---|---|---|"]
        out += [f"| {esc(d.label)} | {d.points:.1f} | {d.max_points:.1f} |" for d in pack.drivers]
        if pack.not_counted:
            out += ["", f"Not counted, no data: {esc(', '.join(pack.not_counted))}."]
    out += ["", "## Open risks and issues", ""]
    out += [f"- {esc(r)}" for r in pack.risks] or _missing(pack, "Open risks and issues")
    out += ["", "## Goals for next quarter", ""]
    out += [f"{i}. {esc(g)}" for i, g in enumerate(pack.goals, 1)] or _missing(pack, "Next quarter goals")
    return "\n".join(out).rstrip() + "\n"
