"""Generated books with a known answer, so the lab can be checked against the truth.

With ``effect=True`` churn is planted on the technical-csm signals: usage rate
drives it strongly, seat utilisation runs *backwards* (broad seat use churns
more, against the model), CSM responsiveness has no effect at all, and teams
live / override rate nudge it gently in the model's direction.  With
``effect=False`` churn is a coin flip, unrelated to any signal.

Each account has a steady level per signal and wobbles around it month to
month, so whichever month a backtest reads, the planted relation shows through
the noise -- as it would in a real book.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .outcomes import Outcome, OutcomeKind

MODEL_ID = "technical-csm"
DRIVER = "usage_rate"
NO_EFFECT = "csm_responsiveness"
BACKWARDS = "seat_utilization"
LAST_MONTH = date(2026, 10, 1)

# signal id -> (lowest level, highest level); every signal is a 0-100 percentage.
_LEVELS: dict[str, tuple[float, float]] = {
    "usage_rate": (5, 100),
    "seat_utilization": (40, 90),
    "teams_live": (50, 100),
    "override_rate": (0, 30),
    "csm_responsiveness": (40, 95),
}
# Planted log-odds of churn per standard deviation of each level.
_EFFECTS: dict[str, float] = {
    "usage_rate": -2.2,
    "seat_utilization": 0.6,
    "teams_live": -0.25,
    "override_rate": 0.25,
    "csm_responsiveness": 0.0,
}
_BASE_LOGODDS = -1.9
_WOBBLE = 6.0
_MISSING = 0.03


def planted_book(
    n_accounts: int, months: int, seed: int, effect: bool = True
) -> tuple[pd.DataFrame, tuple[Outcome, ...]]:
    """(history, outcomes) for ``n_accounts`` over ``months`` months ending October 2026.

    history: account_id, period (month start), one column per technical-csm
    signal (about 3% of cells missing) and the roi_articulated bonus flag.
    Outcomes fall in the second half of the history, so every lead time up to
    180 days leaves months to score.
    """
    rng = np.random.default_rng(seed)
    ids = np.array([f"PL-{i:06d}" for i in range(n_accounts)])
    periods = pd.date_range(end=pd.Timestamp(LAST_MONTH), periods=months, freq="MS")
    levels = {sid: rng.uniform(low, high, n_accounts) for sid, (low, high) in _LEVELS.items()}

    logodds = np.full(n_accounts, _BASE_LOGODDS)
    if effect:
        for sid, beta in _EFFECTS.items():
            level = levels[sid]
            logodds += beta * (level - level.mean()) / level.std()
    churned = rng.random(n_accounts) < 1 / (1 + np.exp(-logodds))

    first = periods[months // 2].value
    last = (periods[-1] + pd.offsets.MonthEnd(0)).value
    event = pd.to_datetime(rng.integers(first, last, n_accounts)).normalize()
    arr = np.round(rng.uniform(10_000, 200_000, n_accounts), -2)
    contracted = ~churned & (rng.random(n_accounts) < 0.1)
    kinds: list[OutcomeKind] = [
        "churned" if c else "contracted" if k else "renewed" for c, k in zip(churned, contracted, strict=True)
    ]
    losses = np.where(churned, arr, np.where(contracted, np.round(arr * 0.3, -2), np.nan))
    outcomes = tuple(
        Outcome(str(a), kind, stamp.date(), None if np.isnan(loss) else float(loss))
        for a, kind, stamp, loss in zip(ids, kinds, event, losses, strict=True)
    )

    size = n_accounts * months
    history = pd.DataFrame({"account_id": np.repeat(ids, months), "period": np.tile(periods.to_numpy(), n_accounts)})
    for sid, level in levels.items():
        monthly = np.clip(np.repeat(level, months) + rng.normal(0, _WOBBLE, size), 0, 100).round()
        monthly[rng.random(size) < _MISSING] = np.nan
        history[sid] = monthly
    history["roi_articulated"] = np.repeat(rng.random(n_accounts) < 0.3, months)
    return history, outcomes
