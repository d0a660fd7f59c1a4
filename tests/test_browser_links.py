"""Honest links in real Chromium: the address bar follows the scorecard, and a link Streamlit drops is named."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.live_elements import live
from tests.servers import AppServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("very_patient")]


@pytest.fixture
def very_patient(patient_assertions: None, page: Any) -> Iterator[None]:
    """Wait up to 60 s: a new session's first run (after a goto or a reload) has taken 30 s and more
    here while other test runs shared the two CPUs.  A ceiling on waiting, not a timing assertion."""
    expect.set_options(timeout=60_000)
    page.set_default_timeout(60_000)
    yield
    expect.set_options(timeout=20_000)


def score(page: Any) -> Any:
    return page.get_by_test_id("stMetricValue").first


def thumb(page: Any, label: str) -> Any:
    """The slider as the latest run drew it (see tests/live_elements.py)."""
    return live(page).get_by_test_id("stSlider").filter(has_text=label).get_by_role("slider")


def opened(page: Any, url: str) -> Any:
    """Open a scorecard address and wait for its first full render; the Usage rate slider."""
    page.goto(url)
    usage = thumb(page, "Usage rate")
    expect(usage).to_be_visible()
    return usage


def test_a_reload_after_moving_a_slider_shows_what_was_on_screen(app_server: AppServer, page: Any) -> None:
    usage = opened(page, f"{app_server.url}/scorecard")
    expect(usage).to_have_value("85")
    expect(page).to_have_url(re.compile(r"/scorecard$"))
    before = score(page).inner_text()

    for value in ("84", "83", "82"):  # one key at a time: a key pressed mid-rerun can miss the redrawn slider
        expect(usage).to_have_count(1)
        usage.focus()
        usage.press("ArrowLeft")
        expect(usage).to_have_value(value)
    expect(page).to_have_url(re.compile(r"usage_rate=82(&|$)"))
    expect(score(page)).not_to_have_text(before)
    on_screen = score(page).inner_text()
    assert parse_qs(urlsplit(page.url).query)["model"] == ["technical-csm"]

    page.reload()
    # The reloaded session's first run redraws the page once more while it settles: wait for the
    # score, then for a single Usage rate slider, before reading its value.
    expect(score(page)).to_have_text(on_screen)
    expect(page.get_by_test_id("stSlider").filter(has_text="Usage rate")).to_have_count(1)
    expect(thumb(page, "Usage rate")).to_have_value("82")
    expect(score(page)).to_have_text(on_screen)


def test_a_link_streamlit_drops_gets_a_warning_not_silent_defaults(app_server: AppServer, page: Any) -> None:
    padding = "&".join(f"note{i}=x" for i in range(1_200))
    usage = opened(page, f"{app_server.url}/scorecard?model=technical-csm&usage_rate=40&{padding}")
    warning = page.get_by_test_id("stAlertContentWarning").filter(has_text="1,202 parameters")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("defaults")
    expect(usage).to_have_value("85")


def test_a_short_link_gets_no_such_warning(app_server: AppServer, page: Any) -> None:
    expect(opened(page, f"{app_server.url}/scorecard?model=technical-csm&usage_rate=40")).to_have_value("40")
    expect(page.get_by_test_id("stAlertContentWarning").filter(has_text="parameters")).to_have_count(0)
