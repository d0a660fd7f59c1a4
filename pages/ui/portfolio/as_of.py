"""The one as-of date the page measures day counts and "newly red" to: stated, and settable.

By default it is the data's own date (the end of the latest month in the
files, or today for undated files).  A date the user sets is kept for the
session (widget values are dropped on a page switch, so ``on_change`` copies
it to ``AS_OF_KEY``) and used until they go back to the data's date.  When
the files cover different months the problems list names each file's range,
so a second file never moves the date silently.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from pages.ui.common.dates import DATE_INPUT_FORMAT
from pages.ui.common.text import plain
from pages.ui.portfolio.keys import AS_OF_INPUT_KEY, AS_OF_KEY
from scoring.portfolio.contract import PortfolioResult
from scoring.portfolio.periods import describe


def chosen() -> date | None:
    """The date the user set, or None for the data's own."""
    value = st.session_state.get(AS_OF_KEY)
    return value if isinstance(value, date) else None


def _keep() -> None:
    st.session_state[AS_OF_KEY] = st.session_state.get(AS_OF_INPUT_KEY)


def _use_the_data() -> None:
    st.session_state.pop(AS_OF_KEY, None)
    st.session_state.pop(AS_OF_INPUT_KEY, None)


def picker(result: PortfolioResult) -> None:
    """The as-of date as a date input, with where it comes from and each file's months."""
    if result.as_of is None:
        return
    st.session_state[AS_OF_INPUT_KEY] = chosen() or result.as_of
    left, right = st.columns([2, 5], vertical_alignment="bottom")
    left.date_input(
        "As of",
        key=AS_OF_INPUT_KEY,
        on_change=_keep,
        format=DATE_INPUT_FORMAT,
        help="Days to renewal, days since the last check-in and 'newly red' are all counted to this date.",
    )
    with right:
        if chosen() is None:
            st.caption(
                f"Day counts are measured to {result.as_of:%Y-%m-%d}, the end of the latest month in your files "
                "(today for files without a month column). Set another date to count to it."
            )
        else:
            st.caption(f"Day counts are measured to {result.as_of:%Y-%m-%d}, the date you set.")
            st.button("Use the data's date", on_click=_use_the_data, icon=":material/event_repeat:")
        if len(result.periods) > 1:
            st.caption("Months per file: " + plain("; ".join(describe(p) for p in result.periods)))
