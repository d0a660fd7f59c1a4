"""Generate two weekly snapshot exports: data/demo/snapshots/accounts_<date>.csv (deterministic).

A weekly extract is one row per account, undated inside (the date is in the
file name, as scheduled exports usually have it): the CRM fields plus this
week's usage, check-in and rollout figures.  Week one starts from the demo
portfolio's latest month (data/demo/usage_monthly.csv, October 2026); in
week two about one account in eight slips (usage, seats and contact fall),
one in sixteen recovers and the rest wobble, so "what changed" has moves to
show and explain.  Run: python data/generate_snapshots.py
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

DEMO = Path(__file__).resolve().parent / "demo"
OUT = DEMO / "snapshots"
SEED = 20261120
WEEKS = (date(2026, 11, 13), date(2026, 11, 20))
HEADER = [
    "Account ID",
    "Account Name",
    "CSM",
    "Segment",
    "ARR",
    "Renewal Date",
    "Licensed Seats",
    "Active Users",
    "Usage %",
    "Last Check-in",
    "teams_live",
    "override_rate",
    "roi_articulated",
]


def file_name(week: date) -> str:
    return f"accounts_{week.isoformat()}.csv"


def _latest_usage() -> dict[str, dict[str, str]]:
    latest: dict[str, dict[str, str]] = {}
    with (DEMO / "usage_monthly.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            kept = latest.get(row["account id"])
            if kept is None or row["Month"] > kept["Month"]:
                latest[row["account id"]] = row
    return latest


def _clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def _week(base: dict[str, float], week: date, shift: float, rng: random.Random) -> dict[str, object]:
    """One account's figures for the week: the base moved by ``shift`` (-1 slips hard, +1 recovers)."""
    usage = _clip(base["usage"] + 30 * shift + rng.gauss(0, 2), 2, 120)
    active = _clip(base["active"] * (1 + 0.35 * shift + rng.gauss(0, 0.02)), 1, base["seats"] * 1.05)
    gap = _clip(base["gap"] - 25 * shift + rng.gauss(0, 2), 0, 120)
    teams = _clip(base["teams"] + 10 * shift + rng.gauss(0, 1.5), 0, 100)
    override = _clip(base["override"] - 12 * shift + rng.gauss(0, 1), 0, 100)
    return {
        "Active Users": round(active),
        "Usage %": f"{round(usage)}%",
        "Last Check-in": (week - timedelta(days=round(gap))).isoformat(),
        "teams_live": round(teams),
        "override_rate": round(override),
    }


def write(out: Path = OUT) -> list[Path]:
    rng = random.Random(SEED)
    usage = _latest_usage()
    with (DEMO / "accounts.csv").open(newline="", encoding="utf-8") as fh:
        accounts = list(csv.DictReader(fh))
    shifts = []
    for _ in accounts:
        kind = rng.random()
        shifts.append(-rng.uniform(0.4, 1.0) if kind < 0.125 else rng.uniform(0.3, 0.7) if kind < 0.19 else 0.0)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for n, week in enumerate(WEEKS):
        path = out / file_name(week)
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(HEADER)
            for account, shift in zip(accounts, shifts, strict=True):
                u = usage[account["Account ID"]]
                checkin = date.fromisoformat(u["Last Check-in"])
                base = {
                    "usage": float(u["Usage %"].rstrip("%")),
                    "active": float(u["Active Users"]),
                    "seats": float(account["Licensed Seats"]),
                    "gap": float((date(2026, 10, 31) - checkin).days),
                    "teams": float(u["teams_live"]),
                    "override": float(u["override_rate"]),
                }
                figures = _week(base, week, shift * n, rng)
                w.writerow([account[h] if h in account else figures[h] for h in HEADER])
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write():
        print(f"wrote {path}")
