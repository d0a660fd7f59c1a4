"""Where the heatmaps go on the page, what they are capped at, and what a click does."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.ui.common.text import count
from pages.ui.portfolio.charts import account_cells, account_template, group_cells, group_template, sized
from pages.ui.portfolio.keys import GROUP_BY_KEY, HEATMAP_KEY, PICK_KEY
from scoring.model import Model
from scoring.portfolio.ingest.fields import CANONICAL_BY_ID

HEATMAP_ROWS = 50
GROUP_ROWS = 30
GROUPINGS = {"segment": "Segment", "owner": "CSM"}


def _picked() -> None:
    """A click on a heatmap row picks that account for the scorecard link below."""
    event = st.session_state.get(HEATMAP_KEY)
    chosen = event.selection.get("pick", []) if event else []
    if chosen and chosen[0].get("account_id") is not None:
        st.session_state[PICK_KEY] = str(chosen[0]["account_id"])


def _colour_note(model: Model) -> str:
    return (
        f"The score column shows each account's band. A signal cell is green when that signal earns at least "
        f"{model.bands.green:g}% of its points, yellow from {model.bands.yellow:g}%, red below; traffic-light "
        "signals show their own light; grey means no data. A score cell in slate grey marks an account with too "
        "little data for a band (insufficient data), drawn after the banded ones. Hover a cell for the raw value; "
        "click a row to pick that account for the scorecard."
    )


def worst_accounts(model: Model, view: pd.DataFrame) -> None:
    """Accounts x signals for the most at-risk accounts in the current view."""
    rows = view.head(HEATMAP_ROWS)
    if len(view) > HEATMAP_ROWS:
        st.caption(
            f"Showing the {HEATMAP_ROWS} most at-risk of {count(len(view), 'account')}; use the filters "
            "in the sidebar to narrow."
        )
    st.vega_lite_chart(
        account_cells(model, rows),
        sized(account_template(model), len(rows)),
        key=HEATMAP_KEY,
        on_select=_picked,
        selection_mode="pick",
        width="stretch",
    )
    st.caption(_colour_note(model))


def by_group(model: Model, view: pd.DataFrame) -> None:
    """Average attainment of every signal, per segment or per CSM."""
    by = st.segmented_control(
        "Compare by",
        list(GROUPINGS),
        format_func=GROUPINGS.__getitem__,
        default="segment",
        required=True,
        key=GROUP_BY_KEY,
        help="Each cell is the average share of points the accounts of that group earn on the signal.",
        persist_state="session",
    )
    column = by or "segment"
    label = GROUPINGS[column]
    word = label if label.isupper() else label.lower()  # "CSM", "segment"
    cells, total = group_cells(model, view, column, GROUP_ROWS, f"no {word}")
    if view[column].isna().all():
        st.caption(
            f"No account has a {word} in these exports, so they form one group. To compare them, map a column "
            f"to {CANONICAL_BY_ID[column].label} in a file's column table above, or add one to the export."
        )
    if total > GROUP_ROWS:
        st.caption(f"Showing the {GROUP_ROWS} weakest of {total:,} {word}s by average score.")
    st.vega_lite_chart(cells, sized(group_template(model, label), cells["Group"].nunique()), width="stretch")
