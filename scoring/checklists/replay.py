"""A plan's current state, rebuilt from its append-only event log.

Nothing about a plan is ever updated in place: every tick, note and sign-off
is a new row in ``checklist_events``.  Replaying the rows in sequence order
gives the state, so two people ticking different items at the same moment
both win, and the log doubles as the audit trail ("who ticked this, when").

The replay also enforces the gate rule, so a race cannot sneak a sign-off
past it: a sign-off recorded while an item of its stage was open is ignored,
and unticking an item in a signed-off stage withdraws that sign-off.
Events for items or stages no longer in the definition are skipped, so
removing an item from a TOML file never breaks an existing plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from scoring.checklists.model import (
    NOTE,
    PLAN_TARGET,
    RESET,
    SIGNOFF,
    TICK,
    UNSIGNOFF,
    UNTICK,
    Checklist,
    ChecklistEvent,
    Item,
    PlanRecord,
    Stage,
)

NOTE_MAX_CHARS = 280
SUBJECT_MAX_CHARS = 80


@dataclass(frozen=True)
class Mark:
    """Who did something and when; the unit of the audit trail."""

    actor: str
    at: datetime


@dataclass(frozen=True)
class ItemState:
    item: Item
    ticked: Mark | None
    note: str
    noted: Mark | None

    @property
    def done(self) -> bool:
        return self.ticked is not None


@dataclass(frozen=True)
class StageState:
    stage: Stage
    items: tuple[ItemState, ...]
    signoff: Mark | None
    completed_at: datetime | None  # when the stage last became complete; None while it is not

    @property
    def ticked(self) -> int:
        return sum(i.done for i in self.items)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def open_items(self) -> int:
        return self.total - self.ticked

    @property
    def all_ticked(self) -> bool:
        return self.open_items == 0

    @property
    def complete(self) -> bool:
        """Every item ticked and, for a gated stage, signed off."""
        return self.all_ticked and (not self.stage.gate or self.signoff is not None)

    @property
    def counter(self) -> str:
        return f"{self.ticked} of {self.total}"


@dataclass(frozen=True)
class PlanState:
    checklist: Checklist
    plan: PlanRecord
    stages: tuple[StageState, ...]
    last_reset: Mark | None
    last_activity: datetime | None

    @property
    def ticked(self) -> int:
        return sum(s.ticked for s in self.stages)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.stages)

    @property
    def percent_done(self) -> int:
        """Share of items ticked, rounded down so 100 % means every item is ticked."""
        return self.ticked * 100 // self.total if self.total else 100

    @property
    def current(self) -> StageState | None:
        """The first stage that is not complete; None once the whole plan is."""
        return next((s for s in self.stages if not s.complete), None)

    def stage(self, stage_id: str) -> StageState:
        return next(s for s in self.stages if s.stage.id == stage_id)


def clean_subject(text: str) -> str:
    """A plan's subject (CSM or account name) with whitespace tidied; ValueError says what is wrong."""
    subject = " ".join(text.split())
    if not subject:
        raise ValueError("Enter a name.")
    if len(subject) > SUBJECT_MAX_CHARS:
        raise ValueError(f"Keep the name to {SUBJECT_MAX_CHARS} characters or fewer (it has {len(subject)}).")
    return subject


def plan_id(checklist_id: str, subject: str) -> str:
    """One plan per checklist and subject, whatever the capitalisation or spacing of the name."""
    key = re.sub(r"\s+", " ", subject).strip().casefold()
    return f"{checklist_id}:{key}"


class _Replay:
    def __init__(self, checklist: Checklist) -> None:
        self.checklist = checklist
        self.stage_of = {i.id: s for s in checklist.stages for i in s.items}
        self.ticks: dict[str, Mark] = {}
        self.notes: dict[str, tuple[str, Mark]] = {}
        self.signoffs: dict[str, Mark] = {}
        self.completed: dict[str, datetime] = {}
        self.last_reset: Mark | None = None

    def _all_ticked(self, stage: Stage) -> bool:
        return all(i.id in self.ticks for i in stage.items)

    def _settle(self, stage: Stage, at: datetime) -> None:
        complete = self._all_ticked(stage) and (not stage.gate or stage.id in self.signoffs)
        if not complete:
            self.completed.pop(stage.id, None)
        elif stage.id not in self.completed:
            self.completed[stage.id] = at

    def apply(self, event: ChecklistEvent) -> None:
        mark = Mark(actor=event.actor or "unknown", at=event.at)
        if event.kind == RESET and event.target == PLAN_TARGET:
            self.ticks.clear()
            self.notes.clear()
            self.signoffs.clear()
            self.completed.clear()
            self.last_reset = mark
            return
        item_stage = self.stage_of.get(event.target)
        if item_stage is not None:
            self._apply_item(event, mark, item_stage)
            return
        stage = self.checklist.stage(event.target)
        if stage is None or not stage.gate:
            return
        if event.kind == SIGNOFF and self._all_ticked(stage) and stage.id not in self.signoffs:
            self.signoffs[stage.id] = mark
        elif event.kind == UNSIGNOFF:
            self.signoffs.pop(stage.id, None)
        self._settle(stage, event.at)

    def _apply_item(self, event: ChecklistEvent, mark: Mark, stage: Stage) -> None:
        if event.kind == TICK:
            self.ticks.setdefault(event.target, mark)
        elif event.kind == UNTICK:
            self.ticks.pop(event.target, None)
            self.signoffs.pop(stage.id, None)
        elif event.kind == NOTE:
            text = (event.value or "").strip()
            if text:
                self.notes[event.target] = (text, mark)
            else:
                self.notes.pop(event.target, None)
        self._settle(stage, event.at)

    def state(self, plan: PlanRecord, last_activity: datetime | None) -> PlanState:
        stages = []
        for stage in self.checklist.stages:
            items = []
            for item in stage.items:
                note, noted = self.notes.get(item.id, ("", None))
                items.append(ItemState(item=item, ticked=self.ticks.get(item.id), note=note, noted=noted))
            stages.append(
                StageState(
                    stage=stage,
                    items=tuple(items),
                    signoff=self.signoffs.get(stage.id),
                    completed_at=self.completed.get(stage.id),
                )
            )
        return PlanState(
            checklist=self.checklist,
            plan=plan,
            stages=tuple(stages),
            last_reset=self.last_reset,
            last_activity=last_activity,
        )


def replay(checklist: Checklist, plan: PlanRecord, events: Iterable[ChecklistEvent]) -> PlanState:
    """The plan as it stands after every event of this plan, applied in sequence order."""
    mine = sorted((e for e in events if e.plan_id == plan.plan_id), key=lambda e: e.seq)
    r = _Replay(checklist)
    for event in mine:
        r.apply(event)
    return r.state(plan, mine[-1].at if mine else None)
