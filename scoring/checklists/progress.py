"""Dates, status flags and gates for a plan, as of a given day.

Status of a stage, checked in this order:

* **done**: every item ticked and, for a gated stage, signed off.
* **behind**: not done and its last day has passed.
* **due soon**: not done and its last day is at most ``DUE_SOON_DAYS`` (7) days away,
  today included, whether or not the stage window has opened yet.
* **on track**: anything else: not done, but more than a week left.

A plan is behind when any stage is behind.  "Days in stage" counts from the
later of two days: the current stage's scheduled first day, and the day the
stages before it were all completed.  So a plan stuck in implementation shows
how long it has been stuck there, and a stage that has not opened yet shows 0.

``today`` is always a parameter so the rules can be tested on any calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from scoring.checklists.model import Stage
from scoring.checklists.replay import PlanState, StageState

DUE_SOON_DAYS = 7


class Status(StrEnum):
    ON_TRACK = "on track"
    DUE_SOON = "due soon"
    BEHIND = "behind"
    DONE = "done"


def day_date(start: date, day: int) -> date:
    """The calendar date of plan day ``day``; day 1 is the start date."""
    return start + timedelta(days=day - 1)


@dataclass(frozen=True)
class Gate:
    """Whether a stage can be signed off now, and the sentence that says why (not)."""

    needed: bool
    can_sign: bool
    reason: str


def gate(stage: StageState) -> Gate:
    title = stage.stage.title
    if not stage.stage.gate:
        return Gate(needed=False, can_sign=False, reason=f"{title} needs no sign-off")
    if stage.signoff is not None:
        when = stage.signoff.at.strftime("%d %b %Y %H:%M")
        return Gate(needed=True, can_sign=False, reason=f"{title} signed off by {stage.signoff.actor} on {when}")
    if stage.open_items:
        noun = "item" if stage.open_items == 1 else "items"
        return Gate(needed=True, can_sign=False, reason=f"{title} blocked: {stage.open_items} {noun} open")
    return Gate(needed=True, can_sign=True, reason=f"{title} is ready for sign-off")


@dataclass(frozen=True)
class StageProgress:
    state: StageState
    starts: date
    due: date
    status: Status
    days_left: int  # until the due date; negative once it has passed

    @property
    def stage(self) -> Stage:
        return self.state.stage


def stage_progress(stage: StageState, start: date, today: date) -> StageProgress:
    due = day_date(start, stage.stage.end_day)
    days_left = (due - today).days
    if stage.complete:
        status = Status.DONE
    elif days_left < 0:
        status = Status.BEHIND
    elif days_left <= DUE_SOON_DAYS:
        status = Status.DUE_SOON
    else:
        status = Status.ON_TRACK
    return StageProgress(
        state=stage,
        starts=day_date(start, stage.stage.start_day),
        due=due,
        status=status,
        days_left=days_left,
    )


@dataclass(frozen=True)
class PlanProgress:
    state: PlanState
    stages: tuple[StageProgress, ...]
    current: StageProgress | None
    days_in_stage: int | None  # see the module docstring; None once every stage is complete
    status: Status

    @property
    def behind(self) -> bool:
        return self.status is Status.BEHIND

    @property
    def percent_done(self) -> int:
        return self.state.percent_done


def _overall(stages: tuple[StageProgress, ...]) -> Status:
    statuses = {s.status for s in stages}
    for status in (Status.BEHIND, Status.DUE_SOON, Status.ON_TRACK):
        if status in statuses:
            return status
    return Status.DONE


def progress(state: PlanState, today: date) -> PlanProgress:
    """Everything the pages and exports show about a plan, as of ``today``."""
    start = state.plan.start_date
    stages = tuple(stage_progress(s, start, today) for s in state.stages)
    current = next((s for s in stages if not s.state.complete), None)
    days_in_stage = None
    if current is not None:
        earlier = [s.state.completed_at.date() for s in stages[: stages.index(current)] if s.state.completed_at]
        entered = max([current.starts, *earlier])
        days_in_stage = max(0, (today - entered).days)
    return PlanProgress(
        state=state, stages=stages, current=current, days_in_stage=days_in_stage, status=_overall(stages)
    )
