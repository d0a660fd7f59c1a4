"""The intake form: the seed's diagnosis questions, in order, in one keyboard-friendly form.

Submitting runs a callback (so the values are read before the form is
redrawn): a refused intake keeps every field as typed and lists what to fix;
a saved one clears the form and opens the new issue below the list.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from pages.ui.common.dates import DATE_INPUT_FORMAT
from pages.ui.common.identity import as_author
from pages.ui.common.state import store
from pages.ui.issues import keys
from pages.ui.issues.data import say
from scoring.diagnosis import commands as cmd
from scoring.diagnosis.categories import categories
from scoring.diagnosis.intake import TAG_MAX_CHARS, TEXT_MAX_CHARS, IntakeForm
from scoring.diagnosis.model import SEVERITIES
from scoring.diagnosis.patterns import AccountFacts

DEFAULT_PROMISE_DAYS = 3  # an "update by" a few days out is a promise a CSM can keep
_TEXT_FIELDS: tuple[keys.IntakeField, ...] = (
    "symptom",
    "goal",
    "technical_fact",
    "business_impact",
    "tried",
    "restated",
)


def _account_label(facts: dict[str, AccountFacts], account_id: str) -> str:
    known = facts.get(account_id)
    return f"{account_id} · {known.name}" if known and known.name else account_id


def current_round() -> int:
    """Which intake form this is; see ``keys.INTAKE_ROUND_KEY``."""
    return int(st.session_state.get(keys.INTAKE_ROUND_KEY, 0))


def _key(field: keys.IntakeField) -> str:
    return keys.intake_key(field, current_round())


def _value(field: keys.IntakeField) -> object:
    return st.session_state.get(_key(field))


def _clear() -> None:
    """Forget the saved form's values and start a fresh form (new widget keys, so the browser draws it empty)."""
    for field in (*_TEXT_FIELDS, "account", "confirmed", "category", "tag", "severity", "update_by"):
        st.session_state.pop(_key(field), None)
    st.session_state[keys.INTAKE_ROUND_KEY] = current_round() + 1


def _submit(facts: dict[str, AccountFacts]) -> None:
    account = str(_value("account") or "")
    update_by = _value("update_by")
    form = IntakeForm(
        account_id=account,
        symptom=str(_value("symptom") or ""),
        goal=str(_value("goal") or ""),
        technical_fact=str(_value("technical_fact") or ""),
        business_impact=str(_value("business_impact") or ""),
        tried=str(_value("tried") or ""),
        restated=str(_value("restated") or ""),
        confirmed=bool(_value("confirmed")),
        category_id=str(_value("category") or ""),
        tag=str(_value("tag") or ""),
        severity=str(_value("severity") or ""),
        update_by=update_by if isinstance(update_by, date) else None,
    )
    known = facts.get(account.strip())
    name = known.name if known and known.name else ""

    def save(who: str) -> None:
        try:
            issue_id = cmd.open_issue(store(), form, name, who, date.today())
        except cmd.IssueError as exc:
            say("error", "Not saved. " + str(exc))
            return
        _clear()
        st.session_state[keys.OPEN_ISSUE_KEY] = issue_id
        say("success", f"Logged {issue_id}. Its next step is shown below the list.")

    as_author("a new issue", save)


def intake_form(facts: dict[str, AccountFacts], tags: list[str], asked: str | None = None) -> None:
    """The form; account and product area offer what is known and accept anything typed (``asked``: a linked
    account, offered even when the facts do not hold it)."""
    cats = categories()
    accounts = sorted(facts)
    if asked and asked not in facts:
        accounts.insert(0, asked)
    with st.form(keys.INTAKE_FORM_KEY, enter_to_submit=False):
        st.selectbox(
            "Account",
            accounts,
            index=None,
            key=_key("account"),
            format_func=lambda a: _account_label(facts, a),
            accept_new_options=True,
            placeholder="Pick an account or type its id",
            help="Accounts of the loaded portfolio; an id it does not know is accepted too (its ARR and band then "
            "show as no data).",
        )
        st.text_area(
            "What the customer said, in their words",
            key=_key("symptom"),
            max_chars=TEXT_MAX_CHARS,
            height=80,
            help="The symptom as they described it. Their wording is the quote Product will read.",
        )
        st.text_input(
            "What they were trying to get done",
            key=_key("goal"),
            max_chars=TEXT_MAX_CHARS,
            help="The goal behind the complaint is often what needs solving.",
        )
        left, right = st.columns(2)
        left.text_input(
            "Technical fact",
            key=_key("technical_fact"),
            max_chars=TEXT_MAX_CHARS,
            help="What measurably happens, e.g. 'the export takes 8 seconds'.",
        )
        right.text_input(
            "Business impact",
            key=_key("business_impact"),
            max_chars=TEXT_MAX_CHARS,
            help="What it costs them, e.g. 'the team skips the step'. Often a different problem from the fact.",
        )
        st.text_input(
            "What they already tried",
            key=_key("tried"),
            max_chars=TEXT_MAX_CHARS,
            help="So you do not suggest what has already failed.",
        )
        st.text_area(
            "The issue in your words",
            key=_key("restated"),
            max_chars=TEXT_MAX_CHARS,
            height=80,
            help="Restate it before proposing anything.",
        )
        st.checkbox("I read this back and the customer confirmed it", key=_key("confirmed"))
        a, b, c, d = st.columns(4)
        a.selectbox(
            "Category",
            list(cats),
            index=None,
            key=_key("category"),
            format_func=lambda cid: cats[cid].name.capitalize(),
            placeholder="Pick one",
            help="Each category goes to a different next step: "
            + "; ".join(f"{c.name}: {c.routes_to}" for c in cats.values()),
        )
        b.selectbox(
            "Product area / tag",
            tags,
            index=None,
            key=_key("tag"),
            accept_new_options=True,
            placeholder="Pick or type",
            help=f"Free text up to {TAG_MAX_CHARS} characters; tags already in use are offered so a pattern is "
            "not split by spelling.",
        )
        c.selectbox("Severity", SEVERITIES, index=1, key=_key("severity"))
        d.date_input(
            "Update the customer by",
            value=date.today() + timedelta(days=DEFAULT_PROMISE_DAYS),
            min_value=date.today(),
            key=_key("update_by"),
            help="A date you can keep, not a hopeful one. Missed dates are flagged on the list and the account.",
            format=DATE_INPUT_FORMAT,
        )
        st.form_submit_button(
            "Log the issue", type="primary", icon=":material/add_task:", on_click=_submit, args=(facts,)
        )
