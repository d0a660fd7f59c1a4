"""What the page and the CLI do to customer issues: the commands that append, and the reads behind every view.

Each command checks the rule against a fresh replay of what is saved (not
what a possibly stale page showed) and then writes one row.  A refusal or a
failed write raises ``IssueError`` with a sentence a user can act on; the
engine's own text goes to the server log, never to the page.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from scoring.db import DuckDBError, Store, issue_store
from scoring.diagnosis.demo import demo_issues
from scoring.diagnosis.intake import LINE_MAX_CHARS, IntakeForm, check_intake, tidy
from scoring.diagnosis.model import (
    ANSWER,
    ANSWERED,
    CLOSE,
    CLOSED,
    OPEN,
    RECOMMIT,
    ROUTE,
    ROUTED,
    IssueRecord,
)
from scoring.diagnosis.replay import IssueState, close_problems, event_value, replay, replay_all

LOG = logging.getLogger(__name__)
NOT_SAVED = "That change was not saved. Please try again."
NOT_READ = "The saved issues could not be read. Reload the page to try again."


class IssueError(RuntimeError):
    """A change refused by a rule, or not saved, or issues not read; the message is for the user."""


@contextmanager
def _storing(message: str) -> Iterator[None]:
    try:
        yield
    except DuckDBError as exc:
        LOG.warning("%s (%s: %s)", message, type(exc).__name__, exc)
        raise IssueError(message) from exc


def _fresh(store: Store, issue_id: str) -> IssueState:
    with _storing(NOT_READ):
        tables = issue_store(store)
        record = next((r for r in tables.records() if r.issue_id == issue_id), None)
        if record is None:
            raise IssueError(f"There is no issue {issue_id}. Reload the page to see the saved issues.")
        return replay(record, tables.events(issue_id))


def _need(state: IssueState, status: str, doing: str) -> None:
    if state.status != status:
        raise IssueError(
            f"{state.issue_id} is {state.status}, so it cannot be {doing}; reload to see its latest state."
        )


# ---- commands -----------------------------------------------------------------------------------


def open_issue(store: Store, form: IntakeForm, account_name: str, actor: str, today: date) -> str:
    """Save a new issue and return its id; IssueError lists every field to fix."""
    try:
        account_id, intake = check_intake(form, today)
    except ValueError as exc:
        raise IssueError(str(exc)) from None
    author = tidy(actor, 60)
    if not author:
        raise IssueError("Give your name before logging an issue: every issue records who opened it.")
    record = IssueRecord("", account_id, tidy(account_name, 80), intake, author, datetime.now())
    with _storing("The issue was not saved. Please try again."):
        return issue_store(store).create(record)


def route(store: Store, issue_id: str, note: str, actor: str) -> None:
    """Hand the issue to its next owner (or, for training and workflow issues, to your own follow-up)."""
    _need(_fresh(store, issue_id), OPEN, "routed")
    with _storing(NOT_SAVED):
        issue_store(store).record_event(issue_id, ROUTE, event_value(note=tidy(note, LINE_MAX_CHARS)), actor)


def answer(store: Store, issue_id: str, text: str, actor: str) -> None:
    """Record the answer that came back (a fix, a workaround, or "not on the roadmap")."""
    state = _fresh(store, issue_id)
    _need(state, ROUTED, "answered")
    words = tidy(text, LINE_MAX_CHARS)
    if not words:
        raise IssueError('Answer: write what came back, even when it is "not on the roadmap right now".')
    with _storing(NOT_SAVED):
        issue_store(store).record_event(issue_id, ANSWER, event_value(answer=words), actor)


def recommit(store: Store, issue_id: str, update_by: date, reason: str, actor: str, today: date) -> None:
    """Promise the customer a new update date; refused for a closed issue or a day already past."""
    state = _fresh(store, issue_id)
    if state.status == CLOSED:
        raise IssueError(f"{issue_id} is closed; there is no update left to promise.")
    if update_by < today:
        raise IssueError("Update by: pick today or a later date.")
    value = event_value(update_by=update_by, reason=tidy(reason, LINE_MAX_CHARS))
    with _storing(NOT_SAVED):
        issue_store(store).record_event(issue_id, RECOMMIT, value, actor)


def close(
    store: Store, issue_id: str, told_on: date | None, heard: str, documented: bool, actor: str, today: date
) -> None:
    """Close the loop; refused unless the issue is answered, the customer was told and it is documented."""
    state = _fresh(store, issue_id)
    if state.status != ANSWERED:
        raise IssueError(
            f"{issue_id} is {state.status}: record the answer first, then close it once the customer has heard it."
        )
    words = tidy(heard, LINE_MAX_CHARS)
    problems = close_problems(told_on, words, documented, today)
    if problems:
        raise IssueError("Not closed. " + " ".join(problems))
    with _storing(NOT_SAVED):
        issue_store(store).record_event(
            issue_id, CLOSE, event_value(told_on=told_on, heard=words, documented=True), actor
        )


def seed_demo(store: Store) -> int:
    """Load the demo issues into a store that has no issues yet; returns how many were added.

    Demo ids are fixed (``DEMO-n``) and inserted with ON CONFLICT DO NOTHING,
    so two sessions seeding at once cannot duplicate them; their events are
    written only by the session whose insert went in.
    """
    with _storing("The demo issues could not be loaded."):
        tables = issue_store(store)
        if tables.count():
            return 0
        added = 0
        for record, events in demo_issues(date.today()):
            if tables.insert_fixed(record):
                added += 1
                for kind, value, actor, at in events:
                    tables.record_event(record.issue_id, kind, value, actor, at)
        return added


# ---- reads --------------------------------------------------------------------------------------


def all_issues(store: Store) -> list[IssueState]:
    """Every issue's current state, newest first, from one read of each table."""
    with _storing(NOT_READ):
        tables = issue_store(store)
        return replay_all(tables.records(), tables.events())


def tags_in_use(states: list[IssueState]) -> list[str]:
    """Existing product areas, most used first, each in its most used spelling, for the intake's suggestions."""
    spellings: dict[str, Counter[str]] = {}
    for s in states:
        tag = s.record.intake.tag
        spellings.setdefault(tag.casefold(), Counter())[tag] += 1
    ranked = sorted(spellings.items(), key=lambda kv: (-kv[1].total(), kv[0]))
    return [counts.most_common(1)[0][0] for _, counts in ranked]
