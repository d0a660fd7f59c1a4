"""The fresh-server shell guard (pages/ui/common/shell.py) in real Chromium.

A server that has not run app.py yet treats ``pages/`` as an old-style
multipage folder. The guard relies on a Streamlit internal
(``PagesManager.uses_pages_directory``), so these tests open each page as the
very first request of a new server: if a Streamlit upgrade changes that
behaviour, the page comes up without the app's navigation and CI fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.servers import AppServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("patient_assertions")]

# What app.py's st.navigation draws and an old-style pages/ folder never would: page titles and section labels.
NAV_TITLES = ("What-if scorecard", "Portfolio triage", "30-60-90 ramp plan", "Customer onboarding")


@pytest.fixture
def cold_server(tmp_path: Path) -> Iterator[AppServer]:
    """A server no request has reached yet (app_server is the same; this name says why it matters here)."""
    server = AppServer(db_path=tmp_path / "cold.duckdb", log_path=tmp_path / "streamlit.log").start()
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/portfolio", "Portfolio triage"),
        ("/ramp", "30-60-90 day ramp plan"),
        ("/onboarding", "Customer onboarding"),
        ("/renewals", "Renewals, expansion and QBRs"),
    ],
)
def test_a_page_opened_first_on_a_fresh_server_runs_inside_the_app(
    cold_server: AppServer, page: Any, path: str, title: str
) -> None:
    page.goto(f"{cold_server.url}{path}")
    expect(page.get_by_role("heading", name=title).first).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    for label in NAV_TITLES:
        expect(nav.get_by_text(label, exact=True)).to_be_visible()
    expect(nav.get_by_text("Checklists", exact=True)).to_be_visible()
    # The URL the user asked for survives the guard's rerun, with no "Page not found" dialog over the page
    # (which a fresh server raised for a URL that was not a file name in pages/).
    assert page.url.rstrip("/").endswith(path)
    expect(page.get_by_role("dialog")).to_have_count(0)
