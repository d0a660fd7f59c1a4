"""The figures a CS leader needs to judge whether the score predicts churn.

Every figure is a frozen dataclass; one that cannot be computed (no churners,
no red accounts) is None *with the reason*, never 0 -- a zero would read as
"the score never catches churn" when the truth is "there was nothing to catch".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from scoring.formatting import NO_DATA
from scoring.model import BAND_NAMES, BandName

from .point_in_time import Exclusion, PointInTime, signal_attainment

Verdict = Literal["agrees", "contradicts", "no effect", "unknown"]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Figure:
    """A number, or None with the reason it could not be computed."""

    value: float | None
    reason: str = ""

    @staticmethod
    def of(numerator: float, denominator: float, reason: str) -> Figure:
        return Figure(numerator / denominator) if denominator > 0 else Figure(None, reason)


def percent(value: float) -> str:
    """A backtest share as a whole percentage ("92%"): a few hundred accounts carry no finer figure."""
    return f"{value:.0%}"


def times(value: float) -> str:
    """A lift over the base rate ("2.0x"), written as the floors' rules write theirs ("3x")."""
    return f"{value:.1f}x"


@dataclass(frozen=True)
class BandRow:
    """Churn in one band: how many accounts, how many left, and the lift over the base rate."""

    band: BandName
    accounts: int
    churners: int
    churn_rate: Figure
    lift: Figure
    arr_lost: float | None


@dataclass(frozen=True)
class CalibrationRow:
    """One slice of the book by score: the score read as a renewal chance vs what happened."""

    label: str
    low: float
    high: float
    accounts: int
    mean_score: float
    renewal_rate: float


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    level: float
    resamples: int


@dataclass(frozen=True)
class Floors:
    """The bars a score must clear; the user may change any of them.

    Defaults: red churns at least 3x the base rate; two thirds of churners
    were below green 90 days before; at most 80% of the book is green; and
    (seed 004) at least 80% of green accounts renew.
    """

    red_lift_min: float = 3.0
    churners_below_green_min: float = 2 / 3
    below_green_lead_days: int = 90
    green_share_max: float = 0.80
    green_renewal_min: float = 0.80


@dataclass(frozen=True)
class FloorCheck:
    """One floor against the measured figure; ``passed`` None when it cannot be judged."""

    name: str
    rule: str
    measured: float | None
    passed: bool | None
    reason: str = ""

    @property
    def measured_text(self) -> str:
        """The figure as its rule states it: the red lift as a multiple, the others as percentages."""
        if self.measured is None:
            return NO_DATA
        return times(self.measured) if self.name == "red_lift" else percent(self.measured)


@dataclass(frozen=True)
class DecileRow:
    low: float
    high: float
    accounts: int
    churners: int
    churn_rate: float


@dataclass(frozen=True)
class SignalReport:
    """Does this signal, on its own, point the way the model says?

    ``auc`` is how often a renewing account has a better attainment than a
    churner (0.5: no relation, below 0.5: the model's direction is backwards);
    ``lift`` is the churn rate of the worst tenth (by the model's direction)
    over the rate among accounts that have the signal.
    """

    signal_id: str
    label: str
    model_direction: str
    accounts: int
    churners: int
    auc: Figure
    lift: Figure
    deciles: tuple[DecileRow, ...]
    direction: Verdict
    warning: str | None


@dataclass(frozen=True)
class Report:
    model_id: str
    model_name: str
    lead_days: int
    accounts: int
    churners: int
    base_rate: Figure
    bands: tuple[BandRow, ...]
    churners_below_green: Figure
    red_precision: Figure
    red_recall: Figure
    auc: Figure
    auc_interval: Interval | None
    calibration: tuple[CalibrationRow, ...]
    green_share: Figure
    green_renewal: Figure
    floors: Floors
    checks: tuple[FloorCheck, ...]
    signals: tuple[SignalReport, ...]
    excluded: tuple[Exclusion, ...] = field(default=())

    @property
    def passed(self) -> bool:
        """True only when every floor was judged and cleared."""
        return all(c.passed is True for c in self.checks)


def _auc_from_counts(pos: npt.NDArray[np.number[Any]], neg: npt.NDArray[np.number[Any]]) -> float | None:
    """AUC from positive and negative weight per distinct key value, keys in ascending order (ties count half).

    The bootstrap calls this with resample counts as the weights, so each
    resample costs two ``bincount``s rather than a sort.
    """
    total_pos, total_neg = pos.sum(), neg.sum()
    if total_pos == 0 or total_neg == 0:
        return None
    below = np.cumsum(neg) - neg
    return float((pos * (below + 0.5 * neg)).sum() / (total_pos * total_neg))


def bootstrap_auc(
    order_key: Floats, positive: npt.NDArray[np.bool_], resamples: int = 500, level: float = 0.95, seed: int = 0
) -> Interval | None:
    """Percentile interval of the AUC over seeded, stratified bootstrap resamples.

    Churners and renewals are resampled separately (as pROC does by default),
    so every resample keeps the book's churn rate and none lacks a churner.
    Each resample is two ``bincount``s over the distinct scores rather than
    a sort, which is what makes 500 resamples on 100k accounts cheap.
    """
    if not positive.any() or positive.all():
        return None
    uniq, inverse = np.unique(order_key, return_inverse=True)
    pos_keys, neg_keys = inverse[positive], inverse[~positive]
    rng = np.random.default_rng(seed)
    values = np.empty(resamples)
    for i in range(resamples):
        pos = np.bincount(pos_keys[rng.integers(0, len(pos_keys), len(pos_keys))], minlength=len(uniq))
        neg = np.bincount(neg_keys[rng.integers(0, len(neg_keys), len(neg_keys))], minlength=len(uniq))
        auc = _auc_from_counts(pos, neg)
        assert auc is not None  # both strata are non-empty by construction
        values[i] = auc
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return Interval(float(low), float(high), level, resamples)


def roc_auc(positive: npt.NDArray[np.bool_], order_key: Floats) -> float:
    """scikit-learn's ROC AUC, imported on first use.

    Importing scikit-learn takes about 2 s.  The renewals page (``Floors``)
    and a backtest that stops at once on an input error use this module too,
    and should not wait for a library they never call.
    """
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(positive, order_key))


def _auc(churned: npt.NDArray[np.bool_], score: Floats, reason_prefix: str = "") -> Figure:
    if not churned.any():
        return Figure(None, f"{reason_prefix}no churners")
    if churned.all():
        return Figure(None, f"{reason_prefix}no renewals")
    return Figure(roc_auc(churned, -score))


def _band_rows(frame: pd.DataFrame, base: Figure) -> tuple[BandRow, ...]:
    rows: list[BandRow] = []
    has_arr = frame["arr_lost"].notna().any()
    for band in BAND_NAMES:
        part = frame[frame["band"] == band]
        n, churners = len(part), int(part["churned"].sum())
        rate = Figure.of(churners, n, f"no {band} accounts")
        if rate.value is None or base.value is None:
            lift = Figure(None, rate.reason or base.reason)
        else:
            lift = Figure.of(rate.value, base.value, "no churners in the book")
        arr = float(part["arr_lost"].sum()) if has_arr else None
        rows.append(BandRow(band, n, churners, rate, lift, arr))
    return tuple(rows)


def _calibration(frame: pd.DataFrame, slices: int = 10) -> tuple[CalibrationRow, ...]:
    if frame.empty:
        return ()
    ranks = frame["raw"].rank(method="first")
    bins = pd.qcut(ranks, q=min(slices, len(frame)), labels=False)
    rows: list[CalibrationRow] = []
    for i, part in frame.groupby(bins, sort=True):
        rows.append(
            CalibrationRow(
                label=f"{int(i) + 1} of {bins.max() + 1}",
                low=float(part["score"].min()),
                high=float(part["score"].max()),
                accounts=len(part),
                mean_score=float(part["score"].mean()),
                renewal_rate=float(1 - part["churned"].mean()),
            )
        )
    return tuple(rows)


def _hanley_mcneil_se(auc: float, n_pos: int, n_neg: int) -> float:
    """Standard error of an AUC (Hanley & McNeil 1982): cheap, good enough to tell noise from effect."""
    q1, q2 = auc / (2 - auc), 2 * auc * auc / (1 + auc)
    variance = (auc * (1 - auc) + (n_pos - 1) * (q1 - auc * auc) + (n_neg - 1) * (q2 - auc * auc)) / (n_pos * n_neg)
    return math.sqrt(max(variance, 0.0))


def _deciles(values: Floats, churned: npt.NDArray[np.bool_]) -> tuple[DecileRow, ...]:
    bins = pd.qcut(values, q=min(10, len(np.unique(values))), labels=False, duplicates="drop")
    table = pd.DataFrame({"v": values, "c": churned, "b": bins})
    rows = []
    for _, part in table.groupby("b", sort=True):
        rows.append(
            DecileRow(
                float(part["v"].min()),
                float(part["v"].max()),
                len(part),
                int(part["c"].sum()),
                float(part["c"].mean()),
            )
        )
    return tuple(rows)


def signal_report(pit: PointInTime, signal_id: str, z: float = 2.58, min_effect: float = 0.02) -> SignalReport:
    """Churn by decile of one signal, its lift, and whether the data agrees with the model's direction.

    The verdict needs both significance (|AUC - 0.5| beyond ``z`` standard
    errors; 2.58 keeps false alarms rare across a model's many signals) and a
    minimum effect, so a huge book does not flag a trivial wobble.
    """
    model = pit.model
    signal = model.signal(signal_id)
    frame = pit.frame
    values = frame[signal_id].to_numpy(dtype=np.float64) if signal_id in frame else np.full(len(frame), np.nan)
    present = ~np.isnan(values)
    v, churned = values[present], frame["churned"].to_numpy(dtype=bool)[present]
    n, n_pos = len(v), int(churned.sum())
    base = Figure.of(n_pos, n, "no account has this signal")
    if n == 0 or n_pos == 0 or n_pos == n:
        reason = "no account has this signal" if n == 0 else "no churners" if n_pos == 0 else "no renewals"
        missing = Figure(None, reason)
        return SignalReport(signal_id, signal.label, signal.direction, n, n_pos, missing, missing, (), "unknown", None)
    attain = signal_attainment(signal, v)
    auc = roc_auc(~churned, attain)
    se = _hanley_mcneil_se(auc, n_pos, n - n_pos)
    effect = auc - 0.5
    verdict: Verdict = "no effect"
    if abs(effect) > max(z * se, min_effect):
        verdict = "agrees" if effect > 0 else "contradicts"
    worst = attain <= np.quantile(attain, 0.1)
    worst_rate = float(churned[worst].mean())
    assert base.value is not None
    lift = Figure.of(worst_rate, base.value, "no churners")
    warning = None
    if verdict == "contradicts":
        warning = (
            f"{signal.label}: the model treats {signal.direction} as better, but in this data accounts with "
            f"{signal.direction} values churned more (AUC {auc:.2f}). Check the data, or lower this signal's weight."
        )
    return SignalReport(
        signal_id,
        signal.label,
        signal.direction,
        n,
        n_pos,
        Figure(auc),
        lift,
        _deciles(v, churned),
        verdict,
        warning,
    )


def _checks(
    floors: Floors, lead_days: int, red: BandRow, below_green: Figure, green_share: Figure, green_renewal: Figure
) -> tuple[FloorCheck, ...]:
    def judged(name: str, rule: str, figure: Figure, ok: bool | None) -> FloorCheck:
        if figure.value is None:
            return FloorCheck(name, rule, None, None, figure.reason)
        return FloorCheck(name, rule, figure.value, ok)

    checks = [
        judged(
            "red_lift",
            f"red churns at least {floors.red_lift_min:g}x the base rate",
            red.lift,
            red.lift.value is not None and red.lift.value >= floors.red_lift_min,
        ),
    ]
    rule = f"at least {floors.churners_below_green_min:.0%} of churners sat below green "
    rule += f"{floors.below_green_lead_days} days before"
    if lead_days != floors.below_green_lead_days:
        checks.append(
            FloorCheck(
                "churners_below_green",
                rule,
                below_green.value,
                None,
                f"this backtest looks {lead_days} days ahead; run it at {floors.below_green_lead_days} days to judge",
            )
        )
    else:
        checks.append(
            judged(
                "churners_below_green",
                rule,
                below_green,
                below_green.value is not None and below_green.value >= floors.churners_below_green_min,
            )
        )
    checks.append(
        judged(
            "green_share",
            f"no more than {floors.green_share_max:.0%} of the book is green",
            green_share,
            green_share.value is not None and green_share.value <= floors.green_share_max,
        )
    )
    checks.append(
        judged(
            "green_renewal",
            f"at least {floors.green_renewal_min:.0%} of green accounts renew",
            green_renewal,
            green_renewal.value is not None and green_renewal.value >= floors.green_renewal_min,
        )
    )
    return tuple(checks)


def build_report(
    pit: PointInTime, floors: Floors | None = None, resamples: int = 500, seed: int = 0, level: float = 0.95
) -> Report:
    """Every figure of the backtest for one model and lead time."""
    floors = floors or Floors()
    frame = pit.frame
    n = len(frame)
    churned = frame["churned"].to_numpy(dtype=bool)
    churners = int(churned.sum())
    raw = frame["raw"].to_numpy(dtype=np.float64)
    base = Figure.of(churners, n, "no account could be scored")
    bands = _band_rows(frame, base)
    red = next(b for b in bands if b.band == "red")
    green = next(b for b in bands if b.band == "green")
    below_green = Figure.of(int((churned & (frame["band"] != "green").to_numpy()).sum()), churners, "no churners")
    precision = Figure.of(red.churners, red.accounts, "no account was red")
    recall = Figure.of(red.churners, churners, "no churners")
    green_renewal = Figure.of(green.accounts - green.churners, green.accounts, "no account was green")
    green_share = Figure.of(green.accounts, n, "no account could be scored")
    auc = _auc(churned, raw)
    interval = bootstrap_auc(-raw, churned, resamples, level, seed) if auc.value is not None else None
    return Report(
        model_id=pit.model.id,
        model_name=pit.model.name,
        lead_days=pit.lead_days,
        accounts=n,
        churners=churners,
        base_rate=base,
        bands=bands,
        churners_below_green=below_green,
        red_precision=precision,
        red_recall=recall,
        auc=auc,
        auc_interval=interval,
        calibration=_calibration(frame),
        green_share=green_share,
        green_renewal=green_renewal,
        floors=floors,
        checks=_checks(floors, pit.lead_days, red, below_green, green_share, green_renewal),
        signals=tuple(signal_report(pit, sid) for sid in pit.model.signal_ids),
        excluded=pit.excluded,
    )
