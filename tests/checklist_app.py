"""Helpers for the checklist page AppTests: a fresh store per test and readable lookups."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pages.ui.state import _open_store
from scoring.db import Store

TIMEOUT = 30
ROOT = Path(__file__).resolve().parent.parent


def close_cached_store() -> None:
    """Close and forget the page's cached Store, as a server restart would."""
    opened = _open_store()
    if isinstance(opened, Store):
        opened.close()
    _open_store.clear()


@pytest.fixture
def app_db(db_path: Path) -> Iterator[Path]:
    """A private database for the pages, opened fresh by the first page run and closed afterwards."""
    _open_store.clear()
    yield db_path
    close_cached_store()


def run_page(page: str) -> AppTest:
    """Run a page file (path relative to the repo root) once and insist it raised nothing."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def texts(elements: object) -> list[str]:
    return [str(e.value) for e in elements]  # type: ignore[attr-defined]


def progress_texts(at: AppTest) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def metric(at: AppTest, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)
