"""Less frequent plan changes: moving the start date, resetting, and the activity log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.ui.checklists import keys
from pages.ui.checklists.actions import on_move_start, on_reset
from pages.ui.common.dates import DATE_INPUT_FORMAT
from pages.ui.common.state import store
from pages.ui.common.text import plain
from scoring.checklists import PlanState
from scoring.checklists.commands import plan_activity


def start_date(state: PlanState, start_label: str) -> None:
    plan = state.plan
    key = keys.start_key(plan.plan_id)
    with st.form(keys.start_form_key(plan.plan_id), border=False):
        st.date_input(
            start_label,
            value=plan.start_date,
            key=key,
            format=DATE_INPUT_FORMAT,
            help="Moving day 1 moves every due date with it; ticks and notes are kept.",
        )
        st.form_submit_button("Change start date", on_click=on_move_start, args=(plan.plan_id,))


def reset(state: PlanState) -> None:
    key = keys.confirm_reset_key(state.plan.plan_id)
    st.write("Clears every tick, note and sign-off on this plan. The activity log keeps the history.")
    confirmed = st.checkbox(f"Yes, reset the plan for {plain(state.plan.subject)}", key=key)
    st.button(
        "Reset plan",
        key=keys.reset_key(state.plan.plan_id),
        icon=":material/restart_alt:",
        disabled=not confirmed,
        on_click=on_reset,
        args=(state.plan.plan_id,),
        help="Tick the confirmation box first." if not confirmed else "Clears the plan now.",
    )


def activity_log(state: PlanState) -> None:
    rows = plan_activity(store(), state.checklist, state.plan.plan_id)
    if not rows:
        st.caption("Nothing has been ticked, noted or signed off yet.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "When": [r.at for r in rows],
                "Who": [r.actor for r in rows],
                "What": [r.action for r in rows],
                "Item or stage": [r.target for r in rows],
                "Note": [r.detail for r in rows],
            }
        ),
        hide_index=True,
        column_config={"When": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")},
    )


def plan_tools(state: PlanState, start_label: str) -> None:
    """Start date, reset and history, tucked away below the plan."""
    with st.expander("Activity log", icon=":material/history:"):
        activity_log(state)
    with st.expander("Change the start date", icon=":material/event:"):
        start_date(state, start_label)
    with st.expander("Reset this plan", icon=":material/restart_alt:"):
        reset(state)
