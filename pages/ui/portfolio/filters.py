"""The triage filters: CSM, segment, band, renewal window and a name search.

Filtering is plain boolean masks over the cached accounts frame, so changing a
filter never re-reads or re-scores anything.  Widgets keep their value for the
whole session (``persist_state``) so a trip to the scorecard and back keeps
the CSM's view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from pages.ui.common.text import plain
from pages.ui.portfolio.keys import BAND_KEY, FILTER_KEYS, OWNER_KEY, SEARCH_KEY, SEGMENT_KEY, WINDOW_KEY
from scoring.model import BAND_NAMES, INSUFFICIENT

ANY_TIME = "Any time"
PAST_RENEWAL = "Renewal date has passed"
WINDOWS: dict[str, int] = {"Next 30 days": 30, "Next 60 days": 60, "Next 90 days": 90, "Next 180 days": 180}
# Material icons, not emoji: headless browsers and some desktops have no emoji font.
BAND_LABELS = {
    "red": ":material/error: Red",
    "yellow": ":material/warning: Yellow",
    "green": ":material/check_circle: Green",
    INSUFFICIENT: ":material/help: Insufficient data",
}
# The same bands as plain words, for table cells and CSV (no markup there).
BAND_WORDS = {"red": "Red", "yellow": "Yellow", "green": "Green", INSUFFICIENT: "Insufficient data"}
BAND_OPTIONS = [*BAND_NAMES[::-1], INSUFFICIENT]


@dataclass(frozen=True)
class Filters:
    owners: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    bands: tuple[str, ...] = ()
    window: str = ANY_TIME
    search: str = ""

    @property
    def active(self) -> bool:
        return self != Filters()


def _options(accounts: pd.DataFrame, column: str) -> list[str]:
    if column not in accounts:
        return []
    return sorted(str(v) for v in accounts[column].dropna().unique())


def _keep_valid(key: str, options: Sequence[str]) -> None:
    """Drop remembered choices that the newly loaded portfolio no longer has."""
    chosen = st.session_state.get(key)
    if isinstance(chosen, list) and any(c not in options for c in chosen):
        st.session_state[key] = [c for c in chosen if c in options]


def _reset() -> None:
    for key in FILTER_KEYS:
        st.session_state.pop(key, None)


def sidebar(accounts: pd.DataFrame) -> Filters:
    """Draw the filters in the sidebar and return what the user chose."""
    owners = _options(accounts, "owner")
    segments = _options(accounts, "segment")
    _keep_valid(OWNER_KEY, owners)
    _keep_valid(SEGMENT_KEY, segments)
    with st.sidebar:
        st.subheader("Filter accounts")
        chosen_owners = st.multiselect(
            "CSM",
            owners,
            key=OWNER_KEY,
            placeholder="All CSMs",
            help="Show only the accounts these CSMs own (from the owner column of your export).",
            persist_state="session",
        )
        chosen_segments = st.multiselect(
            "Segment",
            segments,
            key=SEGMENT_KEY,
            placeholder="All segments",
            help="Show only these customer segments.",
            persist_state="session",
        )
        chosen_bands = st.pills(
            "Health band",
            BAND_OPTIONS,
            selection_mode="multi",
            format_func=BAND_LABELS.__getitem__,
            key=BAND_KEY,
            help="Leave all unselected to see every band. Insufficient data: too few signals to give a band.",
            persist_state="session",
        )
        window = st.selectbox(
            "Renewal",
            [ANY_TIME, *WINDOWS, PAST_RENEWAL],
            key=WINDOW_KEY,
            help="Focus on accounts whose renewal date falls in this window, counted from today.",
            persist_state="session",
        )
        search = st.text_input(
            "Account name contains",
            key=SEARCH_KEY,
            placeholder="e.g. Acme",
            help="Case-insensitive; matches any part of the account name.",
            persist_state="session",
        )
        st.button("Clear filters", on_click=_reset, icon=":material/filter_alt_off:", width="stretch")
    return Filters(tuple(chosen_owners), tuple(chosen_segments), tuple(chosen_bands or ()), window, search.strip())


def apply(accounts: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The accounts that match every chosen filter, still in triage order."""
    if not filters.active:
        return accounts
    mask = pd.Series(True, index=accounts.index)
    if filters.owners:
        mask &= accounts["owner"].isin(filters.owners)
    if filters.segments:
        mask &= accounts["segment"].isin(filters.segments)
    if filters.bands:
        mask &= accounts["band"].isin(filters.bands)
    days = accounts["days_to_renewal"]
    if filters.window in WINDOWS:
        mask &= days.between(0, WINDOWS[filters.window])
    elif filters.window == PAST_RENEWAL:
        mask &= days < 0
    if filters.search:
        mask &= accounts["account_name"].astype(str).str.contains(filters.search, case=False, regex=False, na=False)
    return accounts[mask]


def describe(filters: Filters) -> str:
    """One line naming the active filters, for empty states and captions."""
    parts = []
    if filters.owners:
        parts.append(f"CSM: {', '.join(filters.owners)}")
    if filters.segments:
        parts.append(f"segment: {', '.join(filters.segments)}")
    if filters.bands:
        parts.append(f"band: {', '.join(BAND_WORDS.get(b, b).lower() for b in filters.bands)}")
    if filters.window != ANY_TIME:
        parts.append(f"renewal: {filters.window.lower()}")
    if filters.search:
        parts.append(f"name contains {filters.search!r}")
    return "; ".join(parts)


def nothing_matches(filters: Filters) -> None:
    """The empty state when filters leave no account, with the way out."""
    st.info(
        f"No account matches these filters ({plain(describe(filters))}). Widen them in the sidebar: pick more "
        "CSMs, segments or bands, choose a longer renewal window, or press **Clear filters**.",
        icon=":material/filter_alt_off:",
    )
