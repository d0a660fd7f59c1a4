"""The shapes of the diagnosis loop: an issue category, a logged issue, and one event of its log.

Categories are data (``scoring/catalog/issue_categories.toml``, read by
``scoring.diagnosis.categories``).  An issue's intake (``IssueRecord``) is
written once and never changed; everything that happens afterwards (routing,
an answer, a new "update by" date, closing) is an ``IssueEvent`` appended to
its log, so the state is always the replay of the log and the log is the
audit trail.  The records live here, with the domain, so ``scoring.db`` only
fills them in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal

IssueStatus = Literal["open", "routed", "answered", "closed"]
OPEN: Final = "open"
ROUTED: Final = "routed"
ANSWERED: Final = "answered"
CLOSED: Final = "closed"
STATUSES: tuple[IssueStatus, ...] = (OPEN, ROUTED, ANSWERED, CLOSED)

EventKind = Literal["route", "answer", "recommit", "close"]
ROUTE: Final = "route"
ANSWER: Final = "answer"
RECOMMIT: Final = "recommit"
CLOSE: Final = "close"

Severity = Literal["low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high", "critical")


@dataclass(frozen=True)
class Category:
    """One kind of issue and its next step.  ``id`` is what issues are stored against."""

    id: str
    name: str
    routes_to: str
    needs: str
    resource: str
    template: tuple[str, ...]
    health: bool


@dataclass(frozen=True)
class Intake:
    """The diagnosis questions, answered: what the CSM learned before prescribing anything."""

    symptom: str  # in the customer's words
    goal: str  # what they were trying to accomplish
    technical_fact: str
    business_impact: str
    tried: str  # what they already tried
    restated: str  # the issue in the CSM's words
    confirmed: bool  # the restatement was confirmed with the customer
    category_id: str
    tag: str  # product area, free text
    severity: Severity
    update_by: date  # the first commitment to the customer


@dataclass(frozen=True)
class IssueRecord:
    """A saved intake: written once, never updated."""

    issue_id: str
    account_id: str
    account_name: str
    intake: Intake
    opened_by: str
    opened_at: datetime
    demo: bool = False


@dataclass(frozen=True)
class IssueEvent:
    """One change to an issue; ``value`` holds the event's fields as JSON text."""

    seq: int
    issue_id: str
    kind: EventKind
    value: str | None
    actor: str | None
    at: datetime
