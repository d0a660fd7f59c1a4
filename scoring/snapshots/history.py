"""The book and one account over time, and how fresh the newest snapshot is.

Read straight from the snapshot tables with one aggregate each, so a year
of weekly snapshots of 100k accounts loads in well under a second
(``bench/bench_snapshots.py`` prints the figures).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from scoring.db import snapshot_store
from scoring.engine import NoSignals, score
from scoring.model import Model
from scoring.snapshots.records import SnapshotInfo
from scoring.storage import Store

STALE_DAYS = 14  # a snapshot older than this is called out on the portfolio and account pages


def snapshots(store: Store) -> list[SnapshotInfo]:
    """Every snapshot, oldest first."""
    return snapshot_store(store).list()


def delete(store: Store, snapshot_id: int) -> bool:
    """Remove one snapshot; False when no snapshot has that id."""
    return snapshot_store(store).delete(snapshot_id)


@dataclass(frozen=True)
class Freshness:
    """How old the newest snapshot is, and whether that is older than the team's limit."""

    newest: SnapshotInfo
    age_days: int
    limit_days: int

    @property
    def stale(self) -> bool:
        return self.age_days > self.limit_days


def freshness(found: Sequence[SnapshotInfo], today: date, limit_days: int = STALE_DAYS) -> Freshness | None:
    """None when there is no snapshot yet."""
    if not found:
        return None
    newest = max(found, key=lambda s: (s.as_of, s.saved_at))
    return Freshness(newest, newest.age_days(today), limit_days)


def age_text(days: int) -> str:
    """'today', '1 day old', '12 days old', or 'dated 3 days ahead' for a future as-of."""
    if days == 0:
        return "today"
    if days < 0:
        return f"dated {-days} day{'s' if days != -1 else ''} ahead"
    return f"{days} day{'s' if days != 1 else ''} old"


def book(store: Store, found: Sequence[SnapshotInfo]) -> pd.DataFrame:
    """Accounts and ARR per snapshot and band: snapshot_id, as_of, band, accounts, arr."""
    frame = snapshot_store(store).book()
    dates = pd.DataFrame({"snapshot_id": [s.id for s in found], "as_of": [pd.Timestamp(s.as_of) for s in found]})
    return frame.merge(dates, on="snapshot_id", how="inner")


def band_flows(store: Store, found: Sequence[SnapshotInfo]) -> pd.DataFrame:
    """Per period (each snapshot after the first) and band: accounts that entered and that left it.

    Columns: snapshot_id, as_of, band, entered, left.  Accounts new to the book
    enter their band; accounts gone from it leave theirs.
    """
    frame = snapshot_store(store).flows()
    dates = pd.DataFrame({"snapshot_id": [s.id for s in found], "as_of": [pd.Timestamp(s.as_of) for s in found]})
    return frame.merge(dates, on="snapshot_id", how="inner")


def account_history(store: Store, found: Sequence[SnapshotInfo], account_id: str) -> pd.DataFrame:
    """One account's score and band per snapshot, oldest first: as_of, score, band, snapshot_id."""
    frame = snapshot_store(store).account_history(account_id)
    dates = pd.DataFrame({"snapshot_id": [s.id for s in found], "as_of": [pd.Timestamp(s.as_of) for s in found]})
    merged = frame.merge(dates, on="snapshot_id", how="inner").sort_values(["as_of", "snapshot_id"])
    return merged.reset_index(drop=True)


def monthly_scores(months: pd.DataFrame, model: Model, account_id: str, as_of: date | None = None) -> pd.DataFrame:
    """One account's score in each month its exports hold, dated to the end of that very month.

    ``months`` is ``scoring.portfolio.signal_history``'s frame (account_id, period,
    one column per signal and bonus), read to ``as_of`` when the user set one:
    then the month it falls in is dated to it, since its day counts stop
    there.  Each month is scored by the one formula
    (``scoring.engine.score``); a month with no value for any signal has no score
    and is left out, so a gap in the exports stays a gap on the line rather than
    shifting the later months back.  Columns: when, score.
    """
    rows = months[months["account_id"].astype(str) == account_id].sort_values("period")
    when: list[pd.Timestamp] = []
    scores: list[float] = []
    for row in rows.to_dict("records"):
        values = {sid: _value(row.get(sid)) for sid in model.signal_ids}
        bonuses = [b.id for b in model.bonuses if _earned(row.get(b.id))]
        try:
            card = score(model, values, bonuses)
        except NoSignals:
            continue
        month_end = pd.Timestamp(row["period"]) + pd.offsets.MonthEnd(0)
        when.append(min(month_end, pd.Timestamp(as_of)) if as_of is not None else month_end)
        scores.append(card.score)
    return pd.DataFrame({"when": pd.to_datetime(pd.Series(when, dtype="datetime64[ns]")), "score": scores})


def _value(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]  # pandas scalars


def _earned(flag: object) -> bool:
    return flag is not None and not pd.isna(flag) and bool(flag)
