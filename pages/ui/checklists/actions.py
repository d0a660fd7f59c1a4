"""Callbacks that write checklist changes to the store the moment a widget changes.

Widget values vanish on a page switch, so nothing is kept in session state:
each callback runs one command of ``scoring.checklists.commands``, and the
next run redraws every widget from the database.  A change that is refused or
not saved leaves the command's message for the page to show, and the widget
snaps back to what is really saved (``_snap_back``: the page itself only
moves a widget when the saved value changed, see ``plan.show_saved``).
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


def _snap_back(widget_key: str) -> None:
    """Put a widget back to the saved value it was drawn from, after its change was not saved (or is parked)."""
    drawn = keys.drawn_key(widget_key)
    if drawn in st.session_state:
        st.session_state[widget_key] = st.session_state[drawn]


def _as_author_or_snap_back(what: str, widget_key: str, command: Callable[[str], None]) -> None:
    """Save now under the author's name; a change refused, failed or parked until a name is given snaps back."""
    saved: list[bool] = []
    as_author(what, lambda who: saved.append(_saved(lambda: command(who))))
    if saved != [True]:
        _snap_back(widget_key)


def on_tick(plan_id: str, item_id: str) -> None:
    key = keys.tick_key(plan_id, item_id)
    st.session_state.pop(keys.lost_key(key), None)  # clicked again: an earlier lost click is dealt with
    ticked = bool(st.session_state.get(key))
    command = cmd.tick if ticked else cmd.untick
    _as_author_or_snap_back(
        "a tick" if ticked else "an untick", key, lambda who: command(store(), plan_id, item_id, who)
    )


def on_note(plan_id: str, item_id: str) -> None:
    key = keys.note_key(plan_id, item_id)
    text = str(st.session_state.get(key) or "")
    _as_author_or_snap_back("a note", key, lambda who: cmd.note(store(), plan_id, item_id, text, who))


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
