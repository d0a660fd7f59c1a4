"""Every date box writes its date year first, as the tables and exports do (``pages.ui.common.dates``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_pages import run_page


@pytest.mark.parametrize("page", ["pages/onboarding.py", "pages/ramp.py", "pages/issues.py", "pages/portfolio.py"])
def test_date_boxes_write_the_year_first(page: str, fresh_store: Path) -> None:
    """05/12/2026 was 5 December on the checklists, and 12 May to a reader used to month first."""
    at = run_page(page, 60)
    assert at.date_input, f"{page} shows no date box"
    assert {d.proto.format for d in at.date_input} == {"YYYY-MM-DD"}
