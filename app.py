"""Account Health Studio: the entry point that declares every page."""

import streamlit as st

from pages.ui.common.shell import enter_app_shell

st.set_page_config(page_title="Account Health Studio", page_icon=":material/monitor_heart:", layout="wide")

home = st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)
scorecard = st.Page("pages/scorecard.py", title="What-if scorecard", icon=":material/tune:", url_path="scorecard")
portfolio = st.Page("pages/portfolio.py", title="Portfolio triage", icon=":material/grid_view:", url_path="portfolio")
backtest = st.Page("pages/backtest.py", title="Backtest lab", icon=":material/query_stats:", url_path="backtest")
renewals = st.Page("pages/renewals.py", title="Renewals & QBR", icon=":material/autorenew:", url_path="renewals")
issues = st.Page("pages/issues.py", title="Customer issues", icon=":material/forum:", url_path="issues")
ramp = st.Page("pages/ramp.py", title="30-60-90 ramp plan", icon=":material/school:", url_path="ramp")
onboarding = st.Page(
    "pages/onboarding.py", title="Customer onboarding", icon=":material/checklist:", url_path="onboarding"
)

account = st.Page("pages/account.py", title="Account", icon=":material/account_box:", url_path="account")

enter_app_shell()
st.navigation(
    {
        "": [home],
        "Accounts": [scorecard, portfolio, account, renewals, backtest, issues],
        "Checklists": [ramp, onboarding],
    }
).run()
