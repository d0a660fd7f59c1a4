"""Draw one plan: headline numbers, then each stage with its items, notes and gate.

Every widget shows the saved state: a tick or note widget is moved whenever
the saved value differs from the one it was last drawn from (a tick made in
another browser, a reset), and is otherwise left alone.  Moving it on every
run would send the browser a value for every box each time, and a box
clicked while an earlier click's run was still on its way would be turned
back, losing that click (``show_saved``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import streamlit as st

from pages.ui.checklists import keys
from pages.ui.checklists.actions import on_note, on_reopen, on_signoff, on_tick
from pages.ui.common.text import plain
from scoring.checklists import (
    DUE_SOON_DAYS,
    NOTE_MAX_CHARS,
    Checklist,
    PlanProgress,
    StageProgress,
    Status,
    gate,
)

BadgeColor = Literal["green", "blue", "orange", "red"]  # the st.badge colours a status may take
STATUS_BADGE: dict[Status, tuple[BadgeColor, str]] = {
    Status.DONE: ("green", ":material/check_circle:"),
    Status.ON_TRACK: ("blue", ":material/schedule:"),
    Status.DUE_SOON: ("orange", ":material/alarm:"),
    Status.BEHIND: ("red", ":material/warning:"),
}


def days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def when(at: datetime) -> str:
    return at.strftime("%d %b %Y, %H:%M")


def show_problem() -> None:
    """A failed save or refused sign-off from the last callback, shown once."""
    problem = st.session_state.pop(keys.PROBLEM_KEY, None)
    if problem:
        st.error(problem, icon=":material/error:")


def status_badge(status: Status) -> None:
    color, icon = STATUS_BADGE[status]
    st.badge(str(status).capitalize(), color=color, icon=icon)


def summary(pp: PlanProgress) -> None:
    state = pp.state
    done, current, in_stage, status = st.columns([2, 3, 2, 2])
    done.metric("Done", f"{state.percent_done} %", help=f"{state.ticked} of {state.total} items ticked")
    current.metric(
        "Current stage",
        pp.current.stage.title if pp.current else "Finished",
        help="The first stage that still has open items or is waiting for its sign-off.",
    )
    in_stage.metric(
        "Days in stage",
        "-" if pp.days_in_stage is None else pp.days_in_stage,
        help="Days since this stage opened, or since the stages before it were finished if that was later.",
    )
    status.metric(
        "Status",
        str(pp.status).capitalize(),
        help=f"Behind: a stage is past its last day with work open. Due soon: a stage ends within "
        f"{DUE_SOON_DAYS} days with work open. Done: every item ticked and every gate signed off.",
    )
    if state.last_reset is not None:
        st.caption(f"Reset by {plain(state.last_reset.actor)} on {when(state.last_reset.at)}.")


def _due_text(sp: StageProgress) -> str:
    span = f"{sp.starts:%d %b} to {sp.due:%d %b %Y}"
    if sp.status is Status.DONE:
        return span
    if sp.days_left < 0:
        return f"{span} · {days(-sp.days_left)} overdue"
    if sp.days_left == 0:
        return f"{span} · due today"
    return f"{span} · due in {days(sp.days_left)}"


def show_saved(widget_key: str, saved: bool | str) -> bool:
    """Give the widget the saved value when it is new or the saved value changed since it was last drawn.

    Returns whether a change of the widget never reached its callback: it
    held a value other than the saved one although nothing was saved since
    it was drawn (every change that reaches a callback is saved, or snapped
    back).  Such a widget is put back to the saved value, and the page says
    so until the box is clicked again (``actions.on_tick``) or its saved value
    changes: the next click elsewhere reruns the page, and must not wipe the
    warning before it is read.
    """
    drawn, flag = keys.drawn_key(widget_key), keys.lost_key(widget_key)
    known = widget_key in st.session_state and drawn in st.session_state
    changed = not known or st.session_state.get(drawn) != saved
    lost = known and not changed and st.session_state.get(widget_key) != saved
    if (changed or lost) and st.session_state.get(widget_key) != saved:
        st.session_state[widget_key] = saved
    st.session_state[drawn] = saved
    if lost:
        st.session_state[flag] = True
    elif changed:
        st.session_state.pop(flag, None)
    return bool(st.session_state.get(flag))


def _items(sp: StageProgress, plan_id: str, locked: bool) -> None:
    for item in sp.state.items:
        tkey, nkey = keys.tick_key(plan_id, item.item.id), keys.note_key(plan_id, item.item.id)
        lost = show_saved(tkey, item.done)
        show_saved(nkey, item.note)  # a note's text is tidied when saved, so it may differ from the box
        left, right = st.columns([3, 2], vertical_alignment="top")
        with left:
            st.checkbox(
                item.item.text,
                key=tkey,
                help=item.item.help or None,
                on_change=on_tick,
                args=(plan_id, item.item.id),
                disabled=locked,
            )
            if lost:
                st.warning(
                    "This click did not reach the server, so it was not saved. Click the box again.",
                    icon=":material/sync_problem:",
                )
            if item.ticked:
                st.caption(f":material/done: Ticked by {plain(item.ticked.actor)} · {when(item.ticked.at)}")
        with right:
            st.text_input(
                f"Note on: {item.item.text}",
                key=nkey,
                max_chars=NOTE_MAX_CHARS,
                placeholder="Add a short note",
                label_visibility="collapsed",
                on_change=on_note,
                args=(plan_id, item.item.id),
                help="Saved when you press Enter or leave the box. Clear it to remove the note.",
            )
            if item.noted:
                st.caption(f"Note by {plain(item.noted.actor)} · {when(item.noted.at)}")


def _gate(sp: StageProgress, checklist: Checklist, pp: PlanProgress) -> None:
    check = gate(sp.state)
    plan = pp.state.plan
    if sp.state.signoff is not None:
        text, button = st.columns([4, 1], vertical_alignment="center")
        text.success(plain(check.reason), icon=":material/verified:")
        button.button(
            "Reopen",
            key=keys.reopen_key(plan.plan_id, sp.stage.id),
            on_click=on_reopen,
            args=(plan.plan_id, sp.stage.id),
            help="Withdraw the sign-off so items in this stage can be changed again.",
        )
        return
    text, button = st.columns([4, 1], vertical_alignment="center")
    if check.can_sign:
        text.info(f"{check.reason}: signing off records your name and the time.", icon=":material/lock_open:")
    else:
        text.warning(check.reason, icon=":material/lock:")
    button.button(
        f"Sign off {sp.stage.title}",
        key=keys.signoff_key(plan.plan_id, sp.stage.id),
        type="primary",
        disabled=not check.can_sign,
        on_click=on_signoff,
        args=(checklist, plan, sp.stage.id),
        help=check.reason,
    )


def stage(sp: StageProgress, pp: PlanProgress, is_current: bool) -> None:
    checklist, plan = pp.state.checklist, pp.state.plan
    with st.container(border=True):
        title, flag = st.columns([4, 1], vertical_alignment="center")
        title.subheader(f"{sp.stage.title} · {sp.stage.period}", anchor=False)
        with flag:
            status_badge(sp.status)
            if is_current:
                st.badge("Current stage", color="violet", icon=":material/my_location:")
        st.progress(sp.state.ticked / sp.state.total, text=f"{sp.state.counter} done")
        st.caption(f"{_due_text(sp)}. {sp.stage.goal}")
        locked = sp.state.signoff is not None
        if locked:
            st.caption(":material/lock: Signed off: reopen the stage to change its items.")
        _items(sp, plan.plan_id, locked)
        if sp.stage.gate:
            _gate(sp, checklist, pp)


def plan(pp: PlanProgress) -> None:
    """The whole plan; the current stage is marked so the eye lands on it."""
    show_problem()
    summary(pp)
    for sp in pp.stages:
        stage(sp, pp, is_current=pp.current is sp)
