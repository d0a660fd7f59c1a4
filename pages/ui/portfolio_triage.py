"""The ranked triage list, its CSV download, and the jump to the what-if scorecard.

The table shows the first ``TABLE_ROWS`` accounts in triage order (a CSM works
from the top; filters narrow the rest) while the download always carries every
account that matches the filters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from itertools import combinations
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import streamlit as st

from pages.ui.portfolio_filters import BAND_LABELS
from pages.ui.portfolio_text import count, plain
from pages.ui.scorecard_links import scorecard_link
from scoring.engine import NoSignals, score
from scoring.model import Model, Signal
from scoring.portfolio.export import to_csv
from scoring.portfolio.triage import export_columns

TABLE_ROWS = 1000
RAW_TOLERANCE = 1e-6  # SQL and Python sum the same floats in a different order
PICK_KEY = "portfolio_pick"
TABLE_KEY = "portfolio_triage"
SHOWN_KEY = "portfolio_triage_ids"
SCORECARD_PAGE = "pages/scorecard.py"

COLUMNS = [
    "triage_rank",
    "account_name",
    "band",
    "score",
    "coverage",
    "score_change",
    "periods_in_band",
    "moved_down",
    "arr",
    "arr_at_risk",
    "renewal_date",
    "days_to_renewal",
    "owner",
    "segment",
    "action",
]

COLUMN_CONFIG = {
    "triage_rank": st.column_config.NumberColumn(
        "#", pinned=True, help="Triage order: band, then score, ARR at risk, renewal."
    ),
    "account_name": st.column_config.TextColumn("Account", pinned=True),
    "band": st.column_config.TextColumn("Band"),
    "score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100, format="%.1f"),
    "coverage": st.column_config.NumberColumn(
        "Data", format="percent", help="Share of the model's weight the export had data for; missing signals "
        "are left out of the score rather than counted as zero."
    ),
    "score_change": st.column_config.NumberColumn(
        "Change", format="%+.1f", help="Score change since the previous period in the export."
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
    "action": st.column_config.TextColumn("Recommended action", width="large"),
}


def _value(raw: object) -> float | None:
    if raw is None or pd.isna(raw):  # type: ignore[arg-type]
        return None
    number = float(raw)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def earned_bonuses(model: Model, values: Mapping[str, float | None], raw: object) -> list[str]:
    """The bonuses an account earned, recovered from its raw score.

    The accounts table carries the raw score but not the bonus flags behind it,
    and a link without them would open the scorecard several points lower.
    The smallest set of bonuses whose points turn the bonus-free score into
    the raw one is the set the export ticked (sets with equal points give the
    same score either way).
    """
    target = _value(raw)
    if not model.bonuses or target is None:
        return []
    try:
        base = score(model, values).raw
    except NoSignals:
        return []
    for size in range(len(model.bonuses) + 1):
        for chosen in combinations(model.bonuses, size):
            if abs(min(100.0, base + sum(b.points for b in chosen)) - target) < RAW_TOLERANCE:
                return [b.id for b in chosen]
    return []


def _on_scale(signal: Signal, value: float | None) -> float | None:
    """Exports can exceed a signal's scale (150% usage); the score clips such values
    anyway, and the scorecard only accepts values on the scale."""
    return None if value is None else min(max(value, signal.min), signal.max)


def link_for(model: Model, row: Mapping[str, object]) -> str:
    """The scorecard URL (path and query) carrying one account's signal values and bonuses."""
    values = {s.id: _on_scale(s, _value(row.get(s.id))) for s in model.signals}
    bonuses = earned_bonuses(model, values, row.get("raw"))
    return scorecard_link(model.id, values, bonuses, str(row["account_name"]))


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def open_in_scorecard(model: Model, view: pd.DataFrame) -> None:
    """Pick one account (or click it on the heatmap) and jump to its what-if scorecard."""
    top = view.head(TABLE_ROWS)
    names = dict(zip(top["account_id"].astype(str), top["account_name"].astype(str), strict=True))
    if st.session_state.get(PICK_KEY) not in names:
        st.session_state.pop(PICK_KEY, None)
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    with left:
        picked = st.selectbox(
            "Account to explore",
            list(names),
            format_func=names.__getitem__,
            key=PICK_KEY,
            help="Listed in triage order. Clicking a row of the heatmap, or selecting a row of the list "
            "below, picks it here too.",
        )
    row = top[top["account_id"].astype(str) == picked].iloc[0]
    with right:
        st.page_link(
            SCORECARD_PAGE,
            label="Open in the what-if scorecard",
            help=f"Opens the scorecard with the signal values of {plain(row['account_name'])}.",
            icon=":material/tune:",
            query_params=_query(link_for(model, row.to_dict())),
        )


def _display(view: pd.DataFrame) -> pd.DataFrame:
    shown = view.head(TABLE_ROWS)
    frame = shown[[c for c in COLUMNS if c in shown]].copy()
    frame["band"] = frame["band"].map(BAND_LABELS).fillna(frame["band"])
    return frame


def _row_picked() -> None:
    """Selecting a row of the list picks that account for the scorecard link above it."""
    rows = st.session_state[TABLE_KEY].selection.rows
    shown = st.session_state.get(SHOWN_KEY, [])
    if rows and rows[0] < len(shown):
        st.session_state[PICK_KEY] = shown[rows[0]]


def triage_table(model: Model, view: pd.DataFrame) -> None:
    """The ranked list with formatted columns and a formula-safe CSV of every match."""
    st.session_state[SHOWN_KEY] = view["account_id"].head(TABLE_ROWS).astype(str).tolist()
    st.dataframe(
        _display(view),
        hide_index=True,
        column_order=COLUMNS,
        column_config=COLUMN_CONFIG,
        key=TABLE_KEY,
        on_select=_row_picked,
        selection_mode="single-row",
    )
    if len(view) > TABLE_ROWS:
        st.caption(
            f"Showing the first {TABLE_ROWS:,} of {count(len(view), 'account')} in triage order. "
            "Narrow the filters, or download the CSV for the full list."
        )
    st.download_button(
        f"Download {count(len(view), 'account')} as CSV",
        data=lambda: to_csv(view[[c for c in export_columns(model) if c in view]]),
        file_name=f"triage-{model.id}-{date.today():%Y-%m-%d}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        help="Every account that matches the filters, in triage order. Cells that a spreadsheet "
        "could run as a formula are prefixed with a quote.",
    )
