"""Outcomes files as CRMs export them: headers and values read, the unreadable reported."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from scoring.backtest.outcomes import detect_columns, read_outcomes, read_outcomes_csv


def _table(rows: dict[str, list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype=str)


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Account ID", "account_id"),
        ("account_id", "account_id"),
        ("Customer ID", "account_id"),
        ("Churn Date", "churn_date"),
        ("Churned?", "churn_flag"),
        ("Renewal Date", "renewal_date"),
        ("Outcome", "outcome"),
        ("Status", "outcome"),
        ("Stage", "outcome"),
        ("ARR Lost", "arr_lost"),
        ("Lost ARR (USD)", "arr_lost"),
        ("  renewal-date ", "renewal_date"),
        ("RenewalDate", "renewal_date"),
    ],
)
def test_headers_are_recognised_whatever_their_spelling(header: str, role: str) -> None:
    assert detect_columns([header]) == {role: header}


def test_account_id_beats_a_bare_id_column() -> None:
    assert detect_columns(["ID", "Account ID", "Outcome"])["account_id"] == "Account ID"


def test_every_documented_outcome_word_maps() -> None:
    words = {
        "Churned": "churned",
        "Lost": "churned",
        "Closed Lost": "churned",
        "Cancelled": "churned",
        "closed-lost": "churned",
        "Renewed": "renewed",
        "Won": "renewed",
        "Closed Won": "renewed",
        "Active": "renewed",
        "Contracted": "contracted",
        "DOWNGRADED": "contracted",
    }
    ids = [f"A{i}" for i in range(len(words))]
    table = _table({"Account ID": ids, "Renewal Date": ["2026-05-01"] * len(words), "Stage": list(words)})
    read = read_outcomes(table, "crm.csv")
    assert read.problems == ()
    assert [o.outcome for o in read.outcomes] == list(words.values())
    assert all(o.event_date == date(2026, 5, 1) for o in read.outcomes)


def test_unreadable_values_are_reported_with_count_rows_and_advice() -> None:
    table = _table(
        {
            "Customer ID": ["A1", "A2", "A3", "A4", "A5"],
            "Renewal Date": ["05/01/2026", "05/02/2026", "soon", "05/04/2026", "05/05/2026"],
            "Status": ["Renewed", "maybe", "Churned", "maybe", "Won"],
        }
    )
    read = read_outcomes(table, "renewals.csv")
    assert [o.account_id for o in read.outcomes] == ["A1", "A5"]
    by_value = {p.value: p for p in read.problems}
    maybe = by_value["maybe"]
    assert (maybe.kind, maybe.column, maybe.count, maybe.rows) == ("unreadable_value", "Status", 2, (3, 5))
    assert "renewals.csv" in maybe.message and "'Status'" in maybe.message and "Correct the value" in maybe.message
    soon = by_value["soon"]
    assert (soon.column, soon.count, soon.rows) == ("Renewal Date", 1, (4,))


def test_a_churn_date_file_marks_empty_dates_as_staying() -> None:
    table = _table({"account_id": ["A1", "A2"], "Churn Date": ["2026-03-31", ""]})
    read = read_outcomes(table, "churn.csv")
    assert [(o.outcome, o.event_date) for o in read.outcomes] == [("churned", date(2026, 3, 31)), ("renewed", None)]


def test_a_churn_flag_file_has_no_dates_and_reports_odd_flags() -> None:
    table = _table({"Account": ["A1", "A2", "A3"], "Churned?": ["Yes", "no", "perhaps"]})
    read = read_outcomes(table, "flags.csv")
    assert [(o.outcome, o.event_date) for o in read.outcomes] == [("churned", None), ("renewed", None)]
    assert [(p.value, p.count) for p in read.problems] == [("perhaps", 1)]


def test_arr_lost_is_read_as_money_and_duplicates_keep_the_latest_row() -> None:
    table = _table(
        {
            "Account ID": ["A1", "A1", "A2"],
            "Renewal Date": ["2026-01-31", "2026-07-31", "2026-02-28"],
            "Outcome": ["Renewed", "Churned", "Contracted"],
            "Lost ARR": ["", "$12,500", "€3,000"],
        }
    )
    read = read_outcomes(table, "crm.csv")
    assert [(o.account_id, o.outcome, o.arr_lost) for o in read.outcomes] == [
        ("A1", "churned", 12_500.0),
        ("A2", "contracted", 3_000.0),
    ]
    assert [p.kind for p in read.problems] == ["duplicate_account"]


def test_missing_columns_are_named_not_raised() -> None:
    read = read_outcomes(_table({"Account ID": ["A1"], "Notes": ["x"]}), "notes.csv")
    assert read.outcomes == ()
    (problem,) = read.problems
    assert problem.kind == "missing_column" and "'Notes'" in problem.message


def test_csv_bytes_with_a_bom_and_semicolons_are_read() -> None:
    data = "\ufeffAccount ID;Churned?;Churn Date\nA1;Yes;2026-04-30\nA2;No;\n".encode()
    read = read_outcomes_csv(data, "upload.csv")
    assert read.problems == ()
    assert [(o.account_id, o.outcome, o.event_date) for o in read.outcomes] == [
        ("A1", "churned", date(2026, 4, 30)),
        ("A2", "renewed", None),
    ]


def test_a_file_that_is_not_a_table_is_a_problem_not_a_traceback() -> None:
    read = read_outcomes_csv(b"", "empty.csv")
    assert read.outcomes == ()
    assert read.problems[0].kind == "unreadable_file" and "empty.csv" in read.problems[0].message
