"""An account's customer issues, for any page that shows one account, and overdue promises for a list of them.

The account page calls ``account_issues``; the portfolio's triage area calls
``overdue_caption`` so its recommended actions mention promises that have
passed.  Both read the store through ``scoring.diagnosis.commands``.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pages.ui.common.state import store
from pages.ui.common.text import plain
from pages.ui.issues import keys
from pages.ui.issues.words import shown
from scoring.diagnosis import commands as cmd
from scoring.diagnosis.categories import categories


def account_issues(account_id: str, name: str) -> None:
    """The account's issues, newest first, with any passed update-by date flagged, and a link to log or work them."""
    try:
        mine = [s for s in cmd.all_issues(store()) if s.account_id == account_id]
    except cmd.IssueError as exc:
        st.warning(str(exc), icon=":material/database:")
        return
    today = date.today()
    if not mine:
        st.caption("No customer issues logged for this account.")
    cats = categories()
    for s in mine:
        category = cats.get(s.record.intake.category_id)
        line = (
            f"**{s.issue_id}** · {s.status} · {category.name if category else 'unknown category'} · "
            f"{shown(s.record.intake.tag)}: {shown(s.record.intake.restated)}"
        )
        if s.overdue(today):
            line += f" :red[update {s.days_overdue(today)} days late]"
        st.markdown(line)
        st.page_link(
            keys.ISSUES_PAGE,
            label=f"Open {s.issue_id}",
            icon=":material/open_in_new:",
            query_params={keys.ACCOUNT_PARAM: account_id, keys.ISSUE_PARAM: s.issue_id},
        )
    st.page_link(
        keys.ISSUES_PAGE,
        label=f"Log or work on issues for {plain(name)}",
        icon=":material/forum:",
        query_params={keys.ACCOUNT_PARAM: account_id},
        help="Opens Customer issues with this account in the new-issue form and the list narrowed to it.",
    )


def overdue_caption(accounts: pd.DataFrame) -> None:
    """One caption naming the accounts in view (the portfolio's account table) with a customer update overdue."""
    wanted = set(accounts["account_id"].astype(str)) if "account_id" in accounts else set()
    try:
        late = [s for s in cmd.all_issues(store()) if s.account_id in wanted and s.overdue(date.today())]
    except cmd.IssueError:
        return  # the triage list stands without it; the issues page shows the read failure
    if late:
        names = sorted({s.account_id for s in late})
        st.caption(
            f":material/schedule: Customer updates overdue on {shown(', '.join(names))}: give those customers the "
            "update you promised before anything else on these accounts."
        )
        st.page_link(
            keys.ISSUES_PAGE,
            label="Open the overdue promises",
            icon=":material/schedule:",
            query_params={keys.OVERDUE_PARAM: "1"},
        )
