"""The Renewals & QBR page in AppTest: every section on the demo data (the snapshot waterfall included),
editable and measured rates, signals set on the account page, saved notes, CLI parity."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pages.ui.portfolio.keys import (
    QBR_ACCOUNT_KEY,
    QBR_QUARTER_KEY,
    RATES_SOURCE_KEY,
    qbr_field_key,
    rate_input_key,
)
from scoring.cli.main import main
from scoring.formatting import DASH
from scoring.portfolio.demo import DEMO_DIR, DEMO_FILES
from scoring.qbr.quarters import Quarter
from scoring.revenue.retention import Retention
from scoring.snapshots.demo import demo_files
from tests.app_pages import column_formats, run_page


@pytest.fixture
def at(fresh_store: Path) -> AppTest:
    return run_page("pages/renewals.py", 300)  # a loaded 2-core machine; no timing asserted


def frame_with(app: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in app.dataframe if column in d.value.columns)


def test_every_section_renders_on_the_demo(at: AppTest) -> None:
    labels = [m.label for m in at.metric]
    assert labels[:3] == [
        "Renewing within 90 days",
        "ARR renewing within 90 days",
        "Expected to renew within 90 days",
    ]
    assert "Expansion-ready" in labels and "Completion rate" in labels
    horizons = frame_with(at, "window")
    assert list(horizons["window"]) == [f"within {d} days" for d in (30, 60, 90, 120, 180)]
    assert horizons["accounts"].is_monotonic_increasing
    assert (horizons["expected_arr"] <= horizons["arr"]).all()
    quarters = next(d for d in at.dataframe if "quarter" in d.value.columns)
    assert len(quarters.value) >= 4
    # Percentages at one decimal ('82.5%'), not Streamlit's "percent" format ('82.47%' beside '83%').
    formats = column_formats(quarters)
    assert all(formats[c] == "%.1f%%" for c in ("grr", "grr_low", "grr_high", "logo", "logo_low", "logo_high"))
    assert quarters.value["grr"].between(50, 100).all()
    assert len(frame_with(at, "days_to_renewal")) == horizons.set_index("window").loc["within 120 days", "accounts"]
    # The demo exports carry one ARR per account, so retention compares the two demo snapshots.
    assert any("saved snapshots" in c.value and "demo snapshots" in c.value for c in at.caption)
    r = demo_week_retention()
    figures = {m.label: m.value for m in at.metric}
    assert figures["Gross revenue retention"] == f"{r.grr:.1%}"
    assert figures["Net revenue retention"] == f"{r.nrr:.1%}"
    assert figures["Logo retention"] == f"{r.logo_retention:.1%}"
    assert figures["Expansion ARR / starting ARR"] == f"{r.expansion_share:.1%}"
    assert any("axis starts at" in c.value for c in at.caption)  # a week's moves are small against the book
    steps = frame_with(at, "step").set_index("step")["arr"]
    assert steps["Churn"] == f"-${r.churn:,.0f}" and steps["Expansion"] == f"${r.expansion:,.0f}"
    assert len(frame_with(at, "next_step")) >= 1
    assert len(frame_with(at, "suggested_tier")) >= 1
    downloads = [b.proto.label for b in at.get("download_button")]
    due = horizons.set_index("window").loc["within 120 days", "accounts"]
    assert downloads == [
        f"Download the {due} renewals for Sales Ops (CSV)",
        "Download as Markdown",
        "Download as PowerPoint",
        "Download the chart (PNG)",
    ]
    assert len(at.get("vega_lite_chart")) == 3  # the renewals by horizon, the waterfall and the QBR drivers
    assert not at.error


def demo_week_retention() -> Retention:
    """The demo weeks' ARR movements computed here from the two CSVs, not by the page's code."""
    before, after = (
        dict(zip(f["Account ID"], f["ARR"].str.replace(r"[$,]", "", regex=True).astype(float), strict=True))
        for f in (pd.read_csv(p, dtype=str) for p in demo_files())
    )
    return Retention(
        "start",
        "end",
        starting_arr=sum(before.values()),
        churn=sum(v for k, v in before.items() if after[k] == 0),
        contraction=sum(v - after[k] for k, v in before.items() if 0 < after[k] < v),
        expansion=sum(after[k] - v for k, v in before.items() if after[k] > v),
        starting_logos=len(before),
        churned_logos=sum(1 for v in after.values() if v == 0),
        new_logos=0,
        new_arr=0.0,
    )


def test_the_backtest_labs_measured_rates_can_drive_the_forecast(at: AppTest) -> None:
    stated = frame_with(at, "window").set_index("window")
    assert at.radio(key=RATES_SOURCE_KEY).value == "stated"  # the stated assumption until the CSM switches
    at.radio(key=RATES_SOURCE_KEY).set_value("measured").run()
    assert not at.exception
    assert any("Measured by the backtest lab" in i.value and "outcomes" in i.value for i in at.info)
    measured = frame_with(at, "renewed").set_index("band")
    assert list(measured.index) == ["green", "yellow", "red"]
    shares = measured["renewed"] / measured["accounts"]
    assert measured["rate"].to_numpy() == pytest.approx(100 * shares.to_numpy())  # shown as a percentage
    assert not [n for n in at.number_input if n.key == rate_input_key("green")]  # no stated-rates form now
    rate = shares.to_dict()
    due = frame_with(at, "days_to_renewal")
    banded = due[due["band"].isin(rate)]
    assert len(banded) > 0
    expected = banded["arr"] * banded["band"].map(rate)
    assert banded["expected_arr"].to_numpy() == pytest.approx(expected.to_numpy())
    assert not frame_with(at, "window").set_index("window")["expected_arr"].equals(stated["expected_arr"])
    # Back to the stated rates: the editable form returns and the first figures come back.
    at.radio(key=RATES_SOURCE_KEY).set_value("stated").run()
    assert at.number_input(key=rate_input_key("green")).value == 95.0
    assert at.number_input(key=rate_input_key("green")).proto.format == "%.1f"  # '95.0', not '95.00'
    assert frame_with(at, "window").set_index("window")["expected_arr"].equals(stated["expected_arr"])


def test_signals_set_on_the_account_page_count_on_the_expansion_list(at: AppTest) -> None:
    legend = frame_with(at, "fed by").set_index("signal")
    assert legend.loc["New department interested", "fed by"].endswith("set on the account page for 0 accounts")
    assert frame_with(at, "agreed")["agreed"].sum() == 0
    at.switch_page("pages/account.py").run()
    assert not at.exception
    next(c for c in at.checkbox if c.label.startswith("New department interested")).check()
    tier = next(s for s in at.selectbox if s.label == "Reference tier")
    tier.set_value(2)
    next(b for b in at.button if b.label == "Save signals and tier").click().run()
    assert not at.exception and not at.error
    assert next(c for c in at.checkbox if c.label.startswith("New department interested")).value
    assert next(s for s in at.selectbox if s.label == "Reference tier").value == 2
    at.switch_page("pages/renewals.py").run()
    legend = frame_with(at, "fed by").set_index("signal")
    assert legend.loc["New department interested", "fed by"].endswith("set on the account page for 1 account")
    agreed = frame_with(at, "agreed").set_index("tier")["agreed"]
    assert agreed.to_dict() == {1: 0, 2: 1, 3: 0}


def test_renewal_rates_are_editable_and_change_the_expected_arr(at: AppTest) -> None:
    before = frame_with(at, "window").set_index("window")
    for band in ("green", "yellow", "red", "insufficient"):
        at.number_input(key=rate_input_key(band)).set_value(50.0)
    next(b for b in at.button if b.label == "Apply rates").click().run()
    after = frame_with(at, "window").set_index("window")
    assert after["arr"].equals(before["arr"])
    assert after["expected_arr"].to_numpy() == pytest.approx(0.5 * after["arr"].to_numpy())
    # The applied rates survive a visit to another page.
    at.switch_page("pages/portfolio.py").run()
    at.switch_page("pages/renewals.py").run()
    again = frame_with(at, "window").set_index("window")
    assert again["expected_arr"].to_numpy() == pytest.approx(0.5 * again["arr"].to_numpy())


def test_saved_notes_fill_the_pack_and_a_held_qbr_counts(at: AppTest) -> None:
    at.selectbox(key=QBR_ACCOUNT_KEY).set_value("ACC-1229").run()  # the demo's $795K account: its QBR is due
    account, quarter = at.session_state[QBR_ACCOUNT_KEY], at.session_state[QBR_QUARTER_KEY]
    gaps_before = next(c.value for c in at.caption if "need your input" in c.value)
    assert "Achievements" in gaps_before
    at.text_area(key=qbr_field_key(account, quarter, "achievements")).input("Cut onboarding to 9 days")
    at.text_area(key=qbr_field_key(account, quarter, "goals")).input("Reach 90% seat use")
    at.date_input(key=qbr_field_key(account, quarter, "held_on")).set_value(date(2026, 10, 20))
    due = int(next(m.value for m in at.metric if m.label.startswith("QBRs due")).split()[0])
    assert "Accounts with $50,000 ARR or more." in [c.value for c in at.caption]  # the box writes 50000
    assert next(m.value for m in at.metric if m.label == "Completion rate") == "0%"
    next(b for b in at.button if b.label == "Save notes").click().run()
    assert not at.exception
    gaps_after = next(c.value for c in at.caption if "need your input" in c.value)
    assert "Achievements" not in gaps_after and "Next quarter goals" not in gaps_after
    # One held of `due`, at most one decimal as every share reads (1 of 125 is 0.8%, not "1%").
    assert next(m.value for m in at.metric if m.label == "Completion rate") == f"{round(100 / due, 1):g}%"


def cli_rows(text: str) -> dict[str, tuple[int, float, float]]:
    rows = {}
    for line in text.splitlines():
        m = re.match(r"(within \d+ days)\s+(\d+)(?:\s+\d+){4}\s+\$([\d,]+)\s+\$([\d,]+)", line)
        if m:
            rows[m.group(1)] = (int(m.group(2)), float(m.group(3).replace(",", "")), float(m.group(4).replace(",", "")))
    return rows


def test_the_cli_prints_the_same_forecast_as_the_page(at: AppTest) -> None:
    out, err = io.StringIO(), io.StringIO()
    files = [str(DEMO_DIR / name) for name in DEMO_FILES]
    assert main(["renewals", *files], out, err) == 0, err.getvalue()
    printed = cli_rows(out.getvalue())
    page = frame_with(at, "window")
    assert len(printed) == len(page) == 5
    for r in page.itertuples():
        count, arr, expected = printed[r.window]
        assert count == r.accounts
        assert arr == pytest.approx(r.arr, abs=0.5)
        assert expected == pytest.approx(r.expected_arr, abs=0.5)


ARR_BY_MONTH = (
    b"Account ID,Account Name,Month,ARR,Renewal Date,Usage %,Licensed Seats,Active Users,New Department Interest\n"
    b"A,Alpha,2026-01,$100,2026-12-01,90%,10,9,no\n"
    b"B,Beta,2026-01,$200,2026-12-01,90%,10,9,no\n"
    b"B,Beta,2026-06,$150,2026-12-01,90%,10,9,yes\n"
    b"C,Gamma,2026-01,$300,2027-03-01,90%,10,9,no\n"
    b"C,Gamma,2026-06,$400,2027-03-01,90%,10,9,no\n"
    b"D,Delta,2026-06,$50,2027-03-01,90%,10,9,no\n"
)


def test_arr_by_month_gives_retention_against_the_targets_and_a_waterfall(at: AppTest) -> None:
    at.switch_page("pages/portfolio.py").run()
    at.file_uploader(key="portfolio_files").set_value([("book.csv", ARR_BY_MONTH, "text/csv")]).run()
    at.switch_page("pages/renewals.py").run()
    assert not at.exception
    figures = {m.label: m.value for m in at.metric}
    # Start 600 (A, B, C in 2026-01); A churned 100, B contracted 50, C expanded 100; D is new business.
    assert figures["Gross revenue retention"] == "75.0%"
    assert figures["Net revenue retention"] == "91.7%"
    assert figures["Logo retention"] == "66.7%"
    assert figures["Expansion ARR / starting ARR"] == "16.7%"
    assert any("New business, not counted above: 1 account, $50" in c.value for c in at.caption)
    # Renewals by horizon, the waterfall and the QBR drivers of the picked account's score: drawn from the
    # month that score is of, so A (last seen in January) has them too though it has no month in 2026Q2.
    assert at.session_state[QBR_ACCOUNT_KEY] in {"A", "B", "C", "D"}
    assert len(at.get("vega_lite_chart")) == 3
    legend = frame_with(at, "fed by").set_index("signal")
    assert legend.loc["New department interested", "fed by"].startswith("column 'New Department Interest'")


def test_a_damaged_database_is_a_message_not_a_traceback(fresh_store: Path) -> None:
    fresh_store.write_bytes(b"this is not a database\n" * 4096)
    app = run_page("pages/renewals.py", 300)
    assert any("HEALTH_STUDIO_DB" in str(e.value) and "damaged" in str(e.value) for e in app.error)
    assert not any(str(fresh_store.parent) in str(e.value) for e in app.error), "pages show no server path"
    assert not app.get("download_button")


def test_no_expansion_ready_account_is_zero_arr_not_missing_arr(at: AppTest) -> None:
    """With an ARR column and nobody ready (no account has a band), the ready accounts' ARR is $0, not 'no data'."""
    at.switch_page("pages/portfolio.py").run()
    crm = b"Account ID,ARR,Usage %\nU-1,120000,95%\nU-2,45000,40%\n"  # one signal of five: no band
    at.file_uploader(key="portfolio_files").set_value([("crm.csv", crm, "text/csv")]).run()
    at.switch_page("pages/renewals.py").run()
    assert not at.exception
    figures = {m.label: m.value for m in at.metric}
    assert (figures["Expansion-ready"], figures["Their ARR"]) == ("0 accounts", "$0")


def test_renewals_too_sparse_for_a_band_are_counted_in_their_own_column(at: AppTest) -> None:
    """An export that fills one signal of five bands nobody: the horizon table still adds up, and says why."""
    at.switch_page("pages/portfolio.py").run()
    soon = (date.today() + timedelta(days=10)).isoformat()
    later = (date.today() + timedelta(days=100)).isoformat()
    crm = f"Account ID,ARR,Renewal Date,Usage %\nU-1,120000,{soon},95%\nU-2,45000,{later},40%\n".encode()
    at.file_uploader(key="portfolio_files").set_value([("crm.csv", crm, "text/csv")]).run()
    at.switch_page("pages/renewals.py").run()
    assert not at.exception
    horizons = frame_with(at, "window").set_index("window")
    bands = ["red", "yellow", "green", "insufficient"]
    assert horizons.loc["within 30 days", bands].tolist() == [0, 0, 0, 1]
    assert horizons.loc["within 120 days", "insufficient"] == 2
    assert (horizons[bands].sum(axis=1) == horizons["accounts"]).all()
    assert horizons.loc["within 30 days", "expected_arr"] == pytest.approx(120000 * 0.8)


def renewals_of(at: AppTest, *rows: str, arr: bool = True) -> AppTest:
    """The renewals page after uploading a book of Alpha and Beta (``rows``: 'id,name,[ARR,]renewal')."""
    header = "Account ID,Account Name," + ("ARR," if arr else "") + "Renewal Date,Usage %,Licensed Seats,Active Users\n"
    book = (header + "".join(f"{row},90%,50,45\n" for row in rows)).encode()
    at.switch_page("pages/portfolio.py").run()
    at.file_uploader(key="portfolio_files").set_value([("book.csv", book, "text/csv")]).run()
    at.switch_page("pages/renewals.py").run()
    assert not at.exception
    return at


SOON = (date.today() + timedelta(days=21)).strftime("%m/%d/%Y")


def test_one_account_left_out_is_worded_in_the_singular(at: AppTest) -> None:
    """'1 account without ARR are left out' read as a slip in front of a CS leader."""
    renewals_of(at, "A-1,Alpha,,12/20/2030", 'A-2,Beta,"$80,000",01/05/2031')
    assert "1 account without ARR is left out: add an ARR column to the export." in [c.value for c in at.caption]
    warnings = " ".join(w.value for w in at.warning)
    assert "1 account is left out of the ARR figures, not counted as $0: it needs an ARR column" in warnings


def test_a_renewal_within_90_days_with_no_arr_is_named_beside_the_weekly_figures(at: AppTest) -> None:
    """Alpha renews in three weeks with ARR left blank: it was in no tile ('Renewing within 90 days: 0 accounts').

    Its window's ARR is unknown, not $0 (the tile read "$0" beside "1 account"), and the horizon table
    counts it as the tile does: it read "0 accounts" in every window while the tile said 1.
    """
    renewals_of(at, f"A-1,Alpha,,{SOON}", 'A-2,Beta,"$80,000",01/05/2031')
    figures = {m.label: m.value for m in at.metric}
    assert figures["Renewing within 90 days"] == "1 account"  # the date decides the weekly watch, not the ARR
    assert figures["ARR renewing within 90 days"] == "no data"  # its only renewal has no ARR: unknown, not $0
    assert figures["Expected to renew within 90 days"] == "no data"
    horizons = next(t.value for t in at.dataframe if "without_arr" in t.value.columns).set_index("window")
    assert horizons.loc["within 30 days", ["accounts", "without_arr"]].tolist() == [1, 1]
    assert horizons.loc["within 90 days", "accounts"] == 1  # the same count as the tile
    assert horizons[["arr", "expected_arr"]].isna().all().all()  # no window holds a priced renewal
    quarters = next(t for t in at.dataframe if "grr" in t.value.columns)
    alpha = quarters.value.set_index("quarter").loc[str(Quarter.of(date.today() + timedelta(days=21)))]
    assert (alpha["accounts"], alpha["without_arr"]) == (1, 1)  # a logo up for renewal, whatever its ARR
    assert pd.isna(alpha["expiring_arr"]) and pd.isna(alpha["grr"]) and alpha["logo"] > 0
    assert quarters.proto.placeholder == DASH  # shown as a dash, not as Streamlit's "None"
    sales_ops = next(t for t in at.dataframe if "weakest" in t.value.columns and "expected_arr" in t.value.columns)
    assert list(sales_ops.value["account_id"]) == ["A-1"] and sales_ops.value["arr"].isna().all()
    assert sales_ops.proto.placeholder == DASH
    assert "1 renewal has no ARR in the exports: listed with the ARR left empty, for Sales Ops to fill in" in " ".join(
        c.value for c in at.caption
    )
    warning = next(w.value for w in at.warning if w.value.startswith("Renewing within 90 days with no ARR"))
    assert "so in no ARR figure: Alpha (A\\-1). Weekly monitoring holds for it too" in warning
    # Beta renews in 2031: no priced renewal falls in any window, so no empty chart of ARR by window
    assert "No account with ARR renews within 180 days, so there is no ARR by window to chart yet." in [
        c.value for c in at.caption
    ]
    assert len(at.get("vega_lite_chart")) == 1  # the QBR drivers only


def test_exports_with_no_arr_column_show_no_data_not_zero_dollars_in_the_forecast(at: AppTest) -> None:
    renewals_of(at, f"A-1,Alpha,{SOON}", "A-2,Beta,01/05/2031", arr=False)
    figures = {m.label: m.value for m in at.metric}
    assert figures["ARR renewing within 90 days"] == "no data"
    assert figures["Expected to renew within 90 days"] == "no data"
    assert any(i.value.startswith("No renewal to forecast: no account in these exports has both ARR") for i in at.info)
    # no table of $0 rows: only Sales Ops' list, naming Alpha (due within 120 days) with its ARR empty
    tables = [d.value for d in at.dataframe if "expected_arr" in d.value.columns]
    assert [list(t["account_id"]) for t in tables] == [["A-1"]]
    assert tables[0][["arr", "expected_arr"]].isna().all().all()
