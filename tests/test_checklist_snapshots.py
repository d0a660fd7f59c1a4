"""Replaying from a snapshot gives exactly the full replay, and a page run reads a bounded slice of the log."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.checklists import (
    NOTE,
    PLAN_TARGET,
    RESET,
    SIGNOFF,
    TICK,
    UNSIGNOFF,
    UNTICK,
    ChecklistEvent,
    PlanRecord,
    plan_id,
    preset_checklists,
    replay,
)
from scoring.checklists import commands as cmd
from scoring.checklists.replay import SETTLE, SNAPSHOT_AFTER, definition, resume, usable_snapshot
from scoring.db import Store

ONBOARDING = preset_checklists()["customer-onboarding"]
START = date(2025, 3, 3)
T0 = datetime(2025, 3, 3, 9, 0)
LATER = T0 + timedelta(days=30)
TARGETS = [i.id for s in ONBOARDING.stages for i in s.items] + [s.id for s in ONBOARDING.stages] + [PLAN_TARGET]
KINDS = [TICK, TICK, TICK, UNTICK, NOTE, SIGNOFF, UNSIGNOFF, RESET]
PLAN = PlanRecord(plan_id(ONBOARDING.id, "Acme"), ONBOARDING.id, "Acme", START, "Ana", T0)


def events_of(steps: list[tuple[int, int, str]]) -> list[ChecklistEvent]:
    return [
        ChecklistEvent(n + 1, PLAN.plan_id, TARGETS[t], KINDS[k], note, f"user{n % 3}", T0 + timedelta(minutes=n))  # type: ignore[arg-type]  # KINDS holds EventKind values
        for n, (t, k, note) in enumerate(steps)
    ]


STEPS = st.lists(
    st.tuples(
        st.integers(0, len(TARGETS) - 1), st.integers(0, len(KINDS) - 1), st.sampled_from(["", "call back", "x"])
    ),
    max_size=120,
)


@settings(max_examples=150, deadline=None)
@given(steps=STEPS, cut=st.integers(0, 120))
def test_resuming_from_any_snapshot_is_the_full_replay(steps: list[tuple[int, int, str]], cut: int) -> None:
    events = events_of(steps)
    whole = replay(ONBOARDING, PLAN, events)
    first, snap = resume(ONBOARDING, PLAN, None, events[:cut], LATER)
    assert first == replay(ONBOARDING, PLAN, events[:cut])
    if snap is None:
        assert len(events[:cut]) < SNAPSHOT_AFTER
        return
    assert snap.upto_seq == events[min(cut, len(events)) - 1].seq
    again, _ = resume(ONBOARDING, PLAN, snap, events[snap.upto_seq :], LATER)
    assert again == whole


def test_recent_events_are_replayed_but_not_folded_into_a_snapshot() -> None:
    events = events_of([(0, 0, "")] * (SNAPSHOT_AFTER + 5))
    now = events[SNAPSHOT_AFTER - 1].at + SETTLE + timedelta(seconds=1)
    state, snap = resume(ONBOARDING, PLAN, None, events, now)
    assert state == replay(ONBOARDING, PLAN, events)
    assert snap is not None and snap.upto_seq == SNAPSHOT_AFTER, "events younger than SETTLE stay outside"
    _, none = resume(ONBOARDING, PLAN, None, events, events[0].at)
    assert none is None, "nothing has settled yet"


def test_a_snapshot_of_an_edited_checklist_is_not_used() -> None:
    events = events_of([(0, 0, "")] * SNAPSHOT_AFTER)
    _, snap = resume(ONBOARDING, PLAN, None, events, LATER)
    assert snap is not None and usable_snapshot(ONBOARDING, snap) == snap
    first = ONBOARDING.stages[0]
    edited = dataclasses.replace(
        ONBOARDING, stages=(dataclasses.replace(first, items=first.items[1:]), *ONBOARDING.stages[1:])
    )
    assert definition(edited) != definition(ONBOARDING)
    assert usable_snapshot(edited, snap) is None


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    opened = Store()
    yield opened
    opened.close()


def seed(store: Store, plan: PlanRecord, count: int, at: datetime) -> None:
    items = [i.id for s in ONBOARDING.stages for i in s.items]
    with store.cursor() as cur:
        cur.executemany(
            "INSERT INTO checklist_events (plan_id, target, kind, value, actor, happened_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(plan.plan_id, items[k % len(items)], TICK if k % 3 else UNTICK, None, "Ana", at) for k in range(count)],
        )


def test_progress_keeps_a_snapshot_and_later_reads_only_what_follows(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.create_plan(PLAN)
    seed(store, PLAN, 500, T0)
    full = replay(ONBOARDING, PLAN, store.events(PLAN.plan_id))
    first = cmd.progress_by_plan(store, [(ONBOARDING, PLAN)], START)[PLAN.plan_id]
    assert first.state == full
    snap = store.plan_snapshots([PLAN.plan_id])[PLAN.plan_id]
    assert snap.upto_seq == 500 and snap.definition == definition(ONBOARDING)

    cmd.tick(store, PLAN.plan_id, "ko-meeting", "Ben")
    read: list[int] = []
    events_after = store.events_after

    def spy(upto: dict[str, int]) -> list[ChecklistEvent]:
        found = events_after(upto)
        read.append(len(found))
        return found

    monkeypatch.setattr(store, "events_after", spy)
    second = cmd.progress_by_plan(store, [(ONBOARDING, PLAN)], START)[PLAN.plan_id]
    assert read == [1], "only the tick after the snapshot is read"
    assert second.state == replay(ONBOARDING, PLAN, store.events(PLAN.plan_id))
    assert second.state.stage("kickoff").items[0].ticked is not None


def test_a_failed_snapshot_save_still_shows_the_plan(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.create_plan(PLAN)
    seed(store, PLAN, 50, T0)

    def full_disk(snapshots: object) -> None:
        import duckdb

        raise duckdb.IOException("No space left on device")

    monkeypatch.setattr(store, "save_snapshots", full_disk)
    got = cmd.progress_by_plan(store, [(ONBOARDING, PLAN)], START)[PLAN.plan_id]
    assert got.state == replay(ONBOARDING, PLAN, store.events(PLAN.plan_id))
