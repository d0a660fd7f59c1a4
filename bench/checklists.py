"""Print how long the checklist pages' data work takes at a large team's scale.

Run: python -m bench.checklists [plans] [events_per_plan]
Uses a throw-away database file; prints timings, asserts nothing.

It starts with the scale comparison of issue #11: one tick (the write, then
the ticked plan's progress, as the page's rerun reads it) and the overview
(every plan's progress) with 300 and with 300,000 events in the log.  The
target is the same figure within 2x, under 150 ms.
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
from scoring.checklists import commands as cmd
from scoring.db import Store

SCALE_PLANS = 50


def _timed(label: str, fn: Callable[[], object], repeat: int = 5) -> None:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<58} {best * 1000:8.1f} ms (best of {repeat})")


def _seeded(folder: Path, events: int) -> tuple[Store, list[PlanRecord]]:
    """A store with ``SCALE_PLANS`` onboarding plans sharing ``events`` ticks and unticks, written an hour ago."""
    checklist = preset_checklists()["customer-onboarding"]
    items = [i.id for s in checklist.stages for i in s.items]
    store = Store(folder / f"scale-{events}.duckdb")
    records = []
    for n in range(SCALE_PLANS):
        subject = f"Account {n}"
        record = PlanRecord(
            plan_id(checklist.id, subject), checklist.id, subject, date.today(), "bench", datetime.now()
        )
        store.create_plan(record)
        records.append(record)
    with store.cursor() as cur:
        cur.execute(
            "INSERT INTO checklist_events (plan_id, target, kind, value, actor, happened_at) "
            "SELECT (?::VARCHAR[])[1 + i % ?], (?::VARCHAR[])[1 + (i // ?) % ?], "
            "CASE WHEN (i // ?) % 2 = 0 THEN 'tick' ELSE 'untick' END, NULL, 'bench', "
            "now()::TIMESTAMP - INTERVAL 1 HOUR FROM range(?) t(i)",
            [
                [r.plan_id for r in records],
                SCALE_PLANS,
                items,
                SCALE_PLANS,
                len(items),
                SCALE_PLANS * len(items),
                events,
            ],
        )
    return store, records


def scale(events: int) -> None:
    """One tick and the overview, after one page run has brought the plans' snapshots up to date."""
    checklist = preset_checklists()["customer-onboarding"]
    today = date.today()
    with tempfile.TemporaryDirectory() as tmp:
        store, records = _seeded(Path(tmp), events)
        plans = [(checklist, r) for r in records]
        t0 = time.perf_counter()
        cmd.progress_by_plan(store, plans, today)
        print(
            f"{events:>7} events: {'first overview (writes snapshots)':<40} {(time.perf_counter() - t0) * 1000:8.1f} ms"
        )
        item = checklist.stages[0].items[0].id
        flip = [True]

        def one_tick() -> None:
            flip[0] = not flip[0]
            (cmd.tick if flip[0] else cmd.untick)(store, records[0].plan_id, item, "bench")
            cmd.progress_by_plan(store, plans[:1], today)

        _timed(f"{events:>7} events: one tick + that plan's progress", one_tick, repeat=20)
        _timed(
            f"{events:>7} events: overview of {SCALE_PLANS} plans", lambda: cmd.progress_by_plan(store, plans, today)
        )
        store.close()


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
    for total in (300, 300_000):
        scale(total)
    args = [int(a) for a in sys.argv[1:3]]
    main(*(args + [500, 40][len(args) :]))
