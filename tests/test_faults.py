"""Faults around the database file: damaged, locked, shared by two servers, and a kill -9 mid-session.

Each must end in a plain message (never an exception element) or, for the
kill -9, in every acknowledged tick and saved model being there after the
restart.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from streamlit.testing.v1 import AppTest

from scoring.db import Store
from tests.app_pages import app_on
from tests.identity_browser import give_name
from tests.live_elements import live
from tests.servers import ROOT, AppServer

TIMEOUT = 60
PAGES = ("pages/scorecard.py", "pages/portfolio.py", "pages/ramp.py", "pages/onboarding.py")
HOLD_STORE = textwrap.dedent(
    """
    import sys
    from scoring.db import Store
    store = Store()
    store.save_custom_model("custom-held", "Held", "technical-csm", {"usage_rate": 100.0})
    print("holding", flush=True)
    sys.stdin.read()
    store.close()
    """
)


def open_page(page: str) -> AppTest:
    return app_on(page, TIMEOUT).run()


def valid_database(path: Path) -> None:
    store = Store(path)
    store.save_custom_model("custom-x", "X", "technical-csm", {"usage_rate": 100.0})
    store.close()


def write_garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database\n" * 4096)


def write_truncated(path: Path) -> None:
    """Only the file's headers survive, as after a copy cut off early: every page reads a lost block.

    (A file cut further in can open, and then only the page that reads a lost block can tell;
    tests/test_store_open_faults.py and the custom-model read cover that.)"""
    valid_database(path)
    path.write_bytes(path.read_bytes()[: 4 * 4096])


def write_zeroed_header(path: Path) -> None:
    valid_database(path)
    data = bytearray(path.read_bytes())
    data[:8192] = bytes(8192)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage", [write_garbage, write_truncated, write_zeroed_header], ids=["garbage", "truncated", "zeroed-header"]
)
@pytest.mark.parametrize("page", PAGES)
def test_a_damaged_database_gets_a_clear_message(page: str, damage: Any, fresh_store: Path) -> None:
    damage(fresh_store)
    before = fresh_store.read_bytes()
    at = open_page(page)
    assert not at.exception, at.exception
    errors = [str(e.value) for e in at.error]
    assert any("HEALTH_STUDIO_DB" in e and "damaged" in e for e in errors), errors
    assert not any(str(fresh_store.parent) in e for e in errors), "pages show no server path"
    assert fresh_store.read_bytes() == before, "the damaged file must be left as it was, for recovery"


@pytest.fixture
def held_store(db_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process with the database file open, as a second server would have it."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_STORE], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    yield proc
    proc.communicate("", timeout=30)


@pytest.mark.parametrize("page", PAGES)
def test_a_database_held_by_another_process_is_named_plainly(
    page: str, held_store: subprocess.Popen[str], fresh_store: Path
) -> None:
    at = open_page(page)
    assert not at.exception, at.exception
    errors = [str(e.value) for e in at.error]
    assert any("another" in e and "server" in e and "HEALTH_STUDIO_DB" in e for e in errors), errors
    assert not any(str(fresh_store.parent) in e for e in errors), "pages show no server path"


def test_the_page_recovers_once_the_other_process_lets_go(held_store: subprocess.Popen[str], fresh_store: Path) -> None:
    at = open_page("pages/scorecard.py")
    assert at.error
    held_store.communicate("", timeout=30)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert "Held (custom)" in at.selectbox(key="scorecard:model").options


# ---- real servers -------------------------------------------------------------------------------


@pytest.fixture
def second_server(app_server: AppServer, tmp_path: Path) -> Iterator[AppServer]:
    """Another `streamlit run` on the very same database file."""
    server = AppServer(db_path=app_server.db_path, log_path=tmp_path / "second.log").start()
    yield server
    server.stop()


def first_caption(page: Any) -> Any:
    return page.get_by_text("0 of 6 done").first


@pytest.mark.browser
@pytest.mark.usefixtures("patient_assertions")
def test_a_second_server_on_the_same_file_says_so(app_server: AppServer, second_server: AppServer, page: Any) -> None:
    page.goto(f"{app_server.url}/ramp")
    expect(page.get_by_text("No ramp plans yet")).to_be_visible()
    page.goto(f"{second_server.url}/ramp")
    message = page.get_by_test_id("stAlertContentError")
    expect(message).to_contain_text("already open in another")
    expect(message).to_contain_text("Only one server may use a database file")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.goto(f"{app_server.url}/ramp")
    expect(page.get_by_text("No ramp plans yet")).to_be_visible()


@pytest.mark.browser
@pytest.mark.usefixtures("patient_assertions")
def test_the_second_server_works_once_the_first_stops(
    app_server: AppServer, second_server: AppServer, page: Any
) -> None:
    page.goto(f"{app_server.url}/ramp")
    expect(page.get_by_text("No ramp plans yet")).to_be_visible()
    page.goto(f"{second_server.url}/ramp")
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("already open in another")
    app_server.stop()
    page.reload()
    expect(page.get_by_text("No ramp plans yet")).to_be_visible()
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)


RAMP_ITEMS = (
    "Read the API documentation cover to cover",
    "Sit in on customer calls from several segments",
)


def tick(page: Any, label: str, ticked_so_far: int) -> None:
    """Tick and wait for the page to redraw from the database, which shows the save landed."""
    page.get_by_test_id("stCheckbox").filter(has_text=label).click()
    expect(live(page).get_by_role("checkbox", name=label)).to_be_checked()
    saved = page.get_by_test_id("stCaptionContainer").filter(has_text="Ticked by")
    expect(saved).to_have_count(ticked_so_far)


@pytest.mark.browser
@pytest.mark.usefixtures("patient_assertions")
def test_kill9_mid_session_loses_no_tick_and_no_saved_model(app_server: AppServer, page: Any) -> None:
    page.goto(f"{app_server.url}/ramp")
    expect(page.get_by_text("No ramp plans yet")).to_be_visible()
    give_name(page, "Kai Moreno")
    page.get_by_role("textbox", name="CSM name").fill("Kai Moreno")
    page.get_by_role("button", name="Start the plan").click()
    expect(first_caption(page)).to_be_visible()
    for n, label in enumerate(RAMP_ITEMS, start=1):
        tick(page, label, n)
    expect(page.get_by_text("2 of 6 done")).to_be_visible()

    page.goto(f"{app_server.url}/scorecard")
    give_name(page, "Kai Moreno")  # a new page load is a new session: the name is asked again
    page.get_by_text("Custom models: change the weights").click()
    page.get_by_role("textbox", name="Name").fill("Renewal focus")
    page.get_by_role("button", name="Save custom model").click()
    expect(page.get_by_text("Renewal focus (custom)").first).to_be_visible()

    app_server.kill9()
    app_server.start()

    page.goto(f"{app_server.url}/ramp")
    expect(page.get_by_text("2 of 6 done")).to_be_visible()
    for label in RAMP_ITEMS:
        expect(live(page).get_by_role("checkbox", name=label)).to_be_checked()
    page.goto(f"{app_server.url}/scorecard")
    page.get_by_test_id("stSelectbox").filter(has_text="Health model").click()
    expect(page.get_by_role("option", name="Renewal focus (custom)")).to_be_visible()
