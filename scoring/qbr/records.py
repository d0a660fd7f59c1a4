"""The QBR records the store keeps: the CSM's notes per account and quarter, and account facts.

Kept apart from ``notes`` (which saves them) so ``scoring.db`` can build them
without importing anything that imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class QbrNotes:
    """One account's notes for one quarter; text fields hold one item per line."""

    achievements: str = ""
    time_saved: str = ""
    cost_reduction: str = ""
    other_impact: str = ""
    risks: str = ""
    goals: str = ""
    held_on: date | None = None  # the day the QBR took place, for the completion rate


@dataclass(frozen=True)
class AccountProfile:
    """Account facts the exports rarely carry: when the partnership began, the reference tier."""

    customer_since: date | None = None
    reference_tier: int | None = None
