"""Customer onboarding: one gated plan per account and checklist, with an overview of them all.

Accounts come from the loaded portfolio when there is one (the portfolio page
puts their names in session state under ``LOADED_ACCOUNTS_KEY``),
otherwise the CSM types the name.
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
from pages.ui.checklists.red_flags import red_flags
from pages.ui.common.identity import ask_name
from pages.ui.common.keys import LOADED_ACCOUNTS_KEY
from pages.ui.common.shell import require_app_shell

require_app_shell()
st.title("Customer onboarding")
st.caption(
    "One plan per account and checklist, from the week before kickoff through hypercare to the 90-day review. "
    "Gated stages need a sign-off, which unlocks once every item in the stage is ticked."
)
ask_name()
today = date.today()
checklists = checklists_or_stop("account")
plans = plans_of(checklists)
progresses = progress_of(plans, today)
accounts = [str(a) for a in st.session_state.get(LOADED_ACCOUNTS_KEY) or []]

if plans:
    st.subheader("Accounts in onboarding", anchor=False)
    overview(progresses.values(), "Account", "onboarding-overview.csv")

chosen = pick_plan(
    plans, "Plan", keys.ONBOARDING_PICK_KEY, show_checklist=True, help_text="Which account's plan to open."
)
asked = st.query_params.get(keys.NEW_PLAN_ACCOUNT_PARAM)  # from an account page's "start a plan" link
with st.expander("New onboarding plan", expanded=not plans or bool(asked), icon=":material/add_task:"):
    if accounts:
        st.caption(f"{len(accounts)} accounts from the loaded portfolio; you can also type another name.")
    new_plan_form(
        keys.new_plan_form_key("onboarding"),
        checklists,
        "Account",
        "Kickoff date",
        keys.ONBOARDING_PICK_KEY,
        subject_options=accounts,
        asked=asked,
    )

if chosen is None:
    name_it = "pick an account (or type one)" if accounts else "type the account's name"
    st.info(
        f"No onboarding plans yet. Under **New onboarding plan**, {name_it}, choose a checklist and set the "
        "kickoff date.",
        icon=":material/checklist:",
    )
    st.stop()

current = progresses[chosen.plan_id]
st.page_link(
    "pages/account.py",
    label="Open the account page",
    icon=":material/account_box:",
    query_params={"id": chosen.subject},
)
st.caption(f"Day 1 ({chosen.start_date:%d %b %Y}) is {current.state.checklist.start_label}.")
red_flags(current.state.checklist)
checklist_plan.plan(current)

st.subheader("Export", anchor=False)
exports(current, today)
plan_tools(current.state, "Kickoff date")
