"""Callbacks that write checklist changes to the store the moment a widget changes.

Widget values vanish on a page switch, so nothing is kept in session state:
each callback appends one event, and the next run redraws every widget from
the database.  A write that fails leaves a message for the page to show, and
the widget snaps back to what is really saved.
"""

from __future__ import annotations

import streamlit as st

from pages.ui.checklists.actor import actor
from pages.ui.common.state import store
from pages.ui.common.text import plain
from scoring.checklists import (
    NOTE,
    NOTE_MAX_CHARS,
    PLAN_TARGET,
    RESET,
    SIGNOFF,
    TICK,
    UNSIGNOFF,
    UNTICK,
    Checklist,
    gate,
    replay,
)
from scoring.db import DuckDBError, PlanRecord

PROBLEM_KEY = "checklist_problem"


def tick_key(plan_id: str, item_id: str) -> str:
    return f"tick|{plan_id}|{item_id}"


def note_key(plan_id: str, item_id: str) -> str:
    return f"note|{plan_id}|{item_id}"


def confirm_key(plan_id: str) -> str:
    return f"confirm-reset|{plan_id}"


def _record(plan_id: str, target: str, kind: str, value: str | None = None) -> bool:
    try:
        store().record(plan_id, target, kind, value, actor())
    except DuckDBError as exc:
        st.session_state[PROBLEM_KEY] = f"That change was not saved ({exc}). Please try again."
        return False
    return True


def on_tick(plan_id: str, item_id: str) -> None:
    ticked = bool(st.session_state.get(tick_key(plan_id, item_id)))
    _record(plan_id, item_id, TICK if ticked else UNTICK)


def on_note(plan_id: str, item_id: str) -> None:
    text = " ".join(str(st.session_state.get(note_key(plan_id, item_id)) or "").split())
    _record(plan_id, item_id, NOTE, text[:NOTE_MAX_CHARS])


def on_signoff(checklist: Checklist, plan: PlanRecord, stage_id: str) -> None:
    """Re-check the gate against what is saved now, not what this page last showed."""
    fresh = replay(checklist, plan, store().events(plan.plan_id))
    check = gate(fresh.stage(stage_id))
    if not check.can_sign:
        st.session_state[PROBLEM_KEY] = f"Not signed off: {check.reason}."
    elif _record(plan.plan_id, stage_id, SIGNOFF):
        st.toast(f"{fresh.stage(stage_id).stage.title} signed off by {plain(actor())}.", icon=":material/verified:")


def on_reopen(plan_id: str, stage_id: str) -> None:
    _record(plan_id, stage_id, UNSIGNOFF)


def on_reset(plan_id: str) -> None:
    if not st.session_state.get(confirm_key(plan_id)):
        st.session_state[PROBLEM_KEY] = "Tick the confirmation box first; nothing was reset."
        return
    if _record(plan_id, PLAN_TARGET, RESET):
        st.session_state[confirm_key(plan_id)] = False
        st.toast("Plan reset. The earlier history stays in the activity log.", icon=":material/restart_alt:")
