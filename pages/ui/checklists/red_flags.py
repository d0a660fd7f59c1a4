"""The warning signs a checklist asks the CSM to watch while working through it."""

from __future__ import annotations

import streamlit as st

from scoring.checklists import Checklist


def red_flags(checklist: Checklist) -> None:
    if not checklist.red_flags:
        return
    bullets = "\n".join(f"- {flag}" for flag in checklist.red_flags)
    st.warning(f"**{checklist.red_flags_title}**\n\n{bullets}", icon=":material/flag:")
