"""The QBR pack in real Chromium: download it, open it, and check it says what the page says, as plain text."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from scoring.catalog import get_model
from scoring.engine import earned
from scoring.portfolio import load_portfolio
from scoring.portfolio.contract import account_scorecard
from scoring.portfolio.demo import demo_exports
from tests.servers import AppServer

pytestmark = pytest.mark.browser

HOSTILE_NAME = '=HYPERLINK("http://evil.example","x") <b>Bold</b> [link](http://evil.example) \u202eRevo'
HOSTILE_CSV = (
    "Account ID,Account Name,ARR,Renewal Date,Usage %,Licensed Seats,Active Users\n"
    f'H-1,"{HOSTILE_NAME.replace(chr(34), chr(34) * 2)}","$250,000",12/20/2026,35%,100,20\n'
    'H-2,Plain Co,"$80,000",01/05/2027,90%,50,48\n'
).encode()
FORMULA_TEXT = re.compile(r"<a:t>[=+\-@]")


def open_qbr_tab(page: Any, server: AppServer) -> None:
    # Through the navigation, not a new URL: the session (and any upload) must come along.
    page.get_by_test_id("stSidebarNav").get_by_text("Renewals & QBR").click()
    page.get_by_role("heading", name="Renewals, expansion and QBRs").wait_for(timeout=180_000)
    page.get_by_text("Expected to renew within 90 days").wait_for(timeout=180_000)
    page.get_by_role("tab", name="QBR pack").click(no_wait_after=True)
    page.get_by_role("button", name="Download as PowerPoint").wait_for(timeout=180_000)


def download(page: Any, label: str, target: Path) -> Path:
    with page.expect_download(timeout=180_000) as got:  # the deck is drawn on the click
        page.get_by_role("button", name=label).click()
    got.value.save_as(target)
    return target


def settled(page: Any) -> None:
    """Wait for the rerun a click started (a download reruns the page) to end: a dropdown opened during one closes."""
    page.wait_for_timeout(500)
    page.locator('[data-test-script-state="notRunning"]').wait_for(timeout=180_000)


def pick(page: Any, label: str, nth: int) -> str:
    """Choose the ``nth`` option of the select box labelled ``label``; returns its text."""
    settled(page)
    option = page.get_by_role("option").nth(nth)
    for _ in range(3):  # after a download the first click only takes the focus back to the page
        page.get_by_test_id("stSelectbox").filter(has_text=label).click()
        try:
            option.wait_for(timeout=2_000)
            break
        except PlaywrightTimeoutError:
            continue
    text: str = option.inner_text()
    option.click()
    return text


def slide_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("ppt/slides/slide"))


def test_the_demo_pack_downloads_and_opens_with_the_accounts_name_and_score(
    app_server: AppServer, page: Any, tmp_path: Path, patient_assertions: None
) -> None:
    first = load_portfolio(demo_exports(), get_model("technical-csm")).accounts.iloc[0]
    page.goto(app_server.url)
    page.get_by_role("heading", name="Account Health Studio").wait_for()
    open_qbr_tab(page, app_server)
    # Each line of the drivers chart keeps its 32 pixels, with the axes and title on top of them:
    # sized to fit instead, five bars once shared 60 pixels and three of their labels were hidden.
    card = account_scorecard(get_model("technical-csm"), first.to_dict()) or pytest.fail("no scorecard")
    box = page.get_by_test_id("stVegaLiteChart").last.bounding_box() or pytest.fail("no drivers chart")
    assert box["height"] >= 32 * len(earned(card)) + 60, box
    deck = download(page, "Download as PowerPoint", tmp_path / "qbr.pptx")
    assert zipfile.is_zipfile(deck)
    text = slide_text(deck)
    assert str(first["account_name"]) in text
    assert f"{float(first['score']):.1f}" in text
    assert not FORMULA_TEXT.search(text)
    with zipfile.ZipFile(deck) as z:
        assert any(n.startswith("ppt/media/") for n in z.namelist())  # the drivers chart
    markdown = download(page, "Download as Markdown", tmp_path / "qbr.md").read_text(encoding="utf-8")
    assert markdown.startswith(f"# Quarterly business review: {first['account_name']}")
    assert "No data yet." in markdown  # no notes saved: the pack says what to add, it does not invent


def test_another_quarter_keeps_the_qbr_tab_open_and_its_pack_states_that_quarters_month(
    app_server: AppServer, page: Any, tmp_path: Path, patient_assertions: None
) -> None:
    """Picking a quarter (or downloading) on the QBR tab sent the user back to the page's first tab."""
    page.goto(app_server.url)
    page.get_by_role("heading", name="Account Health Studio").wait_for()
    open_qbr_tab(page, app_server)
    # The tab stays open, and the quarter's pack states the score of the month its metrics are from.
    earlier = pick(page, "Quarter", 2)  # after the next quarter and the one the data ends in
    expect(page.get_by_text(f"Notes for {earlier}")).to_be_visible(timeout=180_000)
    expect(page.get_by_role("tab", name="QBR pack")).to_have_attribute("aria-selected", "true")
    review = download(page, "Download as Markdown", tmp_path / "earlier.md").read_text(encoding="utf-8")
    assert f"## The quarter in review ({earlier})" in review
    month = (re.search(r"Values from (\d{4}-\d{2});", review) or pytest.fail("no metrics month")).group(1)
    assert re.search(rf"Health score \*\*[\d.]+\*\* \(\w+\) in {month},", review)


def test_a_hostile_account_name_comes_out_as_plain_text(
    app_server: AppServer, page: Any, tmp_path: Path, patient_assertions: None
) -> None:
    page.goto(app_server.url)
    page.get_by_role("heading", name="Account Health Studio").wait_for()
    page.goto(f"{app_server.url}/portfolio")
    page.get_by_text("Showing the demo portfolio").wait_for(timeout=60_000)
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "crm.csv", "mimeType": "text/csv", "buffer": HOSTILE_CSV}]
    )
    # The upload's callback makes it the session's portfolio; the Renewals & QBR page reads it from there.
    expect(page.get_by_text("Showing the demo portfolio")).to_have_count(0, timeout=180_000)
    open_qbr_tab(page, app_server)
    expect(page.locator("b", has_text="Bold")).to_have_count(0)
    expect(page.locator('a[href^="http://evil"]')).to_have_count(0)
    picker = page.get_by_role("combobox", name="Account")
    expect(picker).to_have_value(re.compile(r"H-1"))
    text = slide_text(download(page, "Download as PowerPoint", tmp_path / "hostile.pptx"))
    assert "'=HYPERLINK" in text
    assert not FORMULA_TEXT.search(text)
    assert "\u202e" not in text
    assert "&lt;b&gt;Bold&lt;/b&gt;" in text
    markdown = download(page, "Download as Markdown", tmp_path / "hostile.md").read_text(encoding="utf-8")
    assert "\u202e" not in markdown
    assert "<b>" not in markdown and "\\<b\\>Bold" in markdown
    assert "[link](http" not in markdown
    assert "'=HYPERLINK" in markdown
