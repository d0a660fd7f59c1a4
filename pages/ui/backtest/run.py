"""The lab's heavy work, cached: per-month signal values, the outcomes, the backtest, and the weight fit.

Each step is cached on the content hash of the files (never on the bytes
themselves, which would be hashed again on every rerun) plus what else
changes its answer, and the caches are bounded so a busy server keeps a few
books in memory, not every one it has seen.  Saved snapshots are keyed on
their ids, so saving a new one on the portfolio page is picked up at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass

import pandas as pd
import streamlit as st

from pages.ui.backtest.source import LabFiles
from pages.ui.common.state import store
from scoring.backtest.export_outcomes import outcomes_in_exports
from scoring.backtest.fit import FitRefused, Fitted, fit_weights
from scoring.backtest.outcomes import OutcomesRead, read_outcomes_csv
from scoring.backtest.point_in_time import PointInTime, point_in_time
from scoring.backtest.report import Floors, Report, build_report
from scoring.backtest.snapshot_history import SnapshotHistory, snapshot_history, with_snapshots
from scoring.model import Model
from scoring.portfolio.contract import Export, InputProblem
from scoring.portfolio.signal_history import signal_history
from scoring.snapshots.history import snapshots
from scoring.snapshots.records import DEMO_LABEL


def fingerprint(model: Model) -> str:
    """Changes whenever anything that affects scores does (custom weights included)."""
    return hashlib.sha256(repr(model).encode()).hexdigest()


def saved_snapshot_ids() -> tuple[int, ...]:
    """The ids of the team's own saved snapshots (the demo ones are never history)."""
    return tuple(s.id for s in snapshots(store()) if s.label != DEMO_LABEL)


@st.cache_data(show_spinner="Reading the monthly history…", max_entries=4, ttl="6h")
def _history(
    digest: str, model_key: str, _exports: tuple[Export, ...], _model: Model
) -> tuple[pd.DataFrame, list[InputProblem]]:
    return signal_history(list(_exports), _model)


@st.cache_data(show_spinner="Reading the saved snapshots…", max_entries=4, ttl="6h")
def _snapshots(ids: tuple[int, ...], model_key: str, _model: Model) -> SnapshotHistory:
    return snapshot_history(store(), _model)


@st.cache_data(show_spinner=False, max_entries=8, ttl="6h")
def _outcomes_file(digest: str, _name: str, _data: bytes) -> OutcomesRead:
    return read_outcomes_csv(_data, _name)


@st.cache_data(show_spinner="Looking for outcome columns in the exports…", max_entries=8, ttl="6h")
def _outcomes_in_exports(digest: str, _exports: tuple[Export, ...]) -> OutcomesRead:
    return outcomes_in_exports(_exports).read


def _outcomes(files: LabFiles) -> tuple[str, OutcomesRead]:
    """(the cache key of the outcomes, the outcomes): the uploaded file, else the exports' own columns."""
    if files.in_exports:
        return files.outcomes.digest, _outcomes_in_exports(files.exports.digest, files.exports.exports)
    upload = files.outcomes
    return upload.digest, _outcomes_file(upload.digest, upload.name, upload.data)


@st.cache_data(show_spinner="Scoring each account before its outcome…", max_entries=16, ttl="6h")
def _backtest(
    digest: str,
    outcomes_digest: str,
    model_key: str,
    lead_days: int,
    floors_key: tuple[float, ...],
    snapshot_ids: tuple[int, ...],
    _floors: Floors,
    _files: LabFiles,
    _model: Model,
) -> tuple[PointInTime | None, Report | None]:
    """(the book at each cut-off, the report); None where the files give nothing to compute it from."""
    history, _problems = _history(digest, model_key, _files.exports.exports, _model)
    if snapshot_ids:
        history = with_snapshots(history, _snapshots(snapshot_ids, model_key, _model))
    _key, read = _outcomes(_files)
    if history.empty or not read.outcomes:
        return None, None
    pit = point_in_time(_model, history, read.outcomes, lead_days)
    return pit, build_report(pit, _floors) if pit.accounts else None


@dataclass(frozen=True)
class Backtest:
    """One run as the page draws it: what went wrong reading the files, and the report when there is one."""

    key: tuple[str, str, str, int, tuple[int, ...]]
    problems: list[InputProblem]
    outcomes: OutcomesRead
    pit: PointInTime | None
    report: Report | None


def backtest(
    files: LabFiles, model: Model, lead_days: int, floors: Floors, snapshot_ids: tuple[int, ...] = ()
) -> Backtest:
    """The backtest of these files with this model, lead time and floors, reusing any earlier run."""
    model_key = fingerprint(model)
    _frame, problems = _history(files.exports.digest, model_key, files.exports.exports, model)
    outcomes_key, read = _outcomes(files)
    done = _backtest(
        files.exports.digest,
        outcomes_key,
        model_key,
        lead_days,
        astuple(floors),
        snapshot_ids,
        floors,
        files,
        model,
    )
    key = (files.exports.digest, outcomes_key, model_key, lead_days, snapshot_ids)
    return Backtest(key, problems, read, *done)


@st.cache_data(show_spinner=False, max_entries=8, ttl="6h")
def _fit(
    digest: str,
    outcomes_digest: str,
    model_key: str,
    lead_days: int,
    snapshot_ids: tuple[int, ...],
    _pit: PointInTime,
    _source: str,
) -> Fitted | FitRefused:
    return fit_weights(_pit, _source)


def fit(run: Backtest, source: str) -> Fitted | FitRefused:
    """Weights fitted to this run's outcomes (cached per run: files, model, lead time and snapshots)."""
    assert run.pit is not None
    return _fit(*run.key, run.pit, source)
