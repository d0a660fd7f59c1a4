"""The backtest lab in real Chromium, on a fresh server: the demo report draws with no upload."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.servers import AppServer

pytestmark = pytest.mark.browser


def test_fresh_server_shows_the_demo_auc_and_the_decile_charts(app_server: AppServer, page: Any) -> None:
    # The very first request of a fresh server goes straight to /backtest: the app shell must route it.
    page.goto(f"{app_server.url}/backtest")
    page.get_by_text("Showing the demo").wait_for(timeout=60_000)
    auc = page.locator('[data-testid="stMetric"]').filter(has_text="AUC").first
    expect(auc.locator('[data-testid="stMetricValue"]')).to_have_text(re.compile(r"^0\.\d\d$"), timeout=60_000)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.locator("svg, canvas").first.wait_for(timeout=30_000)
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(5)
    expect(page.get_by_text("red churns at least 3x the base rate: measured 2.0x")).to_be_visible()
