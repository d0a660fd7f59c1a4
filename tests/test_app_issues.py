"""The Customer issues page under AppTest: demo on first open, intake → route → answer → close, refusals, patterns."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import parse_qs

from streamlit.testing.v1 import AppTest

from pages.ui.common.text import plain
from pages.ui.issues import keys
from scoring.db import Store, issue_store
from scoring.diagnosis.commands import seed_demo
from scoring.diagnosis.model import ANSWER, CLOSE, ROUTE
from tests.app_pages import app_on, run_page, texts
from tests.identity_app import give_name
from tests.page_store import close_cached_store
from tests.portfolio_page import open_portfolio, upload

PAGE = "pages/issues.py"
INTAKE_SUBMIT = f"FormSubmitter:{keys.INTAKE_FORM_KEY}-Log the issue"
HOSTILE = "<b>bold</b> **stars** [link](http://x) =SUM(A1)"


def submit(at: AppTest, form: str, label: str) -> AppTest:
    at.button(key=f"FormSubmitter:{form}-{label}").click().run()
    assert not at.exception, at.exception
    return at


def log_issue(at: AppTest, account: str = "ACC-1010", confirmed: bool = True, symptom: str = "Login loops") -> AppTest:
    at.selectbox(key=keys.intake_key("account")).set_value(account)
    at.text_area(key=keys.intake_key("symptom")).input(symptom)
    at.text_input(key=keys.intake_key("goal")).input("Start the morning queue")
    at.text_area(key=keys.intake_key("restated")).input("SSO sessions expire early")
    if confirmed:
        at.checkbox(key=keys.intake_key("confirmed")).check()
    at.selectbox(key=keys.intake_key("category")).set_value("technical-bug")
    at.selectbox(key=keys.intake_key("tag")).set_value("SSO")
    return submit(at, keys.INTAKE_FORM_KEY, "Log the issue")


def opened_page(name: str = "Tess") -> AppTest:
    at = run_page(PAGE)
    give_name(at, name)
    return at


def saved_events(db: Path, issue_id: str) -> list[tuple[str, str | None]]:
    close_cached_store()
    store = Store(db)
    try:
        return [(e.kind, e.actor) for e in issue_store(store).events(issue_id)]
    finally:
        store.close()


def test_first_open_loads_the_demo_with_its_pattern_and_overdue_flag(fresh_store: Path) -> None:
    at = run_page(PAGE)
    assert any("demo issues" in t for t in texts(at.info))
    assert any("1 promise has passed its update-by date: DEMO-3." in t for t in texts(at.warning))
    assert any("Technical bug · SSO · Mid\\-Market · 3 accounts" in m.value for m in at.markdown)
    assert [b.proto.label for b in at.get("download_button")] == ["Brief for Product (Markdown)"]
    at = run_page(PAGE)
    assert not any("demo issues" in t for t in texts(at.info))  # loaded once


def test_intake_route_answer_close(fresh_store: Path) -> None:
    at = log_issue(opened_page())
    [saved] = [t for t in texts(at.success) if t.startswith("Logged ISS-")]
    issue_id = saved.split()[1].rstrip(".")
    assert at.selectbox(key=keys.OPEN_ISSUE_KEY).value == issue_id
    assert any("goes to **Engineering**" in m.value for m in at.markdown)
    assert at.text_area(key=keys.intake_key("symptom", 1)).value == ""  # a fresh form for the next issue

    at.text_input(key=keys.issue_field_key("route", "note", issue_id)).input("Case filed")
    submit(at, keys.issue_form_key("route", issue_id), "Mark routed")
    at.text_input(key=keys.issue_field_key("answer", "answer", issue_id)).input("Fix ships Tuesday")
    submit(at, keys.issue_form_key("answer", issue_id), "Record the answer")

    at.text_input(key=keys.issue_field_key("close", "heard", issue_id)).input("Fixed on Tuesday")
    submit(at, keys.issue_form_key("close", issue_id), "Close the loop")
    [refused] = texts(at.error)
    assert refused.startswith("Not closed.") and "Customer told" in refused and "Documented on the account" in refused

    at.date_input(key=keys.issue_field_key("close", "told_on", issue_id)).set_value(date.today())
    at.text_input(key=keys.issue_field_key("close", "heard", issue_id)).input("Fixed on Tuesday")
    at.checkbox(key=keys.issue_field_key("close", "documented", issue_id)).check()
    submit(at, keys.issue_form_key("close", issue_id), "Close the loop")
    assert not texts(at.error)
    assert any(t.startswith("Closed: the customer was told") for t in texts(at.success))
    assert saved_events(fresh_store, issue_id) == [(ROUTE, "Tess"), (ANSWER, "Tess"), (CLOSE, "Tess")]


def test_an_unconfirmed_intake_is_refused_and_keeps_what_was_typed(fresh_store: Path) -> None:
    at = log_issue(opened_page(), confirmed=False)
    [refused] = texts(at.error)
    assert refused.startswith("Not saved.") and "Confirmed with the customer" in refused
    assert at.text_area(key=keys.intake_key("symptom")).value == "Login loops"


def test_hostile_intake_text_shows_as_plain_text(fresh_store: Path) -> None:
    at = log_issue(opened_page(), symptom=HOSTILE)
    shown = [m.value for m in at.markdown if "bold" in m.value]
    assert shown, "the symptom is shown"
    for value in shown:
        assert "<b>" not in value and "\\<b\\>" in value
        assert "**stars**" not in value and "[link]" not in value


def seed_demo_issues(db: Path) -> None:
    """The demo issues saved in ``db``, as the issues page's first open saves them."""
    store = Store(db)
    try:
        seed_demo(store)
    finally:
        store.close()


def test_the_account_panel_and_the_triage_caption_flag_an_overdue_promise(fresh_store: Path) -> None:
    seed_demo_issues(fresh_store)
    at = run_page("pages/portfolio.py")
    [caption] = [c.value for c in at.caption if "overdue" in c.value]
    assert "ACC\\-1020" in caption and "ACC\\-1001" not in caption
    [link] = [pl.proto for pl in at.get("page_link") if pl.proto.label == "Open the overdue promises"]
    assert parse_qs(link.query_string) == {"overdue": ["1"]}
    at.query_params["overdue"] = "1"
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert at.toggle(key=keys.OVERDUE_FILTER_KEY).value is True
    assert list(at.dataframe[0].value["Issue"]) == ["DEMO-3"]

    at.query_params.clear()
    at.query_params["id"] = "ACC-1020"
    at.switch_page("pages/account.py").run()
    assert not at.exception, at.exception
    [line] = [m.value for m in at.markdown if "DEMO-3" in m.value]
    assert "update 5 days late" in line and "sso" in line


def test_an_account_page_links_to_its_issues_with_the_account_filled_in(fresh_store: Path) -> None:
    """The link fills in the intake and narrows the list once; changing either afterwards sticks."""
    at = app_on("pages/account.py")
    at.query_params["id"] = "ACC-1020"
    at.run()
    name = at.title[0].value
    [link] = [pl.proto for pl in at.get("page_link") if pl.proto.page == "issues"]
    assert link.label == f"Log or work on issues for {plain(name)}"
    assert parse_qs(link.query_string) == {"account": ["ACC-1020"]}

    at.query_params.clear()
    at.query_params["account"] = "ACC-1020"
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert at.selectbox(key=keys.intake_key("account")).value == "ACC-1020"
    assert at.multiselect(key=keys.ACCOUNT_FILTER_KEY).value == ["ACC-1020"]
    assert at.dataframe[0].value["Account"].nunique() == 1
    assert "account" not in at.query_params, "followed, then taken off the address"
    at.multiselect(key=keys.ACCOUNT_FILTER_KEY).set_value([]).run()
    assert at.multiselect(key=keys.ACCOUNT_FILTER_KEY).value == [], "cleared by the CSM, not set again by the link"
    at.query_params["account"] = "ACC-1020"  # the same link, clicked again later
    at.switch_page(PAGE).run()
    assert at.multiselect(key=keys.ACCOUNT_FILTER_KEY).value == ["ACC-1020"]


UPLOAD = (
    b"Account ID,Account Name,CSM,Segment,ARR,Usage %\n"
    b'ACC-1001,Own Account,Dana Cole,Enterprise,"$500,000",40%\n'
    b'Z-2,Second Own,Lee Park,SMB,"$20,000",90%\n'
)


def test_accounts_and_their_facts_come_from_the_portfolio_scored_in_this_session(fresh_store: Path) -> None:
    """After an upload, the intake offers the uploaded accounts, with their names, not the demo's; an id shared
    with the demo (ACC-1001) takes the upload's facts."""
    at = open_portfolio()
    upload(at, ("mine.csv", UPLOAD))
    at.switch_page(PAGE).run()
    assert not at.exception
    box = at.selectbox(key=keys.intake_key("account"))
    assert box.options == ["ACC-1001 · Own Account", "Z-2 · Second Own"]
    assert any(
        "come from the portfolio you scored on the Portfolio triage page (2 accounts)" in t for t in texts(at.caption)
    )
    give_name(at, "Tess")
    log_issue(at, account="ACC-1001")
    brief = " ".join(texts(at.markdown) + texts(at.caption) + texts(at.code))
    assert "Own Account (ACC\\-1001)" in brief and "Tidewater" not in brief


def test_an_issue_on_the_account_page_opens_on_the_issues_page(fresh_store: Path) -> None:
    """Each issue listed on the account page links to itself: it opens below the list, whatever filter was set."""
    seed_demo_issues(fresh_store)
    at = run_page(PAGE)
    at.multiselect(key=keys.STATUS_FILTER_KEY).set_value(["closed"]).run()  # would hide the open DEMO-3
    at.query_params["id"] = "ACC-1020"
    at.switch_page("pages/account.py").run()
    [link] = [pl.proto for pl in at.get("page_link") if pl.proto.label == "Open DEMO-3"]
    assert parse_qs(link.query_string) == {"account": ["ACC-1020"], "issue": ["DEMO-3"]}

    at.query_params.clear()
    at.query_params.update({"account": "ACC-1020", "issue": "DEMO-3"})
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert at.selectbox(key=keys.OPEN_ISSUE_KEY).value == "DEMO-3"
    assert at.multiselect(key=keys.STATUS_FILTER_KEY).value == []
