"""The lab finds the planted truth, and finds nothing where nothing was planted."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from scoring.backtest.fit import Fitted, fit_weights
from scoring.backtest.markdown import report_json, report_markdown
from scoring.backtest.outcomes import Outcome
from scoring.backtest.planted import BACKWARDS, DRIVER, MODEL_ID, NO_EFFECT, planted_book
from scoring.backtest.point_in_time import PointInTime, point_in_time
from scoring.backtest.report import Floors, Report, _auc_from_counts, build_report
from scoring.catalog import get_model

MODEL = get_model(MODEL_ID)


@pytest.fixture(scope="module")
def planted() -> PointInTime:
    history, outcomes = planted_book(2_000, 24, seed=7, effect=True)
    return point_in_time(MODEL, history, outcomes, lead_days=90)


@pytest.fixture(scope="module")
def planted_report(planted: PointInTime) -> Report:
    return build_report(planted)


@pytest.fixture(scope="module")
def null_report() -> Report:
    history, outcomes = planted_book(2_000, 24, seed=7, effect=False)
    return build_report(point_in_time(MODEL, history, outcomes, lead_days=90))


def test_the_planted_model_separates_churners(planted_report: Report) -> None:
    assert planted_report.auc.value is not None and planted_report.auc.value >= 0.75
    interval = planted_report.auc_interval
    assert interval is not None and interval.low < planted_report.auc.value < interval.high
    assert interval.low > 0.5


def test_planted_signals_get_their_true_verdicts(planted_report: Report) -> None:
    verdicts = {s.signal_id: s for s in planted_report.signals}
    assert verdicts[DRIVER].direction == "agrees"
    assert verdicts[NO_EFFECT].direction == "no effect"
    backwards = verdicts[BACKWARDS]
    assert backwards.direction == "contradicts"
    assert backwards.warning is not None and "higher values churned more" in backwards.warning
    assert len(verdicts[DRIVER].deciles) == 10


def test_bands_rank_churn_and_lift_is_rate_over_base(planted_report: Report) -> None:
    rates = {b.band: b.churn_rate.value for b in planted_report.bands}
    red_rate, yellow_rate, green_rate = rates["red"], rates["yellow"], rates["green"]
    assert red_rate is not None and yellow_rate is not None and green_rate is not None
    assert red_rate > yellow_rate > green_rate
    red = next(b for b in planted_report.bands if b.band == "red")
    assert planted_report.base_rate.value is not None and red.churn_rate.value is not None
    assert red.lift.value == pytest.approx(red.churn_rate.value / planted_report.base_rate.value)
    assert sum(b.accounts for b in planted_report.bands) == planted_report.accounts
    assert planted_report.red_precision.value == red.churn_rate.value


def test_the_no_effect_book_shows_no_skill_and_no_pass(null_report: Report) -> None:
    interval = null_report.auc_interval
    assert interval is not None and interval.low < 0.5 < interval.high
    assert not null_report.passed
    assert all(s.direction == "no effect" for s in null_report.signals)


def test_floors_can_be_changed_and_are_judged_at_their_own_lead_time(planted: PointInTime) -> None:
    lenient = build_report(planted, Floors(red_lift_min=1.5, green_share_max=0.9), resamples=20)
    assert all(c.passed for c in lenient.checks) and lenient.passed
    at_60 = build_report(point_in_time(MODEL, *planted_book(300, 24, seed=1), lead_days=60), resamples=20)
    below = next(c for c in at_60.checks if c.name == "churners_below_green")
    assert below.passed is None and "90 days" in below.reason and not at_60.passed


def test_figures_that_cannot_be_computed_are_none_with_a_reason() -> None:
    history, outcomes = planted_book(200, 12, seed=3)
    stayed = tuple(Outcome(o.account_id, "renewed", o.event_date, None) for o in outcomes)
    report = build_report(point_in_time(MODEL, history, stayed, lead_days=30), resamples=20)
    assert report.auc.value is None and report.auc.reason == "no churners"
    assert report.auc_interval is None
    assert report.red_recall.value is None and report.churners_below_green.reason == "no churners"
    assert all(s.direction == "unknown" for s in report.signals)
    json.dumps(report_json(report), allow_nan=False)


def test_the_bootstraps_counting_auc_equals_sklearn_with_ties() -> None:
    rng = np.random.default_rng(5)
    key = rng.integers(0, 20, 500).astype(float)
    positive = rng.random(500) < 0.3
    uniq, inverse = np.unique(key, return_inverse=True)
    pos = np.bincount(inverse[positive], minlength=len(uniq))
    neg = np.bincount(inverse[~positive], minlength=len(uniq))
    assert _auc_from_counts(pos, neg) == pytest.approx(roc_auc_score(positive, key), abs=1e-12)


def test_markdown_and_json_carry_the_same_figures(planted: PointInTime, planted_report: Report) -> None:
    fit = fit_weights(planted, "planted.csv", today=date(2026, 11, 1))
    assert isinstance(fit, Fitted)
    data = report_json(planted_report, fit)
    text = json.dumps(data, allow_nan=False)
    assert "NaN" not in text and "Infinity" not in text
    assert data["auc"] == planted_report.auc.value
    assert data["fitted"]["weights"] == dict(fit.weights) and data["fitted"]["auc"] == fit.fitted.auc.value
    assert {s["id"]: s["direction"] for s in data["signals"]}[BACKWARDS] == "contradicts"
    markdown = report_markdown(planted_report, MODEL, fit)
    assert f"AUC {planted_report.auc.value:.2f}" in markdown
    assert "Warning: Seat utilisation" in markdown and "Fitted weights" in markdown
