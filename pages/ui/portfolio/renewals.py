"""The renewals part of the portfolio page: forecast by horizon and quarter, the Sales Ops list, retention.

Everything shown is computed by ``scoring.revenue`` (the same functions
``python -m scoring renewals`` prints); this module only lays it out.  The
per-band renewal rates are an assumption the CSM can change in a form; the
applied rates live in session state, so a trip to another page keeps them.
When outcomes are loaded (the demo ships its own), the rates the backtest lab
measured can stand in for the assumption, stated as measured.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from pages.ui.backtest.keys import LEAD_KEY
from pages.ui.backtest.run import backtest
from pages.ui.backtest.source import DEFAULT_LEAD, LabFiles
from pages.ui.common.shares import in_percent, share_column
from pages.ui.common.text import count, money, plain
from pages.ui.portfolio.keys import RATES_KEY, RATES_SOURCE_KEY, rate_input_key
from pages.ui.portfolio.revenue_columns import columns
from scoring.backtest.report import Floors
from scoring.formatting import DASH, money_full, share
from scoring.model import Model
from scoring.revenue.calibrated import MeasuredRates, measured_rates
from scoring.revenue.forecast import (
    SALES_OPS_LEAD_DAYS,
    WEEKLY_WITHIN_DAYS,
    Forecast,
    RenewalRates,
    forecast,
    horizon_table,
    quarter_table,
    sales_ops_csv,
)
from scoring.revenue.retention import Retention, waterfall_floor
from scoring.revenue.two_dates import ArrAtTwoDates
from scoring.wording import counted

BANDS = ("green", "yellow", "red", "insufficient")
BAND_COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "insufficient": "#9e9e9e"}

# The quarter table's shares (of ARR, of accounts), by quarter_table's column names.
QUARTER_SHARES = {
    "grr": "Expected GRR",
    "grr_low": "GRR low",
    "grr_high": "GRR high",
    "logo": "Expected logo retention",
    "logo_low": "Logo low",
    "logo_high": "Logo high",
}


def _rates() -> RenewalRates:
    kept: RenewalRates | None = st.session_state.get(RATES_KEY)
    return kept or RenewalRates()


def _apply_rates() -> None:
    """The form's submit: keep the typed rates (in %) as the session's RenewalRates."""
    values = {band: float(st.session_state[rate_input_key(band)]) / 100.0 for band in BANDS}
    st.session_state[RATES_KEY] = RenewalRates(**values)


def rates_form() -> RenewalRates:
    """Per-band renewal rates, stated and editable; applied together when the form is submitted."""
    rates = _rates()
    with st.form("portfolio:renewal_rates_form", border=True):
        st.markdown("**Renewal rates by band** (share of ARR expected to renew; our starting assumption)")
        cols = st.columns(len(BANDS))
        for col, band in zip(cols, BANDS, strict=True):
            col.number_input(
                f"{band.capitalize()} (%)",
                min_value=0.0,
                max_value=100.0,
                step=1.0,
                format="%.1f",  # the stated rates have one decimal; the default '%0.2f' wrote 95.00
                value=round(rates.of(band) * 100, 1),
                key=rate_input_key(band),
                help="Replace with the share your own renewals in this band kept, when you know it.",
            )
        st.form_submit_button("Apply rates", on_click=_apply_rates, icon=":material/tune:")
    return _rates()


def _horizon_chart(fc: Forecast) -> alt.Chart:
    rows = [
        {"window": bucket.label, "band": band, "arr": arr}
        for bucket in fc.horizons
        for band, arr in bucket.arr_by_band.items()
    ]
    frame = pd.DataFrame(rows, columns=["window", "band", "arr"])
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            # Every window on the axis, in order: one with no priced renewal shows as no bar, not as no window.
            x=alt.X(
                "window:N",
                scale=alt.Scale(domain=[b.label for b in fc.horizons]),
                title=None,
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("arr:Q", title="ARR renewing", axis=alt.Axis(format="$.4~s")),
            color=alt.Color(
                "band:N",
                scale=alt.Scale(domain=list(BAND_COLOURS), range=list(BAND_COLOURS.values())),
                title="Band",
            ),
            tooltip=["window:N", "band:N", alt.Tooltip("arr:Q", format="$,.0f", title="ARR")],
        )
        .properties(height=260)
    )


STATED, MEASURED = "stated", "measured"
LONG_ENOUGH_DAYS = 300  # shorter periods than about a year are not held against seed 004's yearly targets


def _lead_days() -> int:
    chosen = st.session_state.get(LEAD_KEY)
    return int(chosen) if chosen else DEFAULT_LEAD


def _measured(lab: LabFiles, model: Model) -> MeasuredRates | None:
    """The lab's per-band renewal rates for these files and model (its cached run), None when it has no report."""
    run = backtest(lab, model, _lead_days(), Floors())
    if run.report is None:
        return None
    return measured_rates(run.report, _rates(), lab.outcomes.name)


def _measured_table(m: MeasuredRates) -> None:
    rows = [
        {"band": band, "rate": m.rates.of(band), "accounts": m.accounts[band], "renewed": m.renewed[band]}
        for band in BANDS
        if band in m.accounts
    ]
    st.dataframe(
        in_percent(pd.DataFrame(rows), ["rate"]),
        hide_index=True,
        column_config=columns(
            rate=share_column("Renewal rate"),
            accounts=st.column_config.NumberColumn("Accounts measured"),
            renewed=st.column_config.NumberColumn("Renewed"),
        ),
    )
    if m.stated:
        stated = ", ".join(f"{band} {share(m.rates.of(band))}" for band in m.stated)
        st.caption(f"The lab measured no account in these bands, so they keep the stated rate: {stated}.")


def rates_section(model: Model, lab: LabFiles | None) -> RenewalRates:
    """The rates the forecast applies: the stated, editable ones, or the backtest lab's measured ones."""
    if lab is None:
        st.caption(
            ":material/query_stats: Measured renewal rates need outcomes: upload these same exports with an "
            "outcomes file in the Backtest lab, and the rates it measures per band are offered here."
        )
        return rates_form()
    choice = st.radio(
        "Renewal rates",
        [STATED, MEASURED],
        format_func=lambda c: "Stated assumption (editable)" if c == STATED else "Measured by the backtest lab",
        horizontal=True,
        key=RATES_SOURCE_KEY,
        persist_state="session",
        help=f"The lab scores each account {_lead_days()} days before its renewal or churn in "
        f"{plain(lab.outcomes.name)} and counts, band by band, how many renewed.",
    )
    if choice != MEASURED:
        return rates_form()
    measured = _measured(lab, model)
    if measured is None:
        st.warning(
            f"The backtest lab could not measure renewal rates from these exports and {plain(lab.outcomes.name)} "
            "(open the Backtest lab to see why); the stated rates apply.",
            icon=":material/warning:",
        )
        return rates_form()
    st.info(plain(measured.describe()), icon=":material/query_stats:")
    _measured_table(measured)
    return measured.rates


def forecast_section(view: pd.DataFrame, as_of: date | None, model: Model, lab: LabFiles | None) -> Forecast:
    """Headline figures, the horizon table and chart, and the quarter outlook, under the chosen rates."""
    rates = rates_section(model, lab)
    fc = forecast(view, as_of or date.today(), rates)
    unpriced, priced, window = fc.weekly_without_arr, fc.priced, fc.weekly_window
    a, b, c = st.columns(3)
    a.metric(
        f"Renewing within {WEEKLY_WITHIN_DAYS} days",
        count(window.accounts, "account"),
        help="These move to weekly monitoring, whatever their band or ARR.",
    )
    b.metric(
        f"ARR renewing within {WEEKLY_WITHIN_DAYS} days",
        money(window.arr),
        help="Of the accounts whose export gives their ARR.",
    )
    c.metric(
        f"Expected to renew within {WEEKLY_WITHIN_DAYS} days",
        money(window.expected_arr),
        help="Each account's ARR times its band's renewal rate.",
    )
    if len(unpriced):
        names = ", ".join(
            f"{plain(str(n))} ({plain(str(i))})"
            for n, i in zip(unpriced["account_name"], unpriced["account_id"], strict=True)
        )
        it, its = ("it", "its") if len(unpriced) == 1 else ("them", "their")
        st.warning(
            f"Renewing within {WEEKLY_WITHIN_DAYS} days with no ARR in the exports, so in no ARR figure: {names}. "
            f"Weekly monitoring holds for {it} too; add {its} ARR to the account export to forecast {it}.",
            icon=":material/event_upcoming:",
        )
    if not priced:
        # Rows of zeros would read as "nothing renews"; say what is missing instead.
        st.info(
            "No renewal to forecast: no account in these exports has both ARR and a renewal date to come"
            + (" (the accounts left out are listed below)." if len(fc.missing) or len(fc.lapsed) else "."),
            icon=":material/event_busy:",
        )
        _set_apart(fc)
        return fc
    if fc.horizons[-1].priced_accounts:
        st.altair_chart(_horizon_chart(fc), width="stretch")
    else:
        # An empty frame draws axes with no bar, which reads as a broken chart.
        st.caption(f"No account with ARR renews {fc.horizons[-1].label}, so there is no ARR by window to chart yet.")
    st.dataframe(
        horizon_table(fc),
        hide_index=True,
        width="stretch",
        placeholder=DASH,  # the ARR of a window whose only renewals have none
        column_config=columns(
            window=st.column_config.TextColumn("Renewing"),
            accounts=st.column_config.NumberColumn("Accounts"),
            red=st.column_config.NumberColumn("Red"),
            yellow=st.column_config.NumberColumn("Yellow"),
            green=st.column_config.NumberColumn("Green"),
            insufficient=st.column_config.NumberColumn(
                "Insufficient data",
                help="Accounts with too little data for a band, forecast at the Insufficient rate above.",
            ),
        ),
    )
    st.markdown("**By quarter: expected gross and logo retention, with a 90% range**")
    st.dataframe(
        in_percent(quarter_table(fc), list(QUARTER_SHARES)),
        hide_index=True,
        width="stretch",
        placeholder=DASH,  # the ARR and GRR of a quarter whose only renewals have no ARR
        column_config=columns(
            quarter=st.column_config.TextColumn("Quarter"),
            accounts=st.column_config.NumberColumn("Renewals"),
            expiring_arr=st.column_config.NumberColumn("ARR up for renewal", format="$%,.0f"),
            **{col: share_column(label) for col, label in QUARTER_SHARES.items()},
        ),
    )
    st.caption(
        "The range treats each renewal as an independent yes or no with its band's rate: a quarter with a "
        "few large renewals has a wide range. Seed targets: GRR 90%+, logo retention 90%+."
    )
    _set_apart(fc)
    return fc


def _set_apart(fc: Forecast) -> None:
    """Accounts left out of the forecast, with the column that would bring them in."""
    if len(fc.missing):
        st.warning(
            f"{counted(len(fc.missing), 'account is', 'accounts are')} left out of the ARR figures, not counted as $0: "
            f"{'it needs' if len(fc.missing) == 1 else 'they need'} an ARR column or a renewal date column in the "
            "account export.",
            icon=":material/help:",
        )
        with st.expander("Accounts without ARR or a renewal date"):
            st.dataframe(fc.missing[["account_id", "account_name", "reason"]], hide_index=True)
    if len(fc.lapsed):
        st.info(
            f"{counted(len(fc.lapsed), 'account has', 'accounts have')} a renewal date that has already passed; "
            "export the next "
            "renewal date to forecast them.",
            icon=":material/event_repeat:",
        )


def sales_ops_list(fc: Forecast) -> None:
    """Renewals within 120 days: the forecast each needs is due to Sales Ops now."""
    due = fc.sales_ops_due
    st.markdown(
        f"**Forecast due to Sales Ops: renewals within {SALES_OPS_LEAD_DAYS} days** ({count(len(due), 'account')})"
    )
    if due.empty:
        st.caption(
            f"No renewal within {SALES_OPS_LEAD_DAYS} days."
            if fc.priced
            else "None to forecast until the exports give ARR and renewal dates (see above)."
        )
        return
    shown = due[
        [
            "account_id",
            "account_name",
            "band",
            "arr",
            "expected_arr",
            "renewal_date",
            "days_to_renewal",
            "weekly",
            "weakest",
        ]
    ].copy()
    st.download_button(
        f"Download the {count(len(due), 'renewal')} for Sales Ops (CSV)",
        lambda: sales_ops_csv(fc),
        file_name=f"renewal-forecast-{fc.as_of.isoformat()}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
    shown["weekly"] = shown["weekly"].map({True: "weekly (renews within 90 days)", False: "by band"})
    no_arr = int(due["arr"].isna().sum())
    if no_arr:
        st.caption(
            f"{counted(no_arr, 'renewal has', 'renewals have')} no ARR in the exports: listed with the ARR left "
            "empty, for Sales Ops to fill in, and in no ARR figure on this page."
        )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        placeholder=DASH,  # the ARR of a renewal whose export gives none
        column_config=columns(
            weekly=st.column_config.TextColumn("Cadence"),
            weakest=st.column_config.TextColumn("Losing most points", width="medium"),
        ),
    )


def _waterfall(r: Retention, floor: float) -> alt.LayerChart:
    """Starting ARR, each move and ending ARR as floating bars; totals rise from ``floor`` (the axis start)."""
    after_churn = r.starting_arr - r.churn
    after_contraction = after_churn - r.contraction
    steps = [
        ("Starting ARR", floor, r.starting_arr, "total", r.starting_arr),
        ("Churn", after_churn, r.starting_arr, "down", -r.churn),
        ("Contraction", after_contraction, after_churn, "down", -r.contraction),
        ("Expansion", after_contraction, after_contraction + r.expansion, "up", r.expansion),
        ("Ending ARR", floor, r.ending_arr, "total", r.ending_arr),
    ]
    frame = pd.DataFrame(
        [
            {"step": s, "order": i, "low": lo, "high": hi, "kind": k, "amount": amount, "label": money(amount)}
            for i, (s, lo, hi, k, amount) in enumerate(steps)
        ]
    )
    colours = alt.Scale(domain=["total", "down", "up"], range=["#546e7a", "#c62828", "#2e7d32"])
    base = alt.Chart(frame).encode(
        x=alt.X("step:N", sort=alt.SortField("order"), title=None, axis=alt.Axis(labelAngle=0))
    )
    bars = base.mark_bar(clip=True).encode(
        y=alt.Y("low:Q", title="ARR", axis=alt.Axis(format="$.4~s"), scale=alt.Scale(zero=floor == 0, domainMin=floor)),
        y2="high:Q",
        color=alt.Color("kind:N", scale=colours, legend=None),
        tooltip=["step", alt.Tooltip("amount:Q", format="$,.0f", title="ARR")],
    )
    labels = base.mark_text(dy=-8).encode(y=alt.Y("high:Q"), text="label:N")
    return (bars + labels).properties(height=280)


def _movements(r: Retention) -> None:
    rows = [
        ("Starting ARR", r.starting_arr),
        ("Churn", -r.churn),
        ("Contraction", -r.contraction),
        ("Expansion", r.expansion),
        ("Ending ARR", r.ending_arr),
    ]
    st.dataframe(
        pd.DataFrame([{"step": step, "arr": money_full(amount)} for step, amount in rows]),
        hide_index=True,
        column_config=columns(step=st.column_config.TextColumn("Step"), arr=st.column_config.TextColumn("ARR")),
    )


def retention_section(pair: ArrAtTwoDates | None) -> None:
    """GRR, NRR, logo retention and expansion between two dates against seed 004's targets, and the waterfall."""
    if pair is None:
        st.info(
            "Revenue retention needs ARR at two dates, and these exports carry one ARR per account. Add an ARR "
            "column to the monthly usage export (one value per account and month), or save a snapshot on the "
            "Portfolio triage page now and again on a later date, to see GRR, NRR, logo retention and expansion.",
            icon=":material/info:",
        )
        return
    r = pair.retention()
    if r is None:
        st.info(
            f"No account has ARR above $0 in {plain(pair.start_label)}, so there is nothing to measure retention "
            "against. Check the ARR column of that date's export.",
            icon=":material/info:",
        )
        return
    period = f" ({count(pair.days, 'day')})" if pair.days is not None else ""
    st.caption(
        f"From {plain(pair.origin)}: {plain(pair.start_label)} to {plain(pair.end_label)}{period}, "
        f"{count(r.starting_logos, 'account')} with ARR at the start."
    )
    cols = st.columns(4)
    for col, (label, value, target, met) in zip(cols, r.against_targets(), strict=True):
        col.metric(label, f"{value:.1%}", delta=f"target {target:.0%}", delta_color="normal" if met else "inverse")
    if pair.days is not None and pair.days < LONG_ENOUGH_DAYS:
        st.caption(
            f"Seed 004's targets are for a year; over {count(pair.days, 'day')} these figures show which way the "
            "book is moving, not whether the year will meet them."
        )
    floor = waterfall_floor(r)
    chart, table = st.columns([3, 2])
    chart.altair_chart(_waterfall(r, floor), width="stretch")
    if floor > 0:
        chart.caption(f"The ARR axis starts at {money(floor)}, not $0, so moves this small against the book show.")
    with table:
        _movements(r)
    if r.new_logos:
        st.caption(f"New business, not counted above: {count(r.new_logos, 'account')}, {money(r.new_arr)}.")
