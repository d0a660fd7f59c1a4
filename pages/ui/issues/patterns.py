"""Patterns with evidence: the accounts, ARR, dates, bands and quotes, and the brief to hand Product."""

from __future__ import annotations

from datetime import date
from typing import cast

import pandas as pd
import streamlit as st

from pages.ui.issues import keys
from pages.ui.issues.words import shown
from scoring.diagnosis.briefs import product_brief
from scoring.diagnosis.patterns import GROUP_LABELS, MIN_ACCOUNTS, AccountFacts, GroupBy, Pattern, find_patterns
from scoring.diagnosis.replay import IssueState
from scoring.formatting import NO_DATA, money

_WHOLE_BOOK = "all accounts"


def controls() -> tuple[int, GroupBy | None]:
    """How many accounts make a pattern, and whether to look within a segment or a CSM's book."""
    left, right = st.columns(2)
    n = left.number_input(
        "Accounts that make a pattern",
        min_value=2,
        max_value=50,
        value=MIN_ACCOUNTS,
        step=1,
        key=keys.MIN_ACCOUNTS_KEY,
        persist_state="session",
        help="Same category and same product area on at least this many different accounts.",
    )
    options = [_WHOLE_BOOK, *GROUP_LABELS]
    by = right.segmented_control(
        "Within",
        options,
        default="segment",
        key=keys.GROUP_BY_KEY,
        format_func=lambda o: "All accounts" if o == _WHOLE_BOOK else f"One {GROUP_LABELS[cast(GroupBy, o)]}",
        persist_state="session",
        help="Segment and CSM come from the loaded portfolio.",
    )
    return int(n), None if by in (None, _WHOLE_BOOK) else cast(GroupBy, by)


def _title(pattern: Pattern) -> str:
    where = f" · {shown(pattern.group or NO_DATA)}" if pattern.by else ""
    arr = money(pattern.arr)
    return (
        f"{pattern.category.name.capitalize()} · {shown(pattern.tag)}{where} · {len(pattern.accounts)} accounts · "
        f"{shown(arr)} ARR"
    )


def show(issues: list[IssueState], facts: dict[str, AccountFacts]) -> None:
    n, by = controls()
    found = find_patterns(issues, facts, n, by)
    if not found:
        st.info(
            f"No pattern yet: no category and product area appears on {n} or more accounts"
            + (f" within one {GROUP_LABELS[by]}." if by else "."),
            icon=":material/hub:",
        )
        return
    today = date.today()
    for pattern in found:
        with st.container(border=True):
            st.markdown(f"**{_title(pattern)}**")
            st.caption(f"First seen {pattern.first:%d %b %Y}, last seen {pattern.last:%d %b %Y}.")
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "Account": a.facts.account_id,
                            "Name": a.facts.name or NO_DATA,
                            "ARR": money(a.facts.arr),
                            "Health band": a.facts.band or NO_DATA,
                            "Issues": a.issues,
                        }
                        for a in pattern.accounts
                    ]
                ),
                hide_index=True,
                width="stretch",
            )
            for quote in pattern.quotes:
                st.markdown(f"> {shown(quote.words)}  \n> {shown(quote.account)}, {quote.on:%d %b %Y}")
            st.download_button(
                "Brief for Product (Markdown)",
                product_brief(pattern, today),
                file_name=f"pattern-{pattern.id.replace('/', '-')}.md",
                mime="text/markdown",
                icon=":material/download:",
                key=keys.download_key("brief", pattern.id),
            )
