"""The checklist commands and reads against a real store, and what a user is told when the database fails."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from scoring.checklists import (
    NOTE,
    NOTE_MAX_CHARS,
    PLAN_TARGET,
    RESET,
    SIGNOFF,
    TICK,
    UNSIGNOFF,
    UNTICK,
    PlanRecord,
    plan_id,
    preset_checklists,
)
from scoring.checklists import commands as cmd
from scoring.db import DuckDBError, Store
from tests.servers import ROOT

ONBOARDING = preset_checklists()["customer-onboarding"]
RAMP = preset_checklists()["ramp-30-60-90"]
KICKOFF = ONBOARDING.stage("kickoff")
assert KICKOFF is not None
KICKOFF_ITEMS = [i.id for i in KICKOFF.items]
START = date(2025, 3, 3)


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    opened = Store()
    yield opened
    opened.close()


def test_start_plan_creates_once_then_returns_the_existing_plan(store: Store) -> None:
    plan, created = cmd.start_plan(store, ONBOARDING, "Acme Corp", START, "Ana")
    assert created
    assert plan.plan_id == plan_id(ONBOARDING.id, "Acme Corp")
    assert (plan.subject, plan.start_date, plan.created_by) == ("Acme Corp", START, "Ana")
    again, created = cmd.start_plan(store, ONBOARDING, "acme  corp", date(2030, 1, 1), "Ben")
    assert not created
    assert again == plan, "asking again opens the first plan, start date and creator unchanged"
    assert store.plans() == [plan]


def test_each_command_appends_one_event_with_the_actor(store: Store) -> None:
    plan, _ = cmd.start_plan(store, ONBOARDING, "Acme Corp", START, "Ana")
    pid = plan.plan_id
    cmd.tick(store, pid, "ko-meeting", "Ana")
    cmd.untick(store, pid, "ko-meeting", "Ben")
    cmd.note(store, pid, "ko-meeting", "  moved   to\tTuesday ", "Ana")
    cmd.reopen(store, pid, "kickoff", "Priya")
    cmd.reset(store, pid, "Priya")
    assert [(e.target, e.kind, e.value, e.actor) for e in store.events(pid)] == [
        ("ko-meeting", TICK, None, "Ana"),
        ("ko-meeting", UNTICK, None, "Ben"),
        ("ko-meeting", NOTE, "moved to Tuesday", "Ana"),
        ("kickoff", UNSIGNOFF, None, "Priya"),
        (PLAN_TARGET, RESET, None, "Priya"),
    ]


def test_a_note_is_cut_to_the_limit_and_an_empty_one_clears(store: Store) -> None:
    plan, _ = cmd.start_plan(store, RAMP, "Priya Shah", START, "Ana")
    cmd.note(store, plan.plan_id, "learn-api-docs", "x" * (NOTE_MAX_CHARS + 50), "Ana")
    cmd.note(store, plan.plan_id, "learn-api-docs", "   ", "Ana")
    assert [e.value for e in store.events(plan.plan_id)] == ["x" * NOTE_MAX_CHARS, ""]


def test_sign_off_is_refused_until_the_saved_stage_is_ticked(store: Store) -> None:
    plan, _ = cmd.start_plan(store, ONBOARDING, "Acme Corp", START, "Ana")
    with pytest.raises(cmd.ChecklistError, match=r"^Not signed off: Kickoff blocked: \d+ items open\.$"):
        cmd.sign_off(store, ONBOARDING, plan, "kickoff", "Priya")
    for item_id in KICKOFF_ITEMS:
        cmd.tick(store, plan.plan_id, item_id, "Ana")
    stage = cmd.sign_off(store, ONBOARDING, plan, "kickoff", "Priya")
    assert stage == KICKOFF
    assert store.events(plan.plan_id)[-1].kind == SIGNOFF
    with pytest.raises(cmd.ChecklistError, match="signed off by Priya"):
        cmd.sign_off(store, ONBOARDING, plan, "kickoff", "Priya")


def test_move_start_keeps_ticks(store: Store) -> None:
    plan, _ = cmd.start_plan(store, RAMP, "Priya Shah", START, "Ana")
    cmd.tick(store, plan.plan_id, "learn-api-docs", "Ana")
    cmd.move_start(store, plan.plan_id, START + timedelta(days=7))
    moved = store.plan(plan.plan_id)
    assert moved is not None and moved.start_date == START + timedelta(days=7)
    [(_, found)] = cmd.plans_for(store, [RAMP])
    assert cmd.progress_by_plan(store, [(RAMP, found)], START)[plan.plan_id].state.ticked == 1


def test_reads_pick_the_offered_checklists_in_subject_order(store: Store) -> None:
    for subject in ("zeta", "Alpha", "beta"):
        cmd.start_plan(store, ONBOARDING, subject, START, "Ana")
    cmd.start_plan(store, RAMP, "Priya Shah", START, "Ana")
    assert [p.subject for _, p in cmd.plans_for(store, [ONBOARDING])] == ["Alpha", "beta", "zeta"]
    assert [c.id for c, _ in cmd.plans_for(store, [RAMP])] == [RAMP.id]
    pid = plan_id(ONBOARDING.id, "Alpha")
    cmd.tick(store, pid, "ko-meeting", "Ana")
    [row] = cmd.plan_activity(store, ONBOARDING, pid)
    assert (row.actor, row.action) == ("Ana", "ticked")


class FailingStore(Store):
    """Every statement fails the way a full disk would, with the server path in the engine's text."""

    def _run(self, sql: str, params: object = ()) -> None:
        raise DuckDBError(f"IO Error: could not write to {self.path}.wal: No space left on device")

    def _rows(self, sql: str, params: object = ()) -> list[tuple[object, ...]]:
        raise DuckDBError(f"IO Error: could not read {self.path}")


@pytest.fixture
def failing(db_path: Path) -> Iterator[Store]:
    opened = FailingStore()
    yield opened
    opened.close()


def test_a_failed_write_says_so_plainly_without_engine_text_or_path(
    failing: Store, caplog: pytest.LogCaptureFixture
) -> None:
    pid = plan_id(ONBOARDING.id, "Acme Corp")
    acme = PlanRecord(pid, ONBOARDING.id, "Acme Corp", START, "Ana", datetime(2025, 3, 1))
    failures = {
        "tick": lambda: cmd.tick(failing, pid, "ko-meeting", "Ana"),
        "untick": lambda: cmd.untick(failing, pid, "ko-meeting", "Ana"),
        "note": lambda: cmd.note(failing, pid, "ko-meeting", "hi", "Ana"),
        "sign_off": lambda: cmd.sign_off(failing, ONBOARDING, acme, "kickoff", "Ana"),
        "reopen": lambda: cmd.reopen(failing, pid, "kickoff", "Ana"),
        "reset": lambda: cmd.reset(failing, pid, "Ana"),
        "start_plan": lambda: cmd.start_plan(failing, ONBOARDING, "Acme Corp", START, "Ana"),
        "move_start": lambda: cmd.move_start(failing, pid, START),
        "plans_for": lambda: cmd.plans_for(failing, [ONBOARDING]),
        "progress_by_plan": lambda: cmd.progress_by_plan(failing, [], START),
        "plan_activity": lambda: cmd.plan_activity(failing, ONBOARDING, pid),
    }
    messages = {}
    for name, command in failures.items():
        with pytest.raises(cmd.ChecklistError) as caught:
            command()
        messages[name] = str(caught.value)
        assert isinstance(caught.value.__cause__, DuckDBError), "the engine error stays chained for debugging"
    for name, message in messages.items():
        assert str(failing.path) not in message and "IO Error" not in message, (name, message)
        assert ", because " in message and message.endswith("."), (name, message)
    full = (
        "because the disk that holds the database is full. "
        "Ask whoever runs the server to free some space, then try again."
    )
    no_answer = "because the database did not answer. Try again in a moment; if it keeps failing, restart the server."
    assert messages["tick"] == f"That change was not saved, {full}"
    assert messages["start_plan"] == f"The plan was not saved, {no_answer}"
    assert messages["move_start"] == f"The start date was not changed, {full}"
    assert messages["plans_for"] == f"The saved plans could not be read, {no_answer}"
    assert messages["sign_off"] == f"The saved plans could not be read, {no_answer}"
    assert "No space left on device" in caplog.text, "the operator still finds the engine's reason in the log"


def test_the_store_can_be_imported_before_the_checklists_package() -> None:
    """scoring.db imports the checklist records; the package must not import the store back at import time."""
    for first in ("scoring.db", "scoring.storage", "scoring.checklists", "scoring.checklists.commands"):
        done = subprocess.run(
            [sys.executable, "-c", f"import {first}; import scoring.checklists.commands"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, (first, done.stderr)
