"""Browser-test helper for pages that record who made a change: give the name the sidebar asks for."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect


def give_name(page: Any, name: str) -> None:
    """Type a name in the sidebar and press Enter, then wait until the page records changes under it."""
    page.get_by_role("textbox", name="Your name").fill(name)
    page.get_by_role("textbox", name="Your name").press("Enter")
    expect(page.get_by_test_id("stSidebar").get_by_text(f"Your changes are recorded as {name}")).to_be_visible()
