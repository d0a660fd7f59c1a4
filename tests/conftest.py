"""Shared fixtures: a private database per test, a live server, a real browser."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers import CHROMIUM, CHROMIUM_ARGS, AppServer


@pytest.fixture(autouse=True, scope="session")
def components_scanned_once() -> Iterator[None]:
    """Scan the installed packages for Streamlit components once per test process, not once per AppTest.

    Each new AppTest's first run reads the metadata of every installed
    package (about 140 here) looking for custom components: 0.8 s of CPU,
    paid by hundreds of AppTests, all finding the same nothing.  The
    installed packages do not change during a run, so the first scan's
    answer stands for the rest.
    """
    from streamlit.components.v2 import manifest_scanner

    scan = functools.lru_cache(maxsize=None)(manifest_scanner.scan_component_manifests)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests", lambda max_workers=None: list(scan(max_workers)))
        yield


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point HEALTH_STUDIO_DB at a fresh file so no test sees another's state."""
    path = tmp_path / "studio.duckdb"
    monkeypatch.setenv("HEALTH_STUDIO_DB", str(path))
    return path


@pytest.fixture
def fresh_store(db_path: Path) -> Iterator[Path]:
    """The page's cached Store (or its failure) forgotten before and after, as on a server restart."""
    from tests.page_store import close_cached_store

    close_cached_store()
    yield db_path
    close_cached_store()


@pytest.fixture
def patient_assertions() -> Iterator[None]:
    """Match the page's 20 s action timeout: the CPUs are shared, and a rerun can take a few seconds."""
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def app_server(tmp_path: Path) -> Iterator[AppServer]:
    server = AppServer(db_path=tmp_path / "server.duckdb", log_path=tmp_path / "streamlit.log").start()
    yield server
    server.discard()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright; skipped on a laptop without it, fatal in CI."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run must apt-get install chromium")
        pytest.skip(f"no browser at {CHROMIUM}: install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(20_000)
    pg = context.new_page()
    yield pg
    context.close()
