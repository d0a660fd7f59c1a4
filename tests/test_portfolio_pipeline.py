"""The portfolio pipeline end to end: demo data, joins, trends, bad input, CLI and export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from scoring.actions import band_action
from scoring.catalog import get_model, preset_models
from scoring.cli.main import main
from scoring.csv_export import rows_to_csv, to_csv
from scoring.db import Connection, Store
from scoring.engine import score
from scoring.model import Model
from scoring.portfolio import demo_exports, load_portfolio, one_pass
from scoring.portfolio import run as run_module
from scoring.portfolio.contract import Export, PortfolioResult, RunSummary
from scoring.portfolio.ingest.read import Opened
from scoring.portfolio.kpis import kpis
from scoring.portfolio.sqlkit import month_end
from tests.portfolio_samples import by_id, csv_bytes, load, problems_text

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"
TECH = get_model("technical-csm")


@pytest.fixture(scope="module")
def demo() -> PortfolioResult:
    return load_portfolio(demo_exports(), TECH)


@pytest.fixture(scope="module")
def monthly(demo: PortfolioResult) -> dict[date, pd.DataFrame]:
    """Each of the demo's twelve months scored on its own (as of its last day), oldest first.

    An oracle for the trend columns: scoring with an earlier as-of date goes
    through the latest-row path, not the packed month list the trend is read from.
    """
    assert demo.as_of is not None
    ends = [demo.as_of]
    while len(ends) < 12:
        ends.insert(0, month_end(ends[0].replace(day=1) - timedelta(days=1)))
    return {end: load_portfolio(demo_exports(), TECH, as_of=end).accounts.set_index("account_id") for end in ends}


def test_demo_portfolio_loads_with_trends(demo: PortfolioResult) -> None:
    accounts = demo.accounts
    assert len(accounts) == 300
    assert not demo.problems, problems_text(demo)
    assert demo.as_of == date(2026, 10, 31)
    assert accounts["periods_scored"].eq(12).all()
    assert set(accounts["band"]) == {"green", "yellow", "red"}
    assert accounts["coverage"].eq(1.0).all()
    assert accounts["moved_down"].sum() > 0 and accounts["turned_red"].sum() > 0
    assert accounts["score_change"].notna().all() and (accounts["score_change"] < -5).any()
    assert accounts["periods_in_band"].between(1, 12).all()
    assert (accounts["periods_in_band"] == 12).any() and (accounts["periods_in_band"] == 1).any()


def test_triage_order_and_arr_at_risk(demo: PortfolioResult) -> None:
    accounts = demo.accounts
    assert list(accounts["triage_rank"]) == list(range(1, len(accounts) + 1))
    rank = accounts["band"].map({"red": 0, "yellow": 1, "green": 2})
    assert rank.is_monotonic_increasing
    for _, group in accounts.groupby("band"):
        assert group["score"].is_monotonic_increasing
    green = accounts["band"] == "green"
    assert (accounts.loc[green, "arr_at_risk"] == 0).all()
    assert (accounts.loc[~green, "arr_at_risk"] == accounts.loc[~green, "arr"]).all()


@pytest.mark.parametrize("model", list(preset_models().values()), ids=lambda m: m.id)
def test_demo_scores_and_actions_match_the_what_if_engine(model: Model) -> None:
    roi = {row["Account ID"]: row["roi_articulated"] == "yes" for row in csv.DictReader((DEMO / "accounts.csv").open())}
    result = load_portfolio(demo_exports(), model)
    for row in result.accounts.to_dict("records"):
        values = {s: None if pd.isna(row[s]) else float(row[s]) for s in model.signal_ids}
        bonuses = ["roi_articulated"] if roi[row["account_id"]] and model.bonuses else []
        card = score(model, values, bonuses)
        assert (row["score"], row["band"]) == (card.score, card.band)
        assert band_action(model, card).why.startswith(row["action"])


def test_each_month_shows_a_decline_for_accounts_that_moved_down(
    demo: PortfolioResult, monthly: dict[date, pd.DataFrame]
) -> None:
    moved = demo.accounts[demo.accounts["moved_down"]]
    months = list(monthly.values())
    for account_id in moved["account_id"].head(5):
        bands = [month.loc[account_id, "band"] for month in months]
        assert bands[-2] == "green" and bands[-1] in ("yellow", "red")


def test_score_trend_is_the_last_twelve_scored_months_oldest_first(
    demo: PortfolioResult, monthly: dict[date, pd.DataFrame]
) -> None:
    months = list(monthly.values())
    for row in demo.accounts.itertuples():
        expected = [month.loc[row.account_id, "score"] for month in months]
        assert list(row.score_trend) == expected, row.account_id
        assert row.score_trend[-1] == row.score


def test_kpis(demo: PortfolioResult) -> None:
    k = kpis(demo.accounts)
    assert k.accounts == 300
    assert k.arr == pytest.approx(demo.accounts["arr"].sum())
    soon = demo.accounts[demo.accounts["days_to_renewal"].between(0, 90) & (demo.accounts["band"] != "green")]
    assert k.arr_renewing_at_risk is not None and k.arr_renewing_at_risk > 0
    assert k.arr_renewing_at_risk == pytest.approx(soon["arr"].sum())
    assert k.turned_red == int(demo.accounts["turned_red"].sum())


def test_renewals_at_risk_without_their_arr_are_no_data_not_zero_dollars() -> None:
    """One rule adds ARR up for every tile (kpis.arr_sum): renewing accounts with no ARR value are not $0."""
    accounts = pd.DataFrame(
        {
            "band": ["red", "green", "yellow"],
            "arr": [None, 90_000.0, None],
            "days_to_renewal": [30, 30, 400],
        }
    )
    k = kpis(accounts)
    assert (k.accounts_renewing_at_risk, k.arr_renewing_at_risk) == (1, None)
    assert k.arr == 90_000.0  # the file has an ARR column: the page says "no data for them", not "needs a column"
    accounts.loc[0, "arr"] = 40_000.0
    assert kpis(accounts).arr_renewing_at_risk == 40_000.0
    accounts.loc[0, "days_to_renewal"] = 200  # none renewing soon, in a known ARR column: a real $0
    assert kpis(accounts).arr_renewing_at_risk == 0.0


ACCOUNTS = [
    ["Account ID", "Account Name", "CSM", "Segment", "ARR", "Renewal Date", "Total_Seats"],
    ["A-1", "Acme", "Ana", "SMB", "$120,000", "04/30/2026", "100"],
    ["A-2", "Bravo", "Ben", "Enterprise", "$500,000", "12/31/2026", "0"],
    ["A-3", "Charlie", "Ana", "SMB", "$50,000", "06/30/2026", "40"],
]
USAGE = [
    ["acct_id", "Month", "Active Users", "Logins", "Usage %", "Last Check-in"],
    ["A-1", "2026-02", "90", "1000", "95%", "2026-02-20"],
    ["A-1", "2026-03", "30", "300", "30%", "2026-01-10"],
    ["A-2", "2026-03", "10", "100", "80%", "2026-03-30"],
    ["A-3", "2026-02", "20", "100", "50%", "2026-02-27"],
    ["A-3", "2026-03", "38", "400", "90%", "2026-03-28"],
]
TICKETS = [
    ["Customer ID", "Date", "Tickets", "P1/P2", "NPS"],
    ["A-1", "2026-03-03", "2", "1", "8"],
    ["A-1", "2026-03-17", "3", "0", "6"],
    ["A-3", "2026-03-09", "1", "0", "9"],
]


def test_three_files_join_on_the_account_id() -> None:
    files = {"accounts.csv": csv_bytes(ACCOUNTS), "usage.csv": csv_bytes(USAGE), "tickets.csv": csv_bytes(TICKETS)}
    result = load(files)
    accounts = by_id(result)
    assert set(accounts) == {"A-1", "A-2", "A-3"}, problems_text(result)
    a1 = accounts["A-1"]
    assert a1["seat_utilization"] == pytest.approx(30.0)  # usage.csv users / accounts.csv seats
    assert a1["days_since_checkin"] == 80  # 2026-03-31 - 2026-01-10
    assert a1["prev_score"] > a1["score"] and a1["period"] == pd.Timestamp("2026-03-01")
    assert accounts["A-2"]["days_to_renewal"] == (date(2026, 12, 31) - date(2026, 3, 31)).days


def test_zero_seats_do_not_divide_by_zero() -> None:
    result = load({"accounts.csv": csv_bytes(ACCOUNTS), "usage.csv": csv_bytes(USAGE)})
    a2 = by_id(result)["A-2"]
    assert pd.isna(a2["seat_utilization"]) and a2["score"] > 0


def test_repeated_rows_in_a_month_sum_counts_and_keep_the_latest_value() -> None:
    result = load(
        {"accounts.csv": csv_bytes(ACCOUNTS), "usage.csv": csv_bytes(USAGE), "tickets.csv": csv_bytes(TICKETS)},
        model="three-pillar",
    )
    a1 = by_id(result)["A-1"]
    assert a1["support_tickets_inverse"] == pytest.approx(10 * (1 - 5 / 20))  # 2 + 3 tickets in March
    assert a1["nps_score"] == pytest.approx(6.0)  # latest NPS 6 on 0-10 -> +20 -> 6/10
    assert any("0-10 ratings" in p.message for p in result.warnings)


@pytest.mark.parametrize(
    ("header", "values", "says"),
    [
        ("NPS", ["0", "7", "10"], "0-10 ratings"),
        ("CSAT", ["0.5", "0.8", "1"], "fractions"),
        ("CSAT", ["1", "4", "5"], "1-5 rating"),
        ("CSAT", ["2", "8", "10"], "0-10 rating"),
        ("Usage %", ["0.2", "0.35", "0.9"], "fractions"),
    ],
)
def test_columns_on_another_scale_are_rescaled_and_said_so(header: str, values: list[str], says: str) -> None:
    rows = [["Account ID", header], *([f"A-{i}", v] for i, v in enumerate(values))]
    result = load({"scores.csv": csv_bytes(rows)}, model="four-component")
    notes = [p.message for p in result.warnings if p.column == header]
    assert len(notes) == 1 and says in notes[0], problems_text(result)


def test_columns_already_on_the_model_scale_are_left_alone() -> None:
    rows = [["Account ID", "NPS", "CSAT", "Usage %"], ["A-1", "-40", "85", "35"], ["A-2", "60", "70", "90"]]
    result = load({"scores.csv": csv_bytes(rows)}, model="four-component")
    assert not [p for p in result.warnings if p.column in ("NPS", "CSAT", "Usage %")], problems_text(result)


def test_bad_rows_are_reported_with_row_numbers_and_good_rows_still_score() -> None:
    rows = [
        ["Account ID", "ARR", "Licensed Seats", "Active Users", "Usage %"],
        ["A-1", "$1,000", "10", "5", "50%"],
        ["A-2", "lots", "10", "5", "50%"],
        ["A-3", "$1,000", "-4", "5", "50%"],
        ["", "$1,000", "10", "5", "50%"],
        ["A-5", "$1,000", "10", "5", "50%", "extra", "cells"],
        ["A-6", "$2,000", "ten", "5", "inf"],
        ["A-7", "$3,000", "10", "5", "60%"],
    ]
    result = load({"crm.csv": csv_bytes(rows)})
    assert set(by_id(result)) == {"A-1", "A-2", "A-3", "A-7"}  # A-6 has no readable signal left
    problems = {(p.column, p.rows) for p in result.problems}
    assert ("ARR", (3,)) in problems
    assert ("Licensed Seats", (4,)) in problems  # negative seats: impossible, set aside
    assert ("Licensed Seats", (7,)) in problems and ("Usage %", (7,)) in problems
    assert ("Account ID", (5,)) in problems
    assert (None, (6,)) in problems  # the ragged row
    assert not result.errors
    assert pd.isna(by_id(result)["A-3"]["seat_utilization"])
    assert any("'A-6'" in p.message for p in result.warnings)
    assert result.rows_read == 7 and result.rows_scored == 4


def test_row_numbers_count_blank_lines_and_multi_line_cells_as_a_spreadsheet_does() -> None:
    data = (
        b"Account ID,Account Name,Licensed Seats,Active Users\n"  # row 1
        b"A-1,Acme,10,5\n"  # row 2
        b"\n"  # row 3: blank
        b'A-2,"Two\nlines",10,4\n'  # row 4, over two lines
        b"A-3,Globex,ten,4\n"  # row 5: bad seats
        b"A-4,Initech,10,4,surplus\n"  # row 6: ragged, set aside
        b"\n\n"  # rows 7-8: blank
        b"A-5,Umbrella,-3,4\n"  # row 9: impossible seats
    )
    result = load({"crm.csv": data})
    problems = {(p.column, p.rows) for p in result.problems}
    assert ("Licensed Seats", (5,)) in problems, problems_text(result)
    assert ("Licensed Seats", (9,)) in problems, problems_text(result)
    assert (None, (6,)) in problems, problems_text(result)
    assert {"A-1", "A-2"} <= set(by_id(result))


def test_a_file_without_an_account_column_is_an_error_naming_it() -> None:
    result = load({"accounts.csv": csv_bytes(ACCOUNTS), "notes.csv": csv_bytes([["Colour", "Size"], ["red", "3"]])})
    errors = [p for p in result.errors if p.file == "notes.csv"]
    assert errors and "account" in errors[0].message.lower() and "account_id" in errors[0].fix
    assert len(result.accounts) == 0 or set(result.accounts["account_id"]) <= {"A-1", "A-2", "A-3"}


def test_nothing_scorable_comes_back_empty_with_an_error() -> None:
    result = load({"names.csv": csv_bytes([["Account ID", "Account Name"], ["A-1", "Acme"]])})
    assert result.accounts.empty and result.errors
    assert any("no value for any signal" in p.message for p in result.warnings)


def test_overrides_and_remembered_mapping_through_the_store(db_path: Path) -> None:
    rows = [["Customer Ref", "Seats Bought", "Live Users"], ["A-1", "10", "8"]]
    store = Store()
    overrides = {"Customer Ref": "account_id", "Seats Bought": "licensed_seats", "Live Users": "active_users"}
    first = load({"week1.csv": csv_bytes(rows)}, overrides=overrides, store=store)
    assert by_id(first)["A-1"]["seat_utilization"] == pytest.approx(80.0)
    second = load({"week2.csv": csv_bytes(rows)}, store=store)
    assert second.mappings[0].remembered and by_id(second)["A-1"]["seat_utilization"] == pytest.approx(80.0)
    store.close()


def test_as_of_leaves_out_later_months() -> None:
    result = load({"accounts.csv": csv_bytes(ACCOUNTS), "usage.csv": csv_bytes(USAGE)}, as_of=date(2026, 2, 28))
    a1 = by_id(result)["A-1"]
    assert a1["period"] == pd.Timestamp("2026-02-01") and a1["usage_rate"] == 95.0
    later = next(p for p in result.warnings if "after the as-of date" in p.message)
    # Only the monthly file has later months, and they were left out on purpose: no "typo" advice.
    assert later.file == "usage.csv" and later.fix == "Set a later as-of date to count them."


def test_progress_is_reported_up_to_done() -> None:
    seen: list[tuple[str, float]] = []
    load({"accounts.csv": csv_bytes(ACCOUNTS)}, progress=lambda m, f: seen.append((m, f)))
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["portfolio", *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_prints_the_triage_list_as_csv() -> None:
    code, out, err = run_cli(
        *(str(DEMO / f) for f in ("accounts.csv", "usage_monthly.csv", "tickets.csv")), "--model", "technical-csm"
    )
    # The clean demo prints nothing on stderr but the as-of date it measured day counts to.
    assert code == 0 and err.splitlines() == [
        "as of 2026-10-31 (the end of the latest month in the files; set it with --as-of)"
    ]
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 300
    for column in ("account_id", "account_name", "score", "band", "action", *TECH.signal_ids):
        assert column in rows[0]
    page = load_portfolio(demo_exports(), TECH).accounts
    assert [r["account_id"] for r in rows] == page["account_id"].tolist()
    assert [float(r["score"]) for r in rows] == page["score"].tolist()


def test_cli_warnings_go_to_stderr_and_map_overrides_apply(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_bytes(csv_bytes([["Ref", "Seats", "Users"], ["A-1", "10", "8"], ["A-2", "x", "4"]]))
    code, out, err = run_cli(
        str(path),
        "--model",
        "technical-csm",
        "--map",
        "Ref=account_id",
        "--map",
        "Users=active_users",
        "--map",
        "Seats=licensed_seats",
    )
    assert code == 0
    assert [r["account_id"] for r in csv.DictReader(io.StringIO(out))] == ["A-1"]
    lines = err.strip().splitlines()
    # The as-of date first, then one line per problem, the gap line ("Scored on 1 of 5 signals") last.
    assert lines[0] == f"as of {date.today():%Y-%m-%d} (today: no file has a month column; set it with --as-of)"
    assert all(line.startswith(("warning: ", "error: ")) for line in lines[1:])
    assert lines[-1].startswith("warning: Scored on 1 of 5 signals: no column for Usage rate")
    assert any("row 3" in line for line in lines)


def test_cli_exits_2_with_one_line_when_nothing_scores(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("")
    code, out, err = run_cli(str(path), "--model", "technical-csm")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    code, _, err = run_cli(str(path), "--model", "nope")
    assert code == 2 and "unknown model" in err
    code, _, err = run_cli(str(path), "--model", "technical-csm", "--map", "x=not_a_field")
    assert code == 2 and "not a field" in err


def test_exported_cells_never_start_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "evil.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["Account ID", "Account Name", "CSM", "Licensed Seats", "Active Users"],
                ["=1+1", '=HYPERLINK("http://x")', "@boss", "10", "1"],
                ["A-2", "+44 Ltd", "-dash", "10", "9"],
            ]
        )
    )
    code, out, _ = run_cli(str(path), "--model", "technical-csm")
    assert code == 0
    for row in csv.reader(io.StringIO(out)):
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not (cell.startswith("-") and not cell[1:].replace(".", "", 1).isdigit()), cell
    assert "'=HYPERLINK" in out and "-" in out


def test_frames_and_rows_are_written_by_the_same_formula_safe_writer() -> None:
    frame = pd.DataFrame(
        {
            "account_name": ["=HYPERLINK(1)", "-5 Ltd", "", None, "Plain"],
            "score_change": [-5.0, 1.5, 0.0, None, 2.0],
            "renewal_date": pd.to_datetime(["2026-03-31", None, "2026-01-01", "2026-02-01", "2026-04-30"]),
        }
    )
    written = list(csv.reader(io.StringIO(to_csv(frame))))
    assert written[0] == ["account_name", "score_change", "renewal_date"]
    assert [r[0] for r in written[1:]] == ["'=HYPERLINK(1)", "'-5 Ltd", "", "", "Plain"]
    assert [r[1] for r in written[1:]] == ["-5.0", "1.5", "0.0", "", "2.0"]  # numbers stay numbers
    assert written[1][2] == "2026-03-31" and written[2][2] == ""
    rows: list[list[str | None]] = [["=HYPERLINK(1)", "-5"], ["-5 Ltd", None]]
    assert rows_to_csv(["name", "change"], rows) == "name,change\n'=HYPERLINK(1),'-5\n'-5 Ltd,\n"
    assert rows_to_csv(["name", "change"], rows, keep_numbers=True) == "name,change\n'=HYPERLINK(1),-5\n'-5 Ltd,\n"


def test_repeated_accounts_are_merged_and_reported() -> None:
    rows = [
        ["Account ID", "Licensed Seats", "Active Users"],
        ["A-1", "10", "2"],
        ["A-2", "10", "5"],
        ["A-1", "10", "9"],
    ]
    result = load({"crm.csv": csv_bytes(rows)})
    assert len(result.accounts) == 2
    assert by_id(result)["A-1"]["seat_utilization"] == pytest.approx(90.0)  # the later row wins
    merged = [p for p in result.warnings if p.file == "crm.csv" and "repeat" in p.message]
    assert merged and merged[0].count == 1


def _monthly_rows(months: int) -> list[list[str]]:
    rows = [["Account ID", "Month", "Licensed Seats", "Active Users"]]
    for m in range(months):
        year, month = divmod(m, 12)
        rows.append(["A-1", f"{2020 + year}-{month + 1:02d}", "10", str(1 + m % 9)])
    return rows


@pytest.mark.parametrize("months", [24, 70])
def test_a_long_history_without_repeats_keeps_every_month(months: int) -> None:
    # Beyond 64 months two months share a bit of the cheap repeat check; the merge must then change nothing.
    result = load({"usage.csv": csv_bytes(_monthly_rows(months))}, as_of=None)
    a1 = by_id(result)["A-1"]
    assert a1["periods_scored"] == months
    assert a1["seat_utilization"] == pytest.approx(10.0 * (1 + (months - 1) % 9))
    assert not [p for p in result.warnings if "repeat" in p.message], problems_text(result)


def test_a_repeated_month_in_a_long_history_is_merged_and_reported() -> None:
    rows = _monthly_rows(70)
    rows.append(["A-1", rows[5][1], "10", "9"])
    result = load({"usage.csv": csv_bytes(rows)}, as_of=None)
    assert by_id(result)["A-1"]["periods_scored"] == 70
    merged = [p for p in result.warnings if "repeat" in p.message]
    assert merged and merged[0].count == 1


def test_a_never_closed_quote_sets_its_row_aside_and_keeps_the_rest() -> None:
    data = b'Account ID,Account Name,Licensed Seats,Active Users\nA-1,a,10,2\nA-2,"Acme, Inc,10,3\nA-3,c,10,4\n'
    result = load({"quotes.csv": data})
    assert {"A-1", "A-3"} <= set(by_id(result))
    assert [p.rows for p in result.warnings if "never closed" in p.message] == [(3,)]


def test_the_never_closed_quote_is_found_after_a_properly_quoted_multi_line_cell() -> None:
    data = (
        b'Account ID,Account Name,Licensed Seats,Active Users\nA-1,"Two\nlines, one ""cell""",10,2\n'
        b'A-2,b,10,3\nA-3,"Oops,10,4\nA-4,d,10,5\n'
    )
    result = load({"quotes.csv": data})
    never_closed = [p for p in result.warnings if "never closed" in p.message]
    assert [p.rows for p in never_closed] == [(4,)], problems_text(result)
    assert "row 4" in never_closed[0].message


def test_check_ins_after_the_as_of_date_are_ignored_and_reported() -> None:
    rows = [
        ["Account ID", "Licensed Seats", "Active Users", "Last Check-in"],
        ["A-1", "10", "5", "2026-03-20"],
        ["A-2", "10", "5", "2099-01-01"],
    ]
    result = load({"crm.csv": csv_bytes(rows)})
    accounts = by_id(result)
    assert accounts["A-1"]["days_since_checkin"] == 11
    assert pd.isna(accounts["A-2"]["days_since_checkin"])
    assert any(p.column == "Last Check-in" and p.count == 1 for p in result.warnings)


@pytest.fixture
def one_pass_taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each run took the one-pass path (True) or fell back to the general one (False)."""
    taken: list[bool] = []
    real = one_pass.try_one_pass

    def spy(*args: Any, **kwargs: Any) -> RunSummary | None:
        found = real(*args, **kwargs)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(run_module, "try_one_pass", spy)
    return taken


@pytest.mark.parametrize("model", list(preset_models().values()), ids=lambda m: m.id)
@pytest.mark.parametrize("name", ["usage_monthly.csv", "tickets.csv", "accounts.csv"])
def test_one_pass_path_gives_the_same_result_as_the_general_path(
    model: Model, name: str, one_pass_taken: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    exports = [Export.from_path(DEMO / name)]
    one = run_module.score_exports(exports, model)
    assert one_pass_taken == [True]
    declined: list[bool] = []

    def decline(*args: object) -> None:
        declined.append(True)

    monkeypatch.setattr(run_module, "try_one_pass", decline)
    general = run_module.score_exports(exports, model)
    assert declined == [True]
    pd.testing.assert_frame_equal(one.accounts, general.accounts)
    assert [(p.file, p.message) for p in one.problems] == [(p.file, p.message) for p in general.problems]
    assert (one.rows_read, one.rows_scored, one.as_of) == (general.rows_read, general.rows_scored, general.as_of)


def test_a_file_with_problems_takes_the_general_path(tmp_path: Path, one_pass_taken: list[bool]) -> None:
    path = tmp_path / "usage.csv"
    rows = [["Account ID", "Licensed Seats", "Active Users"], ["A-1", "10", "5"], ["A-2", "x", "4"]]
    path.write_bytes(csv_bytes(rows))
    result = run_module.score_exports([Export.from_path(path)], TECH)
    assert one_pass_taken == [False]
    assert any(p.rows == (3,) for p in result.problems)


def test_the_general_path_reads_the_file_the_one_pass_path_opened(
    tmp_path: Path, one_pass_taken: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "usage.csv"
    rows = [["Account ID", "Licensed Seats", "Active Users"], ["A-1", "10", "5"], ["A-2", "x", "4"]]
    path.write_bytes(csv_bytes(rows))
    opened: list[str] = []
    real = run_module.open_export

    def counting(con: Connection, export: Export, workdir: Path, index: int) -> Opened:
        opened.append(export.name)
        return real(con, export, workdir, index)

    monkeypatch.setattr(run_module, "open_export", counting)
    result = run_module.score_exports([Export.from_path(path)], TECH)
    assert one_pass_taken == [False] and opened == ["usage.csv"]
    assert "A-1" in by_id(result) and any(p.rows == (3,) for p in result.problems)
