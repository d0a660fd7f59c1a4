"""The onboarding page under AppTest: gates, sign-offs, the overview and persistence."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from pages.ui.checklists import keys
from pages.ui.common.keys import AUTHOR_INPUT_KEY, LOADED_ACCOUNTS_KEY
from pages.ui.common.state import _open_store
from pages.ui.common.text import plain
from scoring.checklists import TICK, UNTICK, plan_id, preset_checklists
from scoring.db import Store
from tests.app_pages import app_on, run_page, texts
from tests.checklist_app import metric, progress_texts
from tests.identity_app import give_name
from tests.page_store import close_cached_store

PAGE = "pages/onboarding.py"
NEW_FORM = keys.new_plan_form_key("onboarding")
SUBMIT = f"FormSubmitter:{NEW_FORM}-Start the plan"
ACME = plan_id("customer-onboarding", "Acme Corp")
KICKOFF = preset_checklists()["customer-onboarding"].stage("kickoff")
assert KICKOFF is not None
KICKOFF_ITEMS = [i.id for i in KICKOFF.items]


def start_plan(
    at: AppTest,
    account: str = "Acme Corp",
    checklist: str = "customer-onboarding",
    from_portfolio: bool = False,
    kickoff: date | None = None,
    who: str | None = "Priya",
) -> AppTest:
    """Start a plan from the form; ``who`` first gives the sidebar the author's name, if it asks."""
    if who and any(t.key == AUTHOR_INPUT_KEY for t in at.sidebar.text_input):
        give_name(at, who)
    if kickoff is not None:
        at.date_input(key=keys.new_plan_field_key(NEW_FORM, "start")).set_value(kickoff)
    if from_portfolio:
        at.selectbox(key=keys.new_plan_field_key(NEW_FORM, "subject")).select(account)
    else:
        at.text_input(key=keys.new_plan_field_key(NEW_FORM, "subject")).input(account)
    at.selectbox(key=keys.new_plan_field_key(NEW_FORM, "checklist")).select(checklist)
    at.button(key=SUBMIT).click().run()
    assert not at.exception, at.exception
    return at


def signoff(at: AppTest, stage: str, pid: str = ACME) -> Button:
    return at.button(key=keys.signoff_key(pid, stage))


def test_gate_blocks_until_every_item_is_ticked_then_signs_off(fresh_store: Path) -> None:
    at = start_plan(run_page(PAGE), who="Priya")
    assert signoff(at, "kickoff").disabled
    assert "Kickoff blocked: 4 items open" in texts(at.warning)
    assert "Handoff blocked: 4 items open" in texts(at.warning)

    for item in KICKOFF_ITEMS[:-1]:
        at.checkbox(key=keys.tick_key(ACME, item)).check().run()
    assert signoff(at, "kickoff").disabled
    assert "Kickoff blocked: 1 item open" in texts(at.warning)
    assert progress_texts(at)[1] == "3 of 4 done"

    at.checkbox(key=keys.tick_key(ACME, KICKOFF_ITEMS[-1])).check().run()
    assert not signoff(at, "kickoff").disabled
    signoff(at, "kickoff").click().run()
    assert not at.exception
    assert any(t.startswith("Kickoff signed off by Priya on ") for t in texts(at.success))
    assert all(at.checkbox(key=keys.tick_key(ACME, i)).disabled for i in KICKOFF_ITEMS), "a signed-off stage is locked"

    at.button(key=keys.reopen_key(ACME, "kickoff")).click().run()
    assert not signoff(at, "kickoff").disabled
    assert not at.checkbox(key=keys.tick_key(ACME, KICKOFF_ITEMS[0])).disabled


def test_signoff_is_rechecked_against_the_database(fresh_store: Path) -> None:
    at = start_plan(run_page(PAGE))
    for item in KICKOFF_ITEMS:
        at.checkbox(key=keys.tick_key(ACME, item)).check().run()
    assert not signoff(at, "kickoff").disabled
    opened = _open_store()
    assert isinstance(opened, Store)
    opened.record(ACME, KICKOFF_ITEMS[0], UNTICK, None, "someone else")  # another session, meanwhile
    signoff(at, "kickoff").click().run()
    assert texts(at.error) == ["Not signed off: Kickoff blocked: 1 item open."]
    assert not texts(at.success)


def test_who_ticked_what_is_shown_and_kept_after_a_restart(fresh_store: Path) -> None:
    at = start_plan(run_page(PAGE), who="Ben")
    at.checkbox(key=keys.tick_key(ACME, "pk-account-setup")).check().run()
    close_cached_store()

    again = run_page(PAGE)
    assert again.selectbox(key="plan").value == ACME
    assert again.checkbox(key=keys.tick_key(ACME, "pk-account-setup")).value is True
    assert any(t.startswith(":material/done: Ticked by Ben") for t in texts(again.caption))
    assert any(t.key == AUTHOR_INPUT_KEY for t in again.sidebar.text_input), "a new session asks for the name again"
    assert again.sidebar.text_input(key=AUTHOR_INPUT_KEY).value in ("", None), "with no stand-in name"


def test_accounts_come_from_the_loaded_portfolio(fresh_store: Path) -> None:
    at = app_on(PAGE)
    at.session_state[LOADED_ACCOUNTS_KEY] = ["Globex", "Initech"]
    at.run()
    assert at.selectbox(key=keys.new_plan_field_key(NEW_FORM, "subject")).options == ["Globex", "Initech"]
    start_plan(at, "Initech", "go-live-hypercare", from_portfolio=True)
    pid = plan_id("go-live-hypercare", "Initech")
    assert at.selectbox(key="plan").value == pid
    flags = [w for w in texts(at.warning) if w.startswith("**Adoption red flags")]
    assert len(flags) == 1 and "zero syncs" in flags[0]


def test_overview_lists_every_account_plan(fresh_store: Path) -> None:
    at = start_plan(run_page(PAGE), kickoff=date.today())
    start_plan(at, "Globex", "business-reviews")
    at.checkbox(key=keys.tick_key(plan_id("business-reviews", "Globex"), "r30-gather-data")).check().run()
    table = at.dataframe[0].value
    assert list(table["Account"]) == ["Acme Corp", "Globex"], "plans that are behind come first"
    row = table.set_index("Account").loc["Globex"]
    assert row["Checklist"] == "30/60/90-day business reviews"
    assert row["Current stage"] == "30-day review"
    assert row["Done"] == 1 * 100 // 20
    acme = table.set_index("Account").loc["Acme Corp"]
    assert bool(acme["Behind?"]), "a plan starting today already has its pre-kickoff week behind it"
    assert metric(at, "Current stage") == "30-day review"


def test_the_default_kickoff_leaves_a_week_for_pre_kickoff(fresh_store: Path) -> None:
    at = run_page(PAGE)
    assert at.date_input(key=keys.new_plan_field_key(NEW_FORM, "start")).value == date.today() + timedelta(days=7)
    at = start_plan(at)
    acme = at.dataframe[0].value.set_index("Account").loc["Acme Corp"]
    assert not bool(acme["Behind?"]), "a plan created a week before kickoff starts on track"


def test_empty_state(fresh_store: Path) -> None:
    at = run_page(PAGE)
    assert any("No onboarding plans yet" in t and "type the account's name" in t for t in texts(at.info))
    assert not at.dataframe
    # Once the portfolio page has loaded accounts, the box offers them to pick from, and the hint says so.
    at.session_state[LOADED_ACCOUNTS_KEY] = ["Acme Corp"]
    at.run()
    assert any("pick an account (or type one)" in t for t in texts(at.info))


def test_ticks_recorded_as_events(fresh_store: Path) -> None:
    at = start_plan(run_page(PAGE))
    at.checkbox(key=keys.tick_key(ACME, "pk-timeline")).check().run()
    at.checkbox(key=keys.tick_key(ACME, "pk-timeline")).uncheck().run()
    close_cached_store()
    store = Store(fresh_store)
    try:
        assert [(e.target, e.kind) for e in store.events(ACME)] == [("pk-timeline", TICK), ("pk-timeline", UNTICK)]
    finally:
        store.close()


def _links_to_onboarding(at: AppTest) -> list[tuple[str, dict[str, list[str]]]]:
    """(label, query) of each link the page draws to the onboarding page."""
    return [
        (pl.proto.label, parse_qs(pl.proto.query_string)) for pl in at.get("page_link") if pl.proto.page == "onboarding"
    ]


def test_an_account_page_starts_its_onboarding_plan_and_then_opens_it(fresh_store: Path) -> None:
    """An account with no plan links to the onboarding form with its name filled in; once started, to the plan."""
    at = app_on("pages/account.py")
    at.query_params["id"] = "ACC-1001"
    at.run()
    assert not at.exception
    name = at.title[0].value
    assert _links_to_onboarding(at) == [(f"Start an onboarding plan for {plain(name)}", {"account": [name]})]

    at.query_params.clear()
    at.query_params["account"] = name
    at.switch_page(PAGE).run()
    assert not at.exception
    subject = at.text_input(key=keys.new_plan_field_key(NEW_FORM, "subject"))
    assert subject.value == name, "the link's account is filled in"
    give_name(at, "Priya")
    at.selectbox(key=keys.new_plan_field_key(NEW_FORM, "checklist")).select("customer-onboarding")
    at.button(key=SUBMIT).click().run()
    assert not at.exception
    pid = plan_id("customer-onboarding", name)
    assert at.selectbox(key="plan").value == pid
    assert not at.text_input(key=keys.new_plan_field_key(NEW_FORM, "subject")).value, "filled in once, not again"
    assert "account" not in at.query_params, "the link's name is taken off the address once the plan is started"

    start_plan(at, "Aardvark Inc")  # listed first, so only the link can open the account's plan

    at.query_params.clear()
    at.query_params["id"] = "ACC-1001"
    at.switch_page("pages/account.py").run()
    assert not at.exception
    # The picker keeps its label in the URL, so that is what the link carries.
    label = f"{name} · Customer onboarding"
    assert _links_to_onboarding(at) == [("Open the Customer onboarding plan", {"plan": [label]})]
    at.query_params.clear()
    at.query_params["plan"] = label
    at.switch_page(PAGE).run()
    assert at.selectbox(key="plan").value == pid


def test_a_linked_account_is_picked_in_the_portfolio_list_or_added_to_it(fresh_store: Path) -> None:
    at = app_on(PAGE)
    at.session_state[LOADED_ACCOUNTS_KEY] = ["Globex", "Initech"]
    at.query_params["account"] = "Initech"
    at.run()
    box = at.selectbox(key=keys.new_plan_field_key(NEW_FORM, "subject"))
    assert (box.options, box.value) == (["Globex", "Initech"], "Initech")
    at.query_params["account"] = "Umbrella"  # an account the loaded portfolio does not hold (a snapshot's)
    at.run()
    box = at.selectbox(key=keys.new_plan_field_key(NEW_FORM, "subject"))
    assert (box.options, box.value) == (["Umbrella", "Globex", "Initech"], "Umbrella")
