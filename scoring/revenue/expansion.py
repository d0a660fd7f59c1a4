"""Expansion signals (seed 004) scored per account, and who is ready for the conversation.

The signals, their points and the step each one calls for are data
(``scoring/catalog/expansion_signals.toml``).  Seats and renewal timing are
computed from the portfolio; the other three are yes/no columns of an
export.  Seed 004's timing rule gates the list: an account is
expansion-ready only when its points reach the threshold *and* it has been
green for 60 days or more, because raising expansion before the customer has
seen value is the usual reason the conversation is turned down.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

import pandas as pd

from scoring.catalog import CATALOG_DIR, read_toml
from scoring.portfolio.contract import att_column

SignalSource = Literal["seats", "renewal", "flag"]
SEAT_SIGNALS = ("seat_utilization", "active_users_ratio")  # model signals whose attainment is active/licensed
DAYS_PER_PERIOD = 30  # periods_in_band counts monthly scores

# Seed 004's conversation, in our words: the order the CSM raises expansion in.
CONVERSATION = (
    "Recap the value: what their team achieved this period, in their own numbers.",
    "Name the gap: a team or feature not yet using the product.",
    "Propose one specific expansion tied to their goals for next period.",
    "Size it: hours saved or value added, with the figure you can defend.",
    "Ask for the next step: a demo for the person who would own it.",
)


@dataclass(frozen=True)
class ExpansionSignal:
    id: str
    label: str
    points: int
    source: SignalSource
    action: str
    explain: str
    columns: tuple[str, ...] = ()
    above: float = 0.8
    within_days: int = 90


@dataclass(frozen=True)
class ReferenceTier:
    tier: int
    name: str
    asks: str


@dataclass(frozen=True)
class ExpansionRules:
    signals: tuple[ExpansionSignal, ...]
    threshold: int
    green_days: int
    tiers: tuple[ReferenceTier, ...]
    promoter_nps: float
    promoter_nps_100: float

    @property
    def green_periods(self) -> int:
        """Monthly scores in a row that span ``green_days``: three green month-ends are 60+ days apart."""
        return math.ceil(self.green_days / DAYS_PER_PERIOD) + 1

    def flag_columns(self) -> dict[str, tuple[str, ...]]:
        return {s.id: s.columns for s in self.signals if s.source == "flag"}


@cache
def expansion_rules() -> ExpansionRules:
    """The catalog's expansion signals and reference tiers."""
    raw = read_toml(CATALOG_DIR / "expansion_signals.toml")
    signals = tuple(
        ExpansionSignal(
            id=s["id"],
            label=s["label"],
            points=int(s["points"]),
            source=s["source"],
            action=s["action"],
            explain=s["explain"],
            columns=tuple(s.get("columns", ())),
            above=float(s.get("above", 0.8)),
            within_days=int(s.get("within_days", 90)),
        )
        for s in raw["signals"]
    )
    refs = raw["references"]
    return ExpansionRules(
        signals=signals,
        threshold=int(raw["threshold"]),
        green_days=int(raw["green_days"]),
        tiers=tuple(ReferenceTier(int(t["tier"]), t["name"], t["asks"]) for t in refs["tiers"]),
        promoter_nps=float(refs["promoter_nps"]),
        promoter_nps_100=float(refs["promoter_nps_100"]),
    )


def _seat_share(row: pd.Series) -> float | None:
    for sid in SEAT_SIGNALS:
        col = att_column(sid)
        if col in row.index and not pd.isna(row[col]):
            return float(row[col])
    return None


def signals_for(
    row: pd.Series, flags: frozenset[str], rules: ExpansionRules, days_to_renewal: int | None
) -> list[ExpansionSignal]:
    """The signals one account shows."""
    shown: list[ExpansionSignal] = []
    for signal in rules.signals:
        if signal.source == "seats":
            share = _seat_share(row)
            hit = share is not None and share > signal.above
        elif signal.source == "renewal":
            hit = days_to_renewal is not None and 0 <= days_to_renewal <= signal.within_days
        else:
            hit = signal.id in flags
        if hit:
            shown.append(signal)
    return shown


def score_expansion(
    accounts: pd.DataFrame,
    flags: Mapping[str, frozenset[str]] | None = None,
    rules: ExpansionRules | None = None,
    threshold: int | None = None,
) -> pd.DataFrame:
    """One row per account: points, the signals behind them, green streak and whether it is ready.

    Columns: account_id, account_name, band, score, arr, points, signals
    (labels), next_step (the action of the strongest signal), green_days_ok,
    ready.  Sorted ready first, then by points and ARR.
    """
    rules = rules or expansion_rules()
    limit = rules.threshold if threshold is None else threshold
    flags = flags or {}
    rows = []
    for _, row in accounts.iterrows():
        days = None if pd.isna(row.get("days_to_renewal")) else int(row["days_to_renewal"])
        shown = signals_for(row, flags.get(str(row["account_id"]), frozenset()), rules, days)
        points = sum(s.points for s in shown)
        green_ok = row["band"] == "green" and int(row.get("periods_in_band") or 0) >= rules.green_periods
        strongest = max(shown, key=lambda s: s.points, default=None)
        rows.append(
            {
                "account_id": row["account_id"],
                "account_name": row["account_name"],
                "band": row["band"],
                "score": row["score"],
                "arr": row["arr"],
                "points": points,
                "signals": ", ".join(s.label for s in shown),
                "next_step": strongest.action if strongest else "",
                "green_days_ok": green_ok,
                "ready": points >= limit and green_ok,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "account_id",
            "account_name",
            "band",
            "score",
            "arr",
            "points",
            "signals",
            "next_step",
            "green_days_ok",
            "ready",
        ],
    )
    return out.sort_values(["ready", "points", "arr"], ascending=False, na_position="last").reset_index(drop=True)


def promoters(nps: Mapping[str, float], scale: int, rules: ExpansionRules | None = None) -> set[str]:
    """Accounts whose latest NPS makes them promoters: 9+ on 0-10, 80+ on -100..100."""
    rules = rules or expansion_rules()
    bar = rules.promoter_nps if scale == 10 else rules.promoter_nps_100
    return {account for account, value in nps.items() if value >= bar}


def reference_candidates(
    accounts: pd.DataFrame, nps: Mapping[str, float], scale: int, rules: ExpansionRules | None = None
) -> pd.DataFrame:
    """Promoters in green, suggested for the reference programme's first tier.

    The tier itself is the CSM's call (they know who agreed to what); the
    suggestion starts every promoter at tier 1.
    """
    rules = rules or expansion_rules()
    fans = promoters(nps, scale, rules)
    picked = accounts[accounts["account_id"].astype(str).isin(fans) & (accounts["band"] == "green")]
    out = picked[["account_id", "account_name", "score", "arr"]].copy()
    out["nps"] = [nps[str(a)] for a in out["account_id"]]
    out["suggested_tier"] = rules.tiers[0].name
    return out.sort_values(["nps", "score"], ascending=False).reset_index(drop=True)
