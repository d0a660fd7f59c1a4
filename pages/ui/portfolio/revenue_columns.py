"""How the revenue tables label and format the columns they share: one definition for all of them.

The renewals, expansion and QBR tables all show who the account is, its band,
score and ARR; defined once, "ARR" never reads "$1,200" in one table and
"1200" in the next, and a new table only names what is its own.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

# Every revenue table's shared columns, by the column names scoring.revenue and scoring.qbr hand back.
SHARED: dict[str, Any] = {
    "account_id": st.column_config.TextColumn("ID"),
    "account_name": st.column_config.TextColumn("Account"),
    "band": st.column_config.TextColumn("Band"),
    "score": st.column_config.NumberColumn("Score", format="%.1f"),
    "arr": st.column_config.NumberColumn("ARR", format="$%,.0f"),
    "expected_arr": st.column_config.NumberColumn("Expected to renew", format="$%,.0f"),
    "renewal_date": st.column_config.DateColumn("Renewal", format="YYYY-MM-DD"),
    "days_to_renewal": st.column_config.NumberColumn("Days left"),
    "without_arr": st.column_config.NumberColumn(
        "Of which no ARR",
        help="Renewing with no ARR in the exports: counted among the renewals and in their band, in no ARR "
        "figure. Add their ARR to the account export to forecast them.",
    ),
}


def columns(**own: Any) -> dict[str, Any]:
    """The shared column settings plus a table's own (which win over a shared one of the same name)."""
    return {**SHARED, **own}
