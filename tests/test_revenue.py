"""Renewal forecast, revenue retention and expansion signals (scoring.revenue) on hand-computed examples."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.portfolio.contract import Export, att_column
from scoring.revenue.expansion import expansion_rules, promoters, reference_candidates, score_expansion
from scoring.revenue.extras import read_extras
from scoring.revenue.forecast import forecast, horizon_table, quarter_table, sales_ops_csv
from scoring.revenue.rates import RenewalRates
from scoring.revenue.retention import retention

AS_OF = date(2026, 10, 31)


def book(*rows: tuple[str, str, float | None, str | None]) -> pd.DataFrame:
    """Accounts as the portfolio hands them over: id, band, ARR, renewal date."""
    return pd.DataFrame(
        {
            "account_id": [r[0] for r in rows],
            "account_name": [f"Name {r[0]}" for r in rows],
            "band": [r[1] for r in rows],
            "score": [85.0 if r[1] == "green" else 50.0 for r in rows],
            "arr": [r[2] for r in rows],
            "renewal_date": pd.to_datetime([r[3] for r in rows]),
            "weakest": ["Usage rate"] * len(rows),
        }
    )


def test_forecast_buckets_arr_and_expected_arr_by_horizon_and_band() -> None:
    accounts = book(
        ("A", "green", 100.0, "2026-11-20"),  # 20 days
        ("B", "red", 200.0, "2026-12-25"),  # 55 days
        ("C", "yellow", 400.0, "2027-02-20"),  # 112 days
        ("D", "green", 800.0, "2027-06-01"),  # 213 days: beyond 180
    )
    fc = forecast(accounts, AS_OF, RenewalRates(green=0.9, yellow=0.5, red=0.25))
    table = horizon_table(fc).set_index("window")
    assert table.loc["within 30 days", "accounts"] == 1
    assert table.loc["within 30 days", "expected_arr"] == pytest.approx(90.0)
    assert table.loc["within 60 days", "arr"] == pytest.approx(300.0)
    assert table.loc["within 60 days", "expected_arr"] == pytest.approx(90.0 + 50.0)
    assert table.loc["within 60 days", "red"] == 1
    assert table.loc["within 120 days", "expected_arr"] == pytest.approx(90.0 + 50.0 + 200.0)
    assert table.loc["within 180 days", "accounts"] == 3
    assert list(fc.sales_ops_due["account_id"]) == ["A", "B", "C"]
    assert list(fc.weekly["account_id"]) == ["A", "B"]


def test_each_horizon_counts_the_accounts_too_sparse_for_a_band_and_their_arr() -> None:
    """An unbanded renewal is counted in its own column, so the band columns add up to the accounts."""
    accounts = book(
        ("A", "insufficient", 100.0, "2026-11-20"),
        ("B", "insufficient", 200.0, "2026-11-25"),
        ("C", "red", 400.0, "2026-12-25"),
    )
    fc = forecast(accounts, AS_OF, RenewalRates(red=0.5, insufficient=0.25))
    table = horizon_table(fc).set_index("window")
    bands = ["red", "yellow", "green", "insufficient"]
    assert table.loc["within 30 days", bands].tolist() == [0, 0, 0, 2]
    assert (table[bands].sum(axis=1) == table["accounts"]).all()
    assert table.loc["within 30 days", "expected_arr"] == pytest.approx(75.0)
    within_60 = fc.horizons[1]
    assert within_60.arr_by_band == {"insufficient": 300.0, "red": 400.0}
    assert sum(within_60.arr_by_band.values()) == pytest.approx(within_60.arr)


def test_accounts_without_arr_or_renewal_date_are_set_apart_not_counted_as_zero() -> None:
    accounts = book(
        ("A", "green", 100.0, "2026-11-20"),
        ("B", "red", None, "2026-11-25"),
        ("C", "red", 300.0, None),
        ("D", "yellow", 50.0, "2026-09-01"),  # already passed
    )
    fc = forecast(accounts, AS_OF)
    assert list(fc.accounts["account_id"]) == ["A"]
    assert set(fc.missing["account_id"]) == {"B", "C"}
    reasons = dict(zip(fc.missing["account_id"], fc.missing["reason"], strict=True))
    assert "ARR column" in reasons["B"]
    assert "renewal date column" in reasons["C"]
    assert list(fc.lapsed["account_id"]) == ["D"]
    assert horizon_table(fc)["arr"].iloc[0] == pytest.approx(100.0)


def test_a_renewal_within_90_days_with_no_arr_stays_on_the_weekly_watch() -> None:
    accounts = book(
        ("A", "green", 100.0, "2026-11-20"),
        ("B", "red", None, "2026-11-25"),  # 25 days out, no ARR
        ("E", "red", None, "2027-06-01"),  # no ARR, but far out
        ("F", "red", None, "2026-10-01"),  # no ARR, already passed
        ("C", "red", 300.0, None),
    )
    fc = forecast(accounts, AS_OF)
    assert list(fc.weekly["account_id"]) == ["A"]  # the ARR figures stay those of accounts with ARR
    assert list(fc.weekly_without_arr["account_id"]) == ["B"]


def test_a_renewal_with_no_arr_counts_in_its_windows_in_no_arr_figure() -> None:
    """B renews in 25 days with no ARR: 'within 30 days' counts it (it said 1 account, A only) and its
    red band, and its ARR is unknown there, not $0; from 60 days on, A's ARR is what is known."""
    accounts = book(
        ("A", "green", 100.0, "2026-12-20"),  # 50 days
        ("B", "red", None, "2026-11-25"),  # 25 days out, no ARR
        ("E", "yellow", None, "2027-06-01"),  # no ARR, beyond 180 days
        ("F", "red", None, "2026-10-01"),  # no ARR, already passed
    )
    fc = forecast(accounts, AS_OF, RenewalRates(green=0.9))
    table = horizon_table(fc).set_index("window")
    assert table.loc["within 30 days", ["accounts", "red", "green", "without_arr"]].tolist() == [1, 1, 0, 1]
    assert pd.isna(table.loc["within 30 days", "arr"]) and pd.isna(table.loc["within 30 days", "expected_arr"])
    assert table.loc["within 60 days", ["accounts", "red", "green", "without_arr"]].tolist() == [2, 1, 1, 1]
    assert table.loc["within 60 days", "arr"] == pytest.approx(100.0)
    assert table.loc["within 60 days", "expected_arr"] == pytest.approx(90.0)
    assert table.loc["within 180 days", "accounts"] == 2  # E renews later, F has passed
    assert fc.horizons[0].arr_by_band == {}  # nothing priced to draw in the first window
    window = fc.weekly_window
    assert (window.accounts, window.without_arr, window.arr) == (2, 1, pytest.approx(100.0))


def test_a_renewal_with_no_arr_is_a_logo_in_its_quarter_and_in_no_grr() -> None:
    """Logo retention needs a band's rate, not ARR: B (red, no ARR) counts among 2026Q4's renewals and
    pulls its logo retention down, while GRR stays A's; C alone in 2027Q1 has a logo figure and no ARR one."""
    accounts = book(
        ("A", "green", 100.0, "2026-11-20"),
        ("B", "red", None, "2026-12-20"),
        ("C", "yellow", None, "2027-02-01"),
    )
    fc = forecast(accounts, AS_OF, RenewalRates(green=0.9, yellow=0.5, red=0.5))
    table = quarter_table(fc).set_index("quarter")
    assert table.loc["2026Q4", ["accounts", "without_arr"]].tolist() == [2, 1]
    assert table.loc["2026Q4", "expiring_arr"] == pytest.approx(100.0)
    assert table.loc["2026Q4", "grr"] == pytest.approx(0.9)
    assert table.loc["2026Q4", "logo"] == pytest.approx((0.9 + 0.5) / 2)
    assert table.loc["2027Q1", ["accounts", "without_arr"]].tolist() == [1, 1]
    assert table.loc["2027Q1", ["expiring_arr", "expected_arr", "grr", "grr_low", "grr_high"]].isna().all()
    assert table.loc["2027Q1", "logo"] == pytest.approx(0.5)


def test_a_renewal_with_no_arr_is_on_the_sales_ops_list_with_its_arr_left_empty() -> None:
    """Sales Ops may know the amount; a renewal left off their list is never forecast at all."""
    accounts = book(
        ("A", "green", 100.0, "2026-12-20"),  # 50 days
        ("B", "red", None, "2026-11-25"),  # 25 days out, no ARR
        ("E", "yellow", None, "2027-06-01"),  # no ARR, beyond 120 days
    )
    fc = forecast(accounts, AS_OF)
    due = fc.sales_ops_due
    assert list(due["account_id"]) == ["B", "A"]  # soonest first, whatever the ARR
    assert pd.isna(due.loc[0, "arr"]) and pd.isna(due.loc[0, "expected_arr"])
    assert list(fc.accounts["account_id"]) == ["A"]  # the ARR figures stay the priced renewals'
    rows = list(csv.DictReader(io.StringIO(sales_ops_csv(fc))))
    assert (rows[0]["account_id"], rows[0]["arr"], rows[0]["expected_arr"]) == ("B", "", "")
    assert rows[0]["rate"] == "0.6" and rows[0]["weekly"] == "true"
    assert fc.sales_ops_arr == pytest.approx(100.0)
    only_b = forecast(book(("A", "green", 100.0, "2027-06-20"), ("B", "red", None, "2026-11-25")), AS_OF)
    assert list(only_b.sales_ops_due["account_id"]) == ["B"] and only_b.sales_ops_arr is None  # unknown, not $0
    none_due = forecast(book(("A", "green", 100.0, "2027-06-20")), AS_OF)
    assert none_due.sales_ops_due.empty and none_due.sales_ops_arr == 0.0  # nothing due: a true $0


def test_the_no_arr_column_is_there_only_when_a_window_or_quarter_holds_such_a_renewal() -> None:
    priced = forecast(book(("A", "green", 100.0, "2026-11-20"), ("C", "red", None, None)), AS_OF)
    assert "without_arr" not in horizon_table(priced).columns
    assert "without_arr" not in quarter_table(priced).columns
    assert horizon_table(priced).loc[0, "arr"] == pytest.approx(100.0)
    empty = forecast(book(("A", "green", 100.0, "2027-09-01")), AS_OF)
    assert horizon_table(empty)["arr"].tolist() == [0.0] * 5  # nothing renews: a true $0, not an unknown


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["green", "yellow", "red", "insufficient"]),
            st.one_of(st.none(), st.floats(1, 1e7)),
            st.one_of(st.none(), st.integers(-30, 400)),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_every_window_counts_each_coming_renewal_once_whatever_its_arr(
    rows: list[tuple[str, float | None, int | None]],
) -> None:
    """Band columns add up to the accounts, the ARR figures are the priced renewals' alone, and the
    90-day window is the weekly watch: the accounts it counts are the tile's."""

    def renewal(days: int | None) -> str | None:
        return None if days is None else (pd.Timestamp(AS_OF) + pd.Timedelta(days=days)).date().isoformat()

    accounts = book(*((f"A{i}", band, arr, renewal(d)) for i, (band, arr, d) in enumerate(rows)))
    fc = forecast(accounts, AS_OF)
    for bucket, horizon in zip(fc.horizons, (30, 60, 90, 120, 180), strict=True):
        coming = [(arr, d) for (_, arr, d) in rows if d is not None and 0 <= d <= horizon]
        assert bucket.accounts == len(coming) == sum(bucket.by_band.values())
        assert bucket.without_arr == sum(arr is None for arr, _ in coming)
        priced = [arr for arr, _ in coming if arr is not None]
        if priced:
            assert bucket.arr == pytest.approx(sum(priced))
        elif coming:  # renewals, none with ARR: an unknown amount, not $0
            assert bucket.arr is None and bucket.expected_arr is None
        else:  # nothing renews: $0 when the book prices its renewals, unknown when it prices none
            assert bucket.arr == (0.0 if fc.priced else None)
    assert sum(q.accounts for q in fc.quarters) == sum(1 for *_, d in rows if d is not None and d >= 0)
    assert len(fc.sales_ops_due) == sum(1 for *_, d in rows if d is not None and 0 <= d <= 120)
    ninety = fc.horizons[2]
    assert (fc.weekly_window.accounts, fc.weekly_window.without_arr) == (ninety.accounts, ninety.without_arr)
    assert fc.weekly_window.arr == ninety.arr


def test_quarter_outlook_is_expected_over_expiring_with_a_range_around_it() -> None:
    accounts = book(("A", "green", 100.0, "2026-11-20"), ("B", "red", 100.0, "2026-12-20"))
    fc = forecast(accounts, AS_OF, RenewalRates(green=1.0, yellow=0.5, red=0.5))
    q = quarter_table(fc).iloc[0]
    assert q["quarter"] == "2026Q4"
    assert q["grr"] == pytest.approx(0.75)
    assert q["logo"] == pytest.approx(0.75)
    assert q["grr_low"] < q["grr"] < q["grr_high"] <= 1.0
    certain = forecast(book(("A", "green", 100.0, "2026-11-20")), AS_OF, RenewalRates(green=1.0))
    only = quarter_table(certain).iloc[0]
    assert only["grr_low"] == only["grr"] == only["grr_high"] == 1.0


@settings(deadline=None, max_examples=60)  # a loaded shared machine: no timing in tests
@given(st.lists(st.tuples(st.sampled_from(["green", "yellow", "red"]), st.floats(1, 1e7)), min_size=1, max_size=30))
def test_expected_grr_and_its_range_stay_between_zero_and_one(rows: list[tuple[str, float]]) -> None:
    accounts = book(*((f"A{i}", band, arr, "2026-12-01") for i, (band, arr) in enumerate(rows)))
    q = forecast(accounts, AS_OF).quarters[0]
    assert 0.0 <= q.grr_low <= q.grr <= q.grr_high <= 1.0
    assert q.expected_arr <= q.expiring_arr + 1e-6


def test_rates_outside_zero_to_one_are_named() -> None:
    assert RenewalRates().problems() == []
    assert "red renewal rate is 1.5" in RenewalRates(red=1.5).problems()[0]


def test_a_renewal_falls_in_its_calendar_quarter() -> None:
    accounts = book(
        ("A", "green", 1.0, "2026-12-31"), ("B", "green", 1.0, "2027-01-01"), ("C", "red", 1.0, "2027-03-31")
    )
    fc = forecast(accounts, AS_OF)
    assert dict(zip(fc.accounts["account_id"], fc.accounts["quarter"], strict=True)) == {
        "A": "2026Q4",
        "B": "2027Q1",
        "C": "2027Q1",
    }
    assert [q.quarter for q in fc.quarters] == ["2026Q4", "2027Q1"]


def test_grr_and_nrr_on_the_issue_example() -> None:
    """Starting ARR 100, churn 10, contraction 5, expansion 25: GRR 85%, NRR 110%."""
    start = {"churned": 10.0, "shrank": 40.0, "grew": 25.0, "flat": 25.0}
    end = {"shrank": 35.0, "grew": 50.0, "flat": 25.0, "new": 70.0}
    r = retention(start, end)
    assert r is not None
    assert (r.starting_arr, r.churn, r.contraction, r.expansion) == (100.0, 10.0, 5.0, 25.0)
    assert r.grr == pytest.approx(0.85)
    assert r.nrr == pytest.approx(1.10)
    assert r.ending_arr == pytest.approx(110.0)
    assert r.logo_retention == pytest.approx(0.75)
    assert r.expansion_share == pytest.approx(0.25)
    assert (r.new_logos, r.new_arr) == (1, 70.0)
    met = {label: ok for label, _, _, ok in r.against_targets()}
    assert met == {
        "Gross revenue retention": False,
        "Net revenue retention": True,
        "Logo retention": False,
        "Expansion ARR / starting ARR": True,
    }


def test_retention_needs_a_starting_book() -> None:
    assert retention({}, {"a": 10.0}) is None
    assert retention({"a": 0.0}, {"a": 10.0}) is None


def test_expansion_signals_are_seed_004s_five_with_their_points() -> None:
    rules = expansion_rules()
    assert [s.points for s in rules.signals] == [3, 3, 2, 2, 2]
    assert [s.source for s in rules.signals] == ["seats", "flag", "flag", "flag", "renewal"]
    assert all(s.action for s in rules.signals)
    assert rules.green_days == 60 and rules.green_periods == 3


def expansion_book() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "account_id": ["A", "B", "C", "D"],
            "account_name": ["a", "b", "c", "d"],
            "band": ["green", "green", "green", "yellow"],
            "score": [90.0, 88.0, 85.0, 70.0],
            "arr": [100.0, 200.0, None, 50.0],
            "days_to_renewal": [30, 30, 200, 10],
            "periods_in_band": [3, 2, 12, 5],
        }
    )
    frame[att_column("seat_utilization")] = [0.85, 0.95, 0.80, 0.99]
    return frame


def test_expansion_points_add_up_and_need_sixty_days_in_green() -> None:
    flags = {"A": frozenset({"new_department"}), "C": frozenset({"premium_requests"})}
    scored = score_expansion(expansion_book(), flags)
    by_id = scored.set_index("account_id")
    assert by_id.loc["A", "points"] == 3 + 3 + 2  # seats, new department, renewal in 30 days
    assert by_id.loc["B", "points"] == 3 + 2
    assert by_id.loc["C", "points"] == 2  # 80% of seats is not *more than* 80%
    assert by_id.loc["D", "points"] == 3 + 2
    assert bool(by_id.loc["A", "ready"])
    assert not by_id.loc["B", "ready"]  # two green months are not 60 days
    assert not by_id.loc["D", "ready"]  # not green
    assert by_id.loc["A", "next_step"] == expansion_rules().signals[0].action
    assert scored["account_id"].iloc[0] == "A"
    assert list(score_expansion(expansion_book(), {}, threshold=6)["ready"]).count(True) == 0


def test_promoters_on_either_nps_scale_and_reference_candidates_are_green() -> None:
    assert promoters({"a": 9.0, "b": 8.5}, 10) == {"a"}
    assert promoters({"a": 80.0, "b": 79.0, "c": -20.0}, 100) == {"a"}
    fans = reference_candidates(expansion_book(), {"A": 90.0, "D": 95.0, "B": 10.0}, 100)
    assert list(fans["account_id"]) == ["A"]  # D is a promoter but yellow
    assert fans["suggested_tier"].iloc[0] == "Casual reference"


def test_extras_read_arr_by_month_latest_nps_seats_and_flags() -> None:
    csv = (
        b"Account ID,Month,ARR,NPS,Active Users,Licensed Seats,New Department Interest\n"
        b'A,2026-01,"$1,000",30,5,10,no\n'
        b'A,2026-06,"$1,200",-20,8,10,yes\n'
        b"B,2026-01,500,,2,4,\n"
        b"B,2026-06,oops,,3,4,\n"
    )
    found = read_extras([Export("usage.csv", csv)], expansion_rules().flag_columns())
    assert found.arr_by_month == {"2026-01": {"A": 1000.0, "B": 500.0}, "2026-06": {"A": 1200.0}}
    assert found.nps == {"A": -20.0}  # the latest month, negative kept
    assert found.seats("A") == (8.0, 10.0)
    assert found.seats("nobody") == (None, None)
    assert found.flags == {"A": frozenset({"new_department"})}
    assert found.flag_columns == {"new_department": "New Department Interest"}


def test_extras_skip_a_workbook_with_a_note() -> None:
    found = read_extras([Export("book.xlsx", b"PK\x03\x04rest")], {})
    assert found.arr_by_month == {} and "book.xlsx" in found.notes[0]


def test_the_sales_ops_csv_lists_the_120_day_renewals_with_formula_names_neutralised() -> None:
    accounts = book(("A", "green", 100.0, "2026-11-20"), ("B", "red", 200.0, "2027-06-01"))
    accounts.loc[0, "account_name"] = "=HYPERLINK(1)"
    text = sales_ops_csv(forecast(accounts, AS_OF))
    lines = text.splitlines()
    assert lines[0].startswith("account_id,account_name,band,score,arr,rate,expected_arr,renewal_date")
    assert len(lines) == 2 and lines[1].startswith("A,'=HYPERLINK(1),green")
    assert "2026-11-20" in lines[1]
