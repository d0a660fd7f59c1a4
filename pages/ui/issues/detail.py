"""One issue: where it goes next and what that team needs, its trail, and the form for its next step.

The step forms follow the state: an open issue is routed, a routed one gets
its answer, an answered one is closed once the customer has heard it.  A
new "update by" date can be promised at any point before closing.  Every
form writes one event through ``scoring.diagnosis.commands``; a refusal
comes back as the command's sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from pages.ui.common.dates import DATE_INPUT_FORMAT
from pages.ui.common.identity import as_author
from pages.ui.common.state import store
from pages.ui.issues import keys
from pages.ui.issues.data import say
from pages.ui.issues.words import shown
from scoring.diagnosis import commands as cmd
from scoring.diagnosis.briefs import engineering_case
from scoring.diagnosis.categories import categories
from scoring.diagnosis.intake import LINE_MAX_CHARS
from scoring.diagnosis.model import ANSWERED, CLOSED, OPEN, ROUTED
from scoring.diagnosis.patterns import AccountFacts, facts_of
from scoring.diagnosis.replay import IssueState
from scoring.formatting import money


def pick(issues: list[IssueState]) -> IssueState | None:
    """The issue to open, from those the filters let through."""
    ids = [s.issue_id for s in issues]
    if st.session_state.get(keys.OPEN_ISSUE_KEY) not in ids:
        st.session_state.pop(keys.OPEN_ISSUE_KEY, None)
    by_id = {s.issue_id: s for s in issues}
    chosen = st.selectbox(
        "Open an issue",
        ids,
        index=None,
        key=keys.OPEN_ISSUE_KEY,
        format_func=lambda i: f"{i} · {by_id[i].account_id} · {by_id[i].record.intake.tag} · {by_id[i].status}",
        placeholder="Pick an issue to route it or close the loop",
    )
    return by_id.get(chosen) if chosen else None


def _run(what: str, issue_id: str, command: Callable[[str], None], done: str) -> None:
    def apply(who: str) -> None:
        try:
            command(who)
        except cmd.IssueError as exc:
            say("error", str(exc))
            return
        say("success", f"{issue_id}: {done}")

    as_author(what, apply)


def _field(form: keys.IssueForm, field: keys.IssueField, issue_id: str) -> object:
    return st.session_state.get(keys.issue_field_key(form, field, issue_id))


def _route(issue_id: str) -> None:
    note = str(_field("route", "note", issue_id) or "")
    _run("routing", issue_id, lambda who: cmd.route(store(), issue_id, note, who), "routed.")


def _answer(issue_id: str) -> None:
    text = str(_field("answer", "answer", issue_id) or "")
    _run("an answer", issue_id, lambda who: cmd.answer(store(), issue_id, text, who), "answer recorded.")


def _recommit(issue_id: str) -> None:
    day = _field("recommit", "update_by", issue_id)
    reason = str(_field("recommit", "reason", issue_id) or "")
    if not isinstance(day, date):
        say("error", "Update by: pick the date you will next update the customer.")
        return
    _run(
        "a new update-by date",
        issue_id,
        lambda who: cmd.recommit(store(), issue_id, day, reason, who, date.today()),
        f"update promised by {day:%d %b %Y}.",
    )


def _close(issue_id: str) -> None:
    told = _field("close", "told_on", issue_id)
    heard = str(_field("close", "heard", issue_id) or "")
    documented = bool(_field("close", "documented", issue_id))
    told_on = told if isinstance(told, date) else None
    _run(
        "closing the loop",
        issue_id,
        lambda who: cmd.close(store(), issue_id, told_on, heard, documented, who, date.today()),
        "loop closed.",
    )


def routing(state: IssueState, facts: dict[str, AccountFacts]) -> None:
    """Where the issue goes next and what to hand over, from the category's data."""
    category = categories().get(state.record.intake.category_id)
    if category is None:
        st.warning("This issue's category is no longer defined; its routing cannot be shown.")
        return
    account = facts_of(facts, state)
    st.markdown(f"**{category.name.capitalize()}** goes to **{category.routes_to}**.")
    st.caption(category.needs)
    if category.template:
        st.markdown("Hand over a case with: " + ", ".join(category.template) + ". It is drafted from the intake:")
        st.download_button(
            "Engineering case (Markdown)",
            engineering_case(state, facts),
            file_name=f"{state.issue_id}-engineering-case.md",
            mime="text/markdown",
            icon=":material/bug_report:",
            key=keys.download_key("case", state.issue_id),
        )
    if category.resource:
        st.markdown(f"Suggested next step: {category.resource}")
    if category.health:
        band = account.band or "no data (the account is not in the loaded portfolio)"
        st.markdown(f"Account health band: **{shown(band)}**; ARR {shown(money(account.arr))}.")
        st.caption("Its recommended actions are on the Account page and the What-if scorecard.")


def summary(state: IssueState, facts: dict[str, AccountFacts]) -> None:
    """The intake as logged and the trail so far, user text as plain text."""
    intake = state.record.intake
    account = facts_of(facts, state)
    today = date.today()
    head = (
        f"**{state.issue_id}** · {shown(account.name or state.account_id)} ({shown(state.account_id)}) · {state.status}"
    )
    if state.record.demo:
        head += " · demo issue"
    st.markdown(head)
    if state.overdue(today):
        st.error(
            f"The update promised for {state.update_by:%d %b %Y} is {state.days_overdue(today)} days late.",
            icon=":material/schedule:",
        )
    else:
        st.caption(f"Update promised by {state.update_by:%d %b %Y}.")
    for label, text in (
        ("In their words", intake.symptom),
        ("Trying to get done", intake.goal),
        ("Technical fact", intake.technical_fact),
        ("Business impact", intake.business_impact),
        ("Already tried", intake.tried),
        ("Restated and confirmed", intake.restated),
        ("Product area", intake.tag),
    ):
        st.markdown(f"{label}: {shown(text) if text else '_not captured_'}")
    st.markdown("**Trail**")
    for step in state.trail:
        line = f"- {step.what} by {shown(step.mark.actor)}, {step.mark.at:%d %b %Y %H:%M}"
        if step.detail:
            line += f": {shown(step.detail)}"
        st.markdown(line)


def next_step(state: IssueState) -> None:
    """The one form the issue's state allows, plus a new promise date while it is open."""
    iid = state.issue_id
    if state.status == OPEN:
        with st.form(keys.issue_form_key("route", iid), border=False):
            st.text_input(
                "Routing note",
                key=keys.issue_field_key("route", "note", iid),
                max_chars=LINE_MAX_CHARS,
                help="Where it went and how, e.g. 'case filed with Engineering'.",
            )
            st.form_submit_button("Mark routed", on_click=_route, args=(iid,), icon=":material/alt_route:")
    elif state.status == ROUTED:
        with st.form(keys.issue_form_key("answer", iid), border=False):
            st.text_input(
                "The answer that came back",
                key=keys.issue_field_key("answer", "answer", iid),
                max_chars=LINE_MAX_CHARS,
                help="A fix, a workaround, or 'not on the roadmap right now'; a clear no still closes a loop.",
            )
            st.form_submit_button("Record the answer", on_click=_answer, args=(iid,), icon=":material/mark_chat_read:")
    elif state.status == ANSWERED:
        with st.form(keys.issue_form_key("close", iid), border=False):
            st.markdown(f"Answer: {shown(state.answer)}")
            st.date_input(
                "Customer told on",
                value=None,
                key=keys.issue_field_key("close", "told_on", iid),
                format=DATE_INPUT_FORMAT,
            )
            st.text_input(
                "What the customer heard, in their terms",
                key=keys.issue_field_key("close", "heard", iid),
                max_chars=LINE_MAX_CHARS,
                help="What it means for their workflow, not what the ticket said.",
            )
            st.checkbox("Documented on the account record", key=keys.issue_field_key("close", "documented", iid))
            st.form_submit_button(
                "Close the loop", on_click=_close, args=(iid,), type="primary", icon=":material/task_alt:"
            )
    elif state.closure is not None:
        st.success(
            f"Closed: the customer was told on {state.closure.told_on:%d %b %Y}: {shown(state.closure.heard)}",
            icon=":material/task_alt:",
        )
    if state.status != CLOSED:
        with (
            st.expander("Promise a new update date", icon=":material/event:"),
            st.form(keys.issue_form_key("recommit", iid), border=False),
        ):
            st.date_input(
                "New update-by date",
                value=None,
                min_value=date.today(),
                key=keys.issue_field_key("recommit", "update_by", iid),
                format=DATE_INPUT_FORMAT,
            )
            st.text_input("Why", key=keys.issue_field_key("recommit", "reason", iid), max_chars=LINE_MAX_CHARS)
            st.form_submit_button("Set the date", on_click=_recommit, args=(iid,), icon=":material/event:")
