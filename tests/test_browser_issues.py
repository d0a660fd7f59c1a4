"""Customer issues in real Chromium: two sessions make a pattern, its brief downloads, it survives kill -9.

The demo already holds a Mid-Market SSO bug pattern, so these sessions log a
different one: a product gap in "Bulk edit" on three SMB accounts.  One of
the intakes is hostile text, which must show literally on the page and in
the downloaded brief.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.identity_browser import give_name
from tests.servers import AppServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("patient_assertions")]

HOSTILE = '<b>bold</b> **stars** [link](http://evil.example) =HYPERLINK("x")'
PATTERN_TITLE = "Product gap · Bulk edit · SMB · 3 accounts"


def pick(form: Any, label: str, text: str) -> None:
    """Type into one of the form's selectboxes (they accept new options too) and press Enter."""
    box = form.get_by_role("combobox", name=label)
    box.click()
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value(re.compile(re.escape(text.split()[0])))


def log_issue(page: Any, account: str, symptom: str) -> None:
    form = page.get_by_test_id("stForm").filter(has_text="Log the issue")
    pick(form, "Account", account)
    form.get_by_role("textbox", name="What the customer said, in their words").fill(symptom)
    form.get_by_role("textbox", name="What they were trying to get done").fill("Change 200 records at once")
    form.get_by_role("textbox", name="The issue in your words").fill("No way to edit many records together")
    form.get_by_test_id("stCheckbox").filter(has_text="customer confirmed").click()
    pick(form, "Category", "Product gap")
    pick(form, "Product area / tag", "Bulk edit")
    form.get_by_role("button", name="Log the issue").click()
    expect(page.get_by_role("combobox", name="Open an issue")).to_have_value(re.compile(rf"ISS-\d+ · {account}"))
    expect(form.get_by_role("textbox", name="What the customer said, in their words")).to_have_value("")


def open_issues(page: Any, server: AppServer, who: str) -> None:
    page.goto(f"{server.url}/issues")
    # The first open on a fresh server scores the demo portfolio for the accounts' bands: wait for the run's end.
    expect(page.get_by_role("button", name="Brief for Product (Markdown)").first).to_be_visible(timeout=90_000)
    give_name(page, who)


def pattern_box(page: Any) -> Any:
    """The bordered container of the test's pattern: the innermost block holding its title (blocks nest, and
    ancestors come first in document order)."""
    return page.get_by_test_id("stVerticalBlock").filter(has_text=PATTERN_TITLE).last


def quoted(box: Any) -> str:
    """The hostile quote's text as the reader sees it (the page puts a word joiner in URLs so none is a link)."""
    quote = box.locator("blockquote").filter(has_text="bold").first
    expect(quote).to_be_visible()
    return str(quote.inner_text()).replace("\u2060", "").split("\n")[0].strip()


def test_two_sessions_make_a_pattern_whose_brief_downloads_and_survives_kill9(
    app_server: AppServer, page: Any, chromium: Any, tmp_path: Path
) -> None:
    open_issues(page, app_server, "Tess Ng")
    expect(page.get_by_text("Technical bug · SSO · Mid-Market · 3 accounts").first).to_be_visible()  # the demo
    other_context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    other_context.set_default_timeout(20_000)
    try:
        other = other_context.new_page()
        open_issues(other, app_server, "Rosa Delgado")
        log_issue(page, "ACC-1001", "We edit records one by one every Monday")
        log_issue(other, "ACC-1002", HOSTILE)
        log_issue(page, "ACC-1003", "Bulk changes take our admin a whole day")
        other.reload()
        for session in (page, other):
            expect(pattern_box(session)).to_be_visible()
    finally:
        other_context.close()

    box = pattern_box(page)
    assert quoted(box) == HOSTILE  # the quote, as typed
    expect(page.locator("b", has_text="bold")).to_have_count(0)
    expect(page.locator('a[href*="evil.example"]')).to_have_count(0)

    with page.expect_download() as download:
        box.get_by_role("button", name="Brief for Product (Markdown)").click()
    saved = tmp_path / "brief.md"
    download.value.save_as(saved)
    brief = saved.read_text()
    assert brief.startswith("# Three SMB accounts hit Bulk edit (product gap)\n")
    assert "\\<b\\>bold\\</b\\> \\*\\*stars\\*\\* \\[link\\](http://evil.example)" in brief
    assert "<b>" not in brief
    for account in ("ACC-1001", "ACC-1002", "ACC-1003"):
        assert f"({account})" in brief

    app_server.kill9()
    app_server.start()
    page.reload()
    expect(pattern_box(page)).to_be_visible()
    assert quoted(pattern_box(page)) == HOSTILE
