"""The ranked triage list, the accounts with too little data to band, and the CSV download.

The table shows the first ``TABLE_ROWS`` banded accounts in triage order (a
CSM works from the top; filters narrow the rest) while the download always
carries every account that matches the filters, rounded as the page shows it.
Accounts with insufficient data are never ranked among green, yellow and red:
they get a list of their own, with how much of the model's weight they cover.
A value not in the data shows as a dash, never as 0 or "None".
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pages.ui.common.shares import in_percent, share_column
from pages.ui.common.text import count
from pages.ui.portfolio.filters import BAND_WORDS
from pages.ui.portfolio.keys import PICK_KEY, TRIAGE_IDS_KEY, TRIAGE_KEY
from pages.ui.portfolio.links import TABLE_ROWS
from scoring import formatting
from scoring.csv_export import to_csv
from scoring.model import INSUFFICIENT, Model
from scoring.portfolio.finish import export_table

# What a CSM reads first sits left: who, how bad, what to do, how much money, how soon.
COLUMNS = [
    "triage_rank",
    "account_name",
    "band",
    "score",
    "score_change",
    "score_trend",
    "action",
    "arr_at_risk",
    "days_to_renewal",
    "renewal_date",
    "arr",
    "periods_in_band",
    "moved_down",
    "coverage",
    "owner",
    "segment",
]

COLUMN_CONFIG = {
    "triage_rank": st.column_config.NumberColumn(
        "#", pinned=True, help="Triage order: band, then score, ARR at risk, renewal."
    ),
    "account_name": st.column_config.TextColumn("Account", pinned=True),
    "band": st.column_config.TextColumn("Band"),
    "score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100, format="%.1f"),
    "coverage": share_column(
        "Data",
        help="Share of the model's weight the export had data for; missing signals "
        "are left out of the score rather than counted as zero.",
    ),
    "score_change": st.column_config.NumberColumn(
        "Change", format="%+.1f", help="Score change since the previous period in the export."
    ),
    "score_trend": st.column_config.LineChartColumn(
        "Trend",
        y_min=0,
        y_max=100,
        width="small",
        help="The account's score in each of its last twelve scored months, oldest on the left (0 to 100).",
    ),
    "periods_in_band": st.column_config.NumberColumn(
        "Periods in band", help="How many periods in a row the account has sat in its current band."
    ),
    "moved_down": st.column_config.CheckboxColumn(
        "Moved down", help="Dropped from green to yellow or red since the previous period."
    ),
    "arr": st.column_config.NumberColumn("ARR", format="$%,.0f"),
    "arr_at_risk": st.column_config.NumberColumn(
        "ARR at risk", format="$%,.0f", help="ARR of accounts in the yellow or red band."
    ),
    "renewal_date": st.column_config.DateColumn("Renewal", format="YYYY-MM-DD"),
    "days_to_renewal": st.column_config.NumberColumn("Days to renewal"),
    "owner": st.column_config.TextColumn("CSM"),
    "segment": st.column_config.TextColumn("Segment"),
    "action": st.column_config.TextColumn(
        "Recommended action", width="large", help="What to do next; hover a cell to read it in full."
    ),
}
INSUFFICIENT_COLUMNS = ["account_name", "coverage", "score", "missing", "arr", "renewal_date", "owner", "segment"]
INSUFFICIENT_CONFIG = {
    **COLUMN_CONFIG,
    "coverage": share_column("Data", help="Share of the model's weight the exports had data for."),
    "score": st.column_config.NumberColumn(
        "Score on what is there", format="%.1f", help="The score of the signals with data alone: not a band."
    ),
    "missing": st.column_config.TextColumn(
        "No data for", width="large", help="The signals with no value; map or add a column for them."
    ),
}


def _display(view: pd.DataFrame) -> pd.DataFrame:
    shown = view.head(TABLE_ROWS)
    frame = shown[[c for c in COLUMNS if c in shown]].copy()
    frame["band"] = frame["band"].map(BAND_WORDS).fillna(frame["band"])
    return in_percent(frame, ["coverage"])


def banded(view: pd.DataFrame) -> pd.DataFrame:
    """The accounts with a colour: the triage list ranks only these."""
    return view[view["band"] != INSUFFICIENT]


def _missing_signals(model: Model, rows: pd.DataFrame) -> pd.Series:
    labels = [(s.id, s.label) for s in model.signals if s.id in rows]
    return rows.apply(lambda r: ", ".join(label for sid, label in labels if pd.isna(r[sid])), axis=1)


def _row_picked() -> None:
    """Selecting a row of the list picks that account for the scorecard link above it."""
    rows = st.session_state[TRIAGE_KEY].selection.rows
    shown = st.session_state.get(TRIAGE_IDS_KEY, [])
    if rows and rows[0] < len(shown):
        st.session_state[PICK_KEY] = shown[rows[0]]


def triage_table(model: Model, view: pd.DataFrame) -> None:
    """The ranked list of banded accounts and a formula-safe CSV of every match."""
    ranked = banded(view)
    st.session_state[TRIAGE_IDS_KEY] = ranked["account_id"].head(TABLE_ROWS).astype(str).tolist()
    if ranked.empty:
        st.caption("No account has enough data for a band; see the accounts with insufficient data below.")
    else:
        st.dataframe(
            _display(ranked),
            hide_index=True,
            column_order=COLUMNS,
            column_config=COLUMN_CONFIG,
            key=TRIAGE_KEY,
            on_select=_row_picked,
            selection_mode="single-row",
            placeholder=formatting.DASH,
        )
    if len(ranked) > TABLE_ROWS:
        st.caption(
            f"Showing the first {TABLE_ROWS:,} of {count(len(ranked), 'account')} in triage order. "
            "Narrow the filters, or download the CSV for the full list."
        )
    st.download_button(
        f"Download {count(len(view), 'account')} as CSV",
        data=lambda: to_csv(export_table(model, view)),
        file_name=f"triage-{model.id}-{date.today():%Y-%m-%d}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        help="Every account that matches the filters, in triage order. Cells that a spreadsheet "
        "could run as a formula are prefixed with a quote.",
    )


def insufficient_list(model: Model, view: pd.DataFrame) -> None:
    """Accounts with too little data for a band, listed apart with what they lack."""
    rows = view[view["band"] == INSUFFICIENT]
    if rows.empty:
        return
    st.subheader("Insufficient data")
    st.caption(
        f"{count(len(rows), 'account')} with data for less than {formatting.share(model.bands.min_coverage)} "
        f"of {model.name}'s weight: too few signals to call green, yellow or red, so they are not ranked above. "
        "Map or add columns for the signals they lack."
    )
    shown = rows.head(TABLE_ROWS)
    frame = in_percent(shown, ["coverage"]).assign(missing=_missing_signals(model, shown))
    st.dataframe(
        frame[[c for c in INSUFFICIENT_COLUMNS if c in frame]],
        hide_index=True,
        column_config=INSUFFICIENT_CONFIG,
        placeholder=formatting.DASH,
    )
    if len(rows) > TABLE_ROWS:
        st.caption(f"Showing {TABLE_ROWS:,} of {count(len(rows), 'account')}; the CSV carries them all.")
