"""A sparse export in real Chromium: gaps read as gaps, never as None, nan or $0.

The upload holds an account id and one signal: no ARR, no renewal date, no
owner, no month.  Every account then lacks most of the model's weight, so the
page must band none of them, count them apart and say which columns would
fill the figures it cannot give.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.servers import AppServer
from tests.test_browser_laptop_width import CUT

pytestmark = pytest.mark.browser

SPARSE_CSV = b"Account ID,Usage %\nS-101,35%\nS-102,90%\nS-103,72%\nS-104,15%\n"
NEVER = re.compile(r"(?<![\w$])(None|nan|NaN)(?!\w)|\$0(?![\d.,])")


def open_portfolio(page: Any, server: AppServer) -> None:
    """The demo first: on a fresh server its first run also seeds the demo snapshots, minutes on a busy machine."""
    page.goto(server.url)
    page.get_by_role("heading", name="Account Health Studio").wait_for()
    page.goto(f"{server.url}/portfolio")
    page.get_by_text("Showing the demo portfolio").wait_for(timeout=240_000)


def shown_text(page: Any) -> str:
    """Everything a reader sees: the page's text, the charts' SVG labels and the tables' cells."""
    main = page.locator('[data-testid="stMain"]').inner_text()
    svg = " ".join(page.locator('[data-testid="stVegaLiteChart"] svg text').all_text_contents())  # SVG has no innerText
    cells = " ".join(page.locator('[data-testid="stDataFrame"] [role="gridcell"]').all_inner_texts())
    return "\n".join([main, svg, cells])


def test_a_sparse_export_shows_no_none_nan_or_zero_dollars(
    app_server: AppServer, page: Any, patient_assertions: None
) -> None:
    open_portfolio(page, app_server)
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "sparse.csv", "mimeType": "text/csv", "buffer": SPARSE_CSV}]
    )
    page.get_by_role("button", name="Download 4 accounts as CSV").wait_for(timeout=240_000)
    expect(page.get_by_text("Renewals at risk: needs a renewal date column")).to_be_visible()
    expect(page.get_by_role("heading", name="Insufficient data")).to_be_visible()
    metrics = page.locator('[data-testid="stMetric"]')
    expect(metrics.filter(has_text="Insufficient data")).to_contain_text("4")
    for band in ("Red accounts", "Yellow accounts", "Green accounts"):
        expect(metrics.filter(has_text=band)).to_contain_text("0")
    page.locator('[data-testid="stVegaLiteChart"] svg text', has_text="insufficient data").first.wait_for()
    # Every tile's label and value is shown whole: six tiles in one row cut "no data" to "no d…".
    cut = page.locator('[data-testid="stMetric"] [data-testid="stMarkdownContainer"]').evaluate_all(CUT)
    assert cut == [], f"tiles cut short: {cut}"
    # The heatmap's legend shows all five colours inside the chart, though four rows leave little height beside it.
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    frame = chart.locator("svg").first.bounding_box()
    entries = chart.locator(".role-legend text")
    shown = [
        entries.nth(i).inner_html()
        for i in range(entries.count())
        if (box := entries.nth(i).bounding_box()) and box["y"] + box["height"] <= frame["y"] + frame["height"]
    ]
    assert {"green", "yellow", "red", "insufficient data", "no data"} <= set(shown), shown
    text = shown_text(page)
    found = sorted({m.group(0) for m in NEVER.finditer(text)})
    assert not found, f"{found} shown for data that is not in the file"
    assert "no data" in text
