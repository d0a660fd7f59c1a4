"""Weights fitted to the user's outcomes -- offered only with out-of-fold evidence.

The fit is scikit-learn's ``LogisticRegression`` (no optimiser of our own;
the newton-cholesky solver, made for many rows and few columns, converges in
a handful of steps where lbfgs needs dozens) on
each group's *attainment*, which already points "higher is better" whatever the
signal's raw direction.  Churn is regressed on minus the attainments, so a
non-negative coefficient means "better attainment, less churn" -- the model's
own direction.  scikit-learn 1.9 has no ``positive=`` option for logistic
regression, so the constraint is kept by an active set: fit, drop the group
with the most negative coefficient, refit, until none is negative.  The
coefficients, scaled to sum to 100, are the weights.

A weight is only as good as the accounts it was fitted on, so the fitted and
current weights are compared on out-of-fold predictions only (seeded
StratifiedKFold): every account is scored by weights fitted without it.
Below a minimum number of churners the fit is refused, with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd

from scoring.catalog import with_weights
from scoring.model import Model

from .point_in_time import PointInTime, group_attainments, score_values
from .report import Figure, roc_auc

Floats = npt.NDArray[np.float64]
MIN_CHURNERS = 30
# Light L2 regularisation: keeps weights stable when two signals move together,
# too light to matter for a few thousand accounts.
REGULARISATION_C = 10.0


@dataclass(frozen=True)
class CvFigures:
    """How well one set of weights separates churners, on out-of-fold scores.

    ``low_tenth_lift``: churn rate among the lowest-scored tenth of accounts
    over the base rate -- comparable across weights even when the bands shift.
    """

    accounts: int
    auc: Figure
    fold_aucs: tuple[float, ...]
    red_lift: Figure
    low_tenth_lift: Figure


@dataclass(frozen=True)
class FitChangelog:
    """What a saved custom model records about where its weights came from."""

    source: str
    fitted_on: date
    model_id: str
    lead_days: int
    accounts: int
    churners: int
    folds: int
    current_auc: float | None
    fitted_auc: float | None

    def summary(self) -> str:
        def auc(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.2f}"

        return (
            f"Weights fitted on {self.fitted_on.isoformat()} to {self.source}: {self.accounts:,} accounts, "
            f"{self.churners:,} churners, scored {self.lead_days} days before the outcome; out-of-fold AUC "
            f"{auc(self.fitted_auc)} against {auc(self.current_auc)} for {self.model_id}'s weights "
            f"({self.folds}-fold cross-validation)."
        )


@dataclass(frozen=True)
class Fitted:
    """Suggested weights ({group id: weight}, summing to 100, as ``with_weights`` takes) and the evidence."""

    model_id: str
    weights: Mapping[str, float]
    dropped: tuple[str, ...]
    current: CvFigures
    fitted: CvFigures
    changelog: FitChangelog


@dataclass(frozen=True)
class FitRefused:
    """No weights suggested, and why."""

    reason: str
    churners: int
    minimum: int


def _group_weights(features: Floats, churned: npt.NDArray[np.bool_]) -> Floats | None:
    """Non-negative weights (sum 100) over the columns of ``features``; None when no column earns one.

    Missing attainments are filled with the column mean of the rows given, so
    a gap neither helps nor hurts the account inside the fit.
    """
    from sklearn.linear_model import LogisticRegression  # on first use, as ``report.roc_auc`` imports it

    means = np.nanmean(features, axis=0)
    filled = np.where(np.isnan(features), means, features)
    active = list(range(features.shape[1]))
    while active:
        model = LogisticRegression(C=REGULARISATION_C, max_iter=1000, solver="newton-cholesky")
        model.fit(-filled[:, active], churned)
        coef = model.coef_[0]
        if (coef >= 0).all():
            break
        del active[int(np.argmin(coef))]
    else:
        return None
    weights = np.zeros(features.shape[1])
    weights[active] = coef
    total = weights.sum()
    return None if total <= 0 else 100.0 * weights / total


def _tenths(weights: Floats) -> Floats:
    """Round to one decimal keeping the sum exactly 100 (largest remainder), so the table adds up."""
    scaled = weights * 10
    floors = np.floor(scaled)
    short = round(float(1000 - floors.sum()))
    order = np.argsort(-(scaled - floors), kind="stable")
    floors[order[:short]] += 1
    return floors / 10


def _cv_figures(
    raw: Floats, band: npt.NDArray[np.str_], churned: npt.NDArray[np.bool_], folds: list[npt.NDArray[np.intp]]
) -> CvFigures:
    n, churners = len(raw), int(churned.sum())
    base = churners / n
    auc = Figure(roc_auc(churned, -raw))
    fold_aucs = tuple(roc_auc(churned[f], -raw[f]) for f in folds if 0 < churned[f].sum() < len(f))
    red = band == "red"
    red_rate = Figure.of(float(churned[red].sum()), float(red.sum()), "no account was red")
    red_lift = Figure(None, red_rate.reason) if red_rate.value is None else Figure(red_rate.value / base)
    lowest = np.argsort(raw, kind="stable")[: max(1, n // 10)]
    return CvFigures(n, auc, fold_aucs, red_lift, Figure(float(churned[lowest].mean()) / base))


def fit_weights(
    pit: PointInTime,
    source: str,
    minimum_churners: int = MIN_CHURNERS,
    folds: int = 5,
    seed: int = 0,
    today: date | None = None,
) -> Fitted | FitRefused:
    """Fit weights to the backtest's outcomes, or refuse with the reason.

    ``source`` names the outcomes (a file name) for the changelog.  The
    returned weights are fitted on every account; the figures beside them
    come from ``folds``-fold cross-validation.
    """
    model, frame = pit.model, pit.frame
    churned = frame["churned"].to_numpy(dtype=bool)
    churners, stayed = int(churned.sum()), int((~churned).sum())
    if churners < minimum_churners:
        return FitRefused(
            f"only {churners} churner(s) in this backtest; at least {minimum_churners} are needed before "
            "weights fitted to them say more than chance",
            churners,
            minimum_churners,
        )
    if stayed < minimum_churners:
        return FitRefused(
            f"only {stayed} account(s) renewed; at least {minimum_churners} are needed to tell churners apart",
            churners,
            minimum_churners,
        )
    signal_cols = [sid for sid in model.signal_ids if sid in frame.columns]
    bonus_cols = [b.id for b in model.bonuses if b.id in frame.columns]
    values = frame[signal_cols]
    bonuses = frame[bonus_cols] if bonus_cols else None
    features = group_attainments(model, values)
    seen = ~np.isnan(features).all(axis=0)
    group_ids = [g.id for g in model.groups]

    def fit(rows: npt.NDArray[np.intp] | slice) -> dict[str, float] | None:
        weights = _group_weights(features[rows][:, seen], churned[rows])
        if weights is None:
            return None
        full = np.zeros(len(group_ids))
        full[seen] = weights
        return dict(zip(group_ids, full.tolist(), strict=True))

    overall = fit(slice(None))
    if overall is None:
        return FitRefused(
            "no signal moves with churn in the model's direction in this data, so no weights can be suggested",
            churners,
            minimum_churners,
        )
    rounded = dict(zip(group_ids, _tenths(np.array(list(overall.values()))).tolist(), strict=True))

    from sklearn.model_selection import StratifiedKFold  # on first use, as ``report.roc_auc`` imports it

    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    oof_raw = np.full(len(frame), np.nan)
    oof_band = np.full(len(frame), "", dtype=object)
    test_folds: list[npt.NDArray[np.intp]] = []
    for train, test in splitter.split(np.zeros(len(frame)), churned):
        weights = fit(train)
        if weights is None:
            return FitRefused(
                "in at least one cross-validation fold no signal moved with churn in the model's direction, "
                "so the fitted weights would not hold up",
                churners,
                minimum_churners,
            )
        fold_model = with_weights(model, weights, f"{model.id}-fold", "fold")
        scored = score_values(fold_model, values.iloc[test], bonuses.iloc[test] if bonuses is not None else None)
        oof_raw[test], oof_band[test] = scored.raw, scored.band
        test_folds.append(test)

    # Accounts whose only signals were dropped by the fit cannot be scored by it;
    # both sets of weights are judged on the same remaining accounts.
    usable = ~np.isnan(oof_raw)
    position = np.cumsum(usable) - 1
    kept_folds = [position[f[usable[f]]] for f in test_folds]
    current = _cv_figures(
        frame["raw"].to_numpy(dtype=np.float64)[usable],
        frame["band"].to_numpy(dtype=str)[usable],
        churned[usable],
        kept_folds,
    )
    fitted = _cv_figures(oof_raw[usable], oof_band[usable].astype(str), churned[usable], kept_folds)
    changelog = FitChangelog(
        source=source,
        fitted_on=today or date.today(),
        model_id=model.id,
        lead_days=pit.lead_days,
        accounts=len(frame),
        churners=churners,
        folds=folds,
        current_auc=current.auc.value,
        fitted_auc=fitted.auc.value,
    )
    dropped = tuple(gid for gid in group_ids if rounded[gid] == 0)
    return Fitted(model.id, rounded, dropped, current, fitted, changelog)


def fitted_frame(fitted: Fitted, model: Model) -> pd.DataFrame:
    """Current and fitted weights side by side (group, label, current, fitted), for a table or chart."""
    total = model.total_weight
    return pd.DataFrame(
        {
            "group": [g.id for g in model.groups],
            "label": [g.label for g in model.groups],
            "current": [100.0 * g.weight / total for g in model.groups],
            "fitted": [fitted.weights[g.id] for g in model.groups],
        }
    )
