"""The ramp page under AppTest: start a plan, tick, note, reset, and find it all again after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pages.ui.checklists import keys
from pages.ui.common.keys import AUTHOR_INPUT_KEY
from scoring.checklists import NOTE, RESET, TICK, loader, plan_id
from scoring.db import DuckDBError, Store
from tests.app_pages import run_page, texts
from tests.checklist_app import metric, progress_texts
from tests.identity_app import give_name
from tests.page_store import close_cached_store

PAGE = "pages/ramp.py"
PID = plan_id("ramp-30-60-90", "Priya Shah")
API_DOCS = keys.tick_key(PID, "learn-api-docs")
NEW_FORM = keys.new_plan_form_key("ramp")


def start_plan(at: AppTest, name: str = "Priya Shah", who: str | None = "Tess") -> AppTest:
    """Start a plan from the form; ``who`` first gives the sidebar the author's name, if it asks."""
    if who and any(t.key == AUTHOR_INPUT_KEY for t in at.sidebar.text_input):
        give_name(at, who)
    at.text_input(key=keys.new_plan_field_key(NEW_FORM, "subject")).input(name)
    at.button(key=f"FormSubmitter:{NEW_FORM}-Start the plan").click().run()
    assert not at.exception, at.exception
    return at


def test_empty_state_then_new_plan(fresh_store: Path) -> None:
    at = run_page(PAGE)
    assert any("No ramp plans yet" in t for t in texts(at.info))
    start_plan(at)
    assert at.selectbox(key="csm").value == PID
    assert progress_texts(at) == ["0 of 6 done", "0 of 6 done", "0 of 6 done"]
    assert metric(at, "Current stage") == "Learn"


def test_a_blank_name_is_refused_with_a_reason(fresh_store: Path) -> None:
    at = start_plan(run_page(PAGE), "   ")
    assert texts(at.error) == ["CSM name: Enter a name."]
    assert any("No ramp plans yet" in t for t in texts(at.info))


def test_ticking_saves_at_once_and_updates_progress(fresh_store: Path) -> None:
    at = start_plan(run_page(PAGE))
    at.checkbox(key=API_DOCS).check().run()
    assert progress_texts(at)[0] == "1 of 6 done"
    assert metric(at, "Done") == "5 %"
    assert any(t.startswith(":material/done: Ticked by Tess") for t in texts(at.caption))

    at.text_input(key=keys.note_key(PID, "learn-api-docs")).input("Read v2 docs; v1 is legacy").run()
    close_cached_store()
    store = Store(fresh_store)
    try:
        events = store.events(PID)
    finally:
        store.close()
    assert [(e.target, e.kind, e.value, e.actor) for e in events] == [
        ("learn-api-docs", TICK, None, "Tess"),
        ("learn-api-docs", NOTE, "Read v2 docs; v1 is legacy", "Tess"),
    ]


def test_reset_needs_confirmation(fresh_store: Path) -> None:
    at = start_plan(run_page(PAGE))
    at.checkbox(key=API_DOCS).check().run()
    reset = at.button(key=keys.reset_key(PID))
    assert reset.disabled, "reset stays disabled until the confirmation box is ticked"
    at.checkbox(key=keys.confirm_reset_key(PID)).check().run()
    assert not at.button(key=keys.reset_key(PID)).disabled
    at.button(key=keys.reset_key(PID)).click().run()
    assert not at.exception
    assert progress_texts(at)[0] == "0 of 6 done"
    assert at.checkbox(key=API_DOCS).value is False
    assert at.checkbox(key=keys.confirm_reset_key(PID)).value is False, "the confirmation does not stay armed"
    assert any("Reset by Tess" in t for t in texts(at.caption))
    close_cached_store()
    store = Store(fresh_store)
    try:
        assert [e.kind for e in store.events(PID)] == [TICK, RESET]
    finally:
        store.close()


def test_a_change_that_is_not_saved_says_so_and_snaps_back(fresh_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = start_plan(run_page(PAGE))

    def full_disk(*_: object) -> None:
        raise DuckDBError(f"IO Error: could not write to {fresh_store}.wal: No space left on device")

    monkeypatch.setattr(Store, "record", full_disk)
    at.checkbox(key=API_DOCS).check().run()
    assert not at.exception, at.exception
    assert texts(at.error) == [
        "That change was not saved, because the disk that holds the database is full. "
        "Ask whoever runs the server to free some space, then try again."
    ], "no engine text, no server path"
    assert at.checkbox(key=API_DOCS).value is False, "the box shows what is saved"
    assert progress_texts(at)[0] == "0 of 6 done"
    at.run()
    assert not at.error, "the message is shown once"


def test_a_lost_click_stays_named_until_the_box_is_clicked_again(fresh_store: Path) -> None:
    """A click that never reached its callback (quick clicks overlapping) is named, and the next click elsewhere
    does not wipe the warning before it is read."""
    at = start_plan(run_page(PAGE))
    lost = "This click did not reach the server, so it was not saved. Click the box again."
    at.session_state[API_DOCS] = True  # the box changed, but no callback ran: the click was lost
    at.run()
    assert texts(at.warning) == [lost]
    assert at.checkbox(key=API_DOCS).value is False, "the box shows what is saved"
    at.checkbox(key=keys.tick_key(PID, "learn-shadow-calls")).check().run()  # another click reruns the page
    assert texts(at.warning) == [lost], "still there after another click"
    assert progress_texts(at)[0] == "1 of 6 done"
    at.checkbox(key=API_DOCS).check().run()
    assert not at.warning, "clicked again and saved: nothing is lost any more"
    assert progress_texts(at)[0] == "2 of 6 done"


def test_ticks_survive_a_fresh_run_on_the_same_database(fresh_store: Path) -> None:
    at = start_plan(run_page(PAGE))
    at.checkbox(key=API_DOCS).check().run()
    close_cached_store()

    again = run_page(PAGE)
    assert again.selectbox(key="csm").value == PID
    assert again.checkbox(key=API_DOCS).value is True
    assert progress_texts(again)[0] == "1 of 6 done"


def test_the_same_name_opens_the_existing_plan(fresh_store: Path) -> None:
    at = start_plan(run_page(PAGE))
    at.checkbox(key=API_DOCS).check().run()
    start_plan(at, "  priya   SHAH ")
    assert any("already has" in t for t in texts(at.info))
    assert at.selectbox(key="csm").options == ["Priya Shah"]
    assert at.checkbox(key=API_DOCS).value is True


def test_reachable_through_the_app_navigation(fresh_store: Path) -> None:
    at = run_page("pages/ramp.py")
    assert at.title[0].value == "30-60-90 day ramp plan"


def test_a_broken_checklist_file_is_named_on_the_page(
    fresh_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = tmp_path / "checklists"
    catalog.mkdir()
    (catalog / "ramp.toml").write_text(
        'id = "ramp"\nkind = "ramp"\nname = "Ramp"\n[[stages]]\nid = "one"\ntitle = "One"\ngoal = "g"\n'
        'start_day = 1\nend_day = "thirty"\n[[stages.items]]\nid = "a"\ntext = "A"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(loader, "CHECKLISTS_DIR", catalog)
    loader.preset_checklists.cache_clear()
    try:
        at = run_page(PAGE)
    finally:
        loader.preset_checklists.cache_clear()
    [error] = texts(at.error)
    assert "ramp.toml: stages[0].end_day: must be a whole number" in error


def recorded(db: Path) -> list[tuple[str, str, str | None]]:
    close_cached_store()
    store = Store(db)
    try:
        return [(e.target, e.kind, e.actor) for e in store.events(PID)]
    finally:
        store.close()


def test_a_tick_before_any_name_waits_for_the_name_and_is_never_by_csm(fresh_store: Path) -> None:
    start_plan(run_page(PAGE), who="Tess")
    close_cached_store()

    at = run_page(PAGE)  # a new browser session: no name yet
    assert at.sidebar.text_input(key=AUTHOR_INPUT_KEY).value in ("", None), "no stand-in name is offered"
    at.checkbox(key=API_DOCS).check().run()
    assert not at.exception, at.exception
    assert any(t.startswith("Not saved yet: a tick") for t in texts(at.warning))
    assert at.checkbox(key=API_DOCS).value is False, "the box shows what is saved"
    assert recorded(fresh_store) == [], "nothing is written without an author"

    give_name(at, "  Rosa   Delgado ")
    assert recorded(fresh_store) == [("learn-api-docs", TICK, "Rosa Delgado")]
    assert at.checkbox(key=API_DOCS).value is True, "the waiting tick was applied"
    assert not any(t.startswith("Not saved yet") for t in texts(at.warning))
    assert any(t.startswith(":material/done: Ticked by Rosa Delgado") for t in texts(at.caption))
    assert not any("CSM" in t for t in texts(at.caption) if "by" in t)
    activity = at.dataframe[-1].value
    assert list(activity["Who"]) == ["Rosa Delgado"]


def test_a_blank_name_is_refused(fresh_store: Path) -> None:
    at = run_page(PAGE)
    give_name(at, "   ")
    assert texts(at.sidebar.error) == ["Type your name, then press Enter."]
    assert any(t.key == AUTHOR_INPUT_KEY for t in at.sidebar.text_input), "still asking"


def test_a_new_plan_before_any_name_is_created_once_the_name_is_given(fresh_store: Path) -> None:
    at = start_plan(run_page(PAGE), who=None)
    assert any(t.startswith("Not saved yet: the new plan for Priya Shah") for t in texts(at.warning))
    close_cached_store()
    store = Store(fresh_store)
    try:
        assert store.plan(PID) is None
    finally:
        store.close()
    give_name(at, "Tess")
    assert at.selectbox(key="csm").value == PID
    close_cached_store()
    store = Store(fresh_store)
    try:
        saved = store.plan(PID)
        assert saved is not None and saved.created_by == "Tess"
    finally:
        store.close()
