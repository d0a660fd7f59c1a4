"""Generate two weekly snapshot exports: data/demo/snapshots/accounts_<date>.csv (deterministic).

A weekly extract is one row per account, undated inside (the date is in the
file name, as scheduled exports usually have it): the CRM fields plus this
week's usage, check-in and rollout figures.  Week one starts from the demo
portfolio's latest month (data/demo/usage_monthly.csv, October 2026); in
week two about one account in eight slips (usage, seats and contact fall),
one in sixteen recovers and the rest wobble, so "what changed" has moves to
show and explain.  Week two also moves ARR the way a real week does, so
revenue retention has a waterfall to draw (``_revenue_moves``): the renewals
that fall due during the week close (renewed, cut back or lost, by how many
of their seats are in use), and accounts with more active users than
licensed seats buy the seats they use.  Run: python data/generate_snapshots.py
"""

from __future__ import annotations

import csv
import math
import random
from datetime import date, datetime, timedelta
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


def _money(cell: str) -> float:
    return float(cell.replace("$", "").replace(",", ""))


def _money_cell(amount: float) -> str:
    return f"${round(amount, -2):,.0f}"


def _revenue_moves(first: dict[str, object], second: dict[str, object], start: date, end: date) -> None:
    """Move one account's ARR (and seats, renewal date) in week two, in place, as a week of renewals would.

    ``first`` is the account's week-one row (ARR, seats and renewal date as
    contracted), ``second`` its week-two row (the users active by then).

    A renewal falling due after ``start`` and by ``end`` closes: under half the
    seats in use renews only the seats used plus a tenth of headroom (ARR pro
    rata, a contraction); half to three quarters in use is lost (ARR $0, the row stays in
    the CRM extract); three quarters or more renews with a 5% uplift.  Renewed accounts
    move their renewal date a year on.  More active users than licensed seats
    buys the seats in use, rounded up to the next ten (an expansion).
    """
    arr = _money(str(first["ARR"]))
    seats = float(str(first["Licensed Seats"]))
    active = float(str(second["Active Users"]))  # the seats in use when the week closes
    use = active / seats if seats else 0.0
    renewal = datetime.strptime(str(first["Renewal Date"]), "%m/%d/%Y").date()
    next_year = renewal.replace(year=renewal.year + 1).strftime("%m/%d/%Y")
    if start < renewal <= end:
        if use < 0.5:
            kept = math.ceil(active * 1.1)
            second.update({"ARR": _money_cell(arr * kept / seats), "Licensed Seats": kept, "Renewal Date": next_year})
        elif use < 0.75:
            second["ARR"] = "$0"
        else:
            second.update({"ARR": _money_cell(arr * 1.05), "Renewal Date": next_year})
    elif active > seats:
        bought = math.ceil(active / 10) * 10
        second.update({"ARR": _money_cell(arr * bought / seats), "Licensed Seats": bought})


def write(out: Path = OUT) -> list[Path]:
    rng = random.Random(SEED)
    usage = _latest_usage()
    with (DEMO / "accounts.csv").open(newline="", encoding="utf-8") as fh:
        accounts = list(csv.DictReader(fh))
    shifts = []
    for _ in accounts:
        kind = rng.random()
        shifts.append(-rng.uniform(0.4, 1.0) if kind < 0.125 else rng.uniform(0.3, 0.7) if kind < 0.19 else 0.0)
    weeks: list[list[dict[str, object]]] = []
    for n, week in enumerate(WEEKS):
        rows = []
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
            rows.append({h: account[h] if h in account else figures[h] for h in HEADER})
        weeks.append(rows)
    for first, second in zip(weeks[0], weeks[1], strict=True):
        _revenue_moves(first, second, WEEKS[0], WEEKS[1])
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for week, rows in zip(WEEKS, weeks, strict=True):
        path = out / file_name(week)
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(HEADER)
            for row in rows:
                w.writerow([row[h] for h in HEADER])
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write():
        print(f"wrote {path}")
