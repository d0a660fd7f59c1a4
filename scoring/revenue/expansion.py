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


def _seat_share(accounts: pd.DataFrame) -> pd.Series:
    """Active over licensed seats (0..1) from whichever seat signal the model has; NaN where none says."""
    share = pd.Series(float("nan"), index=accounts.index)
    for sid in SEAT_SIGNALS:
        col = att_column(sid)
        if col in accounts.columns:
            share = share.fillna(accounts[col].astype(float))
    return share


def _column(accounts: pd.DataFrame, name: str) -> pd.Series:
    """One column, or all-missing when the portfolio has none (no renewal date column, no history)."""
    return accounts[name] if name in accounts.columns else pd.Series(float("nan"), index=accounts.index)


def _hits(accounts: pd.DataFrame, signal: ExpansionSignal, flags: Mapping[str, frozenset[str]]) -> pd.Series:
    """Which accounts show one signal (a boolean per row)."""
    if signal.source == "seats":
        return (_seat_share(accounts) > signal.above).fillna(False).astype(bool)
    if signal.source == "renewal":
        days = pd.to_numeric(_column(accounts, "days_to_renewal"), errors="coerce")
        return days.between(0, signal.within_days).fillna(False).astype(bool)
    flagged = {account for account, ids in flags.items() if signal.id in ids}
    return accounts["account_id"].astype(str).isin(flagged)


def score_expansion(
    accounts: pd.DataFrame,
    flags: Mapping[str, frozenset[str]] | None = None,
    rules: ExpansionRules | None = None,
    threshold: int | None = None,
) -> pd.DataFrame:
    """One row per account: points, the signals behind them, green streak and whether it is ready.

    Columns: account_id, account_name, band, score, arr, points, signals
    (labels), next_step (the action of the strongest signal; the first
    listed wins a tie), green_days_ok, ready.  Sorted ready first, then by
    points and ARR.
    """
    rules = rules or expansion_rules()
    limit = rules.threshold if threshold is None else threshold
    flags = flags or {}
    out = accounts[["account_id", "account_name", "band", "score", "arr"]].copy()
    points = pd.Series(0, index=accounts.index)
    labels = pd.Series("", index=accounts.index)
    step = pd.Series("", index=accounts.index)
    hits = {s.id: _hits(accounts, s, flags) for s in rules.signals}
    for signal in rules.signals:
        hit = hits[signal.id]
        points = points + hit.astype(int) * signal.points
        labels = labels.where(~hit, labels + ", " + signal.label)
    # Weakest first, so the strongest signal's step is written last; among equals the first listed.
    order = sorted(enumerate(rules.signals), key=lambda pair: (pair[1].points, -pair[0]))
    for _, signal in order:
        step = step.where(~hits[signal.id], signal.action)
    periods = pd.to_numeric(_column(accounts, "periods_in_band"), errors="coerce").fillna(0)
    green_ok = (accounts["band"] == "green") & (periods >= rules.green_periods)
    out["points"] = points.astype(int)
    out["signals"] = labels.str.removeprefix(", ")
    out["next_step"] = step
    out["green_days_ok"] = green_ok.astype(bool)
    out["ready"] = (out["points"] >= limit) & out["green_days_ok"]
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
