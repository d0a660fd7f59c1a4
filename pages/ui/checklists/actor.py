"""Who is ticking: asked once per session in the sidebar, recorded with every change.

The value is kept for the whole session (``persist_state="session"``) so it
survives switching between the ramp and onboarding pages.
"""

from __future__ import annotations

import streamlit as st

from pages.ui.checklists.keys import ACTOR_KEY

DEFAULT_ACTOR = "CSM"


def ask_actor() -> None:
    with st.sidebar:
        st.text_input(
            "Your name",
            value=DEFAULT_ACTOR,
            key=ACTOR_KEY,
            max_chars=60,
            persist_state="session",
            help="Saved with every tick, note and sign-off you make, so the team can see who did what and when.",
        )


def actor() -> str:
    """The name to record; the default when the box was left empty."""
    name = " ".join(str(st.session_state.get(ACTOR_KEY) or "").split())
    return name or DEFAULT_ACTOR
