"""The headline tiles: accounts and ARR per band, renewals at risk, newly red accounts.

Numbers come from ``scoring.portfolio.kpis`` over the filtered accounts, so
they describe exactly what the heatmap and the list below show.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.ui.common.text import count, money
from pages.ui.portfolio.filters import Filters
from scoring.portfolio.kpis import RENEWAL_WINDOW_DAYS, kpis

BAND_HELP = {
    "red": "Accounts scoring below the yellow line, and the ARR they carry.",
    "yellow": "Accounts between the yellow and green lines, and the ARR they carry.",
    "green": "Healthy accounts, and the ARR they carry.",
}


def tiles(view: pd.DataFrame, filters: Filters) -> None:
    """One row of metrics; the caption says when filters are narrowing them."""
    numbers = kpis(view)
    columns = st.columns(5)
    for column, band in zip(columns[:3], ("red", "yellow", "green"), strict=True):
        column.metric(
            f"{band.title()} accounts",
            f"{numbers.accounts_by_band[band]:,}",
            help=BAND_HELP[band],
            border=True,
        )
        column.caption(f"{money(numbers.arr_by_band[band])} ARR")
    columns[3].metric(
        "Renewals at risk",
        money(numbers.arr_renewing_at_risk),
        help=f"ARR of yellow and red accounts whose renewal date falls in the next {RENEWAL_WINDOW_DAYS} days: "
        "the money to save first.",
        border=True,
    )
    columns[3].caption(
        f"{count(numbers.accounts_renewing_at_risk, 'account')} renewing within {RENEWAL_WINDOW_DAYS} days"
    )
    columns[4].metric(
        "Newly red",
        f"{numbers.turned_red:,}",
        help="Accounts that are red now and were not in the previous period of the export.",
        border=True,
    )
    if view["prev_band"].notna().any():
        columns[4].caption(f"since the previous period; {count(numbers.moved_down, 'account')} slipped from green")
    else:
        columns[4].caption("needs a month or period column, so two periods can be compared")
    if filters.active:
        st.caption(f"Figures cover the {count(numbers.accounts, 'account')} that match your filters.")
