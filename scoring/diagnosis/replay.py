"""An issue's current state, rebuilt from its intake and its append-only event log.

Nothing about an issue is updated in place.  The replay also holds the state
rules, so a change that slipped past a stale page (two people routing the
same issue, a close sent from an old tab) is ignored rather than corrupting
the state:

* open → routed → answered → closed, one step at a time;
* a new "update by" date is taken until the issue is closed;
* closing needs the customer told (a date and, in their terms, what they
  heard) and the issue documented on the account.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from scoring.diagnosis.model import (
    ANSWER,
    ANSWERED,
    CLOSE,
    CLOSED,
    OPEN,
    RECOMMIT,
    ROUTE,
    ROUTED,
    IssueEvent,
    IssueRecord,
    IssueStatus,
)


@dataclass(frozen=True)
class Mark:
    """Who did something and when."""

    actor: str
    at: datetime


@dataclass(frozen=True)
class Step:
    """One line of an issue's trail: what happened, by whom, when, and the words that came with it."""

    what: str
    mark: Mark
    detail: str


@dataclass(frozen=True)
class Closure:
    told_on: date
    heard: str  # what the customer heard, in their terms
    mark: Mark


@dataclass(frozen=True)
class IssueState:
    record: IssueRecord
    status: IssueStatus
    update_by: date  # the commitment in force
    route_note: str
    answer: str
    closure: Closure | None
    trail: tuple[Step, ...]  # oldest first, the intake included

    @property
    def issue_id(self) -> str:
        return self.record.issue_id

    @property
    def account_id(self) -> str:
        return self.record.account_id

    def overdue(self, today: date) -> bool:
        """The customer was promised an update by a day that has passed, and the loop is still open."""
        return self.status != CLOSED and self.update_by < today

    def days_overdue(self, today: date) -> int:
        return (today - self.update_by).days if self.overdue(today) else 0


def event_value(**fields: object) -> str:
    """An event's fields as the JSON text the log stores (dates as ISO strings)."""
    return json.dumps({k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()}, sort_keys=True)


def _fields(event: IssueEvent) -> dict[str, Any]:
    try:
        loaded = json.loads(event.value or "{}")
    except json.JSONDecodeError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _text(fields: dict[str, Any], key: str) -> str:
    value = fields.get(key)
    return value.strip() if isinstance(value, str) else ""


def _day(fields: dict[str, Any], key: str) -> date | None:
    try:
        return date.fromisoformat(str(fields.get(key)))
    except ValueError:
        return None


def close_problems(told_on: date | None, heard: str, documented: bool, today: date) -> list[str]:
    """Why a close would be refused; empty when it may go ahead.  The one statement of the closing rule."""
    problems = []
    if told_on is None:
        problems.append("Customer told: enter the day you gave the customer the answer.")
    elif told_on > today:
        problems.append("Customer told: the day cannot be in the future; close the issue once you have told them.")
    if not heard.strip():
        problems.append("What they heard: write one line of what the customer now knows, in their terms.")
    if not documented:
        problems.append("Documented on the account: record the issue and its answer on the account, then tick the box.")
    return problems


def replay(record: IssueRecord, events: Iterable[IssueEvent]) -> IssueState:
    """The issue after every event of its log, in sequence order; events a rule refuses are skipped."""
    status: IssueStatus = OPEN
    update_by = record.intake.update_by
    route_note = answer = ""
    closure: Closure | None = None
    trail = [Step("Logged", Mark(record.opened_by, record.opened_at), record.intake.restated)]
    for event in sorted((e for e in events if e.issue_id == record.issue_id), key=lambda e: e.seq):
        mark = Mark(event.actor or "unknown", event.at)
        fields = _fields(event)
        if event.kind == ROUTE and status == OPEN:
            status, route_note = ROUTED, _text(fields, "note")
            trail.append(Step("Routed", mark, route_note))
        elif event.kind == ANSWER and status == ROUTED and _text(fields, "answer"):
            status, answer = ANSWERED, _text(fields, "answer")
            trail.append(Step("Answered", mark, answer))
        elif event.kind == RECOMMIT and status != CLOSED and (day := _day(fields, "update_by")) is not None:
            update_by = day
            trail.append(Step(f"Update promised by {day:%d %b %Y}", mark, _text(fields, "reason")))
        elif event.kind == CLOSE and status == ANSWERED:
            told_on, heard = _day(fields, "told_on"), _text(fields, "heard")
            if told_on is not None and not close_problems(told_on, heard, fields.get("documented") is True, told_on):
                status, closure = CLOSED, Closure(told_on, heard, mark)
                trail.append(Step("Closed: customer told", mark, heard))
    return IssueState(record, status, update_by, route_note, answer, closure, tuple(trail))


def replay_all(records: Iterable[IssueRecord], events: Iterable[IssueEvent]) -> list[IssueState]:
    """Every issue's state from one read of the log, newest issue first."""
    by_issue: dict[str, list[IssueEvent]] = {}
    for event in events:
        by_issue.setdefault(event.issue_id, []).append(event)
    states = [replay(r, by_issue.get(r.issue_id, [])) for r in records]
    return sorted(states, key=lambda s: s.record.opened_at, reverse=True)


def overdue(states: Iterable[IssueState], today: date, account_id: str | None = None) -> list[IssueState]:
    """Open loops whose "update by" has passed, most overdue first; one account's when ``account_id`` is given."""
    late = [s for s in states if s.overdue(today) and (account_id is None or s.account_id == account_id)]
    return sorted(late, key=lambda s: s.update_by)
