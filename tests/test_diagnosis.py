"""The diagnosis loop's domain: intake checks, state rules, closing, patterns, briefs and the store round trip."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.catalog import CatalogError
from scoring.db import Store, issue_store
from scoring.diagnosis import commands as cmd
from scoring.diagnosis.briefs import engineering_case, md, pattern_line, product_brief
from scoring.diagnosis.categories import categories, parse_categories
from scoring.diagnosis.intake import IntakeForm
from scoring.diagnosis.model import ANSWER, CLOSE, RECOMMIT, ROUTE, IssueEvent
from scoring.diagnosis.patterns import AccountFacts, find_patterns
from scoring.diagnosis.replay import IssueState, event_value, overdue, replay

TODAY = date.today()
FACTS = {
    "A1": AccountFacts("A1", "Alpha", "Mid-Market", "Ana", 150_000.0, "red"),
    "A2": AccountFacts("A2", "Bravo", "Mid-Market", "Ben", 160_000.0, "yellow"),
    "A3": AccountFacts("A3", "Charlie", "Mid-Market", "Ana", 100_000.0, "green"),
    "A4": AccountFacts("A4", "Delta", "SMB", "Ben", None, None),
}
HOSTILE = '<img src=x onerror=alert(1)> **bold** [link](http://evil) =HYPERLINK("x") \u202eevil &lt;b&gt;'


def form(account: str = "A1", category: str = "technical-bug", tag: str = "SSO", **changes: object) -> IntakeForm:
    fields: dict[str, object] = {
        "account_id": account,
        "symptom": "Logins fail every morning",
        "goal": "Start the day's queue",
        "technical_fact": "Redirect loop after 12 hours",
        "business_impact": "Team starts an hour late",
        "tried": "Clearing cookies",
        "restated": "SSO sessions older than 12 hours fail",
        "confirmed": True,
        "category_id": category,
        "tag": tag,
        "severity": "high",
        "update_by": TODAY + timedelta(days=3),
    }
    fields.update(changes)
    return IntakeForm(**fields)  # type: ignore[arg-type]  # the test builds the form from a loose dict


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    opened = Store()
    yield opened
    opened.close()


def open_one(store: Store, account: str = "A1", **changes: object) -> str:
    name = FACTS[account].name if account in FACTS else ""
    return cmd.open_issue(store, form(account, **changes), name or "", "Ana", TODAY)  # type: ignore[arg-type]  # loose test kwargs


def state_of(store: Store, issue_id: str) -> IssueState:
    return next(s for s in cmd.all_issues(store) if s.issue_id == issue_id)


# ---- categories ---------------------------------------------------------------------------------


def test_the_five_categories_route_as_the_seed_says() -> None:
    cats = categories()
    assert [c.name for c in cats.values()] == [
        "user training",
        "workflow confusion",
        "technical bug",
        "adoption issue",
        "product gap",
    ]
    assert cats["technical-bug"].routes_to == "Engineering"
    assert cats["technical-bug"].template == ("Steps to reproduce", "Expected", "Actual", "Account context")
    assert cats["product-gap"].routes_to == "Product"
    assert cats["user-training"].routes_to.startswith("Stays with you") and cats["user-training"].resource
    assert cats["adoption-issue"].health


def test_a_broken_category_file_names_the_field() -> None:
    with pytest.raises(CatalogError, match=r"categories #1\.routes_to"):
        parse_categories({"categories": [{"id": "x", "name": "x", "needs": "y"}]}, "bad.toml")


# ---- intake -------------------------------------------------------------------------------------


def test_intake_refuses_an_unconfirmed_restatement_and_lists_every_problem(store: Store) -> None:
    with pytest.raises(cmd.IssueError) as err:
        open_one(store, confirmed=False, symptom="  ", tag="", update_by=TODAY - timedelta(days=1))
    text = str(err.value)
    assert "Confirmed with the customer" in text
    assert "Symptom" in text and "Product area / tag" in text and "Update by" in text
    assert cmd.all_issues(store) == []


def test_intake_tidies_text_and_drops_hidden_characters(store: Store) -> None:
    issue_id = open_one(store, symptom="  Logins\u202e   fail\x00 ")
    assert state_of(store, issue_id).record.intake.symptom == "Logins fail"
    assert issue_id.startswith("ISS-")


# ---- state rules --------------------------------------------------------------------------------


def test_open_routed_answered_closed_one_step_at_a_time(store: Store) -> None:
    issue_id = open_one(store)
    with pytest.raises(cmd.IssueError, match="is open"):
        cmd.answer(store, issue_id, "fixed", "Ana")
    cmd.route(store, issue_id, "case sent", "Ana")
    with pytest.raises(cmd.IssueError, match="is routed"):
        cmd.route(store, issue_id, "again", "Ben")
    cmd.answer(store, issue_id, "Fix ships Tuesday", "Ben")
    cmd.close(store, issue_id, TODAY, "The fix arrives Tuesday; until then use the direct link", True, "Ana", TODAY)
    state = state_of(store, issue_id)
    assert state.status == "closed"
    assert state.closure is not None and state.closure.mark.actor == "Ana"
    assert [s.what for s in state.trail] == ["Logged", "Routed", "Answered", "Closed: customer told"]
    assert [s.mark.actor for s in state.trail] == ["Ana", "Ana", "Ben", "Ana"]
    with pytest.raises(cmd.IssueError, match="closed"):
        cmd.recommit(store, issue_id, TODAY + timedelta(days=2), "", "Ana", TODAY)


def test_closing_without_the_customer_told_is_refused_with_a_clear_message(store: Store) -> None:
    issue_id = open_one(store)
    cmd.route(store, issue_id, "", "Ana")
    cmd.answer(store, issue_id, "Not on the roadmap right now", "Ana")
    with pytest.raises(cmd.IssueError) as err:
        cmd.close(store, issue_id, None, "", False, "Ana", TODAY)
    message = str(err.value)
    assert message.startswith("Not closed.")
    assert "Customer told: enter the day" in message
    assert "What they heard" in message
    assert "Documented on the account" in message
    with pytest.raises(cmd.IssueError, match="Documented on the account"):
        cmd.close(store, issue_id, TODAY, "They know it is not planned", False, "Ana", TODAY)
    with pytest.raises(cmd.IssueError, match="future"):
        cmd.close(store, issue_id, TODAY + timedelta(days=1), "They know", True, "Ana", TODAY)
    assert state_of(store, issue_id).status == "answered"
    assert [e.kind for e in issue_store(store).events(issue_id)] == [ROUTE, ANSWER]


def test_the_replay_ignores_a_close_that_slipped_past_the_rules() -> None:
    """A close written straight to the log (a stale tab, a race) without 'customer told' does not close."""
    from scoring.diagnosis.model import Intake, IssueRecord

    intake = Intake("s", "g", "", "", "", "r", True, "technical-bug", "SSO", "low", TODAY)
    record = IssueRecord("ISS-1", "A1", "Alpha", intake, "Ana", datetime(2026, 1, 1))
    at = datetime(2026, 1, 2)
    events = [
        IssueEvent(1, "ISS-1", CLOSE, event_value(told_on=TODAY, heard="x", documented=True), "Ana", at),
        IssueEvent(2, "ISS-1", ROUTE, event_value(note=""), "Ana", at),
        IssueEvent(3, "ISS-1", ROUTE, event_value(note="twice"), "Ben", at),
        IssueEvent(4, "ISS-1", ANSWER, event_value(answer="done"), "Ben", at),
        IssueEvent(5, "ISS-1", CLOSE, event_value(told_on=TODAY, heard="", documented=True), "Ana", at),
        IssueEvent(6, "ISS-1", CLOSE, event_value(told_on=TODAY, heard="ok", documented=False), "Ana", at),
    ]
    state = replay(record, events)
    assert state.status == "answered"
    assert state.route_note == ""
    events.append(IssueEvent(7, "ISS-1", CLOSE, event_value(told_on=TODAY, heard="ok", documented=True), "Ana", at))
    assert replay(record, events).status == "closed"


def test_overdue_commitments_are_flagged_until_closed_and_a_new_date_clears_them(store: Store) -> None:
    issue_id = open_one(store, update_by=TODAY)
    later = TODAY + timedelta(days=2)
    assert overdue(cmd.all_issues(store), TODAY, "A1") == []
    [late] = overdue(cmd.all_issues(store), later, "A1")
    assert late.issue_id == issue_id and late.days_overdue(later) == 2
    assert overdue(cmd.all_issues(store), later, "A2") == []
    cmd.recommit(store, issue_id, later, "Engineering needs two more days", "Ana", TODAY)
    assert overdue(cmd.all_issues(store), later, "A1") == []
    assert [e.kind for e in issue_store(store).events(issue_id)] == [RECOMMIT]


def test_overdue_promises_come_most_overdue_first_not_newest_first(store: Store) -> None:
    """The issues page's warning names them in this order: the oldest broken promise is the first to keep."""
    due_first = open_one(store, update_by=TODAY + timedelta(days=1))
    due_later = open_one(store, account="A2", update_by=TODAY + timedelta(days=3))
    later = TODAY + timedelta(days=5)
    assert [s.issue_id for s in cmd.all_issues(store)] == [due_later, due_first]  # the list: newest opened first
    assert [s.issue_id for s in overdue(cmd.all_issues(store), later)] == [due_first, due_later]


# ---- patterns -----------------------------------------------------------------------------------


def test_a_pattern_is_three_accounts_with_the_same_category_and_tag(store: Store) -> None:
    for account in ("A1", "A2"):
        open_one(store, account)
    open_one(store, "A1", tag="sso")  # a second issue on the same account does not make a third account
    open_one(store, "A3", category="product-gap")  # same tag, other category
    assert find_patterns(cmd.all_issues(store), FACTS) == []
    open_one(store, "A3", tag=" Sso ")
    [pattern] = find_patterns(cmd.all_issues(store), FACTS)
    assert pattern.category.id == "technical-bug" and pattern.tag == "SSO"
    assert [a.facts.account_id for a in pattern.accounts] == ["A1", "A2", "A3"]
    assert [a.issues for a in pattern.accounts] == [2, 1, 1]
    assert pattern.arr == 410_000.0
    assert [a.facts.band for a in pattern.accounts] == ["red", "yellow", "green"]
    assert len(pattern.quotes) == 4
    assert pattern_line(pattern) == "technical bug · SSO · 3 accounts · $410K ARR"
    assert find_patterns(cmd.all_issues(store), FACTS, min_accounts=4) == []


def test_patterns_by_segment_and_by_csm_split_the_accounts(store: Store) -> None:
    for account in ("A1", "A2", "A3", "A4"):
        open_one(store, account)
    [by_segment] = find_patterns(cmd.all_issues(store), FACTS, by="segment")
    assert by_segment.group == "Mid-Market" and len(by_segment.accounts) == 3
    assert pattern_line(by_segment) == "technical bug · SSO · Mid-Market · 3 accounts · $410K ARR"
    assert by_segment.id == "technical-bug/sso/mid-market"
    two_each = find_patterns(cmd.all_issues(store), FACTS, min_accounts=2, by="csm")
    assert sorted((p.group, len(p.accounts)) for p in two_each) == [("Ana", 2), ("Ben", 2)]
    [whole] = find_patterns(cmd.all_issues(store), FACTS, min_accounts=4)
    assert whole.arr == 410_000.0 and whole.arr_unknown == 1  # Delta's ARR is unknown: not counted as $0


# ---- briefs -------------------------------------------------------------------------------------


def test_the_product_brief_carries_the_evidence_and_says_no_data_for_unknowns(store: Store) -> None:
    for account in ("A1", "A2", "A4"):
        open_one(store, account, symptom=f"Words of {account}")
    [pattern] = find_patterns(cmd.all_issues(store), FACTS)
    brief = product_brief(pattern, TODAY)
    assert brief.startswith("# Three accounts hit SSO (technical bug)\n")
    assert "| Delta (A4) | no data | no data | 1 |" in brief
    assert "$0" not in brief and "None" not in brief and "nan" not in brief
    for account in ("A1", "A2", "A4"):
        assert f"> Words of {account}" in brief


def test_hostile_intake_text_is_plain_in_both_briefs(store: Store) -> None:
    hostile_facts = {"A1": AccountFacts("A1", HOSTILE, "Mid-Market", "Ana", 1.0, "red"), **FACTS}
    for account in ("A1", "A2", "A3"):
        open_one(store, account, symptom=HOSTILE, goal=HOSTILE, tag="**SSO**")
    states = cmd.all_issues(store)
    [pattern] = find_patterns(states, hostile_facts, by="segment")
    case = engineering_case(states[0], hostile_facts)
    for text in (product_brief(pattern, TODAY), case):
        ours_removed = re.sub(r"(?m)^> ", "", text)  # the brief's own blockquote markers
        assert not re.search(r"(?<!\\)[<>\[\]*&]", ours_removed), text
        assert "\\<img src=x onerror=alert(1)\\>" in text
        assert "\\*\\*bold\\*\\*" in text and "\\[link\\]" in text
        assert "\u202e" not in text
        assert "\\&lt;b\\&gt;" in text
        assert "\\*\\*SSO\\*\\*" in text


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_md_leaves_nothing_markdown_or_html_could_act_on(text: str) -> None:
    out = md(text)
    unescaped = out.replace("\\\\", "").replace("\\<", "").replace("\\[", "").replace("\\*", "").replace("\\&", "")
    for char in "<[*&":
        assert char not in unescaped
    assert "\u202e" not in out and "\n" not in out


def test_the_engineering_case_has_the_template_sections(store: Store) -> None:
    issue_id = open_one(store, "A1", tried="")
    case = engineering_case(state_of(store, issue_id), FACTS)
    for heading in categories()["technical-bug"].template:
        assert f"## {heading}" in case
    assert "What they already tried: _no data: not captured at intake_" in case
    assert "Segment: Mid-Market; CSM: Ana" in case and "ARR: $150K; health band: red" in case


# ---- demo ---------------------------------------------------------------------------------------


def test_the_demo_ships_one_real_pattern_once(store: Store) -> None:
    from scoring.diagnosis.accounts import demo_facts

    assert cmd.seed_demo(store) == 5
    assert cmd.seed_demo(store) == 0
    states = cmd.all_issues(store)
    assert all(s.record.demo for s in states)
    [pattern] = find_patterns(states, demo_facts(), by="segment")
    assert pattern.id == "technical-bug/sso/mid-market"
    assert {a.facts.account_id for a in pattern.accounts} == {"ACC-1010", "ACC-1015", "ACC-1020"}
    assert [s.issue_id for s in states if s.overdue(TODAY)] == ["DEMO-3"]
    assert {s.issue_id: s.status for s in states}["DEMO-4"] == "closed"


def test_the_demo_is_not_loaded_over_real_issues(store: Store) -> None:
    open_one(store)
    assert cmd.seed_demo(store) == 0
    assert len(cmd.all_issues(store)) == 1
