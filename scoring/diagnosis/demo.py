"""The demo issues (``data/demo/issues.toml``): a handful on demo accounts, three of them one pattern.

Dates in the file are relative, so a fresh clone always shows a recent
pattern and one overdue promise, whatever day it is first opened.  The
records are marked ``demo`` so the page can label them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from scoring.catalog import CatalogError, read_toml
from scoring.diagnosis.intake import IntakeForm, check_intake
from scoring.diagnosis.model import ANSWER, CLOSE, ROUTE, EventKind, IssueRecord
from scoring.diagnosis.replay import event_value

DEMO_ISSUES_FILE = Path(__file__).resolve().parents[2] / "data" / "demo" / "issues.toml"
DemoEvent = tuple[EventKind, str, str, datetime]
_KINDS: dict[str, EventKind] = {ROUTE: ROUTE, ANSWER: ANSWER, CLOSE: CLOSE}


def _at(today: date, days_ago: int) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), time(10, 0))


def _event(entry: dict[str, Any], today: date, where: str) -> DemoEvent:
    kind = _KINDS.get(str(entry.get("kind")))
    if kind is None:
        raise CatalogError(DEMO_ISSUES_FILE.name, f"{where}.kind", "must be route, answer or close")
    at = _at(today, int(entry.get("days_ago", 0)))
    if kind == ROUTE:
        value = event_value(note=str(entry.get("note", "")))
    elif kind == ANSWER:
        value = event_value(answer=str(entry.get("answer", "")))
    else:
        value = event_value(told_on=at.date(), heard=str(entry.get("heard", "")), documented=True)
    return kind, value, str(entry.get("actor", "Demo")), at


def demo_issues(today: date) -> list[tuple[IssueRecord, list[DemoEvent]]]:
    """Each demo issue with its events, dated back from ``today``; CatalogError names a broken entry."""
    found = []
    for n, entry in enumerate(read_toml(DEMO_ISSUES_FILE).get("issues", []), start=1):
        where = f"issues #{n}"
        opened = _at(today, int(entry.get("days_ago", 0)))
        form = IntakeForm(
            account_id=str(entry.get("account_id", "")),
            symptom=str(entry.get("symptom", "")),
            goal=str(entry.get("goal", "")),
            technical_fact=str(entry.get("technical_fact", "")),
            business_impact=str(entry.get("business_impact", "")),
            tried=str(entry.get("tried", "")),
            restated=str(entry.get("restated", "")),
            confirmed=True,
            category_id=str(entry.get("category", "")),
            tag=str(entry.get("tag", "")),
            severity=str(entry.get("severity", "")),
            update_by=opened.date() + timedelta(days=int(entry.get("update_in_days", 7))),
        )
        try:
            account_id, intake = check_intake(form, opened.date())
        except ValueError as exc:
            raise CatalogError(DEMO_ISSUES_FILE.name, where, str(exc)) from None
        record = IssueRecord(
            issue_id=str(entry["id"]),
            account_id=account_id,
            account_name=str(entry.get("account_name", "")),
            intake=intake,
            opened_by=str(entry.get("opened_by", "Demo")),
            opened_at=opened,
            demo=True,
        )
        events = [_event(e, today, f"{where}.events #{k}") for k, e in enumerate(entry.get("events", []), start=1)]
        found.append((record, events))
    return found
