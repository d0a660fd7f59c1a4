"""Saved snapshots as history: each account's signal values as they were on each snapshot's day.

A team that saves a snapshot every week has a record of the book that no
export keeps: the values as they stood that day, before any later correction.
The backtest may score an account from those instead of (or as well as) the
monthly exports: a snapshot counts from its as-of day, so one taken by the
cut-off can be used and one taken after it never is (``point_in_time`` drops
rows known after the cut-off before anything is read).

A snapshot stores the raw value of each signal of the model that scored it.
Its values are used for the backtested model's signals that the snapshot's
model defines on the same scale (same id, range, direction and transform):
a value on another scale would score as something it is not.  The bundled
demo snapshots are a showcase, not a book's history, and are never used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.model import Model, Signal
from scoring.portfolio.contract import bonus_column
from scoring.snapshots.changes import as_accounts, model_of
from scoring.snapshots.history import snapshots
from scoring.snapshots.records import DEMO_LABEL, SnapshotInfo
from scoring.storage import Store

from .point_in_time import KNOWN_ON


@dataclass(frozen=True)
class SnapshotHistory:
    """Rows shaped like ``signal_history``'s plus ``known_on``, and which snapshots they came from."""

    rows: pd.DataFrame
    used: tuple[SnapshotInfo, ...]


def _scale(signal: Signal) -> tuple[object, ...]:
    """What a raw value means: the same number scores the same only when all of these agree."""
    return (signal.min, signal.max, signal.direction, signal.transform, signal.thresholds)


def shared_signals(model: Model, snapshot: SnapshotInfo) -> list[str]:
    """The model's signal ids the snapshot's own model measured on the same scale."""
    theirs = {s.id: s for s in model_of(snapshot).signals}
    return [s.id for s in model.signals if s.id in theirs and _scale(s) == _scale(theirs[s.id])]


def snapshot_rows(store: Store, snapshot: SnapshotInfo, model: Model) -> pd.DataFrame:
    """One snapshot as history rows: account_id, period, known_on, the shared signals (others NaN), bonuses."""
    accounts = as_accounts(store, snapshot)
    shared = set(shared_signals(model, snapshot))
    day = pd.Timestamp(snapshot.as_of)
    rows = pd.DataFrame(
        {
            "account_id": accounts["account_id"].astype(str).to_numpy(),
            "period": np.full(len(accounts), day.to_datetime64()),
            KNOWN_ON: np.full(len(accounts), day.to_datetime64()),
        }
    )
    for sid in model.signal_ids:
        values = accounts[sid] if sid in shared and sid in accounts.columns else None
        rows[sid] = np.nan if values is None else pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    theirs = {b.id for b in model_of(snapshot).bonuses}
    for bonus in model.bonuses:
        column = bonus_column(bonus.id)
        held = bonus.id in theirs and column in accounts.columns
        rows[bonus.id] = accounts[column].fillna(False).astype(bool).to_numpy() if held else False
    return rows


def snapshot_history(store: Store, model: Model) -> SnapshotHistory:
    """Every saved snapshot (demo ones aside) that measured at least one of the model's signals, as history rows."""
    frames: list[pd.DataFrame] = []
    used: list[SnapshotInfo] = []
    for snapshot in snapshots(store):
        if snapshot.label == DEMO_LABEL or not shared_signals(model, snapshot):
            continue
        frames.append(snapshot_rows(store, snapshot, model))
        used.append(snapshot)
    if not frames:
        return SnapshotHistory(pd.DataFrame(), ())
    return SnapshotHistory(pd.concat(frames, ignore_index=True), tuple(used))


def with_snapshots(history: pd.DataFrame, found: SnapshotHistory) -> pd.DataFrame:
    """The export history with the snapshot rows added (``known_on`` empty for the export's months)."""
    if found.rows.empty:
        return history
    if history.empty:
        return found.rows
    months = history.assign(**{KNOWN_ON: pd.NaT})
    return pd.concat([months, found.rows[months.columns]], ignore_index=True)
