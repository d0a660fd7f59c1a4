"""Renewals & QBR: the commercial side of the portfolio -- renewals, retention, expansion and the QBR pack."""

import streamlit as st

from pages.ui.common.shell import require_app_shell
from pages.ui.common.state import all_models, store
from pages.ui.portfolio import expansion, filters, mapping, qbr, renewals, revenue_inputs, upload
from pages.ui.portfolio.keys import REVENUE_TAB_KEY

require_app_shell()
st.title("Renewals, expansion and QBRs")
st.caption(
    "The accounts of the portfolio page (your uploads or the demo, the same model and filters): who renews "
    "when and for how much, who is ready to grow, and a first draft of each QBR."
)

model = upload.model_picker(all_models())
source = revenue_inputs.portfolio_source()
result = upload.score(source, model, mapping.overrides(source.digest), store())
if result.accounts.empty:
    st.info("No account could be scored from these files; fix them on the Portfolio triage page.")
    st.stop()
chosen = filters.sidebar(result.accounts)
view = filters.apply(result.accounts, chosen)
if view.empty:
    filters.nothing_matches(chosen)
    st.stop()
found = revenue_inputs.extras(source)

# Keyed, so the tab stays open when a widget in it reruns the page (picking a quarter sent the user back to the first).
renewals_tab, expansion_tab, qbr_tab = st.tabs(
    ["Renewals and retention", "Expansion and references", "QBR pack"], key=REVENUE_TAB_KEY
)
with renewals_tab:
    st.subheader("Renewal forecast")
    forecast = renewals.forecast_section(view, result.as_of, model, revenue_inputs.lab_files(source))
    renewals.sales_ops_list(forecast)
    st.subheader("Revenue retention")
    renewals.retention_section(revenue_inputs.arr_at_two_dates(source, found))
with expansion_tab:
    st.subheader("Ready for an expansion conversation")
    expansion.expansion_section(view, found, revenue_inputs.hand_set_flags())
    st.subheader("Reference programme")
    expansion.references_section(view, found, revenue_inputs.agreed_tiers())
with qbr_tab:
    quarter = qbr.quarter_picker(result.as_of)
    st.subheader("QBR tracker")
    qbr.tracker_section(view, quarter, store())
    st.subheader("One account's pack")
    row = qbr.account_picker(view)
    history = revenue_inputs.history(source, model, mapping.overrides(source.digest))
    qbr.pack_section(model, row, history, found, quarter, store())
