"""Headline numbers for a portfolio: what a CS lead asks first.

Computed from ``PortfolioResult.accounts`` (vectorised pandas over one row
per account), so they follow whatever filter the page applied.

A figure the data cannot give is None, never 0: without an ARR column there
is no ARR per band, without renewal dates no renewal at risk, with a single
period no "newly red".  ``NEEDS`` says which column would fill each gap, so
the page can say so.  Accounts with too little data for a band
("insufficient") are counted apart and never added to a colour; a colour
with no account holds $0 of a known ARR column, which is a real zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scoring.model import BAND_NAMES, INSUFFICIENT

RENEWAL_WINDOW_DAYS = 90

# The column that would fill each figure the data may lack, as the page words it.
NEEDS = {
    "arr": "an ARR column",
    "renewal": "a renewal date column",
    "history": "at least two months in a month or period column, so they can be compared",
}


@dataclass(frozen=True)
class Kpis:
    accounts_by_band: dict[str, int]
    arr_by_band: dict[str, float | None]  # None: the band's accounts have no ARR value (0.0: it has no account)
    arr_renewing_at_risk: float | None  # ARR renewing within 90 days (not yet past) in yellow or red (see arr_sum)
    accounts_renewing_at_risk: int | None  # None: no renewal date in the data
    turned_red: int | None  # accounts red now that were not red last period; None: one period only
    moved_down: int | None  # accounts green last period, yellow or red now; None: one period only
    insufficient: int = 0  # accounts with too little data for a band, counted apart
    arr: float | None = None  # every account's known ARR, banded or not; None: no account has one
    insufficient_renewing: int = 0  # unbanded accounts renewing within the window, left out of the at-risk figure

    @property
    def accounts(self) -> int:
        """Every account in the view, banded or not."""
        return sum(self.accounts_by_band.values()) + self.insufficient

    def gaps(self) -> dict[str, str]:
        """Figure -> the column that would fill it, for every figure the data could not give."""
        missing: dict[str, str] = {}
        if self.arr is None:
            missing["arr"] = NEEDS["arr"]
        if self.accounts_renewing_at_risk is None:
            missing["renewal"] = NEEDS["renewal"]
        if self.turned_red is None:
            missing["history"] = NEEDS["history"]
        return missing


def arr_sum(arr: pd.Series, picked: pd.Series) -> float | None:
    """The ARR of the accounts ``picked`` marks, for every figure that adds ARR up.

    Picking no account of a known ARR column is $0, a real zero; None when
    no account has an ARR value, or none of the picked ones has.
    """
    if not picked.any():
        return 0.0 if arr.notna().any() else None
    values = arr[picked].dropna()
    return float(values.sum()) if len(values) else None


def _known(accounts: pd.DataFrame, column: str) -> pd.Series:
    if column not in accounts:
        return pd.Series(float("nan"), index=accounts.index, dtype="float64")
    return pd.to_numeric(accounts[column], errors="coerce")


def kpis(accounts: pd.DataFrame, window_days: int = RENEWAL_WINDOW_DAYS) -> Kpis:
    if accounts.empty:
        return Kpis({b: 0 for b in BAND_NAMES}, {b: None for b in BAND_NAMES}, None, None, None, None)
    bands = accounts["band"]
    arr = _known(accounts, "arr")
    days = _known(accounts, "days_to_renewal")
    soon = days.between(0, window_days)
    renewing = bands.isin(["yellow", "red"]) & soon
    has_history = "prev_band" in accounts and bool(accounts["prev_band"].notna().any())
    has_renewals = bool(days.notna().any())
    has_arr = bool(arr.notna().any())
    return Kpis(
        accounts_by_band={b: int((bands == b).sum()) for b in BAND_NAMES},
        arr_by_band={b: arr_sum(arr, bands == b) for b in BAND_NAMES},
        arr_renewing_at_risk=arr_sum(arr, renewing) if has_renewals else None,
        accounts_renewing_at_risk=int(renewing.sum()) if has_renewals else None,
        turned_red=int(accounts["turned_red"].fillna(False).astype(bool).sum()) if has_history else None,
        moved_down=int(accounts["moved_down"].fillna(False).astype(bool).sum()) if has_history else None,
        insufficient=int((bands == INSUFFICIENT).sum()),
        arr=float(arr.dropna().sum()) if has_arr else None,
        insufficient_renewing=int(((bands == INSUFFICIENT) & soon).sum()),
    )
