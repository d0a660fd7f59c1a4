"""What the page reads: the saved issues (with the demo loaded into an empty store) and the accounts' facts.

Issues are read fresh on every run, because another browser may have
changed them; the account facts come from scoring the demo portfolio once
per process (a second or two), since patterns and briefs need each
account's segment, CSM, ARR and band.
"""

from __future__ import annotations

import streamlit as st

from pages.ui.common.state import store
from pages.ui.issues import keys
from scoring.diagnosis import commands as cmd
from scoring.diagnosis.accounts import demo_facts
from scoring.diagnosis.patterns import AccountFacts
from scoring.diagnosis.replay import IssueState


@st.cache_data(show_spinner="Reading the accounts' segments, ARR and health…")
def account_facts() -> dict[str, AccountFacts]:
    """The demo portfolio's accounts, by id."""
    return demo_facts()


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
