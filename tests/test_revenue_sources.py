"""What feeds the revenue page besides the scored accounts: ARR at two dates, measured rates, hand-set flags.

Each test computes its expectation independently of the code under test:
the demo snapshots' ARR movements from the two CSVs with pandas, the
measured rates from the band counts, the merged flags by hand.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pandas as pd
import pytest

from scoring.backtest.report import BandRow, Figure, Report
from scoring.formatting import NO_DATA, money_full
from scoring.qbr.notes import load_profiles, save_profile
from scoring.qbr.records import AccountProfile
from scoring.revenue.calibrated import measured_rates
from scoring.revenue.expansion import expansion_rules, score_expansion
from scoring.revenue.extras import Extras
from scoring.revenue.flags import (
    FlagError,
    hand_set_signals,
    merged,
    reference_tier,
    reference_tiers,
    save_flags,
    save_reference_tier,
    saved_flags,
)
from scoring.revenue.rates import RenewalRates
from scoring.revenue.retention import retention, waterfall_floor
from scoring.revenue.two_dates import arr_at_two_dates, from_exports, from_snapshots
from scoring.snapshots.demo import demo_files, seed_demo
from scoring.storage import Store


@pytest.fixture
def store(db_path: Path) -> Store:
    return Store(db_path)


# ---- money_full ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (13200, "USD", "$13,200"),
        (13200.4, "USD", "$13,200"),
        (1_234_567.5, "EUR", "€1,234,568"),
        (-950, "USD", "-$950"),
        (0, "USD", "$0"),
        (13200, "CAD", "13,200 CAD"),
        (None, "USD", NO_DATA),
        (float("nan"), "USD", NO_DATA),
    ],
)
def test_money_full_writes_the_whole_amount_and_never_zero_for_missing(
    amount: float | None, currency: str, text: str
) -> None:
    assert money_full(amount, currency) == text


# ---- ARR at two dates -----------------------------------------------------------


def _csv_arr(path: Path) -> dict[str, float]:
    frame = pd.read_csv(path, dtype=str)
    arr = frame["ARR"].str.replace(r"[$,]", "", regex=True).astype(float)
    return dict(zip(frame["Account ID"], arr, strict=True))


def test_the_demo_snapshots_give_churn_contraction_and_expansion(store: Store) -> None:
    seed_demo(store)
    pair = from_snapshots(store)
    assert pair is not None
    assert (pair.start_label, pair.end_label, pair.days) == ("2026-11-13", "2026-11-20", 7)
    assert "demo snapshots" in pair.origin
    before, after = (_csv_arr(p) for p in demo_files())
    churn = sum(v for k, v in before.items() if after[k] == 0)
    down = sum(v - after[k] for k, v in before.items() if 0 < after[k] < v)
    up = sum(after[k] - v for k, v in before.items() if after[k] > v)
    assert churn > 0 and down > 0 and up > 0  # the demo week has every kind of movement
    r = pair.retention()
    assert r is not None
    assert r.starting_arr == pytest.approx(sum(before.values()))
    assert (r.churn, r.contraction, r.expansion) == pytest.approx((churn, down, up))
    assert r.ending_arr == pytest.approx(sum(after.values()))
    assert r.churned_logos == sum(1 for v in after.values() if v == 0)


def test_monthly_arr_in_the_exports_wins_over_snapshots(store: Store) -> None:
    seed_demo(store)
    found = Extras(arr_by_month={"2026-01": {"A": 100.0}, "2026-06": {"A": 120.0}})
    pair = arr_at_two_dates(found, store)
    assert pair is not None
    assert (pair.start_label, pair.end_label, pair.origin) == ("2026-01", "2026-06", "ARR by month in your exports")
    r = pair.retention()
    assert r is not None and r.nrr == pytest.approx(1.2)


def test_one_month_and_no_snapshots_is_no_pair(store: Store) -> None:
    found = Extras(arr_by_month={"2026-01": {"A": 100.0}})
    assert from_exports(found) is None
    assert arr_at_two_dates(found, store) is None


def test_snapshots_of_one_day_are_no_pair(store: Store) -> None:
    first = seed_demo(store)[0]
    assert from_snapshots(store, [first]) is None


# ---- measured renewal rates -----------------------------------------------------


def _band(band: str, accounts: int, churners: int) -> BandRow:
    rate = Figure(churners / accounts) if accounts else Figure(None, f"no {band} accounts")
    return BandRow(band, accounts, churners, rate, Figure(None, "n/a"), None)  # type: ignore[arg-type]  # band is a literal


def _report(*bands: BandRow) -> Report:
    return cast(Report, SimpleNamespace(bands=bands, lead_days=60, model_name="Test model"))


def test_measured_rates_are_one_minus_each_bands_churn_rate() -> None:
    stated = RenewalRates(green=0.5, yellow=0.5, red=0.5, insufficient=0.42)
    m = measured_rates(_report(_band("green", 20, 1), _band("yellow", 10, 3), _band("red", 4, 2)), stated, "o.csv")
    assert (m.rates.green, m.rates.yellow, m.rates.red) == pytest.approx((0.95, 0.7, 0.5))
    assert m.rates.insufficient == 0.42  # the lab does not band insufficient accounts: the stated rate stays
    assert m.stated == ("insufficient",)
    assert m.accounts == {"green": 20, "yellow": 10, "red": 4}
    assert m.renewed == {"green": 19, "yellow": 7, "red": 2}
    assert "60 days" in m.describe() and "o.csv" in m.describe() and "Test model" in m.describe()


def test_a_band_the_lab_never_saw_keeps_the_stated_rate() -> None:
    stated = RenewalRates()
    m = measured_rates(_report(_band("green", 5, 0), _band("yellow", 0, 0), _band("red", 3, 3)), stated, "o.csv")
    assert m.rates.green == 1.0 and m.rates.red == 0.0
    assert m.rates.yellow == stated.yellow
    assert m.stated == ("yellow", "insufficient")


# ---- flags set on the account page -------------------------------------------------


def test_flags_saved_for_an_account_come_back_and_can_be_cleared(store: Store) -> None:
    assert hand_set_signals() == ("new_department", "premium_requests", "exec_engagement_rising")
    save_flags(store, "ACC-1", {"new_department": True, "premium_requests": False}, "Ana")
    save_flags(store, "ACC-2", {"exec_engagement_rising": True})
    assert saved_flags(store) == {
        "ACC-1": frozenset({"new_department"}),
        "ACC-2": frozenset({"exec_engagement_rising"}),
    }
    save_flags(store, "ACC-1", {"new_department": False})
    assert "ACC-1" not in saved_flags(store)


def test_a_computed_signal_cannot_be_set_by_hand(store: Store) -> None:
    with pytest.raises(FlagError, match="high_adoption"):
        save_flags(store, "ACC-1", {"high_adoption": True})
    assert saved_flags(store) == {}


def test_hand_set_flags_add_their_points_like_an_export_column() -> None:
    accounts = pd.DataFrame(
        {
            "account_id": ["A", "B"],
            "account_name": ["Alpha", "Beta"],
            "band": ["green", "green"],
            "score": [90.0, 90.0],
            "arr": [100.0, 200.0],
            "periods_in_band": [5, 5],
        }
    )
    from_export = {"A": frozenset({"premium_requests"})}
    from_page = {"A": frozenset({"new_department"}), "B": frozenset({"premium_requests"})}
    flags: dict[str, Any] = merged(from_export, from_page)
    assert flags == {"A": frozenset({"premium_requests", "new_department"}), "B": frozenset({"premium_requests"})}
    points = score_expansion(accounts, flags, expansion_rules()).set_index("account_id")["points"]
    assert points.to_dict() == {"A": 3 + 2, "B": 2}


def test_the_reference_tier_keeps_the_customer_since_date(store: Store) -> None:
    save_profile(store, "ACC-1", AccountProfile(date(2024, 3, 1), None))
    assert reference_tier(store, "ACC-1") is None
    save_reference_tier(store, "ACC-1", 2)
    assert reference_tier(store, "ACC-1") == 2
    assert load_profiles(store)["ACC-1"] == AccountProfile(date(2024, 3, 1), 2)
    save_profile(store, "ACC-2", AccountProfile(date(2025, 1, 1), None))
    assert reference_tiers(store) == {"ACC-1": 2}  # an account without a tier is not listed
    with pytest.raises(FlagError, match="1, 2 or 3"):
        save_reference_tier(store, "ACC-1", 7)
    assert reference_tier(store, "ACC-1") == 2


# ---- the waterfall's axis ---------------------------------------------------------


def test_the_waterfall_starts_at_zero_unless_the_moves_are_small_against_the_book() -> None:
    big = retention({"A": 100.0, "B": 200.0, "C": 300.0}, {"B": 150.0, "C": 400.0})
    assert big is not None and waterfall_floor(big) == 0.0  # levels 600 -> 450: a quarter of the book moved
    small = retention({"A": 1000.0, "B": 9000.0}, {"A": 990.0, "B": 9030.0})
    assert small is not None
    # Levels: 10,000 start, 9,990 after the contraction, 10,020 at the end: span 30, floor 30 under the lowest.
    assert waterfall_floor(small) == pytest.approx(9990.0 - 30.0)
    flat = retention({"A": 500.0}, {"A": 500.0})
    assert flat is not None and waterfall_floor(flat) == 0.0
