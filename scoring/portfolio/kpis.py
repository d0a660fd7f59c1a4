"""Headline numbers for a portfolio: what a CS lead asks first.

Computed from ``PortfolioResult.accounts`` (vectorised pandas over one row
per account), so they follow whatever filter the page applied.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scoring.model import BAND_NAMES

RENEWAL_WINDOW_DAYS = 90


@dataclass(frozen=True)
class Kpis:
    accounts_by_band: dict[str, int]
    arr_by_band: dict[str, float]
    arr_renewing_at_risk: float  # ARR renewing within 90 days (not yet past) in yellow or red
    accounts_renewing_at_risk: int
    turned_red: int  # accounts red now that were not red last period
    moved_down: int  # accounts green last period, yellow or red now

    @property
    def accounts(self) -> int:
        return sum(self.accounts_by_band.values())

    @property
    def arr(self) -> float:
        return sum(self.arr_by_band.values())


def kpis(accounts: pd.DataFrame, window_days: int = RENEWAL_WINDOW_DAYS) -> Kpis:
    if accounts.empty:
        return Kpis({b: 0 for b in BAND_NAMES}, {b: 0.0 for b in BAND_NAMES}, 0.0, 0, 0, 0)
    bands = accounts["band"]
    arr = pd.to_numeric(accounts["arr"], errors="coerce").fillna(0.0)
    days = pd.to_numeric(accounts["days_to_renewal"], errors="coerce")
    renewing = bands.isin(["yellow", "red"]) & days.between(0, window_days)
    return Kpis(
        accounts_by_band={b: int((bands == b).sum()) for b in BAND_NAMES},
        arr_by_band={b: float(arr[bands == b].sum()) for b in BAND_NAMES},
        arr_renewing_at_risk=float(arr[renewing].sum()),
        accounts_renewing_at_risk=int(renewing.sum()),
        turned_red=int(accounts["turned_red"].fillna(False).astype(bool).sum()),
        moved_down=int(accounts["moved_down"].fillna(False).astype(bool).sum()),
    )
