"""The two hand-offs as Markdown: a pattern brief for Product and a reproducible case for Engineering.

Everything a user typed (account names, the customer's words, tags) goes
through ``md``: hidden characters dropped, and every character a Markdown
renderer would act on escaped, so pasted HTML, links, emphasis or a
formula start arrive as the literal text.  Our own wording (category names,
what a team needs, headings) comes from the TOML and code and is left as is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from scoring.checklists.export import md_escape
from scoring.diagnosis.categories import categories
from scoring.diagnosis.patterns import AccountFacts, Pattern, facts_of
from scoring.diagnosis.replay import IssueState
from scoring.formatting import NO_DATA, money
from scoring.wording import counted

_NUMBER_WORDS = ("Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten")


def md(text: str) -> str:
    """User text made inert for Markdown (``&`` too, so an entity such as ``&lt;`` shows as typed)."""
    return md_escape(text).replace("&", "\\&")


def _count_word(n: int) -> str:
    return _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else f"{n:,}"


def _day(d: date) -> str:
    return d.strftime("%d %b %Y")


def headline(pattern: Pattern) -> str:
    """'Three Mid-Market accounts hit SSO (technical bug)', with user text escaped."""
    n = _count_word(len(pattern.accounts))
    what = f"hit {md(pattern.tag)} ({pattern.category.name})"
    if pattern.by == "segment" and pattern.group:
        return f"{n} {md(pattern.group)} accounts {what}"
    if pattern.by == "csm" and pattern.group:
        return f"{n} accounts in {md(pattern.group)}'s book {what}"
    return f"{n} accounts {what}"


def pattern_line(pattern: Pattern) -> str:
    """One plain line per pattern for the CLI: 'technical bug · SSO · Mid-Market · 3 accounts · $410K ARR'."""
    parts = [pattern.category.name, pattern.tag]
    if pattern.by is not None:
        parts.append(pattern.group or f"{pattern.by} {NO_DATA}")
    arr = money(pattern.arr)
    parts += [
        counted(len(pattern.accounts), "account", "accounts"),
        f"{arr} ARR" if pattern.arr is not None else f"ARR {NO_DATA}",
    ]
    return " · ".join(parts)


def product_brief(pattern: Pattern, today: date) -> str:
    """The pattern as evidence for Product: who, how much ARR, since when, and in the customers' words."""
    lines = [
        f"# {headline(pattern)}",
        "",
        f"- Category: {pattern.category.name}; product area: {md(pattern.tag)}",
        f"- Accounts: {len(pattern.accounts)}; issues logged: {len(pattern.issue_ids)}",
        f"- ARR affected: {money(pattern.arr)}"
        + (
            f" ({counted(pattern.arr_unknown, 'account', 'accounts')} with no ARR in the loaded portfolio)"
            if pattern.arr_unknown
            else ""
        ),
        f"- First seen {_day(pattern.first)}, last seen {_day(pattern.last)}",
        f"- As of {_day(today)}",
        "",
        "## Accounts",
        "",
        "| Account | ARR | Health band | Issues |",
        "|---|---|---|---|",
    ]
    for a in pattern.accounts:
        band = a.facts.band or NO_DATA
        lines.append(f"| {md(a.label)} ({md(a.facts.account_id)}) | {money(a.facts.arr)} | {band} | {a.issues} |")
    lines += ["", "## In the customers' words", ""]
    for q in pattern.quotes:
        lines.append(f"> {md(q.words)}")
        lines.append(f"> ({md(q.account)}, {_day(q.on)})")
        lines.append("")
    lines += ["## What we ask", "", pattern.category.needs, ""]
    return "\n".join(lines)


def _or_none(text: str) -> str:
    return md(text) if text.strip() else f"_{NO_DATA}: not captured at intake_"


def engineering_case(state: IssueState, facts: Mapping[str, AccountFacts]) -> str:
    """A case Engineering can reproduce without a call: steps, expected against actual, account context."""
    intake = state.record.intake
    account = facts_of(facts, state)
    category = categories().get(intake.category_id)
    lines = [
        f"# {md(state.issue_id)}: {md(intake.tag)} ({category.name if category else md(intake.category_id)})",
        "",
        f"- Severity: {intake.severity}",
        f"- Status: {state.status}; update promised to the customer by {_day(state.update_by)}",
        f"- Logged by {md(state.record.opened_by)} on {_day(state.record.opened_at.date())}",
        "",
        "## Steps to reproduce",
        "",
        f"- The customer was trying to: {_or_none(intake.goal)}",
        f"- What they already tried: {_or_none(intake.tried)}",
        "",
        "## Expected",
        "",
        f"- {_or_none(intake.goal)}",
        "",
        "## Actual",
        "",
        f"- Technical fact: {_or_none(intake.technical_fact)}",
        f"- In the customer's words: {_or_none(intake.symptom)}",
        f"- Restated and confirmed with the customer: {_or_none(intake.restated)}",
        "",
        "## Account context",
        "",
        f"- Account: {md(account.name or NO_DATA)} ({md(account.account_id)})",
        f"- Segment: {md(account.segment or NO_DATA)}; CSM: {md(account.csm or NO_DATA)}",
        f"- ARR: {money(account.arr)}; health band: {account.band or NO_DATA}",
        f"- Business impact: {_or_none(intake.business_impact)}",
        "",
    ]
    return "\n".join(lines)
