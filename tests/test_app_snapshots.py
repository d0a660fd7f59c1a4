"""Snapshots through the pages under AppTest: save two demo weeks, see what moved and why, open one account.

The expected moves and reasons come from the domain (``scoring.snapshots``)
run on a database of their own, so the pages are checked against the model,
not against themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pages.ui.common.text import plain
from scoring.catalog import get_model
from scoring.portfolio.contract import Export
from scoring.snapshots import changes
from scoring.snapshots.capture import save_exports
from scoring.snapshots.demo import demo_files
from scoring.storage import Store
from tests.app_pages import app_on, column_formats, run_page

MODEL = get_model("technical-csm")


def _week(n: int) -> Export:
    path = demo_files()[n]
    return Export(path.name, path.read_bytes())


@dataclass(frozen=True)
class Expected:
    """What the model says about the two demo weeks: the band moves and one account that moved down."""

    moves: pd.DataFrame  # from, to, accounts (band changes only)
    account_id: str
    account_name: str
    reason: str


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> Expected:
    store = Store(tmp_path_factory.mktemp("oracle") / "oracle.duckdb")
    try:
        older, _ = save_exports(store, [_week(0)], MODEL)
        newer, _ = save_exports(store, [_week(1)], MODEL)
        frame = changes.compare(store, older.snapshot, newer.snapshot)
        moves = changes.band_moves(frame)
        moves = moves[moves["from"] != moves["to"]]
        worst = changes.turned_worse(frame).iloc[0]
        why = changes.explain_account(store, older.snapshot, newer.snapshot, str(worst["account_id"]))
        assert why is not None
        return Expected(moves, str(worst["account_id"]), str(worst["account_name"]), why.reason)
    finally:
        store.close()


def _app(page: str) -> AppTest:
    # A fresh store (fixture) and empty caches: a run or a snapshot list cached by an earlier test must not leak in.
    st.cache_resource.clear()
    st.cache_data.clear()
    return run_page(page, 90)


def _upload_and_save(app: AppTest, export: Export) -> None:
    app.file_uploader(key="portfolio_files").set_value([(export.name, export.data, "text/csv")]).run()
    assert not app.exception
    save = [b for b in app.button if b.label == "Save as snapshot"]
    assert len(save) == 1
    save[0].click().run()
    assert not app.exception


def _texts(app: AppTest) -> list[str]:
    return [m.value for m in app.markdown] + [c.value for c in app.caption]


def test_two_saved_weeks_show_the_band_moves_the_reasons_and_the_account_line(
    fresh_store: Path, expected: Expected
) -> None:
    at = _app("pages/portfolio.py")
    _upload_and_save(at, _week(0))
    assert any(s.value.startswith("Saved snapshot 1: as of 13 Nov 2026, 300 accounts") for s in at.success)
    _upload_and_save(at, _week(1))
    assert any(s.value.startswith("Saved snapshot 2: as of 20 Nov 2026, 300 accounts") for s in at.success)

    shown = [d.value for d in at.dataframe]
    moves = next(d for d in shown if list(d.columns[:3]) == ["From", "To", "Accounts"])
    got = {
        (f.lower(), t.lower()): int(n) for f, t, n in zip(moves["From"], moves["To"], moves["Accounts"], strict=True)
    }
    want = {
        (str(f), str(t)): int(n)
        for f, t, n in zip(expected.moves["from"], expected.moves["to"], expected.moves["accounts"], strict=True)
    }
    assert got == want and sum(want.values()) > 0
    worse = next(d for d in shown if "CSM" in d.columns and "Band" in d.columns)
    assert worse["Account"].iloc[0] == expected.account_name  # largest ARR first, as the model ranks it

    # The "why" picker lists the accounts that moved down first; pick the oracle's one explicitly.
    why = at.selectbox(key="changes:why:widget")
    why.select(expected.account_id).run()
    assert f"**{plain(expected.account_name)}**: {plain(expected.reason)}" in _texts(at)

    at.query_params["id"] = expected.account_id
    at.switch_page("pages/account.py").run()
    assert not at.exception
    assert at.title[0].value == expected.account_name
    assert len(at.get("vega_lite_chart")) == 1  # the score line on band zones
    assert any(t.startswith("2 snapshots; no monthly history (it comes from exports") for t in _texts(at))
    assert f"**13 Nov → 20 Nov 2026.** {plain(expected.reason)}" in _texts(at)
    assert not at.error
    # Figures as the scorecard writes them: '41%', never a raw 41.1765; the score at one decimal.
    drivers = next(d.value for d in at.dataframe if "Out of" in d.value.columns)
    assert all(re.fullmatch(r"no data|-?[\d,]+(\.\d)?(%| days|/10)?", v) for v in drivers["Value"]), drivers
    assert re.fullmatch(r"\d+\.\d", next(str(m.value) for m in at.metric if m.label == "Health score"))
    why_points = next(d for d in at.dataframe if "Points then" in d.value.columns)
    # Points at one decimal (5.0, as Drivers shows them), the change signed.
    assert column_formats(why_points) == {"Points then": "%.1f", "Points now": "%.1f", "Change": "%+.1f"}


def _seed(db_path: Path, as_of: date) -> None:
    store = Store(db_path)
    try:
        save_exports(store, [_week(1)], MODEL, as_of=as_of)
    finally:
        store.close()


def _stale_warnings(app: AppTest) -> list[str]:
    return [w.value for w in app.warning if "older than 14 days" in w.value]


def test_a_snapshot_older_than_fourteen_days_is_called_out_on_both_pages(fresh_store: Path) -> None:
    old = date.today() - timedelta(days=15)
    _seed(fresh_store, old)
    at = _app("pages/portfolio.py")
    assert _stale_warnings(at) == [
        f"The newest snapshot is 15 days old (as of {old:%d %b %Y}), older than 14 days: scores may have moved "
        "since. Upload this week's exports and save a snapshot."
    ]
    at.switch_page("pages/account.py").run()
    assert not at.exception
    assert len(_stale_warnings(at)) == 1


def test_a_snapshot_fourteen_days_old_is_not_stale(fresh_store: Path) -> None:
    _seed(fresh_store, date.today() - timedelta(days=14))
    at = _app("pages/portfolio.py")
    assert not at.exception
    assert _stale_warnings(at) == []
    at.switch_page("pages/account.py").run()
    assert _stale_warnings(at) == []


# One account with a month missing (March): each point of its line must sit at its own month's end.
GAP_CSV = (
    b"Account ID,Account Name,Month,Usage %,Licensed Seats,Active Users\n"
    b"X-1,Zephyr Freight,2026-01,80%,100,70\n"
    b"X-1,Zephyr Freight,2026-02,60%,100,50\n"
    b"X-1,Zephyr Freight,2026-04,40%,100,30\n"
)


def _line_points(app: AppTest) -> pd.DataFrame:
    """The account chart's line data, read back from the chart Streamlit sent."""
    import pyarrow as pa

    chart = app.get("vega_lite_chart")[0].proto
    frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.datasets]
    return next(f for f in frames if "when" in f.columns)


def test_the_monthly_line_dates_each_point_to_its_own_month(fresh_store: Path) -> None:
    at = _app("pages/portfolio.py")
    at.file_uploader(key="portfolio_files").set_value([("usage.csv", GAP_CSV, "text/csv")]).run()
    assert not at.exception
    trend = list(at.session_state["portfolio_scored"].result.accounts.iloc[0]["score_trend"])
    at.query_params["id"] = "X-1"
    at.switch_page("pages/account.py").run()
    assert not at.exception
    points = _line_points(at)
    assert [d.date() for d in points["when"]] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 4, 30)]
    assert points["score"].tolist() == trend  # the same scores as the triage sparkline, now at their months
    assert any(t.startswith("3 months of history from the exports; no snapshot yet") for t in _texts(at))


# The same account with check-in dates, so the day the score is measured to moves its score.
CHECKIN_CSV = (
    b"Account ID,Account Name,Month,Usage %,Licensed Seats,Active Users,Last Check-in\n"
    b"X-1,Zephyr Freight,2026-01,80%,100,70,2026-01-05\n"
    b"X-1,Zephyr Freight,2026-02,60%,100,50,2026-02-02\n"
    b"X-1,Zephyr Freight,2026-04,40%,100,30,2026-04-03\n"
)


def test_the_monthly_line_stops_at_the_as_of_date_set_on_the_portfolio_page(fresh_store: Path) -> None:
    """A date set on the portfolio page holds on the account page too: no month after it, the same last score."""
    at = _app("pages/portfolio.py")
    at.file_uploader(key="portfolio_files").set_value([("usage.csv", CHECKIN_CSV, "text/csv")]).run()
    at.date_input(key="portfolio:as_of_input").set_value(date(2026, 2, 10)).run()
    assert not at.exception
    row = at.session_state["portfolio_scored"].result.accounts.iloc[0]
    assert pd.Timestamp(row["period"]).date() == date(2026, 2, 1)  # April is after the date set
    at.query_params["id"] = "X-1"
    at.switch_page("pages/account.py").run()
    assert not at.exception
    points = _line_points(at)
    # February's point is measured to the date set (8 days since the check-in), as the triage score is.
    assert [d.date() for d in points["when"]] == [date(2026, 1, 31), date(2026, 2, 10)]
    assert points["score"].tolist() == list(row["score_trend"])
    assert points["score"].iloc[-1] == row["score"]


def test_the_account_drivers_add_up_to_its_score_and_the_bonus_reads_yes(fresh_store: Path) -> None:
    """Tidewater's customer can state their ROI: Drivers stopped 10 points short of the 77.6 above them, and
    "Why it moved" left the bonus's Was and Now blank."""
    at = _app("pages/portfolio.py")  # the demo book, and the demo snapshots seeded into the empty store
    at.query_params["id"] = "ACC-1001"
    at.switch_page("pages/account.py").run()
    assert not at.exception
    shown = float(next(str(m.value) for m in at.metric if m.label == "Health score"))
    drivers = next(d.value for d in at.dataframe if "Out of" in d.value.columns).set_index("Signal")
    assert drivers.loc["Bonus: Customer can state their ROI"].tolist() == ["yes", "10.0", "10.0"]
    assert sum(float(p) for p in drivers["Points"]) == pytest.approx(shown, abs=0.15)
    why = next(d.value for d in at.dataframe if "Points then" in d.value.columns).set_index("Signal")
    assert why.loc["Customer can state their ROI", ["Was", "Now"]].tolist() == ["yes", "yes"]
    # A derived value says what it was worked out from: 45 days without a check-in scores 0, today's scores 100.
    source = next(c.value for c in at.caption if c.value.startswith("Engagement with the CSM is worked out from"))
    days = int(re.search(r"days since last check-in: (\d+) \(0 scores 100 and 45 or further scores 0\)", source)[1])  # type: ignore[index]
    assert drivers.loc["Engagement with the CSM", "Value"] == f"{100 * (45 - days) / 45:.0f}"


WHY_CAPTION = "Between the two latest saved snapshots of this account; the score above is from "


def test_a_first_visit_reads_the_same_source_as_every_later_one(fresh_store: Path) -> None:
    """On an empty store the first visit showed the demo portfolio's 77.6 (October) and, seeding the demo
    snapshots as it went, explained a move "76 → 76.4" in November under it; a reload showed 76.4."""
    st.cache_resource.clear()
    st.cache_data.clear()
    at = app_on("pages/account.py", 90)
    at.query_params["id"] = "ACC-1001"  # as a bookmark opens it: the account in the address, nothing scored yet
    at.run()
    assert not at.exception
    assert at.title[0].value == "Tidewater Health"
    first = (next(c.value for c in at.caption if c.value.startswith("From ")), _health(at))
    assert first[0] == "From the snapshot of 20 Nov 2026, scored with Technical CSM scorecard."
    moved = next(t for t in _texts(at) if t.startswith("**13 Nov → 20 Nov 2026.**"))
    assert f"→ {plain(first[1])}" in moved  # the move it explains ends at the score it shows
    assert not [c for c in at.caption if c.value.startswith(WHY_CAPTION)]
    at.run()
    assert (next(c.value for c in at.caption if c.value.startswith("From ")), _health(at)) == first


def test_why_it_moved_says_so_when_the_score_above_is_not_the_newer_snapshot(fresh_store: Path) -> None:
    at = _app("pages/portfolio.py")  # the demo book scored in this session: its latest month is October
    at.query_params["id"] = "ACC-1001"
    at.switch_page("pages/account.py").run()
    assert not at.exception
    assert _health(at) == "77.6"
    assert any(t.startswith("**13 Nov → 20 Nov 2026.**") and f"→ {plain('76.4')}" in t for t in _texts(at))
    assert WHY_CAPTION + "the portfolio you scored on the portfolio page." in [c.value for c in at.caption]


def _health(app: AppTest) -> str:
    return str(next(m.value for m in app.metric if m.label == "Health score"))
