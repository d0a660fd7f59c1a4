"""Print how long the checklist pages' data work takes at a large team's scale.

Run: python -m bench.checklists [plans] [events_per_plan]
Uses a throw-away database file; prints timings, asserts nothing.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from scoring.checklists import (
    TICK,
    UNTICK,
    ChecklistEvent,
    PlanRecord,
    plan_id,
    preset_checklists,
    progress,
    replay,
)
from scoring.db import Store


def _timed(label: str, fn: Callable[[], object], repeat: int = 5) -> None:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<58} {best * 1000:8.1f} ms (best of {repeat})")


def main(plans: int, per_plan: int) -> None:
    checklist = preset_checklists()["customer-onboarding"]
    items = [i.id for s in checklist.stages for i in s.items]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        records = []
        t0 = time.perf_counter()
        for n in range(plans):
            record = PlanRecord(
                plan_id(checklist.id, f"Account {n}"),
                checklist.id,
                f"Account {n}",
                date.today() - timedelta(days=n % 90),
                "bench",
                datetime.now(),
            )
            store.create_plan(record)
            records.append(record)
        with store.cursor() as cur:
            rows = [
                (
                    r.plan_id,
                    items[k % len(items)],
                    TICK if (k // len(items)) % 2 == 0 else UNTICK,
                    None,
                    "bench",
                    datetime.now(),
                )
                for r in records
                for k in range(per_plan)
            ]
            cur.executemany(
                "INSERT INTO checklist_events (plan_id, target, kind, value, actor, happened_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
        print(f"seeded {plans} plans x {per_plan} events in {time.perf_counter() - t0:.1f} s")

        _timed(f"read all {plans * per_plan} events from DuckDB", store.events)
        events = store.events()
        by_plan: dict[str, list[ChecklistEvent]] = {}
        for e in events:
            by_plan.setdefault(e.plan_id, []).append(e)
        today = date.today()
        _timed(
            f"replay + progress for all {plans} plans (overview table)",
            lambda: [progress(replay(checklist, r, by_plan.get(r.plan_id, [])), today) for r in records],
        )
        _timed(
            "read + replay one plan (a page run)",
            lambda: progress(replay(checklist, records[0], store.events(records[0].plan_id)), today),
        )

        ticks = 200
        t0 = time.perf_counter()
        for k in range(ticks):
            store.record(records[0].plan_id, items[k % len(items)], TICK, None, "bench")
        single = (time.perf_counter() - t0) / ticks
        print(f"{'one tick written (autocommit), mean of ' + str(ticks):<58} {single * 1000:8.2f} ms")

        threads = 8

        def burst() -> None:
            for k in range(25):
                store.record(records[1].plan_id, items[k % len(items)], TICK, None, "bench")

        workers = [threading.Thread(target=burst) for _ in range(threads)]
        t0 = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        print(f"{str(threads) + ' threads x 25 ticks, wall time':<58} {(time.perf_counter() - t0) * 1000:8.1f} ms")
        store.close()
        _page_runs(Path(tmp) / "bench.duckdb")


def _page_runs(db: Path) -> None:
    """A whole run of the onboarding page (overview of every plan plus one plan's widgets) under AppTest."""
    os.environ["HEALTH_STUDIO_DB"] = str(db)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "pages" / "onboarding.py"), default_timeout=120)
    t0 = time.perf_counter()
    at.run()
    print(f"{'onboarding page, first run (opens the DB)':<58} {(time.perf_counter() - t0) * 1000:8.1f} ms")
    _timed("onboarding page, rerun", at.run)
    from pages.ui.common.state import _open_store

    opened = _open_store()
    if isinstance(opened, Store):
        opened.close()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*(args + [500, 40][len(args) :]))
