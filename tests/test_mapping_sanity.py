"""Mapped columns are checked against what their field can hold, and a mapping that fails is not remembered."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.catalog import get_model
from scoring.db import Store
from scoring.portfolio.ingest import sanity
from scoring.portfolio.ingest.mapping import resolve_mapping, signature

TECH = get_model("technical-csm")


def rows(*values: tuple[str | None, ...]) -> tuple[tuple[str | None, ...], ...]:
    return tuple(values)


@pytest.mark.parametrize(
    ("field", "cells", "flagged"),
    [
        ("usage_rate", ["35", "80%", "0.5", "100"], False),
        ("usage_rate", ["350", "800", "120", "40"], True),
        ("nps", ["-40", "10", "75", "100"], False),
        ("nps", ["-40", "150", "275", "300"], True),
        ("csat", ["4", "5", "3.5", "1"], False),  # 1-5
        ("csat", ["7", "9", "10", "8"], False),  # 1-10
        ("csat", ["88", "92", "71", "100"], False),  # 0-100
        ("csat", ["450", "720", "380", "90"], True),
        ("renewal_date", ["2027-01-31", "12/20/2026", "31.03.2027", ""], False),
        ("renewal_date", ["Gold", "Silver", "2027-01-31", "Bronze"], True),
        ("last_checkin", ["2026-10-02T10:00:00", "2026-11-01", None, "2026-09-30"], False),
    ],
)
def test_values_are_compared_with_what_the_field_holds(field: str, cells: list[str | None], flagged: bool) -> None:
    headers = ["Account ID", "Column"]
    sample = [("A1", c) for c in cells]
    problems = sanity.check("book.csv", headers, sample, {"Account ID": "account_id", "Column": field})
    assert bool(problems) is flagged
    if flagged:
        assert problems[0].file == "book.csv" and problems[0].column == "Column"
        assert "not remembered" in problems[0].fix


def test_more_active_users_than_seats_is_flagged_on_the_active_users_column() -> None:
    headers = ["Account ID", "Users", "Seats"]
    fields = {"Account ID": "account_id", "Users": "active_users", "Seats": "licensed_seats"}
    fine = [("A1", "5", "10"), ("A2", "10", "10"), ("A3", None, "4")]
    assert sanity.check("u.csv", headers, fine, fields) == []
    swapped = [("A1", "50", "10"), ("A2", "40", "10"), ("A3", "9", "4")]
    [problem] = sanity.check("u.csv", headers, swapped, fields)
    assert problem.column == "Users" and "Seats" in problem.message and problem.count == 3


def test_a_few_odd_values_are_not_enough_to_call_the_column_wrong() -> None:
    sample = [("A1", "40")] * 19 + [("A2", "140")]
    assert (
        sanity.check("u.csv", ["Account ID", "Usage"], sample, {"Account ID": "account_id", "Usage": "usage_rate"})
        == []
    )


def test_a_user_mapping_that_fails_is_flagged_and_not_remembered(db_path: Path) -> None:
    headers = ["Account ID", "Plan"]
    sample = rows(("A1", "Gold"), ("A2", "Silver"), ("A3", "Gold"))
    store = Store()
    mapping, problems = resolve_mapping(
        "crm.csv", headers, TECH, overrides={"Plan": "renewal_date"}, store=store, sample=sample
    )
    assert mapping.columns["Plan"] == "renewal_date" and mapping.reasons["Plan"] == "user"
    assert [p.column for p in problems] == ["Plan"]
    assert store.mapping(signature(headers)) is None
    store.close()


def test_a_user_mapping_that_fits_is_remembered_and_says_so_next_time(db_path: Path) -> None:
    headers = ["Account ID", "Contract"]
    sample = rows(("A1", "2027-01-31"), ("A2", "2026-12-20"))
    store = Store()
    _, problems = resolve_mapping(
        "crm.csv", headers, TECH, overrides={"Contract": "renewal_date"}, store=store, sample=sample
    )
    assert problems == []
    again, _ = resolve_mapping("crm.csv", headers, TECH, store=store, sample=sample)
    store.close()
    assert again.columns["Contract"] == "renewal_date"
    assert (again.reasons["Contract"], again.confidence["Contract"]) == ("remembered", "high")
