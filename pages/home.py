"""Home: what each page is for, in a sentence each, and where the checklists stand today.

The checklist lines are read after the first cards are drawn, so a database
that cannot be read still leaves the scorecard and portfolio links on screen
above its message.
"""

from datetime import date

import streamlit as st

from pages.ui.checklists.summary import plans_lines
from pages.ui.common.shell import require_app_shell

require_app_shell()
st.title("Account Health Studio")
st.write("Score customer health, triage a book of accounts and keep onboarding plans on track.")

left, right = st.columns(2)
with left, st.container(border=True):
    st.subheader(":material/tune: What-if scorecard")
    st.write(
        "Move one slider per health signal and watch the score, the band, the drivers and the "
        "recommended next step change live. See exactly what it would take to reach the next band."
    )
    st.page_link("pages/scorecard.py", label="Open the scorecard", icon=":material/arrow_forward:")
with right, st.container(border=True):
    st.subheader(":material/grid_view: Portfolio triage")
    st.write(
        "Upload CRM and product-usage exports (CSV, Excel, Parquet). Every account is scored, "
        "shown on a heatmap and ranked by risk, ARR and renewal date, ready to export."
    )
    st.page_link("pages/portfolio.py", label="Open portfolio triage", icon=":material/arrow_forward:")
# Read after the cards above are drawn: if saved plans cannot be read, the message stops the page here.
plans = plans_lines(("ramp", "account"), date.today())
left, right = st.columns(2)
with left, st.container(border=True):
    st.subheader(":material/school: 30-60-90 ramp plan")
    st.write("New CSMs tick through three phases: learn, contribute, own. Progress and due dates are kept.")
    st.caption(plans["ramp"])
    st.page_link("pages/ramp.py", label="Open the ramp plan", icon=":material/arrow_forward:")
with right, st.container(border=True):
    st.subheader(":material/checklist: Customer onboarding")
    st.write("One gated plan per account from pre-kickoff to hypercare exit, with sign-offs and an audit trail.")
    st.caption(plans["account"])
    st.page_link("pages/onboarding.py", label="Open onboarding", icon=":material/arrow_forward:")

st.caption(
    "Scores come from health models kept as data in scoring/catalog. The same models power the "
    "command line: python -m scoring models"
)
