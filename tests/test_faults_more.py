"""More faults, each ending in a plain message on the page: a damaged data block, a full disk on every write
path, the database file deleted while the server runs, an unwritable folder; and no silent overwrite of a
custom model or a quick tick."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pages.ui.checklists import keys
from pages.ui.scorecard.keys import MODEL_KEY
from scoring.checklists import TICK, plan_id, preset_checklists
from scoring.custom_models import model_id
from scoring.db import Store
from tests.app_pages import TIMEOUT, app_on, run_page, texts
from tests.checklist_app import progress_texts
from tests.page_store import close_cached_store
from tests.test_app_ramp import start_plan
from tests.test_app_scorecard import save_custom

RAMP = "pages/ramp.py"
PID = plan_id("ramp-30-60-90", "Priya Shah")
RAMP_ITEMS = [i.id for s in preset_checklists()["ramp-30-60-90"].stages for i in s.items]
DISK_FULL = "because the disk that holds the database is full"


def checksum_error(*_: object, **__: object) -> None:
    raise duckdb.IOException("IO Error: Corrupt database file: computed checksum 1234 does not match stored 5678")


def disk_full(*_: object, **__: object) -> None:
    raise duckdb.IOException("IO Error: could not write to /srv/data/studio.duckdb.wal: No space left on device")


@pytest.fixture(autouse=True)
def fresh_caches(fresh_store: Path) -> Iterator[None]:
    st.cache_data.clear()
    yield
    st.cache_data.clear()
    gc.collect()


def in_app(page: str) -> AppTest:
    return app_on(page, TIMEOUT).run()


@pytest.mark.parametrize("page", ["pages/home.py", "pages/ramp.py", "pages/onboarding.py"])
def test_a_damaged_data_block_is_a_message_on_home_ramp_and_onboarding(
    page: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Store, "plans", checksum_error)
    at = in_app(page)
    assert not at.exception, at.exception
    errors = texts(at.error)
    assert errors == [
        "The saved plans could not be read, because the database file is damaged. Ask whoever runs the server "
        "to restore it from a backup. Ticks saved before this are not lost."
    ], errors
    assert not any("checksum" in e or "/srv" in e for e in errors)


def test_home_keeps_its_other_links_above_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Store, "plans", checksum_error)
    at = in_app("pages/home.py")
    assert "Account Health Studio" in [t.value for t in at.title]
    assert at.error


def test_a_full_disk_on_save_custom_model_is_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page("pages/scorecard.py")
    monkeypatch.setattr(Store, "save_custom_model", disk_full)
    save_custom(at, "Renewal focus", {"usage_rate": 50})
    assert not at.exception, at.exception
    [error] = texts(at.error)
    assert error.startswith(f"The custom model “Renewal focus” was not saved, {DISK_FULL}")
    assert "/srv" not in error and "IO Error" not in error
    assert at.selectbox(key=MODEL_KEY).value == "technical-csm", "the page stays on the model it had"


def test_a_full_disk_on_delete_custom_model_is_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_page("pages/scorecard.py")
    save_custom(at, "Usage first", {"usage_rate": 90})
    monkeypatch.setattr(Store, "delete_custom_model", disk_full)
    at.button(key="custom:delete").click().run()
    assert not at.exception, at.exception
    assert texts(at.error)[0].startswith(f"The custom model “Usage first” was not deleted, {DISK_FULL}")
    assert at.selectbox(key=MODEL_KEY).value == model_id("Usage first")


def test_a_full_disk_on_a_new_plan_a_note_and_a_start_date_is_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    at = start_plan(run_page(RAMP))
    monkeypatch.setattr(Store, "record", disk_full)
    monkeypatch.setattr(Store, "update_plan_start", disk_full)
    note = keys.note_key(PID, RAMP_ITEMS[0])
    at.text_input(key=note).input("call back Monday").run()
    assert not at.exception, at.exception
    assert texts(at.error) == [
        f"That change was not saved, {DISK_FULL}. Ask whoever runs the server to free some space, then try again."
    ]
    assert at.text_input(key=note).value == "", "the note box shows what is saved"
    monkeypatch.setattr(Store, "create_plan", disk_full)
    again = start_plan(at, "Kai Moreno", who=None)
    assert not again.exception, again.exception
    assert any(DISK_FULL in e for e in texts(again.error)), texts(again.error)


def test_the_database_deleted_while_running_is_a_message_and_no_tick_is_lost_silently(fresh_store: Path) -> None:
    at = start_plan(run_page(RAMP))
    fresh_store.unlink()
    Path(f"{fresh_store}.wal").unlink(missing_ok=True)
    at.run()
    assert not at.exception, at.exception
    [error] = texts(at.error)
    assert "removed while the server was running" in error and "restart the server" in error
    assert not at.checkbox, "no box to tick into a file that is gone"


def test_a_write_into_a_deleted_file_is_refused(fresh_store: Path) -> None:
    store = Store(fresh_store)
    try:
        fresh_store.unlink()
        with pytest.raises(duckdb.IOException, match="removed while the database was open"):
            store.record(PID, RAMP_ITEMS[0], TICK, None, "Ana")
    finally:
        store.close()


def test_an_unwritable_database_folder_is_a_message_on_every_page(monkeypatch: pytest.MonkeyPatch) -> None:
    close_cached_store()

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    for page in ("pages/home.py", "pages/scorecard.py", "pages/ramp.py", "pages/onboarding.py"):
        at = in_app(page)
        assert not at.exception, (page, at.exception)
        assert any("cannot be created or opened here (Permission denied)" in e for e in texts(at.error)), page


def test_names_that_used_to_collide_are_two_models() -> None:
    at = run_page("pages/scorecard.py")
    save_custom(at, "Énergie & Co", {"usage_rate": 90})
    save_custom(at, "Energie & Co", {"usage_rate": 10})
    assert not at.error, texts(at.error)
    options = at.selectbox(key=MODEL_KEY).options
    assert "Énergie & Co (custom)" in options and "Energie & Co (custom)" in options
    save_custom(at, "Ωmega", {"usage_rate": 20})
    save_custom(at, "mega", {"usage_rate": 30})
    options = at.selectbox(key=MODEL_KEY).options
    assert "Ωmega (custom)" in options and "mega (custom)" in options


def test_a_name_whose_id_another_model_holds_asks_naming_it(fresh_store: Path) -> None:
    close_cached_store()
    legacy = Store(fresh_store)
    legacy.save_custom_model(model_id("Q3 focus"), "Quarter three focus", "technical-csm", {"usage_rate": 100.0})
    legacy.close()
    at = run_page("pages/scorecard.py")
    save_custom(at, "Q3 focus", {"usage_rate": 50})
    [error] = texts(at.error)
    assert "“Quarter three focus”" in error and "Choose another name" in error
    assert "Quarter three focus (custom)" in at.selectbox(key=MODEL_KEY).options
    assert "Q3 focus (custom)" not in at.selectbox(key=MODEL_KEY).options


def test_six_ticks_in_one_run_are_all_kept(fresh_store: Path) -> None:
    at = start_plan(run_page(RAMP))
    for item in RAMP_ITEMS[:6]:
        at.checkbox(key=keys.tick_key(PID, item)).check()
    at.run()
    assert not at.exception, at.exception
    assert progress_texts(at)[0] == "6 of 6 done"
    close_cached_store()
    store = Store(fresh_store)
    try:
        assert sorted(e.target for e in store.events(PID) if e.kind == TICK) == sorted(RAMP_ITEMS[:6])
    finally:
        store.close()


def test_a_tick_on_screen_is_not_turned_back_by_a_run_that_did_not_change_it(fresh_store: Path) -> None:
    """The browser keeps a box the user just clicked unless its saved value changed: the page sends no value."""
    at = start_plan(run_page(RAMP))
    first, second = (keys.tick_key(PID, item) for item in RAMP_ITEMS[:2])
    at.checkbox(key=first).check().run()
    assert at.checkbox(key=second).proto.set_value is False, "an unchanged box is not reset in the browser"
    assert at.checkbox(key=first).value is True
