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

A long-lived plan gathers thousands of events, so the replay can stop and
resume: ``resume`` continues from a ``PlanSnapshot`` (the state after event
``upto_seq``) and returns a new one when enough events have settled since.
Only events older than ``SETTLE`` are folded into a snapshot: two ticks
written at the same moment may commit out of sequence order, and an event
that commits after a snapshot covering its number would otherwise be skipped.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

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
    PlanSnapshot,
    Stage,
)

NOTE_MAX_CHARS = 280
SUBJECT_MAX_CHARS = 80
SNAPSHOT_AFTER = 20  # settled events past the last snapshot before a new one is worth writing
SETTLE = timedelta(seconds=30)  # far longer than any one insert takes to commit


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
        self.last_at: datetime | None = None  # when the latest event applied happened

    def _all_ticked(self, stage: Stage) -> bool:
        return all(i.id in self.ticks for i in stage.items)

    def _settle(self, stage: Stage, at: datetime) -> None:
        complete = self._all_ticked(stage) and (not stage.gate or stage.id in self.signoffs)
        if not complete:
            self.completed.pop(stage.id, None)
        elif stage.id not in self.completed:
            self.completed[stage.id] = at

    def apply(self, event: ChecklistEvent) -> None:
        self.last_at = event.at
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

    def dump(self) -> str:
        def mark(m: Mark) -> list[str]:
            return [m.actor, m.at.isoformat()]

        return json.dumps(
            {
                "ticks": {k: mark(m) for k, m in self.ticks.items()},
                "notes": {k: [text, *mark(m)] for k, (text, m) in self.notes.items()},
                "signoffs": {k: mark(m) for k, m in self.signoffs.items()},
                "completed": {k: at.isoformat() for k, at in self.completed.items()},
                "last_reset": mark(self.last_reset) if self.last_reset else None,
                "last_at": self.last_at.isoformat() if self.last_at else None,
            },
            sort_keys=True,
        )

    @classmethod
    def load(cls, checklist: Checklist, text: str) -> _Replay:
        def mark(pair: Sequence[Any]) -> Mark:
            return Mark(actor=str(pair[0]), at=datetime.fromisoformat(str(pair[1])))

        data = json.loads(text)
        r = cls(checklist)
        r.ticks = {k: mark(v) for k, v in data["ticks"].items()}
        r.notes = {k: (str(v[0]), mark(v[1:])) for k, v in data["notes"].items()}
        r.signoffs = {k: mark(v) for k, v in data["signoffs"].items()}
        r.completed = {k: datetime.fromisoformat(v) for k, v in data["completed"].items()}
        r.last_reset = mark(data["last_reset"]) if data["last_reset"] else None
        r.last_at = datetime.fromisoformat(data["last_at"]) if data["last_at"] else None
        return r

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
    return r.state(plan, r.last_at)


def definition(checklist: Checklist) -> str:
    """A fingerprint of what the replay depends on: stages, their gates and their items' ids, in order."""
    shape = [[stage.id, stage.gate, [item.id for item in stage.items]] for stage in checklist.stages]
    return hashlib.sha256(json.dumps([checklist.id, shape]).encode("utf-8")).hexdigest()[:16]


def usable_snapshot(checklist: Checklist, snapshot: PlanSnapshot | None) -> PlanSnapshot | None:
    """The snapshot if it was replayed against this very definition, else None (start from the first event)."""
    return snapshot if snapshot is not None and snapshot.definition == definition(checklist) else None


def resume(
    checklist: Checklist,
    plan: PlanRecord,
    snapshot: PlanSnapshot | None,
    events: Iterable[ChecklistEvent],
    now: datetime,
) -> tuple[PlanState, PlanSnapshot | None]:
    """The plan's state from ``snapshot`` (a usable one, or None) plus the events after it.

    ``events`` are this plan's events with a sequence number above the
    snapshot's (every one of them without a snapshot).  Also returns a newer
    snapshot when at least ``SNAPSHOT_AFTER`` events older than ``SETTLE``
    followed the old one, else None.
    """
    mine = sorted((e for e in events if e.plan_id == plan.plan_id), key=lambda e: e.seq)
    r = _Replay.load(checklist, snapshot.state) if snapshot is not None else _Replay(checklist)
    settled = 0
    for event in mine:
        if event.at > now - SETTLE:
            break
        settled += 1
    for event in mine[:settled]:
        r.apply(event)
    newer = None
    if settled >= SNAPSHOT_AFTER:
        newer = PlanSnapshot(plan.plan_id, mine[settled - 1].seq, definition(checklist), r.dump())
    for event in mine[settled:]:
        r.apply(event)
    return r.state(plan, r.last_at), newer
