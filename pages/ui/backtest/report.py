"""The backtest report on screen: KPI tiles, the floors, churn by band, calibration, each signal's deciles.

Every figure says in its help what it means for a CS leader, because an AUC
of 0.72 means nothing until it is said as "the churner had the lower score
72% of the time".  A figure that cannot be computed shows "no data" and the
reason, never a zero.  Names from the files go through ``plain``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import altair as alt
import pandas as pd
import streamlit as st

from pages.ui.backtest.run import Backtest
from pages.ui.common.text import count, plain
from scoring.backtest.markdown import FitResult, report_markdown
from scoring.backtest.outcomes import OutcomesRead
from scoring.backtest.report import Figure, Report, SignalReport, times
from scoring.backtest.report import percent as pct
from scoring.formatting import NO_DATA, money_full
from scoring.formatting import score as score_text
from scoring.model import Model


def shown(figure: Figure, fmt: Callable[[float], str]) -> str:
    """The figure formatted, or "no data" (the reason goes next to it)."""
    return NO_DATA if figure.value is None else fmt(figure.value)


def outcome_problems(read: OutcomesRead) -> None:
    """What in the outcomes (file or export columns) could not be read; the rest is still used."""
    for problem in read.problems[:5]:
        st.warning(plain(problem.message), icon=":material/warning:")
    if len(read.problems) > 5:
        with st.expander(f"{count(len(read.problems) - 5, 'more problem')} in the outcomes"):
            for problem in read.problems[5:]:
                st.warning(plain(problem.message), icon=":material/warning:")


def summary(report: Report) -> None:
    st.markdown(
        f"{count(report.accounts, 'account')} scored as they stood **{report.lead_days} days** before their "
        f"outcome, on data dated before then; {count(report.churners, 'churner')} among them."
    )
    for excluded in report.excluded:
        st.caption(f":material/info: Not scored: {plain(excluded.message)}")


def history_sources(run: Backtest) -> None:
    """How many accounts were scored from a saved snapshot rather than an export's month (said only when any)."""
    if run.pit is None or "source" not in run.pit.frame.columns:
        return
    from_snapshots = int((run.pit.frame["source"] == "snapshot").sum())
    if from_snapshots:
        st.caption(
            f":material/history: {count(from_snapshots, 'account')} scored from a saved snapshot taken by the "
            f"cut-off; the other {count(run.pit.accounts - from_snapshots, 'account')} from the exports' months."
        )


def _tile(column: st.delta_generator.DeltaGenerator, label: str, figure: Figure, value: str, help_text: str) -> None:
    column.metric(label, value, help=help_text, border=True)
    if figure.value is None:
        column.caption(f"No data: {plain(figure.reason)}.")


def kpis(report: Report) -> None:
    """The eight headline figures, each with what it means for a CS leader."""
    red = next(b for b in report.bands if b.band == "red")
    interval = report.auc_interval
    first = st.columns(4)
    _tile(
        first[0],
        "AUC",
        report.auc,
        shown(report.auc, lambda v: f"{v:.2f}"),
        "Take one account that churned and one that renewed: how often the churner had the lower score. "
        "0.5 is a coin toss; 0.7 and above is a score worth running a team on.",
    )
    if interval is not None:
        first[0].caption(f"{interval.level:.0%} interval {interval.low:.2f} to {interval.high:.2f}")
    _tile(
        first[1],
        "Base churn rate",
        report.base_rate,
        shown(report.base_rate, pct),
        "The share of scored accounts that churned: the yardstick every lift is measured against.",
    )
    _tile(
        first[2],
        "Red lift",
        red.lift,
        shown(red.lift, times),
        "How many times more often red accounts churned than the average account. Below 3x, red is not "
        "much of a warning.",
    )
    _tile(
        first[3],
        "Churners below green",  # the lead time is stated just above the tiles
        report.churners_below_green,
        shown(report.churners_below_green, pct),
        "The share of the accounts that left which were yellow or red this long before: the warnings that "
        "came early enough to act on.",
    )
    second = st.columns(4)
    _tile(
        second[0],
        "Red precision",
        report.red_precision,
        shown(report.red_precision, pct),
        "Of the accounts in red, the share that churned: how often a red alarm is real.",
    )
    _tile(
        second[1],
        "Red recall",
        report.red_recall,
        shown(report.red_recall, pct),
        "Of all the accounts that churned, the share that had been red: how many departures the alarm caught.",
    )
    _tile(
        second[2],
        "Green share of the book",
        report.green_share,
        shown(report.green_share, pct),
        "When almost everyone is green, green stops telling you who is safe.",
    )
    _tile(
        second[3],
        "Green renewal rate",
        report.green_renewal,
        shown(report.green_renewal, pct),
        "The share of green accounts that renewed: how far a green light can be trusted (the bar is 80%).",
    )


def checks(report: Report) -> None:
    """Each floor as pass / fail / not judged, with the figure measured (coloured badges, no emoji)."""
    for check in report.checks:
        with st.container(horizontal=True, vertical_alignment="center"):
            if check.passed is True:
                st.badge("Pass", color="green", icon=":material/check:")
            elif check.passed is False:
                st.badge("Fail", color="red", icon=":material/close:")
            else:
                st.badge("Not judged", color="gray", icon=":material/help:")
            why = f" ({plain(check.reason)})" if check.reason else ""
            st.markdown(f"{check.rule}: measured {check.measured_text}{why}")
    if report.passed:
        st.success("The score clears every floor.", icon=":material/verified:")
    else:
        st.caption(
            "The score does not clear every floor: the failed ones say where it falls short. Fit weights, below, "
            "shows what this data supports; the floors themselves are set under Floors the score must clear."
        )


def bands(report: Report) -> None:
    rows = [
        {
            "Band": b.band,
            "Accounts": b.accounts,
            "Churned": b.churners,
            "Churn rate": shown(b.churn_rate, pct),
            "Lift over base rate": shown(b.lift, times),
            "ARR lost": money_full(b.arr_lost),
        }
        for b in report.bands
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    st.caption("Churn rate per band against the base rate; a score worth acting on puts far more churn in red.")


def calibration(report: Report) -> None:
    if not report.calibration:
        st.caption(f"Calibration: {NO_DATA} (too few scored accounts to slice).")
        return
    rows = [
        {
            "Slice (by score)": c.label,
            "Scores": f"{c.low:g} to {c.high:g}",
            "Accounts": c.accounts,
            "Mean score": score_text(c.mean_score),
            "Renewed": pct(c.renewal_rate),
        }
        for c in report.calibration
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    st.caption(
        "Read as a renewal chance, a slice's mean score should match its renewal rate; renewal rising "
        "slice by slice matters most."
    )


BadgeColour = Literal["green", "red", "gray"]
_VERDICT_BADGES: dict[str, tuple[str, BadgeColour]] = {
    "agrees": ("Direction agrees", "green"),
    "contradicts": ("Direction contradicts the model", "red"),
    "no effect": ("No clear effect", "gray"),
    "unknown": ("Direction unknown", "gray"),
}


def decile_chart(signal: SignalReport, base_rate: float | None) -> alt.LayerChart | alt.Chart:
    """Churn rate per tenth of the signal's values, low to high, with the base rate as a line."""
    frame = pd.DataFrame(
        {
            "decile": [f"{i + 1}" for i in range(len(signal.deciles))],
            "values": [f"{d.low:g} to {d.high:g}" for d in signal.deciles],
            "accounts": [d.accounts for d in signal.deciles],
            "churn_rate": [d.churn_rate for d in signal.deciles],
        }
    )
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("decile:N", sort=None, title="Tenth of the values, low to high"),
            y=alt.Y("churn_rate:Q", title="Churn rate", axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip("values:N", title="Values"),
                alt.Tooltip("accounts:Q", title="Accounts"),
                alt.Tooltip("churn_rate:Q", title="Churn rate", format=".0%"),
            ],
        )
    )
    if base_rate is None:
        return bars.properties(height=220)
    rule = alt.Chart(pd.DataFrame({"base": [base_rate]})).mark_rule(strokeDash=[4, 4]).encode(y="base:Q")
    return (bars + rule).properties(height=220)


def signal_panel(signal: SignalReport, report: Report) -> None:
    st.markdown(f"**{plain(signal.label)}** ({signal.model_direction} is better in the model)")
    label, colour = _VERDICT_BADGES.get(signal.direction, ("Direction unknown", "gray"))
    st.badge(label, color=colour)
    if signal.warning:
        st.warning(plain(signal.warning), icon=":material/warning:")
    st.caption(
        f"AUC {shown(signal.auc, lambda v: f'{v:.2f}')}, worst tenth churns {shown(signal.lift, times)} "
        f"the base rate, {report.lead_days} days ahead; {count(signal.accounts, 'account')} with a value."
    )
    if not signal.deciles:
        st.caption(f"Churn by decile: {NO_DATA} ({plain(signal.auc.reason or 'no account has this signal')}).")
        return
    st.altair_chart(decile_chart(signal, report.base_rate.value))


def signals(report: Report) -> None:
    """Does each signal on its own point the way the model says? Two panels a row."""
    for start in range(0, len(report.signals), 2):
        columns = st.columns(2)
        for column, signal in zip(columns, report.signals[start : start + 2], strict=False):
            with column, st.container(border=True):
                signal_panel(signal, report)


def download(report: Report, model: Model, fit: FitResult) -> None:
    st.download_button(
        "Download the report (Markdown)",
        report_markdown(report, model, fit).encode("utf-8"),
        file_name=f"backtest-{model.id}-{report.lead_days}d.md",
        mime="text/markdown",
        on_click="ignore",
        icon=":material/download:",
        help="The same report as `python -m scoring backtest`, with the fitted weights when you fitted them.",
    )


def nothing_to_report(run: Backtest) -> None:
    """Why there is no report: no history, no outcomes, or no account with both (said, never a zero)."""
    if run.pit is None:
        missing = "no outcome could be read" if not run.outcomes.outcomes else "the exports hold no monthly history"
        st.error(f"No report: {missing}. The problems above say what to fix.", icon=":material/error:")
        return
    st.error("No report: no account could be scored before its outcome.", icon=":material/error:")
    for excluded in run.pit.excluded:
        st.caption(f":material/info: {plain(excluded.message)}")
