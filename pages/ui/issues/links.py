"""Links into the Customer issues page from other pages.

An account page links to ``?account=<id>`` (and ``&issue=<issue id>`` for
one of its issues); the triage's overdue caption links to ``?overdue=1``.
The page is set as the link asks, then the parameters are taken off the
address, so the CSM's later changes to the filters and the form stick, and
the same link clicked again later applies again.
"""

from __future__ import annotations

import streamlit as st

from pages.ui.issues import keys
from pages.ui.issues.intake import current_round
from scoring.diagnosis.replay import IssueState

_PARAMS = (keys.ACCOUNT_PARAM, keys.ISSUE_PARAM, keys.OVERDUE_PARAM)


def follow_link(issues: list[IssueState]) -> str | None:
    """Set the page as another page's link asks; returns the account the last link named, which the intake
    keeps offering even when the portfolio does not hold it.

    ``?overdue=1`` (the triage's overdue caption) shows every overdue
    promise; ``?account=`` (an account page) fills in the intake's account
    and narrows the list to it, and ``&issue=`` opens that issue.
    """
    asked = st.query_params.get(keys.ACCOUNT_PARAM)
    issue = st.query_params.get(keys.ISSUE_PARAM)
    overdue = st.query_params.get(keys.OVERDUE_PARAM) == "1"
    if asked or overdue:
        mine = {s.issue_id for s in issues if s.account_id == asked}
        if overdue or issue in mine:  # no filter left over from earlier may hide what the link points at
            st.session_state[keys.STATUS_FILTER_KEY] = []
            st.session_state[keys.CATEGORY_FILTER_KEY] = []
            st.session_state[keys.ACCOUNT_FILTER_KEY] = []
            st.session_state[keys.OVERDUE_FILTER_KEY] = overdue
        if asked:
            st.session_state[keys.LINKED_KEY] = asked
            st.session_state[keys.intake_key("account", current_round())] = asked
            if mine:
                st.session_state[keys.ACCOUNT_FILTER_KEY] = [asked]
            if issue in mine:
                st.session_state[keys.OPEN_ISSUE_KEY] = issue
        for name in _PARAMS:
            st.query_params.pop(name, None)
    linked = st.session_state.get(keys.LINKED_KEY)
    return str(linked) if linked else None
