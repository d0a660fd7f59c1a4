"""Revenue retention between two dates, by seed 004's definitions, against its targets.

GRR keeps what the starting book kept without counting growth:
(start - churn - contraction) / start.  NRR adds expansion back:
(start - churn - contraction + expansion) / start.  Logo retention is the
share of starting accounts still paying at the end.  Expansion share is
expansion ARR over the starting ARR.  Accounts that appear only at the end
are new business: neither churn nor expansion, reported apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Seed 004's success criteria.
GRR_TARGET = 0.90
NRR_TARGET = 1.10
LOGO_TARGET = 0.90
EXPANSION_TARGET = 0.20


@dataclass(frozen=True)
class Retention:
    """ARR movements from a starting book to an ending one, and the ratios they give."""

    start_label: str
    end_label: str
    starting_arr: float
    churn: float
    contraction: float
    expansion: float
    starting_logos: int
    churned_logos: int
    new_logos: int
    new_arr: float

    @property
    def ending_arr(self) -> float:
        """The starting book's ARR at the end (new business excluded)."""
        return self.starting_arr - self.churn - self.contraction + self.expansion

    @property
    def grr(self) -> float:
        return (self.starting_arr - self.churn - self.contraction) / self.starting_arr

    @property
    def nrr(self) -> float:
        return self.ending_arr / self.starting_arr

    @property
    def logo_retention(self) -> float:
        return (self.starting_logos - self.churned_logos) / self.starting_logos

    @property
    def expansion_share(self) -> float:
        return self.expansion / self.starting_arr

    def against_targets(self) -> list[tuple[str, float, float, bool]]:
        """(figure, value, target, met) for each of seed 004's four revenue targets."""
        return [
            ("Gross revenue retention", self.grr, GRR_TARGET, self.grr >= GRR_TARGET),
            ("Net revenue retention", self.nrr, NRR_TARGET, self.nrr >= NRR_TARGET),
            ("Logo retention", self.logo_retention, LOGO_TARGET, self.logo_retention >= LOGO_TARGET),
            (
                "Expansion ARR / starting ARR",
                self.expansion_share,
                EXPANSION_TARGET,
                self.expansion_share >= EXPANSION_TARGET,
            ),
        ]


def retention(
    start: Mapping[str, float], end: Mapping[str, float], start_label: str = "start", end_label: str = "end"
) -> Retention | None:
    """Compare ARR per account at two dates; None when the start has no ARR to compare against.

    An account in ``start`` with no row (or ARR 0) in ``end`` churned; a
    lower ARR is contraction, a higher one expansion.  Accounts without a
    starting ARR are new business.
    """
    base = {k: float(v) for k, v in start.items() if v and v > 0}
    starting = sum(base.values())
    if starting <= 0:
        return None
    churn = contraction = expansion = 0.0
    churned = 0
    for account, before in base.items():
        after = float(end.get(account) or 0.0)
        if after <= 0:
            churn += before
            churned += 1
        elif after < before:
            contraction += before - after
        else:
            expansion += after - before
    new = {k: float(v) for k, v in end.items() if k not in base and v and v > 0}
    return Retention(
        start_label=start_label,
        end_label=end_label,
        starting_arr=starting,
        churn=churn,
        contraction=contraction,
        expansion=expansion,
        starting_logos=len(base),
        churned_logos=churned,
        new_logos=len(new),
        new_arr=sum(new.values()),
    )


def waterfall_floor(r: Retention, zoom_below: float = 0.2) -> float:
    """Where a waterfall's ARR axis should start: $0, or just under the lowest level when the moves are small.

    A week's churn on a $40M book is a hair on a bar drawn from $0; when every
    level stays within ``zoom_below`` of the starting ARR the axis starts one
    span (highest minus lowest level) below the lowest level instead, so each
    move is visible.  The page says when the axis does not start at $0.
    """
    levels = (
        r.starting_arr,
        r.starting_arr - r.churn,
        r.starting_arr - r.churn - r.contraction,
        r.ending_arr,
    )
    low, high = min(levels), max(levels)
    span = high - low
    if span <= 0 or span >= zoom_below * r.starting_arr:
        return 0.0
    return max(0.0, low - span)
