"""Fitted weights: the driver first, the backwards signal out, refused on too few churners."""

from __future__ import annotations

from datetime import date

import pytest

from scoring.backtest.fit import FitRefused, Fitted, fit_weights
from scoring.backtest.markdown import report_json, report_markdown
from scoring.backtest.outcomes import Outcome
from scoring.backtest.planted import BACKWARDS, DRIVER, MODEL_ID, planted_book
from scoring.backtest.point_in_time import PointInTime, point_in_time
from scoring.backtest.report import build_report
from scoring.catalog import get_model, with_weights

MODEL = get_model(MODEL_ID)


@pytest.fixture(scope="module")
def fitted() -> Fitted:
    history, outcomes = planted_book(2_000, 24, seed=11, effect=True)
    result = fit_weights(point_in_time(MODEL, history, outcomes, lead_days=90), "planted.csv", today=date(2026, 11, 1))
    assert isinstance(result, Fitted)
    return result


def test_the_driver_gets_the_largest_weight_and_the_backwards_signal_none(fitted: Fitted) -> None:
    weights = dict(fitted.weights)
    assert max(weights, key=weights.__getitem__) == DRIVER
    assert weights[BACKWARDS] == 0 and BACKWARDS in fitted.dropped
    assert all(w >= 0 for w in weights.values())
    assert sum(weights.values()) == pytest.approx(100.0)


def test_fitted_weights_beat_the_current_ones_out_of_fold(fitted: Fitted) -> None:
    assert fitted.fitted.auc.value is not None and fitted.current.auc.value is not None
    assert fitted.fitted.auc.value > fitted.current.auc.value
    assert len(fitted.fitted.fold_aucs) == 5 and fitted.fitted.accounts == fitted.current.accounts


def test_fitted_weights_make_a_custom_model(fitted: Fitted) -> None:
    custom = with_weights(MODEL, fitted.weights, "technical-csm-fitted", "Technical CSM (fitted)")
    assert custom.custom and BACKWARDS not in custom.signal_ids
    assert with_weights(MODEL, fitted.weights, "x", "x").total_weight == pytest.approx(100.0)
    log = fitted.changelog
    assert (log.source, log.fitted_on, log.lead_days, log.churners > 30) == ("planted.csv", date(2026, 11, 1), 90, True)
    assert "planted.csv" in log.summary() and "2026-11-01" in log.summary()


def _few_churners(churners: int) -> PointInTime:
    history, outcomes = planted_book(400, 12, seed=2)
    relabelled = tuple(
        Outcome(o.account_id, "churned" if i < churners else "renewed", o.event_date, None)
        for i, o in enumerate(outcomes)
    )
    return point_in_time(MODEL, history, relabelled, lead_days=30)


def test_below_thirty_churners_the_fit_is_refused_with_the_reason() -> None:
    pit = _few_churners(29)
    refused = fit_weights(pit, "few.csv")
    assert isinstance(refused, FitRefused)
    assert (refused.churners, refused.minimum) == (29, 30) and "at least 30" in refused.reason
    report = build_report(pit, resamples=20)
    assert f"No weights suggested: {refused.reason}." in report_markdown(report, MODEL, refused)
    assert report_json(report, refused)["fitted"] == {"refused": refused.reason, "churners": 29, "minimum": 30}
    at_minimum = fit_weights(_few_churners(30), "enough.csv")
    assert not (isinstance(at_minimum, FitRefused) and "churner(s)" in at_minimum.reason)
