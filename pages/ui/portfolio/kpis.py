"""The headline tiles: accounts and ARR per band, renewals at risk, newly red accounts.

Numbers come from ``scoring.portfolio.kpis`` over the filtered accounts, so
they describe exactly what the heatmap and the list below show.  A figure the
exports cannot give reads "no data" and names the column that would fill it;
accounts with too little data for a band get a tile of their own.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.ui.portfolio.filters import Filters
from scoring import formatting
from scoring.portfolio.kpis import NEEDS, RENEWAL_WINDOW_DAYS, kpis
from scoring.wording import counted

BAND_HELP = {
    "red": "Accounts scoring below the yellow line, and the ARR they carry.",
    "yellow": "Accounts between the yellow and green lines, and the ARR they carry.",
    "green": "Healthy accounts, and the ARR they carry.",
}
INSUFFICIENT_HELP = (
    "Accounts with data for less than the model's minimum share of its weight: their score rests on too few "
    "signals to call them green, yellow or red. They are listed apart below the triage list."
)


def tiles(view: pd.DataFrame, filters: Filters) -> None:
    """Band tiles, then renewals at risk, newly red and unbanded accounts; a caption says when filters narrow them."""
    numbers = kpis(view)
    # Two rows of three, so a label or "no data" is never cut short: the bands, then what to act on.
    columns = [*st.columns(3), *st.columns(3)]
    for column, band in zip(columns[:3], ("red", "yellow", "green"), strict=True):
        column.metric(
            f"{band.title()} accounts",
            formatting.number(numbers.accounts_by_band[band]),
            help=BAND_HELP[band],
            border=True,
        )
        arr = numbers.arr_by_band[band]
        if arr is not None:
            column.caption(f"{formatting.money(arr)} ARR")
        elif numbers.arr is None:
            column.caption(f"ARR: {formatting.NO_DATA}, needs {NEEDS['arr']}")
        else:
            column.caption(f"ARR: {formatting.NO_DATA} for these accounts")
    at_risk = numbers.arr_renewing_at_risk
    columns[3].metric(
        "Renewals at risk",
        formatting.money(at_risk) if at_risk is not None else formatting.NO_DATA,
        help=f"ARR of yellow and red accounts whose renewal date falls in the next {RENEWAL_WINDOW_DAYS} days: "
        "the money to save first.",
        border=True,
    )
    if numbers.accounts_renewing_at_risk is None:
        columns[3].caption(formatting.needs("Renewals at risk", NEEDS["renewal"]))
    else:
        renewing = formatting.count(numbers.accounts_renewing_at_risk, "account")
        parts = [f"{renewing} renewing within {RENEWAL_WINDOW_DAYS} days"]
        if at_risk is None:
            parts.append(f"ARR needs {NEEDS['arr']}" if numbers.arr is None else f"ARR: {formatting.NO_DATA} for them")
        if numbers.insufficient_renewing:
            band = "with too little data for a band"
            parts.append(counted(numbers.insufficient_renewing, f"{band} is", f"{band} are") + " not counted")
        columns[3].caption("; ".join(parts))
    columns[4].metric(
        "Newly red",
        formatting.number(numbers.turned_red) if numbers.turned_red is not None else formatting.NO_DATA,
        help="Accounts that are red now and were not in the previous period of the export.",
        border=True,
    )
    if numbers.moved_down is not None:
        columns[4].caption(
            f"since the previous period; {formatting.count(numbers.moved_down, 'account')} slipped from green"
        )
    else:
        columns[4].caption(formatting.needs("Newly red", NEEDS["history"]))
    if numbers.insufficient:
        columns[5].metric(
            "Insufficient data",
            formatting.number(numbers.insufficient),
            help=INSUFFICIENT_HELP,
            border=True,
        )
        columns[5].caption(f"Insufficient data: {formatting.count(numbers.insufficient, 'account')}, no band given")
    if filters.active:
        st.caption(f"Figures cover the {formatting.count(numbers.accounts, 'account')} that match your filters.")
