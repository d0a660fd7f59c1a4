"""The QBR pack (scoring.qbr): quarters, sections with and without data, hostile text, the tracker, saved notes."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from scoring.catalog import get_model
from scoring.engine import score
from scoring.qbr.markdown import to_markdown
from scoring.qbr.notes import held_in, load_notes, load_profiles, save_notes, save_profile
from scoring.qbr.pack import build_pack, green_level
from scoring.qbr.quarters import Quarter, QuarterError
from scoring.qbr.records import AccountProfile, QbrNotes
from scoring.qbr.slides import to_pptx
from scoring.qbr.tracker import qbr_tracker
from scoring.storage import Store

MODEL = get_model("technical-csm")
HOSTILE = '<script>alert(1)</script> [click](http://evil.example) **bold** =HYPERLINK("x") \u202eevil'


def test_quarters_parse_in_the_usual_spellings_and_refuse_the_rest() -> None:
    assert Quarter.parse("2026Q4") == Quarter.parse("2026-q4") == Quarter.parse("Q4 2026") == Quarter(2026, 4)
    q = Quarter(2026, 4)
    assert (q.start, q.end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert q.months() == ("2026-10", "2026-11", "2026-12")
    assert (str(q.next()), str(Quarter(2026, 1).previous())) == ("2027Q1", "2025Q4")
    with pytest.raises(QuarterError, match="2026Q4"):
        Quarter.parse("2026Q5")


def row(name: str = "Acme Corp", **extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "account_id": "ACC-1",
        "account_name": name,
        "band": "green",
        "score": 84.0,
        "arr": 120_000.0,
        "renewal_date": pd.Timestamp("2027-03-01"),
        "weakest": "Usage rate, Seat utilisation",
        "score_trend": [70.0, 72.0, 75.0, 80.0, 84.0],
        # The latest scored month's values, as a row of PortfolioResult.accounts carries them.
        "period": pd.Timestamp("2026-11-01"),
        "usage_rate": 75.0,
        "seat_utilization": 80.0,
        "teams_live": 50.5,
        "override_rate": 10.0,
        "csm_responsiveness": 70.0,
    }
    base.update(extra)
    return base


def history() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": ["ACC-1", "ACC-1"],
            "period": pd.to_datetime(["2026-09-01", "2026-11-01"]),
            "usage_rate": [60.0, 75.0],
            "seat_utilization": [90.0, 80.0],
            "teams_live": [50.0, 50.5],
            "override_rate": [30.0, 10.0],
            "csm_responsiveness": [None, 70.0],
        }
    )


def test_pack_states_what_the_data_says_and_what_to_add_for_the_rest() -> None:
    pack = build_pack(MODEL, row(), history(), Quarter(2026, 4))
    summary = dict(pack.summary)
    assert summary["Current ARR"] == "$120,000"
    assert summary["Customer since"] == "no data"
    assert summary["Users"] == "no data"
    assert pack.metrics_month == "2026-11"
    trends = {m.label: m.trend for m in pack.metrics}
    assert trends["Usage rate"] == "up"
    assert trends["Seat utilisation"] == "down"
    assert trends["Teams or locations live"] == "flat"
    assert trends["Override / bypass rate"] == "up"  # lower is better, and it fell
    assert trends["Engagement with the CSM"] == "no history"
    assert pack.score_trend == "up"
    assert len(pack.drivers) == 5 and pack.not_counted == ()
    gaps = {g.section for g in pack.gaps}
    assert gaps == {
        "Customer since",
        "Users",
        "Achievements",
        "Value delivered",
        "Open risks and issues",
        "Next quarter goals",
    }
    text = to_markdown(pack, "chart.png")
    assert "Acme Corp" in text and "84.0" in text and "![Points each signal earned](chart.png)" in text
    assert text.count("_No data yet._") == 4
    assert "$0" not in text and "nan" not in text.lower() and "None" not in text


def test_a_quarter_without_monthly_data_says_which_months_to_add() -> None:
    pack = build_pack(MODEL, row(arr=None, score=None), history(), Quarter(2027, 2))
    assert pack.metrics == () and pack.score is None
    assert "2027Q2" in (pack.gap("Quarter in review") or pytest.fail("no gap")).what_to_add
    assert dict(pack.summary)["Current ARR"] == "no data"
    text = to_markdown(pack)
    assert "$0" not in text and "nan" not in text.lower()


def test_an_earlier_quarter_states_its_own_months_score_with_drivers_that_add_up_to_it() -> None:
    """The latest row is November's 84.0; a 2026Q3 pack stated it above September's metrics."""
    pack = build_pack(MODEL, row(), history(), Quarter(2026, 3))
    september = {"usage_rate": 60.0, "seat_utilization": 90.0, "teams_live": 50.0, "override_rate": 30.0}
    card = score(MODEL, {**september, "csm_responsiveness": None}, [])
    assert (pack.metrics_month, pack.score_month) == ("2026-09", "2026-09")
    assert pack.score == pytest.approx(card.score) and pack.score != 84.0
    assert pack.band == card.band
    assert sum(d.points for d in pack.drivers) == pytest.approx(card.score)
    assert pack.not_counted == ("Engagement with the CSM",)  # no value in September
    assert pack.score_trend == "no history"  # one scored month up to September, not November's five


def test_an_earlier_quarter_too_sparse_for_a_band_shows_no_score() -> None:
    sparse = history().assign(usage_rate=[None, 75.0], seat_utilization=[None, 80.0], teams_live=[None, 50.5])
    pack = build_pack(MODEL, row(), sparse, Quarter(2026, 3))
    assert pack.score is None and pack.drivers == ()
    assert (pack.gap("Health") or pytest.fail("no gap")).what_to_add.startswith("Insufficient data:")


def test_an_account_too_sparse_for_a_band_shows_the_customer_no_score_and_says_what_is_missing() -> None:
    """A score on 20% of the model is not one to put in front of a customer, nor is its drivers chart."""
    sparse = history().drop(columns=["usage_rate", "seat_utilization", "teams_live", "override_rate"])
    pack = build_pack(MODEL, row(band="insufficient", score=42.2, coverage=0.2), sparse, Quarter(2026, 4))
    assert pack.score is None and pack.drivers == ()
    gap = pack.gap("Health") or pytest.fail("no gap")
    assert gap.what_to_add.startswith("Insufficient data: 20% of the model's weight seen; needs 50%.")
    for text in (to_markdown(pack, "chart.png"), pptx_text(to_pptx(pack, None))):
        assert "42.2" not in text and "chart.png" not in text
        assert "Insufficient data: 20% of the model's weight seen; needs 50%." in text


def test_a_signal_with_no_value_is_named_not_drawn_as_zero_of_zero() -> None:
    pack = build_pack(MODEL, row(csm_responsiveness=None), history(), Quarter(2026, 4))
    assert [d.label for d in pack.drivers] == [
        "Usage rate",
        "Seat utilisation",
        "Teams or locations live",
        "Override / bypass rate",
    ]
    assert pack.not_counted == ("Engagement with the CSM",)
    text = to_markdown(pack)
    assert "Not counted, no data: Engagement with the CSM." in text and "| 0.0 | 0.0 |" not in text
    assert "Not counted, no data: Engagement with the CSM" in pptx_text(to_pptx(pack, None))


def test_notes_and_profile_fill_their_sections() -> None:
    notes = QbrNotes(
        achievements="- Cut onboarding to 9 days\n\nLaunched in 3 regions",
        time_saved="120 hours",
        risks="Sponsor leaving in Q1",
        goals="Reach 90% seat use",
    )
    pack = build_pack(MODEL, row(), history(), Quarter(2026, 4), notes, AccountProfile(date(2024, 5, 1), 2), 40, 50)
    assert pack.achievements == ("Cut onboarding to 9 days", "Launched in 3 regions")
    assert pack.value == (("Time saved", "120 hours"),)
    assert dict(pack.summary)["Users"] == "40 active of 50 licensed"
    assert dict(pack.summary)["Customer since"] == "2024-05-01"
    assert {g.section for g in pack.gaps} == set()


def test_green_level_is_the_models_green_share_of_the_range() -> None:
    assert green_level(MODEL.signal("usage_rate"), MODEL) == pytest.approx(80.0)
    override = MODEL.signal("override_rate")
    assert green_level(override, MODEL) == pytest.approx(override.max - 0.8 * (override.max - override.min))


def pptx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("ppt/slides/slide"))


def test_hostile_text_comes_out_as_plain_text_in_both_formats() -> None:
    notes = QbrNotes(achievements=HOSTILE, risks="=1+2\n@SUM(A1)")
    pack = build_pack(MODEL, row(name=HOSTILE), history(), Quarter(2026, 4), notes)
    md = to_markdown(pack)
    assert "<script>" not in md and "\\<script\\>" in md
    assert "[click](http" not in md and "\\[click\\](http" in md
    assert "**bold**" not in md.replace("**84.0**", "")
    assert "\u202e" not in md
    slides = pptx_text(to_pptx(pack, None))
    assert "\u202e" not in slides
    assert "'=1+2" in slides and "'@SUM(A1)" in slides
    assert "&lt;script&gt;" in slides  # XML-escaped text, not markup
    assert "<a:t>=" not in slides and "<a:t>@" not in slides


def test_pptx_holds_the_name_score_and_chart() -> None:
    from scoring.qbr.chart import drivers_png

    pack = build_pack(MODEL, row(), history(), Quarter(2026, 4))
    png = drivers_png(pack.drivers, "Points")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    data = to_pptx(pack, png)
    text = pptx_text(data)
    assert "Acme Corp" in text and "84.0" in text
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert any(n.startswith("ppt/media/") and n.endswith(".png") for n in z.namelist())


def tracker_book() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": ["A", "B", "C", "D"],
            "account_name": ["a", "b", "c", "d"],
            "arr": [200_000.0, 60_000.0, 10_000.0, None],
            "band": ["green", "red", "green", "yellow"],
        }
    )


def test_tracker_lists_accounts_above_the_threshold_and_the_completion_rate() -> None:
    t = qbr_tracker(tracker_book(), Quarter(2026, 4), {"A"}, {}, threshold=50_000)
    assert list(t.due["account_id"]) == ["A", "B"]
    assert t.completion == pytest.approx(0.5)
    assert t.no_arr == 1
    none_due = qbr_tracker(tracker_book(), Quarter(2026, 4), set(), {}, threshold=10_000_000)
    assert none_due.completion is None


def test_tracker_months_3_6_9_need_a_start_date() -> None:
    profiles = {"A": AccountProfile(date(2026, 4, 15)), "B": AccountProfile(date(2025, 11, 10))}
    t = qbr_tracker(tracker_book(), Quarter(2026, 4), set(), profiles, threshold=50_000, rhythm="months 3/6/9")
    assert list(t.due["account_id"]) == ["A"]  # A's month 6 is 2026-10-15; B's month 9 was 2026-08-10
    t2 = qbr_tracker(tracker_book(), Quarter(2026, 4), set(), {"B": profiles["B"]}, 50_000, "months 3/6/9")
    assert list(t2.undated["account_id"]) == ["A"]


def test_notes_and_profiles_are_saved_per_account_and_quarter(fresh_store: Path) -> None:
    store = Store(fresh_store)
    try:
        assert load_notes(store, "A", "2026Q4") == QbrNotes()
        save_notes(store, "A", "2026Q4", QbrNotes(goals="x" * 5000, held_on=date(2026, 11, 3)))
        save_notes(store, "A", "2026Q3", QbrNotes(goals="older"))
        kept = load_notes(store, "A", "2026Q4")
        assert len(kept.goals) == 4000 and kept.held_on == date(2026, 11, 3)
        assert held_in(store, "2026Q4") == {"A"} and held_in(store, "2026Q3") == set()
        save_profile(store, "A", AccountProfile(date(2024, 1, 1), 3))
        assert load_profiles(store)["A"] == AccountProfile(date(2024, 1, 1), 3)
    finally:
        store.close()
