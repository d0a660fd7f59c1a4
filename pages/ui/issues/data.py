"""What the page reads: the saved issues (with the demo loaded into an empty store) and the accounts' facts.

Issues are read fresh on every run, because another browser may have
changed them.  Patterns and briefs need each account's name, segment, CSM,
ARR and band: they come from the portfolio this session scored on the
portfolio page (the exports and model the CSM is triaging), else from the
demo portfolio scored once per process (a second or two).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.ui.common.state import store
from pages.ui.common.text import count
from pages.ui.issues import keys
from pages.ui.portfolio.keys import SCORED_KEY
from pages.ui.portfolio.upload import Scored
from scoring.diagnosis import commands as cmd
from scoring.diagnosis.accounts import demo_facts, facts_from_accounts
from scoring.diagnosis.patterns import AccountFacts
from scoring.diagnosis.replay import IssueState


@st.cache_data(show_spinner="Reading the accounts' segments, ARR and health…")
def _demo_facts() -> dict[str, AccountFacts]:
    return demo_facts()


@st.cache_data(show_spinner=False, max_entries=4)
def _scored_facts(run_key: object, _accounts: pd.DataFrame) -> dict[str, AccountFacts]:
    """The facts of one scoring run's accounts (``run_key`` is the run's cache key: files, model, mapping, date)."""
    return facts_from_accounts(_accounts)


def account_facts() -> dict[str, AccountFacts]:
    """Each account's facts, by id, from the portfolio scored in this session, else the demo; says which."""
    kept: Scored | None = st.session_state.get(SCORED_KEY)
    if kept is None or kept.result.accounts.empty:
        st.caption(
            ":material/info: Accounts, CSMs, ARR and bands come from the demo portfolio; score your exports on the "
            "Portfolio triage page to use yours."
        )
        return _demo_facts()
    st.caption(
        f":material/folder_open: Accounts, CSMs, ARR and bands come from the portfolio you scored on the Portfolio "
        f"triage page ({count(len(kept.result.accounts), 'account')})."
    )
    return _scored_facts(kept.key, kept.result.accounts)


def issues_or_stop() -> list[IssueState]:
    """Every issue, newest first; the demo issues are loaded first when the store has none."""
    try:
        if cmd.seed_demo(store()):
            st.session_state[keys.FEEDBACK_KEY] = (
                "info",
                "Loaded a few demo issues (marked Demo) so the loop and a pattern are visible. Log your own below.",
            )
        return cmd.all_issues(store())
    except cmd.IssueError as exc:
        st.error(str(exc), icon=":material/database:")
        st.stop()


def feedback() -> None:
    """The message a callback left (saved, refused, not saved), shown once."""
    left = st.session_state.pop(keys.FEEDBACK_KEY, None)
    if not left:
        return
    kind, message = left
    if kind == "success":
        st.success(message, icon=":material/check_circle:")
    elif kind == "error":
        st.error(message, icon=":material/error:")
    else:
        st.info(message, icon=":material/info:")


def say(kind: str, message: str) -> None:
    """Leave a message for the next run (callbacks cannot draw)."""
    st.session_state[keys.FEEDBACK_KEY] = (kind, message)
