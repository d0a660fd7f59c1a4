"""Checklists in real Chromium: ticks survive a reload, a restart and a kill -9 of the server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import expect

from tests.identity_browser import give_name
from tests.live_elements import live
from tests.servers import AppServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("very_patient")]


@pytest.fixture
def very_patient(patient_assertions: None, page: Any) -> Iterator[None]:
    """Wait up to 60 s: a new session's first run (after a goto or a reload) has taken 30 s and more
    here while other test runs shared the two CPUs.  A ceiling on waiting, not a timing assertion."""
    expect.set_options(timeout=60_000)
    page.set_default_timeout(60_000)
    yield
    expect.set_options(timeout=20_000)


API_DOCS = "Read the API documentation cover to cover"
SHADOW = "Sit in on customer calls from several segments"


def checkbox(page: Any, label: str) -> Any:
    return live(page).get_by_role("checkbox", name=label)


def tick(page: Any, label: str) -> None:
    """Click the visible label (Streamlit hides the real input), then wait for the caption the server
    draws from the saved tick, so the next click never races the rerun."""
    row = page.get_by_test_id("stColumn").filter(has=page.get_by_test_id("stCheckbox").filter(has_text=label))
    row.get_by_test_id("stCheckbox").click()
    expect(checkbox(page, label)).to_be_checked()
    expect(row.get_by_test_id("stCaptionContainer").filter(has_text="Ticked by")).to_be_visible()


def caption(page: Any, text: str) -> Any:
    """A caption on the plan itself, not the same words inside the Markdown export preview."""
    return page.get_by_test_id("stCaptionContainer").filter(has_text=text)


def start_ramp_plan(page: Any, server: AppServer, name: str, who: str = "Tess Ng") -> None:
    page.goto(f"{server.url}/ramp")
    expect(page.get_by_text("No ramp plans yet")).to_be_visible()
    give_name(page, who)
    page.get_by_role("textbox", name="CSM name").fill(name)
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_text("0 of 6 done").first).to_be_visible()


def test_a_tick_survives_reload_restart_and_kill9(app_server: AppServer, page: Any) -> None:
    start_ramp_plan(page, app_server, "Priya Shah")
    tick(page, API_DOCS)
    expect(caption(page, "Ticked by Tess Ng")).to_be_visible()
    expect(page.get_by_text("1 of 6 done")).to_be_visible()

    page.reload()
    expect(checkbox(page, API_DOCS)).to_be_checked()
    expect(checkbox(page, SHADOW)).not_to_be_checked()

    app_server.kill9()
    app_server.start()
    page.reload()
    expect(checkbox(page, API_DOCS)).to_be_checked()
    expect(page.get_by_text("1 of 6 done")).to_be_visible()
    expect(caption(page, "Ticked by Tess Ng")).to_be_visible()


def test_two_sessions_ticking_different_items_both_persist(app_server: AppServer, page: Any, chromium: Any) -> None:
    start_ramp_plan(page, app_server, "Priya Shah")
    other_context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    other_context.set_default_timeout(60_000)
    try:
        other = other_context.new_page()
        other.goto(f"{app_server.url}/ramp")
        expect(other.get_by_text("0 of 6 done").first).to_be_visible()
        give_name(other, "Rosa Delgado")
        tick(page, API_DOCS)
        tick(other, SHADOW)
        for session in (page, other):
            session.reload()
            expect(checkbox(session, API_DOCS)).to_be_checked()
            expect(checkbox(session, SHADOW)).to_be_checked()
            expect(session.get_by_text("2 of 6 done")).to_be_visible()
    finally:
        other_context.close()


def test_onboarding_gate_and_signoff_in_the_browser(app_server: AppServer, page: Any) -> None:
    page.goto(f"{app_server.url}/onboarding")
    expect(page.get_by_text("No onboarding plans yet")).to_be_visible()
    give_name(page, "Priya Shah")
    page.get_by_role("textbox", name="Account").fill("Acme Corp")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_text("Kickoff blocked: 4 items open")).to_be_visible()
    sign = page.get_by_role("button", name="Sign off Kickoff")
    expect(sign).to_be_disabled()
    for label in (
        "Hold the kickoff meeting",
        "Confirm goals and milestones with the customer",
        "Put the training sessions in the calendar",
        "Agree how and how often we talk",
    ):
        tick(page, label)
    expect(sign).to_be_enabled()
    sign.click()
    expect(
        page.get_by_test_id("stAlertContentSuccess").filter(has_text="Kickoff signed off by Priya Shah")
    ).to_be_visible()

    page.reload()
    expect(
        page.get_by_test_id("stAlertContentSuccess").filter(has_text="Kickoff signed off by Priya Shah")
    ).to_be_visible()
    expect(checkbox(page, "Hold the kickoff meeting")).to_be_disabled()


def test_a_tick_before_the_name_is_saved_once_the_name_is_typed(app_server: AppServer, page: Any) -> None:
    start_ramp_plan(page, app_server, "Priya Shah")
    page.reload()  # a new browser session: the name is asked again, with no stand-in
    expect(page.get_by_role("textbox", name="Your name")).to_have_value("")
    page.get_by_test_id("stCheckbox").filter(has_text=API_DOCS).click()
    expect(page.get_by_test_id("stAlertContentWarning").filter(has_text="Not saved yet: a tick")).to_be_visible()
    expect(checkbox(page, API_DOCS)).not_to_be_checked()
    give_name(page, "Rosa Delgado")
    expect(checkbox(page, API_DOCS)).to_be_checked()
    expect(caption(page, "Ticked by Rosa Delgado")).to_be_visible()
    expect(page.get_by_text("1 of 6 done")).to_be_visible()
    expect(caption(page, "Ticked by CSM")).to_have_count(0)


def test_names_that_look_like_addresses_show_as_text_not_links(app_server: AppServer, page: Any) -> None:
    """A person (or a CSM) named like a web or e-mail address is shown as typed, never as a live link."""
    start_ramp_plan(page, app_server, "ops@evil.example", who="www.evil.example")
    tick(page, API_DOCS)
    main = page.get_by_test_id("stMain")
    expect(caption(page, "Ticked by")).to_be_visible()
    shown = main.inner_text().replace("\u2060", "")  # the word joiner that keeps each address unlinked
    assert "Ticked by www.evil.example" in shown
    assert page.locator("a[href*='evil']").count() == 0  # not in the plan, nor in the sidebar's name


def test_an_account_page_starts_and_then_opens_its_onboarding_plan(app_server: AppServer, page: Any) -> None:
    """The account page's two links, followed in the browser: a new plan with the name filled in, then that plan
    opened even when another account's plan is listed first."""
    page.goto(f"{app_server.url}/onboarding")
    give_name(page, "Priya Shah")
    page.get_by_role("textbox", name="Account").fill("Aardvark Inc")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_text("Kickoff blocked").first).to_be_visible()

    page.goto(f"{app_server.url}/account?id=ACC-1001")
    name = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name=f"Start an onboarding plan for {name}").click()
    expect(page.get_by_role("textbox", name="Account", exact=True)).to_have_value(name)
    give_name(page, "Priya Shah")  # a new browser session since the first page
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_text("2 plans, ")).to_be_visible()

    page.goto(f"{app_server.url}/account?id=ACC-1001")
    page.get_by_role("link", name="Open the Customer onboarding plan").click()
    expect(page).to_have_url(re.compile(r"/onboarding\?plan="))
    # The opened plan is the account's: its own link back names it.
    expect(page.get_by_role("link", name="Open the account page")).to_have_attribute(
        "href", re.compile(re.escape(quote_plus(name)))
    )
    expect(page.get_by_role("dialog")).to_have_count(0)
