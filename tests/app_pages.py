"""The app in AppTest, opened on one page as a browser that lands on that page's address opens it.

app.py's navigation declares every page, so page links resolve.  The page is
chosen before the first run: running the home page first, then switching,
cost about half a second a test for a page nobody asked for.

The process is marked as one whose app.py has routed a request
(``enter_app_shell``), as the home page's run used to mark it: otherwise
the first AppTest of a fresh worker hands its page to app.py again
(``pages.ui.common.shell``), which in AppTest lands on the home page.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from pages.ui.common.shell import enter_app_shell

TIMEOUT = 30
ROOT = Path(__file__).resolve().parent.parent


def app_on(page: str, timeout: float = TIMEOUT) -> AppTest:
    """The app set to open on ``page`` (a path relative to the repo root), not yet run."""
    enter_app_shell()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.switch_page(page)
    return at


def run_page(page: str, timeout: float = TIMEOUT) -> AppTest:
    """The app run once on ``page``, insisting that the run raised nothing."""
    at = app_on(page, timeout)
    at.run()
    assert not at.exception, at.exception
    return at


def column_formats(table: Any) -> dict[str, str]:
    """The number formats a shown table's columns were given (``column_config``), by column name."""
    configs = json.loads(table.proto.columns).items()
    return {c: v["type_config"]["format"] for c, v in configs if "format" in v.get("type_config", {})}


def texts(elements: Iterable[Any]) -> list[str]:
    """The values of AppTest elements (``at.error``, ``at.caption``...), whose element classes differ."""
    return [str(e.value) for e in elements]
