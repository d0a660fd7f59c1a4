"""Checklist plans and events in the DuckDB file: round trip, concurrency, reopening."""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path

from scoring.checklists import SIGNOFF, TICK, UNTICK, PlanRecord, plan_id, preset_checklists, replay
from scoring.db import Store

ONBOARDING = preset_checklists()["customer-onboarding"]


def new_plan(store: Store, subject: str = "Acme Corp", start: date = date(2025, 3, 3)) -> PlanRecord:
    plan = PlanRecord(plan_id(ONBOARDING.id, subject), ONBOARDING.id, subject, start, "Ana", datetime(2025, 3, 1))
    store.create_plan(plan)
    return plan


def test_plans_and_events_round_trip(db_path: Path) -> None:
    store = Store()
    try:
        plan = new_plan(store)
        new_plan(store, "Acme Corp", start=date(2030, 1, 1))
        assert store.plans(ONBOARDING.id) == [plan], "creating an existing plan again keeps the original"
        store.record(plan.plan_id, "ko-meeting", TICK, None, "Ana")
        store.record(plan.plan_id, "ko-meeting", UNTICK, None, "Ben")
        store.record(plan.plan_id, "ko-goals-confirmed", TICK, None, "Ben")
        events = store.events(plan.plan_id)
        assert [(e.target, e.kind, e.actor) for e in events] == [
            ("ko-meeting", TICK, "Ana"),
            ("ko-meeting", UNTICK, "Ben"),
            ("ko-goals-confirmed", TICK, "Ben"),
        ]
        assert [e.seq for e in events] == sorted(e.seq for e in events)
        state = replay(ONBOARDING, plan, events)
        assert state.ticked == 1
        store.update_plan_start(plan.plan_id, date(2025, 4, 1))
        assert store.plan(plan.plan_id) == PlanRecord(
            plan.plan_id, plan.checklist_id, plan.subject, date(2025, 4, 1), plan.created_by, plan.created_at
        )
    finally:
        store.close()


def test_concurrent_ticks_on_different_items_all_persist(db_path: Path) -> None:
    store = Store()
    try:
        plan = new_plan(store)
        items = [i.id for s in ONBOARDING.stages for i in s.items]
        start = threading.Barrier(len(items))
        errors: list[BaseException] = []

        def tick(item_id: str) -> None:
            try:
                start.wait()
                store.record(plan.plan_id, item_id, TICK, None, f"user-{item_id}")
            except BaseException as exc:  # collected so the assertion below shows it
                errors.append(exc)

        threads = [threading.Thread(target=tick, args=(item_id,)) for item_id in items]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        state = replay(ONBOARDING, plan, store.events(plan.plan_id))
        assert state.ticked == len(items) == sum(len(s.items) for s in ONBOARDING.stages)
        assert {i.ticked.actor for s in state.stages for i in s.items if i.ticked} == {f"user-{i}" for i in items}
    finally:
        store.close()


def test_ticks_survive_closing_and_reopening_the_file(db_path: Path) -> None:
    store = Store()
    plan = new_plan(store)
    kickoff_stage = ONBOARDING.stage("kickoff")
    assert kickoff_stage is not None
    for item in kickoff_stage.items:
        store.record(plan.plan_id, item.id, TICK, None, "Ana")
    store.record(plan.plan_id, "kickoff", SIGNOFF, None, "Priya")
    store.close()

    reopened = Store(db_path)
    try:
        assert reopened.plan(plan.plan_id) == plan
        kickoff = replay(ONBOARDING, plan, reopened.events()).stage("kickoff")
        assert kickoff.all_ticked
        assert kickoff.signoff is not None and kickoff.signoff.actor == "Priya"
    finally:
        reopened.close()
