"""Which of the model's signals the files actually fed, and which they left empty.

A header the reader did not recognise leaves its signal empty for every
account, and a score computed on the remaining signals looks just as sure as
one computed on all of them.  This module names the gap in one sentence that
the page shows above its KPIs and the CLI prints on stderr, so the two say
the same thing: "Scored on 2 of 5 signals: no column for Seat utilisation, ..."
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from scoring.model import Model, Signal
from scoring.portfolio.contract import RunSummary, cell_number
from scoring.portfolio.ingest.fields import CANONICAL_BY_ID

# A signal with values for fewer than this share of accounts counts as missing.
MOST = 0.5


@dataclass(frozen=True)
class SignalGap:
    """A signal most accounts have no value for; ``has_column`` when a column feeds it but is mostly empty."""

    signal_id: str
    label: str
    has_column: bool


@dataclass(frozen=True)
class SignalCoverage:
    """How many of the model's signals the files fed for most accounts, and the rest by name."""

    total: int
    gaps: tuple[SignalGap, ...]

    @property
    def scored_on(self) -> int:
        return self.total - len(self.gaps)

    def sentence(self) -> str | None:
        """One line for the page and the CLI, or None when every signal has data."""
        if not self.gaps:
            return None
        parts = []
        absent = [g.label for g in self.gaps if not g.has_column]
        empty = [g.label for g in self.gaps if g.has_column]
        if absent:
            parts.append("no column for " + ", ".join(absent))
        if empty:
            parts.append("the column for " + ", ".join(empty) + " is empty for most accounts")
        return f"Scored on {self.scored_on} of {self.total} signals: " + "; ".join(parts) + "."


def inputs_of(signal: Signal) -> tuple[str, ...]:
    """The canonical fields a signal is derived from (empty when it only comes from its own column)."""
    if signal.derive is None:
        return ()
    names = re.findall(r"[a-z_][a-z0-9_]*", signal.derive.expr)
    return tuple(dict.fromkeys(n for n in names if n in CANONICAL_BY_ID))


def derived_from(signal: Signal, row: Mapping[str, object]) -> str | None:
    """What a signal was worked out from, when that is one other fact the account holds; else None.

    "Engagement with the CSM: 64" says little to a CSM until it reads "from days since last check-in:
    16 (0 scores 100 and 45 or further scores 0)".  ``row`` is the account's row of ``PortfolioResult.accounts``.
    """
    derive = signal.derive
    if derive is None or derive.expr == signal.id or derive.expr not in CANONICAL_BY_ID:
        return None
    value = cell_number(row.get(derive.expr))
    if value is None:
        return None
    ends = f"{_plain(derive.target)} scores 100 and {_plain(derive.floor)} or further scores 0"
    return f"{signal.label} is worked out from {CANONICAL_BY_ID[derive.expr].label.lower()}: {_plain(value)} ({ends})."


def _plain(x: float) -> str:
    """16 rather than 16.0, 2.5 as it is."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def signal_coverage(model: Model, result: RunSummary) -> SignalCoverage:
    """The model's signals against what the scored accounts hold."""
    mapped = {f for m in result.mappings for f in m.columns.values() if f}
    gaps = []
    for signal in model.signals:
        if result.signal_fill.get(signal.id, 0.0) >= MOST:
            continue
        inputs = inputs_of(signal)
        fed = signal.id in mapped or (bool(inputs) and all(f in mapped for f in inputs))
        gaps.append(SignalGap(signal.id, signal.label, fed))
    return SignalCoverage(len(model.signals), tuple(gaps))
