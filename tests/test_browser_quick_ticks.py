"""Six ticks clicked with no gap in real Chromium: each is saved, or the page shows it was not (#11 lost two).

A click the server never saw is named on the page until the box is clicked again.  On a loaded machine
the browser can also send a box's older value back after a tick was saved, which the server takes as an
untick: the page then shows the box unticked, as saved, and clicking it again saves it.  What the test
holds is that the page never shows a tick the store does not have, and that every box ends ticked.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from scoring.checklists import TICK, plan_id, preset_checklists
from scoring.db import Store
from tests.identity_browser import give_name
from tests.live_elements import live
from tests.servers import AppServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("patient_assertions")]

LEARN = preset_checklists()["ramp-30-60-90"].stages[0].items


def test_six_ticks_clicked_with_no_gap_are_all_saved(app_server: AppServer, page: Any) -> None:
    page.goto(f"{app_server.url}/ramp")
    expect(page.get_by_text("No ramp plans yet")).to_be_visible()
    give_name(page, "Tess Ng")
    page.get_by_role("textbox", name="CSM name").fill("Kai Moreno")
    page.get_by_role("button", name="Start the plan").click()
    # The plan's first draw: a fresh server on a loaded machine can take longer than the usual 20 s.
    page.get_by_text("0 of 6 done").first.wait_for(timeout=60_000)
    boxes = page.get_by_test_id("stCheckbox")
    for item in LEARN:
        boxes.filter(has_text=item.text).click()  # no wait between clicks: the runs overlap
    saved = page.get_by_test_id("stCaptionContainer").filter(has_text="Ticked by")
    told = page.get_by_text("This click did not reach the server")
    expect(saved.or_(told)).to_have_count(len(LEARN))  # every click ends saved or named as lost
    for item in LEARN:
        row = page.get_by_test_id("stColumn").filter(has=boxes.filter(has_text=item.text))
        box = live(page).get_by_role("checkbox", name=item.text)
        if row.get_by_text("This click did not reach the server").count():
            expect(box).not_to_be_checked()
        if not box.is_checked():
            # Named as lost, or (on a loaded machine) undone by a stale widget state the browser sent back:
            # either way the box shows what is saved, and clicking it again saves it.
            row.get_by_test_id("stCheckbox").click()
            expect(row.get_by_test_id("stCaptionContainer").filter(has_text="Ticked by")).to_be_visible()
    expect(page.get_by_text("6 of 6 done").first).to_be_visible()
    for item in LEARN:
        expect(live(page).get_by_role("checkbox", name=item.text)).to_be_checked()
    app_server.stop()
    store = Store(app_server.db_path)
    try:
        ticked = {e.target for e in store.events(plan_id("ramp-30-60-90", "Kai Moreno")) if e.kind == TICK}
    finally:
        store.close()
    assert ticked == {item.id for item in LEARN}
