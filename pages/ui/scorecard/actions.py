"""Recommended actions: the band's routine first, then every playbook that fired.

The texts come from scoring/catalog/playbooks.toml (ours, never user input),
so rendering them as Markdown is safe.
"""

from __future__ import annotations

import streamlit as st

from scoring.actions import Action, playbooks
from scoring.model import BandName

KIND_ICON = {
    "band": ":material/flag:",
    "risk": ":material/crisis_alert:",
    "move": ":material/build:",
    "growth": ":material/trending_up:",
}
KIND_LABEL = {"risk": "Risk playbook", "move": "Next move", "growth": "Growth"}


def _steps(action: Action) -> None:
    st.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(action.steps, start=1)))


def band_action(action: Action, band: BandName) -> None:
    policy = playbooks().bands[band]
    who = playbooks().escalation.get(policy.escalation_level, "")
    with st.container(border=True):
        st.markdown(f"{KIND_ICON['band']} **{action.title}**")
        with st.container(horizontal=True):  # side by side, not each at the start of half the card
            st.badge(f"Check in {policy.cadence}", icon=":material/event_repeat:", color=band)
            st.badge(f"Escalation level {policy.escalation_level}", icon=":material/stairs:", color="gray", help=who)
        st.write(action.why)
        _steps(action)


def playbook(action: Action) -> None:
    label = f"{KIND_LABEL.get(action.kind, 'Action')}: {action.title}"
    with st.expander(label, icon=KIND_ICON.get(action.kind), expanded=action.kind == "risk"):
        st.markdown(f"**Why:** {action.why}")
        _steps(action)


def recommended_actions(actions: list[Action], band: BandName) -> None:
    band_action(actions[0], band)
    if len(actions) == 1:
        st.caption("No playbook fires for these values.")
    for action in actions[1:]:
        playbook(action)
