"""The demo snapshots: two weekly extracts, kept in an empty store on first use.

So a fresh clone shows "what changed" before anyone saves a thing.  They are
labelled "demo snapshots" wherever snapshots are listed, and are seeded only
into a store with no snapshots at all.  The first snapshot a team saves of
its own removes them (``capture.save_result``).
"""

from __future__ import annotations

from pathlib import Path

from scoring.catalog import DEFAULT_MODEL_ID, get_model
from scoring.db import snapshot_store
from scoring.portfolio.contract import Export
from scoring.snapshots.capture import date_in_names, save_exports
from scoring.snapshots.records import DEMO_LABEL, SnapshotInfo
from scoring.storage import Store

SNAPSHOT_DIR = Path(__file__).resolve().parents[2] / "data" / "demo" / "snapshots"


def demo_files() -> list[Path]:
    """The weekly extracts, oldest first (their names carry the as-of date)."""
    return sorted(SNAPSHOT_DIR.glob("accounts_*.csv"))


def seed_demo(store: Store) -> list[SnapshotInfo]:
    """Save the demo weeks as snapshots when the store holds none; returns what it saved."""
    tables = snapshot_store(store)
    if tables.list():
        return []
    model = get_model(DEFAULT_MODEL_ID)  # the weekly extracts feed every one of its signals
    saved = []
    for path in demo_files():
        export = Export(path.name, path.read_bytes())
        kept, _ = save_exports(store, [export], model, as_of=date_in_names([path.name]), label=DEMO_LABEL)
        saved.append(kept.snapshot)
    return saved
