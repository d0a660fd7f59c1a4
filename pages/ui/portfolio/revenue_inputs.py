"""What the revenue sections read besides the scored accounts, cached per upload.

The extra export columns (ARR by month, NPS, seats, expansion flags) and
the month-by-month signal history are read once per set of files and model,
not on every rerun: the QBR pack needs the history, the expansion list the
flags, retention the ARR by month.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.ui.common.text import plain
from pages.ui.portfolio.keys import SOURCE_KEY
from pages.ui.portfolio.upload import Source, demo_source, fingerprint
from scoring.model import Model
from scoring.portfolio.signal_history import signal_history
from scoring.revenue.expansion import expansion_rules
from scoring.revenue.extras import Extras, read_extras


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
