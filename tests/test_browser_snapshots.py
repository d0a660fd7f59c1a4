"""Snapshots in real Chromium: upload a week, save, upload the next week, save; the account page's bookmark
shows the line through both snapshots and why the account moved.

The expected account and reason come from the domain run on a database of
its own, so the browser is checked against the model, not against the page.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from scoring.catalog import get_model
from scoring.portfolio.contract import Export
from scoring.snapshots import changes
from scoring.snapshots.capture import save_exports
from scoring.snapshots.demo import demo_files
from scoring.storage import Store
from tests.servers import AppServer

pytestmark = pytest.mark.browser


def _week(n: int) -> Export:
    path = demo_files()[n]
    return Export(path.name, path.read_bytes())


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str]:
    """(id, name, reason) of the largest-ARR account that moved down a band between the demo weeks."""
    store = Store(tmp_path_factory.mktemp("oracle") / "oracle.duckdb")
    try:
        model = get_model("technical-csm")
        older, _ = save_exports(store, [_week(0)], model)
        newer, _ = save_exports(store, [_week(1)], model)
        worst = changes.turned_worse(changes.compare(store, older.snapshot, newer.snapshot)).iloc[0]
        why = changes.explain_account(store, older.snapshot, newer.snapshot, str(worst["account_id"]))
        assert why is not None
        return str(worst["account_id"]), str(worst["account_name"]), why.reason
    finally:
        store.close()


def _upload_and_save(page: Any, n: int, as_of: str, saved: str) -> None:
    week = _week(n)
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": week.name, "mimeType": "text/csv", "buffer": week.data}]
    )
    page.get_by_text("Scored 300 accounts from 1 file").wait_for(timeout=60_000)
    section = page.locator('[data-testid="stExpander"] details').filter(has_text="What changed since the last snapshot")
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    page.get_by_text(f"Save this result to compare it with later uploads: as of {as_of}").wait_for(timeout=60_000)
    page.get_by_role("button", name="Save as snapshot").click()
    page.get_by_text(saved).wait_for(timeout=60_000)


def test_two_saved_weeks_draw_the_accounts_line_and_say_why_it_moved(
    app_server: AppServer, page: Any, patient_assertions: None, moved: tuple[str, str, str]
) -> None:
    account_id, name, reason = moved
    page.goto(app_server.url)  # the entry page declares the navigation for the whole server
    page.get_by_role("heading", name="Account Health Studio").wait_for()
    page.goto(f"{app_server.url}/portfolio")
    page.get_by_text("Showing the demo portfolio").wait_for(timeout=60_000)

    _upload_and_save(page, 0, "13 Nov 2026", "Saved snapshot 1: as of 13 Nov 2026, 300 accounts.")
    # The uploader adds files to those it holds: take last week's away, as a CSM replacing it would.
    page.get_by_test_id("stFileChipDeleteBtn").first.click()
    page.get_by_text("Showing the demo portfolio").wait_for(timeout=60_000)
    _upload_and_save(page, 1, "20 Nov 2026", "Saved snapshot 2: as of 20 Nov 2026, 300 accounts.")

    page.goto(f"{app_server.url}/account?id={account_id}")
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    page.get_by_text(reason).wait_for()
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart.locator("g.mark-symbol.role-mark path")).to_have_count(2)  # one point per snapshot
    expect(chart.locator("g.mark-rect.role-mark path")).to_have_count(3)  # the red, yellow and green zones
    expect(page.get_by_text("2 snapshots; no monthly history")).to_be_visible()
    assert page.get_by_text("Traceback").count() == 0
