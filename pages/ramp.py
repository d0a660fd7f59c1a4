"""30-60-90 ramp plan: a new CSM ticks through learn, contribute and own.

Every tick and note is written to the database the moment it changes, and the
page redraws from the database on each run.
"""

from datetime import date

import streamlit as st

from pages.ui.checklists import keys
from pages.ui.checklists import plan as checklist_plan
from pages.ui.checklists.admin import plan_tools
from pages.ui.checklists.export import exports
from pages.ui.checklists.new import new_plan_form
from pages.ui.checklists.overview import overview
from pages.ui.checklists.pick import checklists_or_stop, pick_plan, plans_of, progress_of
from pages.ui.common.identity import ask_name
from pages.ui.common.shell import require_app_shell

require_app_shell()
st.title("30-60-90 day ramp plan")
st.caption(
    "A new CSM's first three months: learn the product and the book, contribute with a safety net, then own "
    "the accounts. Ticks and notes save as you make them."
)
ask_name()
today = date.today()
checklists = checklists_or_stop("ramp")
plans = plans_of(checklists)

chosen = pick_plan(
    plans, "CSM", keys.RAMP_PICK_KEY, show_checklist=len(checklists) > 1, help_text="Whose ramp plan to open."
)
with st.expander("New CSM", expanded=not plans, icon=":material/person_add:"):
    new_plan_form(keys.new_plan_form_key("ramp"), checklists, "CSM name", "First day", keys.RAMP_PICK_KEY)

if chosen is None:
    st.info(
        "No ramp plans yet. Under **New CSM**, enter a name and a first day; the plan's due dates are counted "
        "from that day.",
        icon=":material/school:",
    )
    st.stop()

progresses = progress_of(plans, today)
current = progresses[chosen.plan_id]
st.caption(f"Day 1 ({chosen.start_date:%d %b %Y}) is {current.state.checklist.start_label}.")
checklist_plan.plan(current)

st.subheader("Export", anchor=False)
exports(current, today)
plan_tools(current.state, "First day")

if len(plans) > 1:
    st.subheader("All ramp plans", anchor=False)
    overview(progresses.values(), "CSM", "ramp-plans.csv")
