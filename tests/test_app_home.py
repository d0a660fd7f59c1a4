"""The home page: one card per page, and where the checklists stand today."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from scoring.checklists import PlanRecord, checklists_of_kind, plan_id
from scoring.db import Store
from tests.app_pages import run_page, texts

HOME = "app.py"  # the home page is the default page; its links need the navigation app.py declares

RAMP = checklists_of_kind("ramp")[0]


def _plan(store: Store, subject: str, start: date) -> None:
    store.create_plan(PlanRecord(plan_id(RAMP.id, subject), RAMP.id, subject, start, "Ana", datetime.now()))


def test_cards_say_how_many_plans_need_attention(fresh_store: Path) -> None:
    store = Store(fresh_store)
    _plan(store, "Late Starter", date.today() - timedelta(days=45))  # nothing ticked, the first 30 days are over
    _plan(store, "New Hire", date.today() - timedelta(days=5))
    store.close()
    captions = texts(run_page(HOME).caption)
    assert "2 plans: 1 behind, 1 on track." in captions, captions
    assert "No plans yet." in captions, "the onboarding card has none"


def test_an_empty_database_shows_no_plans_on_either_card(fresh_store: Path) -> None:
    captions = texts(run_page(HOME).caption)
    assert captions.count("No plans yet.") == 2
