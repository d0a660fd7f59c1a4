"""Renewal forecast: who renews when, for how much, and how much of it we expect to keep.

Expected retained ARR is each account's ARR times its band's renewal rate.
The rates are a stated, editable assumption (``RenewalRates``), not a
measurement; the range around a quarter's expected GRR treats each renewal
as an independent yes/no with that probability (a normal approximation,
90% two-sided), which is honest about how few renewals a quarter holds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from scoring.csv_export import to_csv
from scoring.portfolio.kpis import arr_sum
from scoring.qbr.quarters import Quarter
from scoring.revenue.rates import RATE_BANDS, RenewalRates

HORIZONS: tuple[int, ...] = (30, 60, 90, 120, 180)
SALES_OPS_LEAD_DAYS = 120  # seed 004: the forecast goes to Sales Ops this long before renewal
WEEKLY_WITHIN_DAYS = 90  # seed 004: renewals this close are watched weekly
Z_90 = 1.645  # two-sided 90% normal range


@dataclass(frozen=True)
class Bucket:
    """Renewals within one horizon: accounts and ARR, in all and per band.

    ``accounts`` and ``by_band`` count every account renewing in the window,
    ``without_arr`` of them with no ARR in the exports: those are in no ARR
    figure (``arr``, ``expected_arr``, ``arr_by_band``), never counted as $0,
    and never dropped from the count either, so the window's account figure
    agrees with the weekly watch.  ``arr`` and ``expected_arr`` add ARR up as
    every figure does (``kpis.arr_sum``): None when the window's renewals all
    lack ARR, $0 only when nothing renews in it.
    """

    label: str
    accounts: int
    arr: float | None
    expected_arr: float | None
    by_band: dict[str, int] = field(default_factory=dict)
    arr_by_band: dict[str, float] = field(default_factory=dict)
    without_arr: int = 0

    @property
    def priced_accounts(self) -> int:
        """The accounts of the window whose ARR is known: the ones behind its ARR figures."""
        return self.accounts - self.without_arr


@dataclass(frozen=True)
class QuarterOutlook:
    """One quarter's expected gross and logo retention, with a 90% range."""

    quarter: str
    accounts: int
    expiring_arr: float
    expected_arr: float
    grr: float
    grr_low: float
    grr_high: float
    logo: float
    logo_low: float
    logo_high: float
    without_arr: int = 0


@dataclass(frozen=True)
class Forecast:
    """Everything the renewal section and ``python -m scoring renewals`` show.

    ``renewals`` has one row per account with a renewal date to come, soonest
    first: account_id, account_name, band, arr, renewal_date, days_to_renewal,
    rate, expected_arr, quarter, sales_ops_due, weekly, weakest.  ``accounts``
    are those with ARR; ``unpriced`` those without (``arr`` and ``expected_arr``
    empty), renewals all the same, so they are counted and listed, but in no
    ARR figure.  ``missing`` lists accounts set aside from the ARR figures,
    with the reason and the fix.
    """

    as_of: date
    rates: RenewalRates
    renewals: pd.DataFrame
    horizons: tuple[Bucket, ...]
    quarters: tuple[QuarterOutlook, ...]
    missing: pd.DataFrame
    lapsed: pd.DataFrame

    @property
    def accounts(self) -> pd.DataFrame:
        """The renewals to come with ARR: the ones behind every ARR figure."""
        return self.renewals[self.renewals["arr"].notna()]

    @property
    def unpriced(self) -> pd.DataFrame:
        """The renewals to come with no ARR in the exports."""
        return self.renewals[self.renewals["arr"].isna()]

    @property
    def sales_ops_due(self) -> pd.DataFrame:
        """Renewals within 120 days, with ARR or not: their forecast is due to Sales Ops now.

        One with no ARR is on the list with its ARR empty: Sales Ops may know
        the amount, and a renewal missing from their list is never forecast.
        """
        return self.renewals[self.renewals["sales_ops_due"] <= pd.Timestamp(self.as_of)].reset_index(drop=True)

    @property
    def sales_ops_arr(self) -> float | None:
        """The ARR of the Sales Ops list, added up as every ARR figure is (``kpis.arr_sum``)."""
        return arr_sum(self.renewals["arr"], self.renewals["sales_ops_due"] <= pd.Timestamp(self.as_of))

    @property
    def weekly(self) -> pd.DataFrame:
        """Renewals within 90 days, which move to weekly monitoring."""
        return self.accounts[self.accounts["weekly"]]

    @property
    def priced(self) -> bool:
        """Whether any account has both ARR and a renewal date to come; if none has, every ARR figure is
        unknown, not $0 (the page and the CLI then say "no data")."""
        return not self.accounts.empty

    @property
    def weekly_without_arr(self) -> pd.DataFrame:
        """Accounts set aside for want of ARR whose renewal is within 90 days all the same.

        They are in no ARR figure, but the weekly-monitoring rule is about the
        date, whatever the band or the amount: a renewal three weeks out must
        not drop off the CSM's list because the export left ARR blank.
        """
        return self.unpriced[self.unpriced["weekly"]]

    @property
    def weekly_window(self) -> Bucket:
        """The 90-day window as one bucket, whatever horizons were asked for: the page's weekly-watch tiles."""
        return _bucket(f"within {WEEKLY_WITHIN_DAYS} days", self.renewals, self.renewals["weekly"])


def _missing_reason(arr: object, renewal: object) -> str:
    no_arr = arr is None or pd.isna(arr)
    no_date = renewal is None or pd.isna(renewal)
    if no_arr and no_date:
        return "no ARR and no renewal date: add an ARR column and a renewal date column to the account export"
    if no_arr:
        return "no ARR: add an ARR column to the account export"
    return "no renewal date: needs a renewal date column in the account export"


def _bucket(label: str, renewals: pd.DataFrame, picked: pd.Series) -> Bucket:
    """One window: the ``picked`` renewals, with ARR or not (those without are counted, in no ARR figure)."""
    rows = renewals[picked]
    priced = rows[rows["arr"].notna()]
    return Bucket(
        label=label,
        accounts=len(rows),
        arr=arr_sum(renewals["arr"], picked),
        expected_arr=arr_sum(renewals["expected_arr"], picked),
        by_band={str(k): int(n) for k, n in rows["band"].value_counts(sort=False).items()},
        arr_by_band={str(k): float(a) for k, a in priced.groupby("band", sort=False)["arr"].sum().items()},
        without_arr=len(rows) - len(priced),
    )


def _outlook(quarter: str, renewals: pd.DataFrame, picked: pd.Series) -> QuarterOutlook:
    """One quarter: GRR from its renewals with ARR, logo retention from every renewal.

    A renewal with no ARR is a logo all the same, kept at its band's rate; it
    is in no ARR figure, and a quarter of such renewals only has no ARR figure
    at all (NaN, as ``kpis.arr_sum`` has it), not $0.
    """
    rows = renewals[picked]
    priced = rows[rows["arr"].notna()]
    arr = priced["arr"].to_numpy(dtype=float)
    p = priced["rate"].to_numpy(dtype=float)
    every = rows["rate"].to_numpy(dtype=float)
    n = len(every)
    expiring = arr_sum(renewals["arr"], picked)
    expected = arr_sum(renewals["expected_arr"], picked)
    spread = Z_90 * math.sqrt(float((arr**2 * p * (1 - p)).sum()))
    logos = float(every.sum())
    logo_spread = Z_90 * math.sqrt(float((every * (1 - every)).sum()))

    def share(value: float | None, whole: float | None) -> float:
        return min(max(value / whole, 0.0), 1.0) if value is not None and whole else math.nan

    return QuarterOutlook(
        quarter=quarter,
        accounts=n,
        expiring_arr=math.nan if expiring is None else expiring,
        expected_arr=math.nan if expected is None else expected,
        grr=share(expected, expiring),
        grr_low=share(None if expected is None else expected - spread, expiring),
        grr_high=share(None if expected is None else expected + spread, expiring),
        logo=share(logos, n),
        logo_low=share(logos - logo_spread, n),
        logo_high=share(logos + logo_spread, n),
        without_arr=n - len(priced),
    )


def forecast(
    accounts: pd.DataFrame,
    as_of: date,
    rates: RenewalRates | None = None,
    horizons: Sequence[int] = HORIZONS,
) -> Forecast:
    """Renewals by horizon, band and quarter, with expected retained ARR.

    Accounts lacking ARR or a renewal date go to ``missing``; those whose
    renewal date has already passed go to ``lapsed`` (the export needs the
    next renewal date), so neither is counted as $0 or as churn.  An account
    with a renewal date to come and no ARR still counts among its window's
    and its quarter's renewals (``without_arr``), and in the quarter's logo
    retention, but in no ARR figure.
    """
    rates = rates or RenewalRates()
    frame = accounts.copy()
    usable = frame["arr"].notna() & frame["renewal_date"].notna()
    missing = frame.loc[~usable, ["account_id", "account_name", "band", "arr", "renewal_date"]].copy()
    missing["reason"] = [_missing_reason(a, r) for a, r in zip(missing["arr"], missing["renewal_date"], strict=True)]
    # Every renewal date, with ARR or not, goes through the same steps; the ARR figures are the priced ones'.
    frame = frame[frame["renewal_date"].notna()].copy()
    renewal = pd.to_datetime(frame["renewal_date"])
    frame["renewal_date"] = renewal
    frame["days_to_renewal"] = (renewal - pd.Timestamp(as_of)).dt.days.astype(int)  # negative once passed
    priced = frame["arr"].notna()
    lapsed = frame.loc[
        priced & (frame["days_to_renewal"] < 0), ["account_id", "account_name", "band", "arr", "renewal_date"]
    ]
    frame = frame[frame["days_to_renewal"] >= 0].copy()
    frame["arr"] = frame["arr"].astype(float)
    by_band = {band: rates.of(band) for band in RATE_BANDS}
    frame["rate"] = frame["band"].map(by_band).fillna(rates.insufficient).astype(float)
    frame["expected_arr"] = frame["arr"] * frame["rate"]
    quarter_of = {day: str(Quarter.of(day.date())) for day in frame["renewal_date"].unique()}
    frame["quarter"] = frame["renewal_date"].map(quarter_of)
    frame["sales_ops_due"] = frame["renewal_date"] - pd.Timedelta(days=SALES_OPS_LEAD_DAYS)
    frame["weekly"] = frame["days_to_renewal"] <= WEEKLY_WITHIN_DAYS
    if "weakest" not in frame.columns:
        frame["weakest"] = ""
    keep = [
        "account_id",
        "account_name",
        "band",
        "score",
        "arr",
        "renewal_date",
        "days_to_renewal",
        "rate",
        "expected_arr",
        "quarter",
        "sales_ops_due",
        "weekly",
        "weakest",
    ]
    frame = frame[[c for c in keep if c in frame.columns]].sort_values(["days_to_renewal", "account_id"])
    days = frame["days_to_renewal"]
    buckets = tuple(_bucket(f"within {d} days", frame, days <= d) for d in sorted(horizons))
    quarters = tuple(_outlook(q, frame, frame["quarter"] == q) for q in sorted(set(frame["quarter"])))
    return Forecast(
        as_of=as_of,
        rates=rates,
        renewals=frame.reset_index(drop=True),
        horizons=buckets,
        quarters=quarters,
        missing=missing.reset_index(drop=True),
        lapsed=lapsed.reset_index(drop=True),
    )


def _no_arr_column_if_needed(table: pd.DataFrame) -> pd.DataFrame:
    """The table with its ``without_arr`` column only when a row counts a renewal with no ARR."""
    return table if table["without_arr"].any() else table.drop(columns="without_arr")


def horizon_table(fc: Forecast) -> pd.DataFrame:
    """The renewals-by-horizon table, as the page and ``python -m scoring renewals`` print it.

    The ``without_arr`` column is there only when some window holds an account with no ARR; a window
    holding only such accounts has no ARR figure (``Bucket.arr`` None), while an empty window renews a true $0.
    """
    rows = [
        {
            "window": b.label,
            "accounts": b.accounts,
            "red": b.by_band.get("red", 0),
            "yellow": b.by_band.get("yellow", 0),
            "green": b.by_band.get("green", 0),
            "insufficient": b.by_band.get("insufficient", 0),
            "without_arr": b.without_arr,
            "arr": b.arr,
            "expected_arr": b.expected_arr,
        }
        for b in fc.horizons
    ]
    columns = ["window", "accounts", "red", "yellow", "green", "insufficient", "without_arr", "arr", "expected_arr"]
    table = pd.DataFrame(rows, columns=columns)
    return _no_arr_column_if_needed(table)


def quarter_table(fc: Forecast) -> pd.DataFrame:
    """Expected GRR and logo retention per renewal quarter, with the 90% range.

    As in ``horizon_table``, the ``without_arr`` column is there only when a quarter holds a renewal with no ARR.
    """
    rows = [
        {
            "quarter": q.quarter,
            "accounts": q.accounts,
            "expiring_arr": q.expiring_arr,
            "expected_arr": q.expected_arr,
            "grr": q.grr,
            "grr_low": q.grr_low,
            "grr_high": q.grr_high,
            "logo": q.logo,
            "logo_low": q.logo_low,
            "logo_high": q.logo_high,
            "without_arr": q.without_arr,
        }
        for q in fc.quarters
    ]
    columns = ["quarter", "accounts", "without_arr", "expiring_arr", "expected_arr", "grr", "grr_low", "grr_high"]
    table = pd.DataFrame(rows, columns=[*columns, "logo", "logo_low", "logo_high"])
    return _no_arr_column_if_needed(table)


SALES_OPS_COLUMNS = (
    "account_id",
    "account_name",
    "band",
    "score",
    "arr",
    "rate",
    "expected_arr",
    "renewal_date",
    "days_to_renewal",
    "quarter",
    "weekly",
    "weakest",
)


def sales_ops_csv(fc: Forecast) -> str:
    """The 120-day list as the forecast handed to Sales Ops, through the one formula-safe CSV writer."""
    due = fc.sales_ops_due
    return to_csv(due[[c for c in SALES_OPS_COLUMNS if c in due.columns]], keep_numbers=True)
