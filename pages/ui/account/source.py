"""Which portfolio the account page reads, and the account in it.

In order: the portfolio this session scored on the portfolio page (its
``Scored`` in session state), else the newest snapshot (scored again with
the model that saved it), else the bundled demo portfolio.  The account
comes from ``?id=`` (an account id or name, so a bookmark works), else the
last one shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from pages.ui.account.keys import ACCOUNT_KEY, ACCOUNT_WIDGET_KEY
from pages.ui.common.state import all_models, store
from pages.ui.portfolio import mapping
from pages.ui.portfolio.keys import MODEL_KEY, SCORED_KEY, SOURCE_KEY
from pages.ui.portfolio.upload import Scored, Source, demo_source, fingerprint
from scoring.catalog import DEFAULT_MODEL_ID
from scoring.model import Model
from scoring.portfolio import demo_exports, load_portfolio
from scoring.portfolio.signal_history import signal_history
from scoring.snapshots import changes, history
from scoring.snapshots.records import SnapshotInfo


@dataclass(frozen=True)
class Book:
    """The accounts the page can show, the model that scored them, and where they came from."""

    accounts: pd.DataFrame  # at least account_id, account_name and the model's signal columns
    model: Model
    origin: str
    snapshot: SnapshotInfo | None = None
    source: Source | None = None  # the exports scored, when the book is a portfolio (not a snapshot)
    overrides: tuple[tuple[str, str], ...] = ()
    as_of: date | None = None  # the date the portfolio was measured to, which its monthly line keeps to


@st.cache_data(show_spinner="Reading the monthly history…", max_entries=4)
def _signal_months(
    digest: str,
    model_key: str,
    overrides: tuple[tuple[str, str], ...],
    as_of: date | None,
    _source: Source,
    _model: Model,
) -> pd.DataFrame:
    """Every account's signal values per month of the exports to ``as_of`` (cached per files, model,
    corrections and date)."""
    months, _problems = signal_history(_source.exports, _model, dict(overrides), store(), as_of)
    return months


def monthly_history(book: Book, account_id: str) -> pd.DataFrame:
    """The account's score per month of the book's exports, each at its own month (when, score); empty for
    a snapshot, which keeps no months."""
    if book.source is None:
        return pd.DataFrame({"when": pd.Series(dtype="datetime64[ns]"), "score": pd.Series(dtype=float)})
    months = _signal_months(
        book.source.digest, fingerprint(book.model), book.overrides, book.as_of, book.source, book.model
    )
    return history.monthly_scores(months, book.model, account_id, book.as_of)


@st.cache_data(show_spinner="Loading the demo portfolio…")
def _demo(_model: Model, model_id: str) -> pd.DataFrame:
    return load_portfolio(demo_exports(), _model).accounts


@st.cache_data(show_spinner=False, max_entries=4)
def _snapshot_rows(db_file: str, snapshot_id: int) -> pd.DataFrame:
    """A snapshot's accounts with one column per stored signal and bonus, as the portfolio table has them."""
    listed = {s.id: s for s in history.snapshots(store())}
    return changes.as_accounts(store(), listed[snapshot_id])


def current_book() -> Book:
    models = all_models()
    kept: Scored | None = st.session_state.get(SCORED_KEY)
    model_id = st.session_state.get(MODEL_KEY) or DEFAULT_MODEL_ID
    if kept is not None and not kept.result.accounts.empty and model_id in models:
        source: Source = st.session_state.get(SOURCE_KEY) or demo_source()
        overrides = tuple(sorted(mapping.overrides(source.digest).items()))
        return Book(
            kept.result.accounts,
            models[model_id],
            "the portfolio you scored on the portfolio page",
            source=source,
            overrides=overrides,
            as_of=kept.result.as_of,
        )
    found = history.snapshots(store())
    if found:
        newest = found[-1]
        return Book(
            _snapshot_rows(str(store().path), newest.id),
            changes.model_of(newest),
            f"the snapshot of {newest.as_of:%d %b %Y}",
            newest,
        )
    model = models[DEFAULT_MODEL_ID]
    return Book(_demo(model, model.id), model, "the demo portfolio", source=demo_source())


def _remember() -> None:
    st.session_state[ACCOUNT_KEY] = st.session_state.get(ACCOUNT_WIDGET_KEY)


def pick_account(book: Book) -> Mapping[str, Any] | None:
    """The account from ``?id=`` (id or name) or the last one shown, with a picker to change it."""
    frame = book.accounts
    ids = frame["account_id"].astype(str).tolist()
    names = dict(zip(ids, frame["account_name"].astype(str), strict=True))
    asked = st.query_params.get("id")
    if asked is not None:
        by_name = {n.casefold(): i for i, n in names.items()}
        found = asked if asked in names else by_name.get(asked.casefold())
        if found is None:
            st.warning(
                f"No account with the id or name in this link is in {book.origin}; pick one below.",
                icon=":material/person_search:",
            )
        else:
            st.session_state[ACCOUNT_KEY] = found
    wanted = st.session_state.get(ACCOUNT_KEY)
    if not ids:
        return None
    picked = st.selectbox(
        "Account",
        ids,
        index=ids.index(wanted) if wanted in ids else 0,
        format_func=lambda i: f"{names[i]} ({i})",
        key=ACCOUNT_WIDGET_KEY,
        on_change=_remember,
    )
    if st.query_params.get("id") != picked:
        st.query_params["id"] = str(picked)  # the address bar always holds a bookmark of what is shown
    return dict(frame[frame["account_id"].astype(str) == picked].iloc[0].to_dict())
