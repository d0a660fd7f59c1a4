"""Whose QBR is due this quarter, and how many of them were held (seed 004: 100% above the ARR threshold).

Two rhythms: every quarter (seed 004), or months 3, 6 and 9 after the
customer started (seed 002's implementation playbook).  With the second, an
account without a customer-since date cannot be placed; it is listed apart
with what to add rather than guessed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd

from scoring.qbr.quarters import Quarter
from scoring.qbr.records import AccountProfile

Rhythm = Literal["quarterly", "months 3/6/9"]
DEFAULT_ARR_THRESHOLD = 50_000.0  # our default; seed 004 leaves the threshold to the team
MILESTONE_MONTHS = (3, 6, 9)


def _add_months(day: date, months: int) -> date:
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - date(year, month, 1)).days
    return date(year, month, min(day.day, last))


@dataclass(frozen=True)
class Tracker:
    quarter: str
    due: pd.DataFrame  # account_id, account_name, arr, band, reason, held
    undated: pd.DataFrame  # above the threshold, but no customer-since date (months 3/6/9 only)
    no_arr: int  # accounts without ARR, which the threshold cannot place

    @property
    def completion(self) -> float | None:
        """QBRs held over QBRs due; None when none is due (not 0%, and not 100%)."""
        return float(self.due["held"].mean()) if len(self.due) else None


def qbr_tracker(
    accounts: pd.DataFrame,
    quarter: Quarter,
    held: Collection[str],
    profiles: Mapping[str, AccountProfile],
    threshold: float = DEFAULT_ARR_THRESHOLD,
    rhythm: Rhythm = "quarterly",
) -> Tracker:
    """Accounts at or above the ARR threshold whose QBR falls in ``quarter``, and whether it was held."""
    known = accounts[accounts["arr"].notna()]
    big = known[known["arr"] >= threshold]
    rows, undated = [], []
    for _, row in big.iterrows():
        account = str(row["account_id"])
        reason = "every quarter"
        if rhythm != "quarterly":
            since = profiles.get(account, AccountProfile()).customer_since
            if since is None:
                undated.append(row)
                continue
            hits = [m for m in MILESTONE_MONTHS if quarter.contains(_add_months(since, m))]
            if not hits:
                continue
            reason = f"month {hits[0]} since {since.isoformat()}"
        rows.append(
            {
                "account_id": account,
                "account_name": row["account_name"],
                "arr": float(row["arr"]),
                "band": row["band"],
                "reason": reason,
                "held": account in held,
            }
        )
    columns = ["account_id", "account_name", "arr", "band", "reason", "held"]
    due = pd.DataFrame(rows, columns=columns).sort_values("arr", ascending=False).reset_index(drop=True)
    missing = (
        pd.DataFrame(undated)[["account_id", "account_name", "arr"]]
        if undated
        else pd.DataFrame(columns=["account_id", "account_name", "arr"])
    )
    return Tracker(str(quarter), due, missing.reset_index(drop=True), int(accounts["arr"].isna().sum()))
