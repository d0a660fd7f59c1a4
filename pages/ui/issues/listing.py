"""The list of issues with its filters: state, category, account, and overdue promises only."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pages.ui.issues import keys
from scoring.diagnosis.categories import categories
from scoring.diagnosis.model import STATUSES
from scoring.diagnosis.patterns import AccountFacts, facts_of
from scoring.diagnosis.replay import IssueState, overdue
from scoring.formatting import NO_DATA


def filters(issues: list[IssueState]) -> list[IssueState]:
    """Draw the filters (kept for the session) and return the issues they let through."""
    cats = categories()
    accounts = sorted({s.account_id for s in issues})
    a, b, c, d = st.columns([5, 5, 5, 3], vertical_alignment="bottom")  # room for "Overdue only" on a laptop
    statuses = a.multiselect(
        "State", STATUSES, key=keys.STATUS_FILTER_KEY, persist_state="session", placeholder="Any state"
    )
    chosen_cats = b.multiselect(
        "Category",
        list(cats),
        key=keys.CATEGORY_FILTER_KEY,
        format_func=lambda cid: cats[cid].name,
        persist_state="session",
        placeholder="Any category",
    )
    chosen_accounts = c.multiselect(
        "Account", accounts, key=keys.ACCOUNT_FILTER_KEY, persist_state="session", placeholder="Any account"
    )
    late_only = d.toggle("Overdue only", key=keys.OVERDUE_FILTER_KEY, persist_state="session")
    today = date.today()
    return [
        s
        for s in issues
        if (not statuses or s.status in statuses)
        and (not chosen_cats or s.record.intake.category_id in chosen_cats)
        and (not chosen_accounts or s.account_id in chosen_accounts)
        and (not late_only or s.overdue(today))
    ]


def table(issues: list[IssueState], facts: dict[str, AccountFacts]) -> None:
    """One row per issue; user text in a dataframe cell is always shown as text."""
    today = date.today()
    cats = categories()
    rows = [
        {
            "Issue": s.issue_id,
            "Account": s.account_id,
            "Name": facts_of(facts, s).name or NO_DATA,
            "State": s.status,
            "Category": cats[s.record.intake.category_id].name if s.record.intake.category_id in cats else "",
            "Product area": s.record.intake.tag,
            "Severity": s.record.intake.severity,
            "Update by": s.update_by,
            "Overdue": f"{s.days_overdue(today)} days" if s.overdue(today) else "",
            "Logged": s.record.opened_at.date(),
            "Source": "Demo" if s.record.demo else "",
        }
        for s in issues
    ]
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={
            "Update by": st.column_config.DateColumn(format="DD MMM YYYY"),
            "Logged": st.column_config.DateColumn(format="DD MMM YYYY"),
        },
    )


def overdue_notice(issues: list[IssueState]) -> None:
    """A warning naming how many promises have passed, most overdue first, so they are seen before the list."""
    late = overdue(issues, date.today())
    if late:
        ids = ", ".join(s.issue_id for s in late)
        passed = (
            "promise has passed its update-by date" if len(late) == 1 else "promises have passed their update-by dates"
        )
        st.warning(
            f"{len(late)} {passed}: {ids}. Give the customer an update, then set a new date or close the loop.",
            icon=":material/schedule:",
        )
