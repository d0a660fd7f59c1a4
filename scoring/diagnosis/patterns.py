"""Patterns with evidence: many accounts with the same kind of issue in the same product area.

The seed's point is that Product acts on "three accounts in the same segment
hit this", not on one forwarded complaint.  A pattern is ``min_accounts`` or
more distinct accounts whose issues share a category and a tag, optionally
within one segment or one CSM's book when the loaded portfolio knows them.
Each carries its evidence: the accounts with ARR and health band, the first
and last dates, and the customers' own words.  Facts the portfolio does not
have stay ``None`` and are shown as "no data", never as zero.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from scoring.diagnosis.categories import categories
from scoring.diagnosis.intake import tag_key
from scoring.diagnosis.model import Category
from scoring.diagnosis.replay import IssueState

MIN_ACCOUNTS = 3
QUOTES_MAX = 5
GroupBy = Literal["segment", "csm"]
GROUP_LABELS: dict[GroupBy, str] = {"segment": "segment", "csm": "CSM"}


@dataclass(frozen=True)
class AccountFacts:
    """What the loaded portfolio knows about an account; ``None`` where it does not know."""

    account_id: str
    name: str | None = None
    segment: str | None = None
    csm: str | None = None
    arr: float | None = None
    band: str | None = None

    def group(self, by: GroupBy) -> str | None:
        return self.segment if by == "segment" else self.csm


@dataclass(frozen=True)
class PatternAccount:
    facts: AccountFacts
    issues: int

    @property
    def label(self) -> str:
        return self.facts.name or self.facts.account_id


@dataclass(frozen=True)
class Quote:
    account: str
    words: str
    on: date


@dataclass(frozen=True)
class Pattern:
    category: Category
    tag: str  # as first typed
    by: GroupBy | None
    group: str | None  # the segment or CSM, when grouped and known
    accounts: tuple[PatternAccount, ...]
    issue_ids: tuple[str, ...]
    first: date
    last: date
    quotes: tuple[Quote, ...]

    @property
    def id(self) -> str:
        """A stable, shell-friendly id: category/tag[/group], what `python -m scoring issues export` takes."""
        parts = [self.category.id, _slug(self.tag)]
        if self.by is not None:
            parts.append(_slug(self.group or "unknown"))
        return "/".join(parts)

    @property
    def arr(self) -> float | None:
        """Total ARR of the accounts whose ARR is known; None when none is."""
        known = [a.facts.arr for a in self.accounts if a.facts.arr is not None]
        return sum(known) if known else None

    @property
    def arr_unknown(self) -> int:
        return sum(a.facts.arr is None for a in self.accounts)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "x"


def facts_of(facts: Mapping[str, AccountFacts], state: IssueState) -> AccountFacts:
    """The portfolio's facts for the issue's account, or just the name logged with the issue."""
    known = facts.get(state.account_id)
    if known is not None:
        return known
    return AccountFacts(state.account_id, name=state.record.account_name or None)


def find_patterns(
    states: Iterable[IssueState],
    facts: Mapping[str, AccountFacts],
    min_accounts: int = MIN_ACCOUNTS,
    by: GroupBy | None = None,
) -> list[Pattern]:
    """Every group of ``min_accounts``+ accounts sharing category and tag (and segment/CSM with ``by``).

    Closed issues count: a loop closed with "not on the roadmap" is still
    evidence.  Largest patterns first, then by ARR.
    """
    groups: dict[tuple[str, str, str | None], list[IssueState]] = {}
    for state in states:
        group = facts_of(facts, state).group(by) if by is not None else None
        key = (state.record.intake.category_id, tag_key(state.record.intake.tag), group)
        groups.setdefault(key, []).append(state)
    found = []
    for (category_id, _, group), members in groups.items():
        accounts: dict[str, int] = {}
        for s in members:
            accounts[s.account_id] = accounts.get(s.account_id, 0) + 1
        if len(accounts) < max(1, min_accounts) or category_id not in categories():
            continue
        members.sort(key=lambda s: s.record.opened_at)
        quotes = [
            Quote(facts_of(facts, s).name or s.account_id, s.record.intake.symptom, s.record.opened_at.date())
            for s in members
            if s.record.intake.symptom
        ]
        found.append(
            Pattern(
                category=categories()[category_id],
                tag=members[0].record.intake.tag,
                by=by,
                group=group,
                accounts=tuple(PatternAccount(facts_of(facts, m), accounts[m.account_id]) for m in _firsts(members)),
                issue_ids=tuple(s.issue_id for s in members),
                first=members[0].record.opened_at.date(),
                last=members[-1].record.opened_at.date(),
                quotes=tuple(quotes[:QUOTES_MAX]),
            )
        )
    return sorted(found, key=lambda p: (-len(p.accounts), -(p.arr or 0), p.id))


def _firsts(members: list[IssueState]) -> list[IssueState]:
    seen: set[str] = set()
    firsts = []
    for s in members:
        if s.account_id not in seen:
            seen.add(s.account_id)
            firsts.append(s)
    return firsts


def pattern_by_id(patterns: Iterable[Pattern], pattern_id: str) -> Pattern | None:
    wanted = pattern_id.strip().casefold()
    return next((p for p in patterns if p.id == wanted), None)
