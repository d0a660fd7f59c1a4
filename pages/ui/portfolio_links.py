"""From a portfolio row to the what-if scorecard: the link, and the account picker.

A CSM picks an account in the selectbox, by clicking its heatmap row, or by
selecting it in the triage list; all three set ``PICK_KEY``.  The link opens
the scorecard on exactly the values (and bonuses) the portfolio scored, so the
account shows the same score on both pages.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import combinations
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import streamlit as st

from pages.ui.portfolio_text import plain
from pages.ui.scorecard_links import scorecard_link
from scoring.engine import NoSignals, score
from scoring.model import Model, Signal

TABLE_ROWS = 1000  # accounts offered in the picker and shown in the triage list
RAW_TOLERANCE = 1e-6  # SQL and Python sum the same floats in a different order
PICK_KEY = "portfolio_pick"
SCORECARD_PAGE = "pages/scorecard.py"


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


