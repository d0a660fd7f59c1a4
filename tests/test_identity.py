"""Every record names a real person: the domain refuses a blank author, and names are tidied."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pages.ui.common.identity import NAME_MAX_CHARS, clean_name
from scoring.checklists import commands as cmd
from scoring.checklists import preset_checklists
from scoring.db import Store

RAMP = preset_checklists()["ramp-30-60-90"]


def test_a_name_is_one_tidy_printable_line() -> None:
    assert clean_name("  Rosa \t Delgado\n") == "Rosa Delgado"
    assert clean_name("Ro\u202esa\x00") == "Ro sa"
    assert clean_name(None) == ""
    assert len(clean_name("x" * 500)) == NAME_MAX_CHARS


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_no_command_writes_a_record_without_an_author(db_path: Path, blank: str) -> None:
    store = Store(db_path)
    try:
        plan, _ = cmd.start_plan(store, RAMP, "Priya Shah", date(2026, 1, 5), "Tess")
        with pytest.raises(cmd.ChecklistError, match="Enter your name"):
            cmd.tick(store, plan.plan_id, "learn-api-docs", blank)
        with pytest.raises(cmd.ChecklistError, match="Enter your name"):
            cmd.note(store, plan.plan_id, "learn-api-docs", "read it", blank)
        with pytest.raises(cmd.ChecklistError, match="Enter your name"):
            cmd.reset(store, plan.plan_id, blank)
        with pytest.raises(cmd.ChecklistError, match="Enter your name"):
            cmd.start_plan(store, RAMP, "Ben Okafor", date(2026, 1, 5), blank)
        assert store.events(plan.plan_id) == []
        saved = store.plan(plan.plan_id)
        assert saved is not None and saved.created_by == "Tess"
    finally:
        store.close()


def test_the_author_is_recorded_tidied(db_path: Path) -> None:
    store = Store(db_path)
    try:
        plan, _ = cmd.start_plan(store, RAMP, "Priya Shah", date(2026, 1, 5), "  Tess   Ng ")
        cmd.tick(store, plan.plan_id, "learn-api-docs", " Rosa  Delgado ")
        assert plan.created_by == "Tess Ng"
        assert [e.actor for e in store.events(plan.plan_id)] == ["Rosa Delgado"]
    finally:
        store.close()
