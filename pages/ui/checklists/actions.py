"""Callbacks that write checklist changes to the store the moment a widget changes.

Widget values vanish on a page switch, so nothing is kept in session state:
each callback runs one command of ``scoring.checklists.commands``, and the
next run redraws every widget from the database.  A change that is refused or
not saved leaves the command's message for the page to show, and the widget
snaps back to what is really saved.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pages.ui.checklists import keys
from pages.ui.common.identity import as_author
from pages.ui.common.state import store
from pages.ui.common.text import plain
from scoring.checklists import Checklist, PlanRecord
from scoring.checklists import commands as cmd


def _problem(message: str) -> None:
    """Keep a message for the next run, which shows it once above the plan."""
    st.session_state[keys.PROBLEM_KEY] = message


def _saved(command: Callable[[], None]) -> bool:
    """Run a command; whether it was saved, with its message kept for the next run when not."""
    try:
        command()
    except cmd.ChecklistError as exc:
        _problem(str(exc))
        return False
    return True


def on_tick(plan_id: str, item_id: str) -> None:
    ticked = bool(st.session_state.get(keys.tick_key(plan_id, item_id)))
    command = cmd.tick if ticked else cmd.untick
    as_author("a tick" if ticked else "an untick", lambda who: _saved(lambda: command(store(), plan_id, item_id, who)))


def on_note(plan_id: str, item_id: str) -> None:
    text = str(st.session_state.get(keys.note_key(plan_id, item_id)) or "")
    as_author("a note", lambda who: _saved(lambda: cmd.note(store(), plan_id, item_id, text, who)))


def _sign_off(checklist: Checklist, plan: PlanRecord, stage_id: str, who: str) -> None:
    try:
        stage = cmd.sign_off(store(), checklist, plan, stage_id, who)
    except cmd.ChecklistError as exc:
        _problem(str(exc))
        return
    st.toast(f"{stage.title} signed off by {plain(who)}.", icon=":material/verified:")


def on_signoff(checklist: Checklist, plan: PlanRecord, stage_id: str) -> None:
    as_author("a sign-off", lambda who: _sign_off(checklist, plan, stage_id, who))


def on_reopen(plan_id: str, stage_id: str) -> None:
    as_author("a reopened stage", lambda who: _saved(lambda: cmd.reopen(store(), plan_id, stage_id, who)))


def _reset(plan_id: str, who: str) -> None:
    if _saved(lambda: cmd.reset(store(), plan_id, who)):
        st.session_state[keys.confirm_reset_key(plan_id)] = False
        st.toast("Plan reset. The earlier history stays in the activity log.", icon=":material/restart_alt:")


def on_reset(plan_id: str) -> None:
    if not st.session_state.get(keys.confirm_reset_key(plan_id)):
        _problem("Tick the confirmation box first; nothing was reset.")
        return
    as_author("a plan reset", lambda who: _reset(plan_id, who))


def on_move_start(plan_id: str) -> None:
    _saved(lambda: cmd.move_start(store(), plan_id, st.session_state[keys.start_key(plan_id)]))
