"""Backtest lab: does the health score predict churn, and which weights would predict it better?"""

import streamlit as st

from pages.ui.backtest import fit, report, run, source
from pages.ui.common.shell import require_app_shell
from pages.ui.common.state import all_models
from pages.ui.portfolio import problems, upload

require_app_shell()
st.title("Backtest lab")
st.caption(
    "Each account scored as it stood before its renewal or churn, then checked against what happened: "
    "does red really churn more than green, and would other weights separate them better?"
)

files = source.choose_files()
with st.container(horizontal=True):
    model = upload.model_picker(all_models())
    lead_days = source.lead_days()
    snapshot_ids = source.snapshots_to_use(run.saved_snapshot_ids())
with st.expander("Floors the score must clear", expanded=False):
    floors = source.floors_form()

backtest = run.backtest(files, model, lead_days, floors, snapshot_ids)
problems.show(backtest.problems)
report.outcome_problems(backtest.outcomes)
if backtest.report is None:
    report.nothing_to_report(backtest)
    st.stop()

report.summary(backtest.report)
report.history_sources(backtest)
report.kpis(backtest.report)
st.subheader("Pass or fail against the floors")
report.checks(backtest.report)
st.subheader("Churn by band")
report.bands(backtest.report)
st.subheader("Calibration")
report.calibration(backtest.report)
st.subheader("Each signal on its own: churn by decile")
report.signals(backtest.report)

st.subheader("Fit weights")
fitted = fit.section(backtest, model, files.outcomes.name)
report.download(backtest.report, model, fitted)
