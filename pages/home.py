"""Home: what each page is for, in a sentence each, grouped as the sidebar groups them, and where the
checklists stand today.

The checklist lines are read after the account cards are drawn, so a
database that cannot be read still leaves every account page's link on
screen above its message.
"""

from datetime import date

import streamlit as st

from pages.ui.checklists.summary import plans_lines
from pages.ui.common.shell import require_app_shell


def card(icon: str, title: str, text: str, page: str, link: str, status: str | None = None) -> None:
    """One page's card: what it is for, where it stands (if known) and the way in."""
    with st.container(border=True):
        st.subheader(f":material/{icon}: {title}", anchor=False)
        st.write(text)
        if status:
            st.caption(status)
        st.page_link(page, label=link, icon=":material/arrow_forward:")


require_app_shell()
st.title("Account Health Studio")
st.write("Score customer health, triage a book of accounts and keep onboarding plans on track.")

st.header("Accounts", anchor=False)
left, right = st.columns(2)
with left:
    card(
        "tune",
        "What-if scorecard",
        "Move one slider per health signal and watch the score, the band, the drivers and the recommended next "
        "step change live. See exactly what it would take to reach the next band.",
        "pages/scorecard.py",
        "Open the scorecard",
    )
    card(
        "account_box",
        "Account",
        "One account on a page: its score and why, its line over the months and snapshots, what moved it, and its "
        "checklists and customer issues.",
        "pages/account.py",
        "Open an account",
    )
    card(
        "query_stats",
        "Backtest lab",
        "Check the score against what really happened: did red accounts churn more than green ones, months before "
        "they renewed? Fit the weights to your own outcomes.",
        "pages/backtest.py",
        "Open the backtest lab",
    )
with right:
    card(
        "grid_view",
        "Portfolio triage",
        "Upload CRM and product-usage exports (CSV, Excel, Parquet). Every account is scored, shown on a heatmap "
        "and ranked by risk, ARR and renewal date, ready to export.",
        "pages/portfolio.py",
        "Open portfolio triage",
    )
    card(
        "autorenew",
        "Renewals & QBR",
        "Renewals by horizon with the ARR at stake, retention, who is ready for an expansion talk or a reference, "
        "and each account's QBR pack as Markdown or PowerPoint.",
        "pages/renewals.py",
        "Open renewals and QBRs",
    )
    card(
        "forum",
        "Customer issues",
        "Log what the customer said and what it really is, route it with what the other team needs, keep the "
        "date you promised and spot the same issue across accounts.",
        "pages/issues.py",
        "Open customer issues",
    )

st.header("Checklists", anchor=False)
# Read after the cards above are drawn: if saved plans cannot be read, the message stops the page here.
plans = plans_lines(("ramp", "account"), date.today())
left, right = st.columns(2)
with left:
    card(
        "school",
        "30-60-90 ramp plan",
        "New CSMs tick through three phases: learn, contribute, own. Progress and due dates are kept.",
        "pages/ramp.py",
        "Open the ramp plan",
        plans["ramp"],
    )
with right:
    card(
        "checklist",
        "Customer onboarding",
        "One gated plan per account from pre-kickoff to hypercare exit, with sign-offs and an audit trail.",
        "pages/onboarding.py",
        "Open onboarding",
        plans["account"],
    )

st.caption(
    "Scores come from health models kept as data in scoring/catalog. The same models power the "
    "command line: python -m scoring models"
)
