"""Saved snapshots as the backtest's history: used when taken by the cut-off, never after it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from scoring.backtest.outcomes import Outcome
from scoring.backtest.point_in_time import point_in_time
from scoring.backtest.snapshot_history import snapshot_history, with_snapshots
from scoring.catalog import get_model, with_weights
from scoring.portfolio.contract import Export
from scoring.portfolio.signal_history import signal_history
from scoring.snapshots.capture import save_exports
from scoring.storage import Store

MODEL = get_model("technical-csm")
# A-1 churns on 30 June 2026; 90 days before is 1 April, so nothing known after 1 April may be read.
CHURN = Outcome("A-1", "churned", date(2026, 6, 30), None)
STAYS = Outcome("B-2", "renewed", date(2026, 6, 30), None)


@pytest.fixture
def store(db_path: Path) -> Store:
    return Store(db_path)


def _snapshot(store: Store, day: date, usage_a: int, usage_b: int) -> None:
    data = f"Account ID,Usage %,Licensed Seats,Active Users\nA-1,{usage_a}%,10,8\nB-2,{usage_b}%,10,8\n"
    save_exports(store, [Export(f"snapshot-{day}.csv", data.encode())], MODEL, as_of=day)


def _months() -> pd.DataFrame:
    """January and February only: both ended long before the cut-off."""
    monthly = b"Account ID,Month,Usage %\nA-1,2026-01,60%\nA-1,2026-02,60%\nB-2,2026-01,60%\nB-2,2026-02,60%\n"
    history, problems = signal_history([Export("usage.csv", monthly)], MODEL)
    assert problems == []
    return history


def test_a_snapshot_taken_after_the_cutoff_is_never_read(store: Store) -> None:
    _snapshot(store, date(2026, 3, 15), usage_a=40, usage_b=70)
    # Planted give-away: in May A-1 had stopped using the product.  Reading it would "predict" the churn.
    _snapshot(store, date(2026, 5, 20), usage_a=0, usage_b=95)
    found = snapshot_history(store, MODEL)
    assert len(found.used) == 2
    pit = point_in_time(MODEL, with_snapshots(_months(), found), [CHURN, STAYS], lead_days=90)
    rows = pit.frame.set_index("account_id")
    assert rows.loc["A-1", "usage_rate"] == 40  # the March snapshot, not May's 0
    assert rows.loc["B-2", "usage_rate"] == 70
    assert set(rows["source"]) == {"snapshot"}
    assert set(pd.to_datetime(rows["period"])) == {pd.Timestamp(2026, 3, 15)}
    assert (pd.to_datetime(rows["period"]) <= pd.to_datetime(rows["cutoff"])).all()


def test_with_a_shorter_lead_the_later_snapshot_becomes_fair(store: Store) -> None:
    """The same May snapshot is read once the cut-off has passed it: the rule is the date, not the source."""
    _snapshot(store, date(2026, 3, 15), usage_a=40, usage_b=70)
    _snapshot(store, date(2026, 5, 20), usage_a=0, usage_b=95)
    history = with_snapshots(_months(), snapshot_history(store, MODEL))
    pit = point_in_time(MODEL, history, [CHURN, STAYS], lead_days=30)  # cut-off 31 May
    assert pit.frame.set_index("account_id").loc["A-1", "usage_rate"] == 0


def test_an_export_month_that_ended_after_the_snapshot_wins(store: Store) -> None:
    _snapshot(store, date(2026, 1, 10), usage_a=40, usage_b=70)
    pit = point_in_time(MODEL, with_snapshots(_months(), snapshot_history(store, MODEL)), [CHURN], lead_days=90)
    row = pit.frame.iloc[0]
    assert (row["source"], row["usage_rate"]) == ("export", 60)


def test_a_snapshot_on_another_scale_is_not_read_as_this_model(store: Store) -> None:
    _snapshot(store, date(2026, 3, 15), usage_a=40, usage_b=70)
    reweighted = with_weights(MODEL, {g.id: 1.0 for g in MODEL.groups}, "custom", "Custom")
    assert len(snapshot_history(store, reweighted).used) == 1  # weights differ, scales agree: still usable
    other = get_model("three-pillar")
    assert snapshot_history(store, other).used == ()  # no signal of its own was measured


def test_a_snapshot_counts_from_its_own_day_not_its_months_end(store: Store) -> None:
    """Cut-off 20 March: a snapshot of 15 March is fair, though March itself had not ended by then."""
    _snapshot(store, date(2026, 3, 15), usage_a=40, usage_b=70)
    outcome = Outcome("A-1", "churned", date(2026, 6, 18), None)  # 90 days before: 20 March
    pit = point_in_time(MODEL, with_snapshots(_months(), snapshot_history(store, MODEL)), [outcome], lead_days=90)
    row = pit.frame.iloc[0]
    assert (row["source"], row["usage_rate"], row["cutoff"]) == ("snapshot", 40, pd.Timestamp(2026, 3, 20))
