"""The form that starts a plan: who or which account, which checklist, and day 1.

Submitting runs a callback, so the new plan is saved and selected before the
page redraws; asking again for an existing plan simply opens it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Literal

import streamlit as st

from pages.ui.checklists.keys import NEW_PLAN_ACCOUNT_PARAM, new_plan_field_key
from pages.ui.common.dates import DATE_INPUT_FORMAT
from pages.ui.common.identity import as_author
from pages.ui.common.state import store
from pages.ui.common.text import plain
from scoring.checklists import Checklist, clean_subject
from scoring.checklists.commands import ChecklistError, start_plan


def _keys(form_key: str) -> tuple[str, str, str, str]:
    return (
        new_plan_field_key(form_key, "subject"),
        new_plan_field_key(form_key, "checklist"),
        new_plan_field_key(form_key, "start"),
        new_plan_field_key(form_key, "message"),
    )


def _say(message_key: str, kind: Literal["error", "info"], text: str) -> None:
    """Leave a message for the form to show under itself on the next run."""
    st.session_state[message_key] = (kind, text)


def _create(form_key: str, checklists: Sequence[Checklist], subject_label: str, pick_key: str) -> None:
    subject_key, checklist_key, start_key, message_key = _keys(form_key)
    try:
        subject = clean_subject(str(st.session_state.get(subject_key) or ""))
    except ValueError as exc:
        _say(message_key, "error", f"{subject_label}: {exc}")
        return
    checklist = next((c for c in checklists if c.id == st.session_state.get(checklist_key)), checklists[0])
    start = st.session_state.get(start_key)
    if not isinstance(start, date):
        _say(message_key, "error", "Pick a start date.")
        return
    as_author(
        f"the new plan for {subject}",
        lambda who: _start(form_key, checklist, subject, start, pick_key, who),
    )


def _start(form_key: str, checklist: Checklist, subject: str, start: date, pick_key: str, who: str) -> None:
    """Save the plan (or find the existing one) and select it; a refusal is left for the form to show."""
    subject_key, _, _, message_key = _keys(form_key)
    try:
        plan, created = start_plan(store(), checklist, subject, start, who)
    except ChecklistError as exc:
        _say(message_key, "error", str(exc))
        return
    if not created:
        _say(
            message_key,
            "info",
            f"{plain(plan.subject)} already has a {checklist.name} plan "
            f"(started {plan.start_date:%d %b %Y}); it is open below.",
        )
    st.session_state[subject_key] = None
    st.session_state[pick_key] = plan.plan_id
    # A link's name has done its job: take it off the address, so the same link clicked later fills it in again.
    st.session_state.pop(new_plan_field_key(form_key, "asked"), None)
    st.query_params.pop(NEW_PLAN_ACCOUNT_PARAM, None)


def _first_day(checklists: Sequence[Checklist]) -> date:
    """Today, or later when a checklist has work before day 1 (pre-kickoff).

    A plan started on kickoff day would open with its pre-kickoff week already
    overdue; defaulting kickoff to after that lead time lets it start on track.
    """
    lead = max((1 - stage.start_day for c in checklists for stage in c.stages), default=0)
    return date.today() + timedelta(days=max(0, lead))


def _fill_in(form_key: str, asked: str) -> None:
    """Put the name a link asked for in the subject box, once per name, so clearing it or starting the plan sticks."""
    asked_key = new_plan_field_key(form_key, "asked")
    if st.session_state.get(asked_key) != asked:
        st.session_state[asked_key] = asked
        st.session_state[new_plan_field_key(form_key, "subject")] = asked


def new_plan_form(
    form_key: str,
    checklists: Sequence[Checklist],
    subject_label: str,
    start_label: str,
    pick_key: str,
    subject_options: Sequence[str] = (),
    asked: str | None = None,
) -> None:
    """The form; ``asked`` is a name a link brought (``?account=``), filled in for the CSM to confirm."""
    subject_key, checklist_key, start_key, message_key = _keys(form_key)
    options = list(subject_options)
    if asked:
        _fill_in(form_key, asked)
        if options and asked not in options:
            options.insert(0, asked)
    with st.form(form_key, enter_to_submit=True):
        subject_help = "One plan per name and checklist; the same name opens the existing plan."
        if options:
            st.selectbox(
                subject_label,
                options,
                index=None,
                key=subject_key,
                accept_new_options=True,
                placeholder="Pick from the loaded portfolio or type a name",
                help=subject_help,
            )
        else:
            st.text_input(subject_label, key=subject_key, max_chars=80, placeholder="Type a name", help=subject_help)
        if len(checklists) > 1:
            st.selectbox(
                "Checklist",
                [c.id for c in checklists],
                format_func={c.id: c.name for c in checklists}.__getitem__,
                key=checklist_key,
                help="\n\n".join(f"**{c.name}**: {c.description} Day 1 is {c.start_label}." for c in checklists),
            )
        st.date_input(
            start_label,
            value=_first_day(checklists),
            key=start_key,
            format=DATE_INPUT_FORMAT,
            help="Day 1 of the plan; every due date is counted from it. "
            + " ".join(f"{c.name}: day 1 is {c.start_label}." for c in checklists),
        )
        st.form_submit_button(
            "Start the plan",
            type="primary",
            icon=":material/add_task:",
            on_click=_create,
            args=(form_key, checklists, subject_label, pick_key),
        )
    message = st.session_state.pop(message_key, None)
    if message:
        kind, text = message
        (st.error if kind == "error" else st.info)(text)
