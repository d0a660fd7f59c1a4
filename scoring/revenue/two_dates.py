"""ARR at two dates, the input revenue retention needs: from the exports' monthly ARR, else from saved snapshots.

An account list carries one ARR per account, so one upload rarely says
what the book was worth before.  Two places do: exports with a month
column and an ARR per month (``Extras.arr_by_month``), and the snapshots the
team saved of earlier runs (each keeps every account's ARR on its as-of
date).  The exports come first because they are the book the page is
showing; the snapshots are the fallback, and on a fresh clone the two
bundled demo weeks make the waterfall appear with no upload.  Either way
the pair says where it came from, so the page can state it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from scoring.revenue.extras import Extras
from scoring.revenue.retention import Retention, retention
from scoring.snapshots import changes, history
from scoring.snapshots.records import DEMO_LABEL, SnapshotInfo
from scoring.storage import Store


@dataclass(frozen=True)
class ArrAtTwoDates:
    """Each account's ARR at a start and an end, with where the figures came from.

    ``start`` and ``end`` map account id to ARR (accounts without an ARR are
    left out, never read as $0); ``days`` is the length of the period when
    both ends are dates (snapshots), None for calendar months.
    """

    start_label: str
    end_label: str
    start: dict[str, float]
    end: dict[str, float]
    origin: str
    days: int | None = None

    def retention(self) -> Retention | None:
        """GRR, NRR, logo retention and the ARR movements between the two ends (None: no starting ARR)."""
        return retention(self.start, self.end, self.start_label, self.end_label)


def from_exports(found: Extras) -> ArrAtTwoDates | None:
    """The first and last month with ARR in the exports; None with fewer than two months."""
    months = sorted(found.arr_by_month)
    if len(months) < 2:
        return None
    first, last = months[0], months[-1]
    return ArrAtTwoDates(
        first,
        last,
        dict(found.arr_by_month[first]),
        dict(found.arr_by_month[last]),
        "ARR by month in your exports",
    )


def _arr(store: Store, snapshot: SnapshotInfo) -> dict[str, float]:
    rows = changes.as_accounts(store, snapshot)
    arr = pd.to_numeric(rows["arr"], errors="coerce")
    kept = rows.assign(arr=arr)[arr.notna()]
    return {str(a): float(v) for a, v in zip(kept["account_id"], kept["arr"], strict=True)}


def _pair(found: Sequence[SnapshotInfo]) -> tuple[SnapshotInfo, SnapshotInfo] | None:
    """The oldest and the newest snapshot on different days (the last saved wins a day)."""
    by_day: dict[date, SnapshotInfo] = {}
    for snapshot in found:
        by_day[snapshot.as_of] = snapshot
    if len(by_day) < 2:
        return None
    days = sorted(by_day)
    return by_day[days[0]], by_day[days[-1]]


def from_snapshots(store: Store, found: Sequence[SnapshotInfo] | None = None) -> ArrAtTwoDates | None:
    """ARR in the oldest and the newest saved snapshot; None when fewer than two days are saved
    or either end has no ARR at all."""
    pair = _pair(history.snapshots(store) if found is None else found)
    if pair is None:
        return None
    older, newer = pair
    start, end = _arr(store, older), _arr(store, newer)
    if not start or not end:
        return None
    demo = f" ({DEMO_LABEL})" if DEMO_LABEL in (older.label, newer.label) else ""
    return ArrAtTwoDates(
        older.as_of.isoformat(),
        newer.as_of.isoformat(),
        start,
        end,
        f"the saved snapshots{demo}",
        (newer.as_of - older.as_of).days,
    )


def arr_at_two_dates(
    found: Extras, store: Store, snapshots: Sequence[SnapshotInfo] | None = None
) -> ArrAtTwoDates | None:
    """The exports' monthly ARR when they have two months of it, else the saved snapshots, else None."""
    return from_exports(found) or from_snapshots(store, snapshots)
