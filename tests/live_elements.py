"""Locate what the latest script run drew, in the browser.

While a rerun redraws a page, Streamlit can keep the previous run's element
beside the new one for a moment, marked ``data-stale``.  A locator that can
match both fails Playwright's strict mode at random; one scoped here cannot.
"""

from __future__ import annotations

from typing import Any

LIVE = '[data-testid="stElementContainer"]:not([data-stale="true"])'


def live(page: Any) -> Any:
    """Every element container the latest run drew (not the stale ones kept during a rerun)."""
    return page.locator(LIVE)
