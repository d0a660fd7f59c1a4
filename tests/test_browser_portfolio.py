"""Portfolio triage in real Chromium: upload a CRM export, see the heatmap, take the list away."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.servers import AppServer

pytestmark = pytest.mark.browser

# CRM-style headers, currency text and US dates; one name that a spreadsheet
# would run as a formula, and one that Markdown would turn bold.
CRM_CSV = (
    b"Account ID,Account Name,Account Owner,Tier,Annual Recurring Revenue,Contract End Date,Usage %,"
    b"Licensed Seats,Active Users\n"
    b'C-101,Zephyr Freight,Ann Lee,SMB,"$120,000",12/20/2026,35%,100,20\n'
    b'C-102,Yonder Health,Bo Chen,Enterprise,"$80,500",01/05/2027,90%,50,48\n'
    b'C-103,=HYPERLINK(1),Ann Lee,Enterprise,"$1,250,000",03/31/2027,72%,400,300\n'
    b'C-104,**Bold Robotics**,Bo Chen,SMB,"$9,900",11/30/2026,15%,10,2\n'
)
# Every scorecard link on the page (old ones linger while the page reruns) points somewhere new.
ONE_NEW_LINK = """before => {
    const hrefs = [...document.querySelectorAll('a[href*="scorecard?"]')].map(a => a.getAttribute('href'));
    return hrefs.length > 0 && hrefs.every(h => h === hrefs[0]) && hrefs[0] !== before;
}"""
NAMES = ["Zephyr Freight", "Yonder Health", "=HYPERLINK(1)", "**Bold Robotics**"]


def open_portfolio(page: Any, server: AppServer) -> None:
    # Start at the entry page: it declares the navigation for the whole server.
    page.goto(server.url)
    page.get_by_role("heading", name="Account Health Studio").wait_for()
    page.goto(f"{server.url}/portfolio")
    page.get_by_text("Showing the demo portfolio").wait_for(timeout=60_000)


def test_demo_portfolio_draws_the_heatmap_first(app_server: AppServer, page: Any) -> None:
    open_portfolio(page, app_server)
    heatmap = page.locator('[data-testid="stVegaLiteChart"]').first
    heatmap.locator("svg, canvas").first.wait_for(timeout=30_000)
    expect(page.locator('[data-testid="stMetric"]')).to_have_count(5)


def test_uploaded_crm_export_is_scored_drawn_and_downloadable(app_server: AppServer, page: Any, tmp_path: Path) -> None:
    open_portfolio(page, app_server)
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "crm_export.csv", "mimeType": "text/csv", "buffer": CRM_CSV}]
    )
    download_button = page.get_by_role("button", name="Download 4 accounts as CSV")
    download_button.wait_for(timeout=60_000)
    assert page.get_by_text("Showing the demo portfolio").count() == 0

    heatmap = page.locator('[data-testid="stVegaLiteChart"]').first
    for name in NAMES:
        heatmap.locator("svg text", has_text=name).first.wait_for(timeout=30_000)
    assert page.locator("strong", has_text="Bold Robotics").count() == 0

    with page.expect_download() as download:
        download_button.click()
    saved = tmp_path / "triage.csv"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("triage_rank,account_id,account_name")
    for name in ("Zephyr Freight", "Yonder Health", "**Bold Robotics**"):
        assert name in text
    assert "'=HYPERLINK(1)" in text
    assert ",=HYPERLINK" not in text

    # The picker shows this upload's first account, never the demo account picked before the upload.
    link = page.get_by_role("link", name="Open in the what-if scorecard").first
    before = link.get_attribute("href")
    expect(page.get_by_role("combobox", name="Account to explore")).to_have_value(account_in(before))

    # Clicking the second account's row on the heatmap picks it for the scorecard link.
    heatmap.locator("g.mark-rect path").nth(1).click(force=True)
    # While the page reruns the old link may still be on screen next to the new one.
    page.wait_for_function(ONE_NEW_LINK, arg=before, timeout=30_000)
    first, second = account_in(before), account_in(link.get_attribute("href"))
    assert first in NAMES and second in NAMES and second != first

    link.click()
    page.wait_for_url("**/scorecard?**", timeout=30_000)
    assert account_in(page.url) == second


def account_in(url: str) -> str:
    return parse_qs(urlsplit(url).query)["account"][0]
