"""The audit trail of a plan in plain words, newest first.

Every stored event is shown, including ones the replay ignored (a sign-off
that arrived while items were open) so nobody wonders where a click went.
"""

from __future__ import annotations

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
    EventKind,
)

_VERBS: dict[EventKind, str] = {
    TICK: "ticked",
    UNTICK: "unticked",
    SIGNOFF: "signed off",
    UNSIGNOFF: "reopened",
}


@dataclass(frozen=True)
class Activity:
    at: datetime
    actor: str
    action: str
    target: str
    detail: str


def activity(checklist: Checklist, events: Iterable[ChecklistEvent]) -> list[Activity]:
    names = {s.id: f"Stage: {s.title}" for s in checklist.stages}
    names |= {i.id: i.text for s in checklist.stages for i in s.items}
    rows = []
    for e in sorted(events, key=lambda e: e.seq, reverse=True):
        if e.kind == RESET and e.target == PLAN_TARGET:
            action, target = "reset the plan", "every item, note and sign-off"
        elif e.kind == NOTE:
            action, target = ("cleared the note on" if not e.value else "noted"), names.get(e.target, e.target)
        else:
            action, target = _VERBS.get(e.kind, e.kind), names.get(e.target, f"{e.target} (no longer in the checklist)")
        detail = (e.value or "") if e.kind == NOTE else ""
        rows.append(Activity(at=e.at, actor=e.actor or "unknown", action=action, target=target, detail=detail))
    return rows
