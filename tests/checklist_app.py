"""Helpers for the checklist page AppTests: running a page and readable lookups."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

TIMEOUT = 30
ROOT = Path(__file__).resolve().parent.parent


def app_on(page: str) -> AppTest:
    """The app (app.py's navigation declares every page, so page links resolve) set to open on ``page``."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.switch_page(page)
    return at


def run_page(page: str) -> AppTest:
    """Run a page file (path relative to the repo root) inside the app once and insist it raised nothing."""
    at = app_on(page)
    at.run()
    assert not at.exception, at.exception
    return at


def texts(elements: Iterable[Any]) -> list[str]:
    """The values of AppTest elements (``at.error``, ``at.caption``...), whose element classes differ."""
    return [str(e.value) for e in elements]


def progress_texts(at: AppTest) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def metric(at: AppTest, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)
