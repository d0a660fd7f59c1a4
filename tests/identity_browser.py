"""Browser-test helper for pages that record who made a change: give the name the sidebar asks for."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect


def shown_as(text: str) -> re.Pattern[str]:
    """``text`` as the page shows it: ``plain`` may put an invisible word joiner after any character
    of an address-like name (``www.``, ``name@host``), which keeps it from becoming a link."""
    return re.compile("\u2060?".join(re.escape(c) for c in text))


def give_name(page: Any, name: str) -> None:
    """Type a name in the sidebar and press Enter, then wait until the page records changes under it."""
    page.get_by_role("textbox", name="Your name").fill(name)
    page.get_by_role("textbox", name="Your name").press("Enter")
    expect(
        page.get_by_test_id("stSidebar").get_by_text(shown_as(f"Your changes are recorded as {name}"))
    ).to_be_visible()
