"""Portfolio triage: score a book of accounts from exports, see who needs attention, hand on a list."""

import streamlit as st

from pages.ui.common.shell import require_app_shell
from pages.ui.common.state import all_models, store
from pages.ui.issues.panel import overdue_caption
from pages.ui.portfolio import as_of, filters, gaps, heatmaps, kpis, links, mapping, problems, triage, upload
from pages.ui.portfolio.changes import memory

require_app_shell()
st.title("Portfolio triage")
st.caption("Every account in your exports, scored with one health model: who is at risk, why, and what to do next.")

model = upload.model_picker(all_models())
source = upload.choose_source()
result = upload.score(source, model, mapping.overrides(source.digest), store(), as_of.chosen())
upload.publish_accounts(result)

gaps.banner(model, result, source.digest)
problems.show(result.problems)
mapping.editor(model, result.mappings, result.problems, source.digest)
if result.accounts.empty:
    problems.nothing_scored(source.names)
    st.stop()

as_of.picker(result)
chosen = filters.sidebar(result.accounts)
view = filters.apply(result.accounts, chosen)
kpis.tiles(view, chosen)
st.page_link("pages/renewals.py", label="Renewals, retention, expansion and QBRs", icon=":material/autorenew:")
memory(result, source.exports, model, mapping.overrides(source.digest))
if view.empty:
    filters.nothing_matches(chosen)
    st.stop()

st.subheader("Accounts most at risk")
heatmaps.worst_accounts(model, view)
st.subheader("Signals by segment or CSM")
heatmaps.by_group(model, view)

st.subheader("Triage list")
overdue_caption(view)
links.open_in_scorecard(model, view)
triage.triage_table(model, view)
triage.insufficient_list(model, view)
