"""What the pages do to saved plans: the commands that append events, and the reads behind every view.

Each command is one append (or, for a new plan or a moved start date, one
write) to ``scoring.db.Store``, recorded with the actor's name.  A failed
write or read raises ``ChecklistError`` with a sentence a user can act on;
the engine's own text (which can name the server's database path) goes to the
server log instead, so pages never see or catch a database error.

This module is the one part of ``scoring.checklists`` that uses the store.
The package ``__init__`` does not import it, because ``scoring.db`` imports
this package's records (``scoring.checklists.model``) and importing the store
back from the package would make a cycle; import it as
``scoring.checklists.commands``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime

from scoring.checklists.history import Activity, activity
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
    PlanRecord,
    PlanSnapshot,
    Stage,
)
from scoring.checklists.progress import PlanProgress, gate, progress
from scoring.checklists.replay import NOTE_MAX_CHARS, PlanState, resume, usable_snapshot
from scoring.checklists.replay import plan_id as id_of_plan
from scoring.db import DuckDBError, Store
from scoring.storage import plain_reason

LOG = logging.getLogger(__name__)
NOT_SAVED = "That change was not saved"
NOT_READ = "The saved plans could not be read"
NO_AUTHOR = "Enter your name before making changes; nothing was saved."


class ChecklistError(RuntimeError):
    """A change refused (a gate still closed) or not saved, or saved plans not read; the message is for the user."""


@contextmanager
def _storing(message: str) -> Iterator[None]:
    """Turn a database failure into ``ChecklistError("<message>, because <why>.")``.

    The reason is ``scoring.storage.plain_reason``'s (a full disk, a damaged
    or missing file); the engine's own text goes to the server log.
    """
    try:
        yield
    except DuckDBError as exc:
        LOG.warning("%s (%s: %s)", message, type(exc).__name__, exc)
        raise ChecklistError(f"{message}, because {plain_reason(exc)}.") from exc


def _author(actor: str) -> str:
    """The actor's name, spaces tidied; refused when blank, so no record is left without a real author.

    There is deliberately no stand-in name: the pages ask who is making the
    change (``pages.ui.common.identity``) before calling a command.
    """
    name = " ".join(actor.split())
    if not name:
        raise ChecklistError(NO_AUTHOR)
    return name


def _record(store: Store, plan_id: str, target: str, kind: EventKind, actor: str, value: str | None = None) -> None:
    author = _author(actor)
    with _storing(NOT_SAVED):
        store.record(plan_id, target, kind, value, author)


# ---- commands -----------------------------------------------------------------------------------


def tick(store: Store, plan_id: str, item_id: str, actor: str) -> None:
    _record(store, plan_id, item_id, TICK, actor)


def untick(store: Store, plan_id: str, item_id: str, actor: str) -> None:
    """Untick an item; the replay also withdraws its stage's sign-off, if any."""
    _record(store, plan_id, item_id, UNTICK, actor)


def note(store: Store, plan_id: str, item_id: str, text: str, actor: str) -> None:
    """Set an item's note, whitespace tidied and cut to ``NOTE_MAX_CHARS``; an empty note clears it."""
    _record(store, plan_id, item_id, NOTE, actor, " ".join(text.split())[:NOTE_MAX_CHARS])


def sign_off(store: Store, checklist: Checklist, plan: PlanRecord, stage_id: str, actor: str) -> Stage:
    """Sign a gated stage off and return it; refused unless the gate opens on what is saved now.

    The page may be showing a state that another browser has changed since,
    so the gate is checked against a fresh replay, not against what the user
    saw.  (The replay would ignore a sign-off that slipped past anyway.)
    """
    fresh = _states(store, [(checklist, plan)])[plan.plan_id].stage(stage_id)
    check = gate(fresh)
    if not check.can_sign:
        raise ChecklistError(f"Not signed off: {check.reason}.")
    _record(store, plan.plan_id, stage_id, SIGNOFF, actor)
    return fresh.stage


def reopen(store: Store, plan_id: str, stage_id: str, actor: str) -> None:
    """Withdraw a stage's sign-off so its items can be changed again."""
    _record(store, plan_id, stage_id, UNSIGNOFF, actor)


def reset(store: Store, plan_id: str, actor: str) -> None:
    """Clear every tick, note and sign-off of a plan; the events before it stay in the log."""
    _record(store, plan_id, PLAN_TARGET, RESET, actor)


def start_plan(store: Store, checklist: Checklist, subject: str, start: date, actor: str) -> tuple[PlanRecord, bool]:
    """The plan of ``checklist`` for ``subject`` (as ``clean_subject`` returns it), and whether it is new.

    One plan per checklist and subject: asking again for an existing plan
    returns that plan unchanged, whatever start date was asked for.
    """
    author = _author(actor)
    wanted = PlanRecord(id_of_plan(checklist.id, subject), checklist.id, subject, start, author, datetime.now())
    with _storing("The plan was not saved"):
        existing = store.plan(wanted.plan_id)
        if existing is not None:
            return existing, False
        store.create_plan(wanted)
    return wanted, True


def move_start(store: Store, plan_id: str, start: date) -> None:
    """Move day 1, and every due date with it; ticks and notes are kept."""
    with _storing("The start date was not changed"):
        store.update_plan_start(plan_id, start)


# ---- reads --------------------------------------------------------------------------------------


def plans_for(store: Store, checklists: Sequence[Checklist]) -> list[tuple[Checklist, PlanRecord]]:
    """Saved plans whose checklist is among ``checklists``, by subject then checklist order."""
    by_id = {c.id: c for c in checklists}
    with _storing(NOT_READ):
        saved = store.plans()
    found = [(by_id[p.checklist_id], p) for p in saved if p.checklist_id in by_id]
    return sorted(found, key=lambda cp: (cp[1].subject.casefold(), cp[0].order))


def progress_by_plan(
    store: Store, plans: Sequence[tuple[Checklist, PlanRecord]], today: date
) -> dict[str, PlanProgress]:
    """Every plan's progress, keyed by plan id: each from its snapshot plus the events after it."""
    return {pid: progress(state, today) for pid, state in _states(store, plans).items()}


def _states(store: Store, plans: Sequence[tuple[Checklist, PlanRecord]]) -> dict[str, PlanState]:
    """Each plan's state from its snapshot and the events after it: two reads, whatever the log's length.

    Snapshots that fell behind are brought up to date on the way; a failure
    to save one is only logged, since a snapshot is a shortcut and the
    events stay the truth.
    """
    with _storing(NOT_READ):
        saved = store.plan_snapshots([p.plan_id for _, p in plans])
        usable = {p.plan_id: usable_snapshot(c, saved.get(p.plan_id)) for c, p in plans}
        after = store.events_after({pid: snap.upto_seq if snap else -1 for pid, snap in usable.items()})
    events: dict[str, list[ChecklistEvent]] = {}
    for event in after:
        events.setdefault(event.plan_id, []).append(event)
    now = datetime.now()
    states: dict[str, PlanState] = {}
    newer: list[PlanSnapshot] = []
    for checklist, plan in plans:
        states[plan.plan_id], snapshot = resume(
            checklist, plan, usable[plan.plan_id], events.get(plan.plan_id, []), now
        )
        if snapshot is not None:
            newer.append(snapshot)
    try:
        store.save_snapshots(newer)
    except DuckDBError as exc:
        LOG.warning("%d plan snapshots not saved (%s: %s)", len(newer), type(exc).__name__, exc)
    return states


def plan_activity(store: Store, checklist: Checklist, plan_id: str) -> list[Activity]:
    """The plan's audit trail in words, newest first."""
    with _storing(NOT_READ):
        return activity(checklist, store.events(plan_id))
