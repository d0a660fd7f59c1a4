"""How fast the snapshot reads are on a big history: a year of weekly snapshots of 100k accounts.

Builds a temporary database (never the app's own) holding 52 weekly
snapshots of N accounts (5.2M account-rows at the default), each row with
the JSON signals, attainments, groups and bonuses a real save writes, then
times what the pages read, each read run a few times and the best and the
worst printed (the first run includes DuckDB loading the columns from disk):

* list: every snapshot with its account count (``history.snapshots``);
* changes: "what changed since the last snapshot" for the latest pair
  (``changes.compare`` with its deltas and moved-down flags), target < 300 ms;
* portfolio page: the snapshot reads the portfolio page makes on open (the
  list, the latest pair compared, the book by band and the entries and exits
  per band, one account's why), target < 1 s;
* account page: the list, one account's line over every snapshot and its why.

Building the history is set-up, not counted.  Prints figures only; asserts nothing.

    python bench/bench_snapshots.py [--accounts 100000] [--weeks 52] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
T = TypeVar("T")

# One week's accounts: a drifting score per account and week, the model's five signals as JSON.
WEEK_ROWS = """
SELECT id AS account_id, 'Account ' || i AS account_name, 'CSM ' || (i % 40) AS owner,
       ['SMB', 'Mid-Market', 'Enterprise'][1 + i % 3] AS segment, 5000 + (i % 997) * 1000.0 AS arr,
       score, CASE WHEN score >= 80 THEN 'green' WHEN score >= 60 THEN 'yellow' ELSE 'red' END AS band,
       1.0 AS coverage,
       to_json({'usage_rate': score, 'seat_utilization': 100 - score / 2, 'teams_live': score,
                'override_rate': 20 - score / 10, 'csm_responsiveness': 70.0})::VARCHAR AS signals,
       to_json({'usage_rate': score / 100, 'seat_utilization': 1 - score / 200, 'teams_live': score / 100,
                'override_rate': 0.8 + score / 1000, 'csm_responsiveness': 0.7})::VARCHAR AS attainments,
       to_json({'usage_rate': score / 100, 'seat_utilization': 1 - score / 200, 'teams_live': score / 100,
                'override_rate': 0.8 + score / 1000, 'csm_responsiveness': 0.7})::VARCHAR AS groups,
       to_json({'roi_articulated': i % 2 = 0})::VARCHAR AS bonuses
FROM (
    SELECT i, printf('ACC-%07d', i) AS id,
           round(least(100, greatest(0, 30 + (hash(i) % 60) + ((hash(i, ?) % 21) - 10.0))), 1) AS score
    FROM range(?) AS t(i)
)
"""


def best_of(label: str, fn: Callable[[], T], repeat: int, target: float | None = None) -> T:
    """Run ``fn`` ``repeat`` times and print the best and the worst (the first includes a cold read)."""
    times: list[float] = []
    value: T | None = None
    for _ in range(repeat):
        started = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - started)
    goal = f"   (target < {target * 1000:.0f} ms)" if target else ""
    print(f"{label:<44}best {min(times) * 1000:7.0f} ms   worst {max(times) * 1000:7.0f} ms{goal}")
    assert value is not None
    return value


def build(store: object, accounts: int, weeks: int) -> None:
    """Save ``weeks`` snapshots of ``accounts`` accounts through the store's own save (one transaction each)."""
    from scoring.catalog import get_model
    from scoring.db import Store, snapshot_store
    from scoring.model_toml import to_toml
    from scoring.snapshots.capture import model_hash
    from scoring.snapshots.records import SourceFile

    assert isinstance(store, Store)
    model = get_model("technical-csm")
    tables = snapshot_store(store)
    first = date(2026, 11, 20) - timedelta(weeks=weeks - 1)
    started = time.perf_counter()
    for week in range(weeks):
        header = {
            "as_of": first + timedelta(weeks=week),
            "model_id": model.id,
            "model_name": model.name,
            "model_hash": model_hash(model),
            "model_toml": to_toml(model),
            "files_key": f"bench-week-{week}",
            "label": "",
        }
        with store.cursor() as cur:
            rows = cur.execute(WEEK_ROWS, [week, accounts]).df()
        tables.save(header, [SourceFile(f"accounts_{header['as_of']}.csv", f"{week:064x}")], rows)
    print(f"built {weeks} snapshots x {accounts:,} accounts in {time.perf_counter() - started:.1f} s (set-up)")
    assert len(tables.list()) == weeks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", type=Path, help="keep the built history in this file and reuse it on the next run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-snapshots-") as tmp:
        os.environ["HEALTH_STUDIO_DB"] = str(args.db or Path(tmp) / "bench.duckdb")
        from scoring.snapshots import changes, history
        from scoring.storage import Store

        reuse = args.db is not None and args.db.exists()
        store = Store()
        if not reuse:
            build(store, args.accounts, args.weeks)
        store.close()
        store = Store()  # reopened: reads start from the file, as after a server restart
        size = Path(os.environ["HEALTH_STUDIO_DB"]).stat().st_size
        print(f"database {size / 1e6:,.0f} MB, {args.accounts * args.weeks:,} account-rows")
        account = "ACC-0000042"

        def listed() -> list[object]:
            return list(history.snapshots(store))

        def latest_changes() -> object:
            found = history.snapshots(store)
            pair = changes.latest_pair(found)
            assert pair is not None
            return changes.compare(store, *pair)

        def portfolio_page() -> object:
            found = history.snapshots(store)
            pair = changes.latest_pair(found)
            assert pair is not None
            frame = changes.compare(store, *pair)
            changes.band_moves(frame)
            changes.turned_worse(frame)
            history.book(store, found)
            history.band_flows(store, found)
            return changes.explain_account(store, *pair, account)

        def account_page() -> object:
            found = history.snapshots(store)
            line = history.account_history(store, found, account)
            pair = changes.latest_pair(found)
            assert pair is not None
            return line, changes.explain_account(store, *pair, account)

        best_of("list of snapshots", listed, args.repeat)
        frame = best_of(f"changes since the last snapshot ({args.accounts:,})", latest_changes, args.repeat, 0.3)
        best_of("portfolio page: every snapshot read", portfolio_page, args.repeat, 1.0)
        best_of("account page: list, line and why", account_page, args.repeat, 1.0)
        print(f"latest pair: {len(frame):,} accounts compared")  # type: ignore[arg-type]  # a DataFrame
        store.close()


if __name__ == "__main__":
    main()
