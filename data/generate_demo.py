"""Generate the bundled demo portfolio: data/demo/*.csv (deterministic).

Three exports, shaped like what a CS team pulls every month:

* ``accounts.csv``      from the CRM: Account ID, Account Name, CSM, Segment,
                        ARR as "$120,000" text, Renewal Date as MM/DD/YYYY,
                        Licensed Seats, roi_articulated (yes/no)
* ``usage_monthly.csv`` from product analytics, one row per account and month:
                        account id, Month (YYYY-MM), Active Users, Logins,
                        Usage % ("35%"), Last Check-in, teams_live, override_rate
* ``tickets.csv``       from the help desk, per account and month: Customer ID,
                        Month, Tickets, P1/P2, NPS, CSAT

About one account in six declines over the year (usage and contact fall
away), a few recover, the rest wobble around their own level, so the trend
columns and heatmap have something to show.  Run: python data/generate_demo.py
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "demo"
SEED = 20261031
ACCOUNTS = 300
MONTHS = [date(2025, 11, 1), date(2025, 12, 1), *(date(2026, m, 1) for m in range(1, 11))]
AS_OF = date(2026, 10, 31)

CSMS = ["Ana Ruiz", "Ben Okafor", "Chloé Martin", "Dev Patel", "Emma Larsen", "Farid Haddad", "Grace Kim", "Hugo Silva"]
SEGMENTS = {
    "SMB": (8_000, 40_000, 10, 60),
    "Mid-Market": (40_000, 150_000, 50, 300),
    "Enterprise": (150_000, 900_000, 250, 2_000),
}
FIRST = [
    "Northwind",
    "Bluefin",
    "Cedar",
    "Summit",
    "Harbor",
    "Quartz",
    "Ironbark",
    "Lumen",
    "Maple",
    "Orchid",
    "Pioneer",
    "Redwood",
    "Silverline",
    "Tidewater",
    "Vertex",
    "Willow",
    "Atlas",
    "Beacon",
    "Copper",
    "Delta",
    "Evergreen",
    "Falcon",
    "Granite",
    "Horizon",
    "Juniper",
    "Keystone",
    "Lakeside",
    "Meridian",
    "Nimbus",
    "Oakridge",
]
SECOND = [
    "Logistics",
    "Health",
    "Foods",
    "Energy",
    "Analytics",
    "Retail",
    "Robotics",
    "Finance",
    "Labs",
    "Media",
    "Insurance",
    "Freight",
    "Pharma",
    "Studios",
    "Systems",
]


@dataclass
class Account:
    id: str
    name: str
    csm: str
    segment: str
    arr: float  # whole hundreds of dollars
    seats: int
    renewal: date
    roi: bool
    level: float  # 0..1 underlying health at the start of the year
    drift: float  # change in health per month


def _accounts(rng: random.Random) -> list[Account]:
    names = [f"{a} {b}" for a in FIRST for b in SECOND]
    rng.shuffle(names)
    out = []
    for i in range(ACCOUNTS):
        segment = rng.choices(list(SEGMENTS), weights=[5, 3, 2])[0]
        lo_arr, hi_arr, lo_seats, hi_seats = SEGMENTS[segment]
        kind = rng.random()
        if kind < 0.17:
            level, drift = rng.uniform(0.72, 0.95), -rng.uniform(0.025, 0.06)  # declining
        elif kind < 0.25:
            level, drift = rng.uniform(0.35, 0.6), rng.uniform(0.015, 0.04)  # recovering
        else:
            level, drift = rng.uniform(0.45, 0.98), rng.uniform(-0.006, 0.006)
        out.append(
            Account(
                id=f"ACC-{1001 + i}",
                name=names[i],
                csm=rng.choice(CSMS),
                segment=segment,
                arr=round(rng.uniform(lo_arr, hi_arr), -2),
                seats=rng.randint(lo_seats, hi_seats),
                renewal=AS_OF + timedelta(days=rng.randint(-20, 420)),
                roi=rng.random() < 0.2,
                level=level,
                drift=drift,
            )
        )
    return out


def _clip(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return max(lo, min(hi, x))


def _health(account: Account, month: int, rng: random.Random) -> float:
    return _clip(account.level + account.drift * month + rng.gauss(0, 0.04))


def write(out: Path = OUT) -> None:
    rng = random.Random(SEED)
    accounts = _accounts(rng)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "accounts.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["Account ID", "Account Name", "CSM", "Segment", "ARR", "Renewal Date", "Licensed Seats", "roi_articulated"]
        )
        for a in accounts:
            w.writerow(
                [
                    a.id,
                    a.name,
                    a.csm,
                    a.segment,
                    f"${a.arr:,.0f}",
                    a.renewal.strftime("%m/%d/%Y"),
                    a.seats,
                    "yes" if a.roi else "no",
                ]
            )
    with (out / "usage_monthly.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["account id", "Month", "Active Users", "Logins", "Usage %", "Last Check-in", "teams_live", "override_rate"]
        )
        for a in accounts:
            for m, month in enumerate(MONTHS):
                h = _health(a, m, rng)
                active = round(a.seats * _clip(0.15 + 0.85 * h + rng.gauss(0, 0.05), 0.02, 1.05))
                logins = round(active * _clip(4 + 18 * h + rng.gauss(0, 2), 0.5, 30))
                usage = round(100 * _clip(0.1 + 0.95 * h + rng.gauss(0, 0.05), 0.02, 1.2))
                gap = max(0, round(rng.gauss(48 - 45 * h, 6)))
                month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
                checkin = month_end - timedelta(days=min(gap, 200))
                teams = round(100 * _clip(0.2 + 0.85 * h + rng.gauss(0, 0.05)))
                override = round(100 * _clip(0.45 - 0.42 * h + rng.gauss(0, 0.03)))
                w.writerow(
                    [a.id, month.strftime("%Y-%m"), active, logins, f"{usage}%", checkin.isoformat(), teams, override]
                )
    with (out / "tickets.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Customer ID", "Month", "Tickets", "P1/P2", "NPS", "CSAT"])
        for a in accounts:
            size = max(1.0, a.seats / 100)
            for m, month in enumerate(MONTHS):
                h = _health(a, m, rng)
                tickets = max(0, round(rng.gauss(size * (2 + 10 * (1 - h)), 1.5)))
                p1p2 = max(0, round(rng.gauss(3.5 * (1 - h) ** 2, 0.6)))
                nps = round(_clip(-0.9 + 1.8 * h + rng.gauss(0, 0.12), -1, 1) * 100)
                csat = round(100 * _clip(0.45 + 0.55 * h + rng.gauss(0, 0.05)))
                w.writerow([a.id, month.strftime("%Y-%m"), tickets, min(p1p2, tickets), nps, f"{csat}%"])


if __name__ == "__main__":
    write()
    print(f"wrote {ACCOUNTS} accounts x {len(MONTHS)} months to {OUT}")
