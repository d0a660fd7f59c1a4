"""From a portfolio row to the what-if scorecard: the link, and the account picker.

A CSM picks an account in the selectbox, by clicking its heatmap row, or by
selecting it in the triage list; all three set ``PICK_KEY``.  The link opens
the scorecard on exactly the values (and bonuses) the portfolio scored, so the
account shows the same score on both pages.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import streamlit as st

from pages.ui.common.text import plain
from pages.ui.portfolio.keys import PICK_KEY
from scoring.model import Model, Signal
from scoring.portfolio.contract import bonus_column
from scoring.scorecard_link import scorecard_link

TABLE_ROWS = 1000  # accounts offered in the picker and shown in the triage list
SCORECARD_PAGE = "pages/scorecard.py"
ACCOUNT_PAGE = "pages/account.py"


def _value(raw: Any) -> float | None:
    """A signal cell of the accounts table; None for None, NaN or pandas' NA."""
    if raw is None or pd.isna(raw):
        return None
    number = float(raw)
    return None if math.isnan(number) else number


def _earned(flag: Any) -> bool:
    """A bonus flag from the accounts table: True, False or missing (NA)."""
    return flag is not None and not pd.isna(flag) and bool(flag)


def _on_scale(signal: Signal, value: float | None) -> float | None:
    """Exports can exceed a signal's scale (150% usage); the score clips such values
    anyway, and the scorecard only accepts values on the scale."""
    return None if value is None else min(max(value, signal.min), signal.max)


def link_for(model: Model, row: Mapping[str, Any]) -> str:
    """The scorecard URL (path and query) carrying one account's signal values and bonuses.

    ``row`` is a row of the accounts table, so its cells are whatever pandas holds (numbers, NaN, NA).
    """
    values = {s.id: _on_scale(s, _value(row.get(s.id))) for s in model.signals}
    bonuses = [b.id for b in model.bonuses if _earned(row.get(bonus_column(b.id)))]
    return scorecard_link(model.id, values, bonuses, str(row["account_name"]))


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def scorecard_params(model: Model, row: Mapping[str, Any]) -> dict[str, str]:
    """The scorecard link's query parameters for one account (what ``st.page_link`` takes)."""
    return _query(link_for(model, row))


def open_in_scorecard(model: Model, view: pd.DataFrame) -> None:
    """Pick one account (or click it on the heatmap) and jump to its what-if scorecard."""
    top = view.head(TABLE_ROWS)
    names = dict(zip(top["account_id"].astype(str), top["account_name"].astype(str), strict=True))
    if names and st.session_state.get(PICK_KEY) not in names:
        # Set, not just cleared: a cleared key let the browser keep showing the previous upload's account.
        st.session_state[PICK_KEY] = next(iter(names))
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
        st.page_link(
            ACCOUNT_PAGE,
            label="Open account page",
            help=f"Score over time, why it moved, checklists and actions for {plain(row['account_name'])}.",
            icon=":material/account_box:",
            query_params={"id": str(row["account_id"])},
        )
