"""The shapes of the checklist domain: a definition, a saved plan, and one event of its log.

Checklists are data: each one is a TOML file under ``scoring/catalog/checklists``
turned into these frozen dataclasses by ``scoring.checklists.loader``.  Pages
never name a checklist in code; they ask for every checklist of a ``kind``
("ramp" for a CSM's own plan, "account" for a customer's plan), which is why a
new checklist needs a file and nothing else.  The kind is therefore a plain
string, not a fixed set.

A plan (``PlanRecord``) and its events (``ChecklistEvent``) are what the store
saves; they are defined here, with the domain, so the replay and the pages
depend on the domain and ``scoring.db`` only fills these records in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal

EventKind = Literal["tick", "untick", "note", "signoff", "unsignoff", "reset"]
TICK: Final = "tick"
UNTICK: Final = "untick"
NOTE: Final = "note"
SIGNOFF: Final = "signoff"
UNSIGNOFF: Final = "unsignoff"
RESET: Final = "reset"
PLAN_TARGET: Final = "plan"  # the target of a reset event: the whole plan


@dataclass(frozen=True)
class Item:
    """One thing to tick.  ``id`` is what ticks are stored against, so it must never be renamed."""

    id: str
    text: str
    help: str = ""


@dataclass(frozen=True)
class Stage:
    """A phase of the plan with its own window and, when ``gate`` is set, a sign-off.

    Day offsets count from the plan's start date, which is day 1; day 0 is the
    day before.  Negative offsets are allowed so a pre-kickoff stage can sit in
    the week before the start date.
    """

    id: str
    title: str
    goal: str
    period: str
    start_day: int
    end_day: int
    gate: bool
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Checklist:
    id: str
    kind: str
    order: int  # position among checklists of the same kind (lifecycle order)
    name: str
    description: str
    source: str
    subject_label: str
    start_label: str
    stages: tuple[Stage, ...]
    red_flags_title: str = ""
    red_flags: tuple[str, ...] = ()

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)


@dataclass(frozen=True)
class PlanRecord:
    """One saved plan: a checklist worked through for one subject (a CSM or an account) from day 1."""

    plan_id: str
    checklist_id: str
    subject: str
    start_date: date
    created_by: str | None
    created_at: datetime


@dataclass(frozen=True)
class ChecklistEvent:
    """One row of a plan's append-only log; ``target`` is an item id, a stage id or ``PLAN_TARGET``.

    ``kind`` is typed as the kinds this code writes; a row read back from an
    older or newer database may hold another, which the replay skips.
    """

    seq: int
    plan_id: str
    target: str
    kind: EventKind
    value: str | None
    actor: str | None
    at: datetime


@dataclass(frozen=True)
class PlanSnapshot:
    """A plan's replayed state as of event ``upto_seq``, so a page run replays only the events after it.

    ``definition`` fingerprints the checklist it was replayed against: a
    snapshot of an edited checklist is not used (the replay starts over).
    ``state`` is the replay's own JSON (``scoring.checklists.replay``).
    """

    plan_id: str
    upto_seq: int
    definition: str
    state: str
