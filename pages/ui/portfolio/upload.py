"""Where the portfolio comes from (uploaded exports or the demo) and the cached scoring run.

Uploaded bytes are read and hashed once, in the uploader's callback, and kept
in session state: the widget forgets its files when the user visits another
page, the CSM should not have to upload again on the way back.  Scoring is
cached on (bytes digest, model fingerprint, column overrides), so reruns for
filters, and other sessions with the same files, reuse one run.

Memory: the shared cache of runs is bounded by bytes (``CACHE_SIZE``, the
pickled results, least recently used dropped first) as well as by count, and
a session's own copy of its run is let go when the browser session ends
(``_release_on_session_end``), not minutes later when Streamlit forgets the
session.  The account cap and the per-run budget are ``scoring.portfolio.limits``.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.state.safe_session_state import SafeSessionState

from pages.ui.common.keys import LOADED_ACCOUNTS_KEY
from pages.ui.common.text import count, plain
from pages.ui.portfolio.keys import MODEL_KEY, SCORED_KEY, SOURCE_KEY, UPLOAD_KEY
from scoring.catalog import DEFAULT_MODEL_ID
from scoring.model import Model
from scoring.portfolio import load_portfolio
from scoring.portfolio.contract import Export, PortfolioResult
from scoring.portfolio.demo import demo_exports
from scoring.portfolio.limits import release_memory
from scoring.storage import Store

LOG = logging.getLogger(__name__)
# Pickled scoring runs the server keeps for reuse, all sessions together.  A run of
# 250,000 accounts (the account cap) pickles to about 150 MB, so a few large runs or
# many small ones fit; a single run larger than this is kept alone until the next one.
CACHE_SIZE = "384MB"
FILE_TYPES = ["csv", "tsv", "txt", "xlsx", "parquet"]
UPLOAD_HELP = (
    "Drop one or more exports: the CRM account list (id, name, CSM, segment, ARR, renewal date), a "
    "product-usage export (seats, active users, logins, usage, by month for trends) and a support "
    "export (tickets, P1/P2, CSAT, NPS). CSV or TSV in any common encoding, Excel .xlsx or Parquet. "
    "Files are joined on the account id, so every file needs an account id column."
)


@dataclass(frozen=True)
class Source:
    """The files being scored, with a digest of their names and bytes."""

    exports: tuple[Export, ...]
    digest: str
    demo: bool = False

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.exports]


def model_picker(models: dict[str, Model]) -> Model:
    """The health model every account is scored with."""
    if st.session_state.get(MODEL_KEY) not in models:
        st.session_state.pop(MODEL_KEY, None)
    ids = list(models)
    model_id = st.selectbox(
        "Health model",
        ids,
        index=ids.index(DEFAULT_MODEL_ID) if DEFAULT_MODEL_ID in ids else 0,
        format_func=lambda mid: models[mid].name,
        key=MODEL_KEY,
        help="The same models as the what-if scorecard, custom weightings included, so an account "
        "scores the same on both pages.",
        persist_state="session",
    )
    return models[model_id]


def source_of(exports: Iterable[Export], demo: bool = False) -> Source:
    """Wrap exports with the content digest the score cache is keyed on."""
    files = tuple(exports)
    digest = hashlib.sha256()
    for export in files:
        digest.update(export.name.encode())
        digest.update(len(export.data).to_bytes(8, "big"))
        digest.update(export.data)
    return Source(files, digest.hexdigest(), demo)


@st.cache_data(show_spinner="Loading the demo portfolio…")
def demo_source() -> Source:
    return source_of(demo_exports(), demo=True)


def _on_upload() -> None:
    """New files become the session's portfolio; removing them all goes back to the demo."""
    files = st.session_state.get(UPLOAD_KEY) or []
    if files:
        st.session_state[SOURCE_KEY] = source_of(Export(f.name, f.getvalue()) for f in files)
    else:
        st.session_state.pop(SOURCE_KEY, None)


def _back_to_demo() -> None:
    st.session_state.pop(SOURCE_KEY, None)


def choose_source() -> Source:
    """The uploader, and a note saying which portfolio the page is showing."""
    st.file_uploader(
        "Exports to score",
        type=FILE_TYPES,
        accept_multiple_files=True,
        key=UPLOAD_KEY,
        on_change=_on_upload,
        help=UPLOAD_HELP,
    )
    source: Source | None = st.session_state.get(SOURCE_KEY)
    if source is None:
        st.info("Showing the demo portfolio; upload your exports to replace it.", icon=":material/info:")
        return demo_source()
    if not st.session_state.get(UPLOAD_KEY):
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.info(
            f"Showing the {count(len(source.exports), 'file')} you uploaded earlier: "
            + ", ".join(plain(n) for n in source.names),
            icon=":material/folder_open:",
        )
        right.button("Back to the demo portfolio", on_click=_back_to_demo, icon=":material/undo:")
    return source


def fingerprint(model: Model) -> str:
    """Changes whenever anything that affects scores does (custom weights included)."""
    return hashlib.sha256(repr(model).encode()).hexdigest()


@dataclass(frozen=True)
class Scored:
    """A finished run as this session keeps it: what it was for, and how it went."""

    key: tuple[str, str, tuple[tuple[str, str], ...], str]
    result: PortfolioResult
    summary: str


@st.cache_data(show_spinner=False, max_entries=8, max_size=CACHE_SIZE, ttl="6h")
def _scored(
    digest: str,
    model_key: str,
    overrides: tuple[tuple[str, str], ...],
    as_of: str,
    _source: Source,
    _model: Model,
    _store: Store,
) -> tuple[PortfolioResult, str]:
    """One scoring run with a live progress bar, cleared once the run is done.

    The page shows each account's trend through its own columns (change,
    periods in band, the last twelve scores).
    """
    started = time.perf_counter()
    what = "the demo portfolio" if _source.demo else count(len(_source.exports), "file")
    holder = st.empty()
    with holder.status(f"Scoring {what}…", expanded=True):
        bar = st.progress(0.0, text="Reading files")
        result = load_portfolio(
            list(_source.exports),
            _model,
            overrides=dict(overrides),
            store=_store,
            as_of=date.fromisoformat(as_of) if as_of else None,
            progress=lambda stage, done: bar.progress(min(max(done, 0.0), 1.0), text=plain(stage)),
        )
    holder.empty()
    seconds = time.perf_counter() - started
    summary = (
        f"Scored {count(len(result.accounts), 'account')} from {what} with {plain(_model.name)}: "
        f"{result.rows_scored:,} of {result.rows_read:,} rows used, {seconds:.1f} s."
        if len(result.accounts)
        else f"Read {what} in {seconds:.1f} s; no account could be scored with {plain(_model.name)}."
    )
    return result, summary


@dataclass
class _SessionRuns:
    """A handle on one browser session's state, released by Streamlit when the session disconnects."""

    state: SafeSessionState | None = field(default=None, repr=False)


def _forget_run(runs: _SessionRuns) -> None:
    """Drop the ended session's own copy of its scoring run, then give the freed memory back.

    The shared cache keeps its (bounded) copy for the next session with the
    same files; this copy was the session's alone.  Session state keeps
    everything else, so a browser that reconnects still has its upload and
    scores it again from the shared cache.
    """
    state = runs.state
    runs.state = None
    if state is not None:
        with suppress(KeyError):
            del state[SCORED_KEY]
    release_memory()
    LOG.info("a browser session ended: its scoring run was released")


@st.cache_resource(scope="session", on_release=_forget_run, show_spinner=False)
def _release_on_session_end() -> _SessionRuns:
    """Created once per session; Streamlit calls ``_forget_run`` on it when the session disconnects."""
    ctx = get_script_run_ctx()
    return _SessionRuns(ctx.session_state if ctx is not None else None)


def score(
    source: Source, model: Model, overrides: dict[str, str], store: Store, as_of: date | None = None
) -> PortfolioResult:
    """Score the source with the model, reusing any earlier run on the same inputs.

    ``as_of`` is the date the user set for day counts (None: the data's own,
    the end of its latest month).  The session keeps its last result, so a rerun for a filter change neither
    hashes nor copies anything out of the shared cache.  The store's remembered
    mappings are not part of the cache key, so a run with corrections (which
    saves them) empties the cache first.
    """
    key = (source.digest, fingerprint(model), tuple(sorted(overrides.items())), as_of.isoformat() if as_of else "")
    kept: Scored | None = st.session_state.get(SCORED_KEY)
    if kept is None or kept.key != key:
        if overrides:
            # This run saves the corrected mapping; cached runs of the same
            # files made before it would hand out the old one.
            _scored.clear()
        try:
            result, summary = _scored(*key, source, model, store)
        except Exception:
            LOG.exception("scoring %s with %s failed", source.names, model.id)
            st.error(
                "Scoring stopped unexpectedly. Nothing you uploaded or saved was changed. Try again; if it "
                "happens again, load the files one at a time to find the one that trips it, and send the "
                "server log to whoever runs this app.",
                icon=":material/error:",
            )
            st.stop()
        kept = Scored(key, result, summary)
        st.session_state[SCORED_KEY] = kept
    _release_on_session_end()
    st.caption(f":material/check_circle: {kept.summary}")
    return kept.result


def publish_accounts(result: PortfolioResult) -> None:
    """Share the loaded account names with other pages (onboarding offers them)."""
    names = result.accounts["account_name"].dropna().astype(str).tolist() if len(result.accounts) else []
    if st.session_state.get(LOADED_ACCOUNTS_KEY) != names:
        st.session_state[LOADED_ACCOUNTS_KEY] = names
