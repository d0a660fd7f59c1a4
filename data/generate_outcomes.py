"""Generate data/demo/outcomes.csv: renewal outcomes for the demo accounts, with a planted effect.

The backtest lab needs outcomes to show anything on the bundled demo, and a
demo is only convincing when the answer is known.  So churn is planted on the
demo's own usage: each account gets a renewal date between June and October
2026, and its chance of churning falls with its average "Usage %" over the
three months that ended at least 90 days before that date -- the months a
90-day backtest reads.  The demo's signals all follow one underlying health
per account, so the lab finds the other signals agreeing about as strongly
as usage (AUC around 0.7 each).

Dates start in June 2026 so that even a 180-day lead leaves a month of
history (the demo starts in November 2025).  Values are spelled the way CRMs
spell them (Renewed, Closed Won, Closed Lost, Churned, Downgraded; "$12,300";
MM/DD/YYYY) so the upload path is exercised too.  Deterministic; run:
python data/generate_outcomes.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

DEMO = Path(__file__).resolve().parent / "demo"
SEED = 20261101
FIRST_DATE = pd.Timestamp("2026-06-01")
LAST_DATE = pd.Timestamp("2026-10-31")
LEAD_DAYS = 90
MONTHS_READ = 3
# Log-odds of churn: about one account in five churns; every 15 points of usage
# below 60% roughly triples the odds.
BASE_LOGODDS = -0.6
PER_15_POINTS = -1.1


def _percent(text: pd.Series) -> pd.Series:
    return pd.to_numeric(text.str.rstrip("%"), errors="coerce")


def _money(text: pd.Series) -> pd.Series:
    return pd.to_numeric(text.str.replace(r"[$,]", "", regex=True), errors="coerce")


def usage_before(usage: pd.DataFrame, account: str, cutoff: pd.Timestamp) -> float:
    """Mean usage % of the account's last MONTHS_READ months that ended by the cut-off (NaN if none)."""
    rows = usage[(usage["account"] == account) & (usage["month_end"] <= cutoff)]
    return float(rows.sort_values("month_end")["usage"].tail(MONTHS_READ).mean())


def outcomes(demo: Path = DEMO, seed: int = SEED) -> pd.DataFrame:
    """The outcomes table as written to CSV: Account ID, Renewal Date, Outcome, ARR Lost."""
    accounts = pd.read_csv(demo / "accounts.csv", dtype=str)
    raw = pd.read_csv(demo / "usage_monthly.csv", dtype=str)
    usage = pd.DataFrame(
        {
            "account": raw["account id"],
            "month_end": pd.to_datetime(raw["Month"], format="%Y-%m") + pd.offsets.MonthEnd(0),
            "usage": _percent(raw["Usage %"]),
        }
    )
    rng = np.random.default_rng(seed)
    days = (LAST_DATE - FIRST_DATE).days
    rows: list[dict[str, str]] = []
    for account, arr in zip(accounts["Account ID"], _money(accounts["ARR"]), strict=True):
        renewal = FIRST_DATE + pd.Timedelta(days=int(rng.integers(0, days + 1)))
        level = usage_before(usage, account, renewal - pd.Timedelta(days=LEAD_DAYS))
        logodds = BASE_LOGODDS + PER_15_POINTS * ((0.0 if np.isnan(level) else level) - 60) / 15
        draw, wording = rng.random(), rng.random()
        if draw < 1 / (1 + np.exp(-logodds)):
            outcome, lost = ("Closed Lost" if wording < 0.5 else "Churned"), arr
        elif draw > 0.93:
            outcome, lost = "Downgraded", round(arr * 0.25, -2)
        else:
            outcome, lost = ("Renewed" if wording < 0.6 else "Closed Won"), None
        rows.append(
            {
                "Account ID": account,
                "Renewal Date": renewal.strftime("%m/%d/%Y"),
                "Outcome": outcome,
                "ARR Lost": "" if lost is None else f"${lost:,.0f}",
            }
        )
    return pd.DataFrame(rows)


def write(demo: Path = DEMO) -> Path:
    path = demo / "outcomes.csv"
    outcomes(demo).to_csv(path, index=False, lineterminator="\n")
    return path


if __name__ == "__main__":
    written = write()
    print(f"wrote {written}")
