"""A 1280-pixel laptop screen in real Chromium: no tile, field or toggle label is cut short.

Streamlit ends a label that does not fit its column with "…", so a figure
or a filter can read as "no d…" or "Overdue…".  The sidebar takes a fixed
share of a laptop's width, which leaves four tiles or four filters in a row
little room; these pages are the ones that had a label cut at this width.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.servers import AppServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("patient_assertions")]

LAPTOP = {"width": 1280, "height": 900}
# Labels of metrics, widgets and buttons: each is a markdown container that Streamlit ellipsises.
LABELS = (
    '[data-testid="stMetric"] [data-testid="stMarkdownContainer"], '
    '[data-testid="stWidgetLabel"] [data-testid="stMarkdownContainer"]'
)
# The texts of the elements Streamlit has ended with "…" (their text is wider than their box).
CUT = "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"


def test_labels_fit_a_laptop_screen(app_server: AppServer, page: Any) -> None:
    page.set_viewport_size(LAPTOP)
    for path, ready in (("/backtest", "Red lift"), ("/issues", "Overdue only")):
        page.goto(f"{app_server.url}{path}")
        page.get_by_text(ready, exact=True).first.wait_for(timeout=240_000)
        page.wait_for_timeout(1_000)  # let the last columns settle to their width
        cut = page.locator(LABELS).evaluate_all(CUT)
        assert cut == [], f"labels cut short on {path} at 1280 pixels: {cut}"
