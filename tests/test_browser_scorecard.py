"""The what-if scorecard in real Chromium against a real `streamlit run`."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.live_elements import live
from tests.servers import AppServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("patient_assertions")]


def score(page: Any) -> Any:
    return page.get_by_test_id("stMetricValue").first


def thumb(page: Any, label: str) -> Any:
    """The slider as the latest run drew it (see tests/live_elements.py)."""
    return live(page).get_by_test_id("stSlider").filter(has_text=label).get_by_role("slider")


def test_keyboard_on_a_slider_updates_score_band_drivers_and_actions(app_server: AppServer, page: Any) -> None:
    page.goto(f"{app_server.url}/scorecard")
    expect(score(page)).to_have_text("76.0")
    expect(page.get_by_text("Yellow · needs attention")).to_be_visible()
    expect(page.get_by_text("Needs attention: yellow band")).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()

    usage = thumb(page, "Usage rate")
    usage.focus()
    usage.press("End")
    expect(score(page)).to_have_text("80.5")
    expect(page.get_by_text("Green · healthy")).to_be_visible()
    expect(page.get_by_text("Healthy: green band")).to_be_visible()
    expect(page.get_by_text(re.compile("^Green already"))).to_be_visible()

    usage.press("Home")
    expect(score(page)).to_have_text("50.5")
    expect(page.get_by_text("Red · at risk")).to_be_visible()
    expect(page.get_by_text("At risk: red band")).to_be_visible()
    expect(page.get_by_text(re.compile("Low adoption playbook"))).to_be_visible()


def test_a_deep_link_as_the_first_request_opens_inside_the_app(app_server: AppServer, page: Any) -> None:
    page.goto(
        f"{app_server.url}/scorecard?model=technical-csm&usage_rate=40&seat_utilization=55"
        "&bonus=roi_articulated&account=Acme%20Corp"
    )
    expect(page.get_by_text("Account: Acme Corp")).to_be_visible()
    expect(thumb(page, "Usage rate")).to_have_value("40")
    # (40*30 + 55*20 + 75*15 + 88*15 + 70*20) / 100 + 10 = 71.45 -> 71.5
    expect(score(page)).to_have_text("71.5")
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text("Portfolio triage")).to_be_visible()


def test_the_share_link_reopens_the_same_what_if(app_server: AppServer, page: Any) -> None:
    page.goto(f"{app_server.url}/scorecard")
    expect(score(page)).to_have_text("76.0")
    usage = thumb(page, "Usage rate")
    usage.focus()
    usage.press("End")
    expect(score(page)).to_have_text("80.5")
    page.get_by_role("button", name="Share").click()
    link = page.get_by_test_id("stCode").inner_text().strip()
    assert link.startswith(f"{app_server.url}/scorecard?model=technical-csm&usage_rate=100&")
    other = page.context.new_page()
    other.goto(link)
    expect(score(other)).to_have_text("80.5")
    expect(thumb(other, "Usage rate")).to_have_value("100")
