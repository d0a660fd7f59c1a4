"""What the revenue sections read besides the scored accounts, cached per upload.

The extra export columns (ARR by month, NPS, seats, expansion flags) and
the month-by-month signal history are read once per set of files and model,
not on every rerun: the QBR pack needs the history, the expansion list the
flags, retention the ARR by month.  Also here: the ARR at two dates that
retention compares (the exports' months, else saved snapshots), the files
the backtest lab would measure renewal rates on, and the expansion signals
CSMs set on account pages.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.ui.backtest.keys import EXPORTS_KEY, OUTCOMES_KEY
from pages.ui.backtest.source import LabFiles, OutcomesFile, demo_outcomes
from pages.ui.common.state import store
from pages.ui.common.text import plain
from pages.ui.portfolio.changes import known_snapshots
from pages.ui.portfolio.keys import SOURCE_KEY
from pages.ui.portfolio.upload import Source, demo_source, fingerprint
from scoring.model import Model
from scoring.portfolio.signal_history import signal_history
from scoring.revenue.expansion import expansion_rules
from scoring.revenue.extras import Extras, read_extras
from scoring.revenue.flags import FlagError, reference_tiers, saved_flags
from scoring.revenue.two_dates import ArrAtTwoDates, from_exports, from_snapshots
from scoring.snapshots.records import DEMO_LABEL


def portfolio_source() -> Source:
    """The files the portfolio page is showing: the session's uploads, else the demo."""
    kept: Source | None = st.session_state.get(SOURCE_KEY)
    if kept is None:
        st.caption(":material/info: Showing the demo portfolio; upload your exports on the Portfolio triage page.")
        return demo_source()
    st.caption(f":material/folder_open: Showing your uploaded files: {', '.join(plain(n) for n in kept.names)}")
    return kept


@st.cache_data(show_spinner="Reading ARR history, NPS and expansion flags…", max_entries=8, ttl="6h")
def _extras(digest: str, _source: Source) -> Extras:
    return read_extras(list(_source.exports), expansion_rules().flag_columns())


def extras(source: Source) -> Extras:
    return _extras(source.digest, source)


@st.cache_data(show_spinner="Reading the month-by-month history…", max_entries=8, ttl="6h")
def _history(
    digest: str, model_key: str, overrides: tuple[tuple[str, str], ...], _source: Source, _model: Model
) -> pd.DataFrame:
    history, _ = signal_history(list(_source.exports), _model, dict(overrides))
    return history


def history(source: Source, model: Model, overrides: dict[str, str]) -> pd.DataFrame:
    """Every account-month's signal values for the model, read with the page's column mapping."""
    return _history(source.digest, fingerprint(model), tuple(sorted(overrides.items())), source, model)


@st.cache_data(show_spinner="Reading ARR from the saved snapshots…", max_entries=4)
def _snapshot_pair(db_file: str, snapshot_ids: tuple[int, ...]) -> ArrAtTwoDates | None:
    found = [s for s in known_snapshots(seed=False) if s.id in snapshot_ids]
    return from_snapshots(store(), found)


def arr_at_two_dates(source: Source, found: Extras) -> ArrAtTwoDates | None:
    """ARR at two dates for retention: the exports' months first, else saved snapshots of the same book.

    On the demo an empty store gets the two demo weeks first (as the account
    page does), so a fresh clone shows the waterfall; an upload is never
    measured against the demo snapshots.
    """
    months = from_exports(found)
    if months is not None:
        return months
    snapshots = known_snapshots(seed=source.demo)
    if not source.demo:
        snapshots = [s for s in snapshots if s.label != DEMO_LABEL]
    return _snapshot_pair(str(store().path), tuple(s.id for s in snapshots))


def lab_files(source: Source) -> LabFiles | None:
    """The exports and outcomes the backtest lab measures renewal rates on, when it has outcomes for this book.

    The demo ships its outcomes; an upload counts when the same files are in the
    lab with an outcomes file (rates measured on another book would not apply).
    """
    if source.demo:
        return LabFiles(demo_source(), demo_outcomes(), demo=True)
    exports: Source | None = st.session_state.get(EXPORTS_KEY)
    outcomes: OutcomesFile | None = st.session_state.get(OUTCOMES_KEY)
    if exports is None or outcomes is None or exports.digest != source.digest:
        return None
    return LabFiles(exports, outcomes, demo=False)


def hand_set_flags() -> dict[str, frozenset[str]]:
    """The expansion signals CSMs set on account pages; none (with a warning) when the store cannot say."""
    try:
        return saved_flags(store())
    except FlagError as exc:
        st.warning(plain(exc), icon=":material/warning:")
        return {}


def agreed_tiers() -> dict[str, int]:
    """The reference tier agreed per account (account page or QBR details); none, with a warning, on failure."""
    try:
        return reference_tiers(store())
    except FlagError as exc:
        st.warning(plain(exc), icon=":material/warning:")
        return {}
