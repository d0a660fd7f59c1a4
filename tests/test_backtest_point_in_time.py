"""Point-in-time scoring: the vectorised formula equals the engine, and the future stays out."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.backtest.outcomes import Outcome
from scoring.backtest.point_in_time import point_in_time, score_values
from scoring.backtest.report import build_report
from scoring.catalog import get_model, preset_models, with_weights
from scoring.engine import NoSignals, score
from scoring.model import Model

MODELS = sorted(preset_models())
TECH = get_model("technical-csm")


@st.composite
def models(draw: st.DrawFn) -> Model:
    """A preset, sometimes re-weighted (weights of 0 drop groups), as users' custom models are."""
    model = get_model(draw(st.sampled_from(MODELS)))
    if draw(st.booleans()):
        weights = {g.id: draw(st.sampled_from([0.0, 0.5, 1.0, 7.0, 33.3])) for g in model.groups}
        if sum(weights.values()) > 0:
            model = with_weights(model, weights, "custom", "Custom")
    return model


@st.composite
def books(draw: st.DrawFn) -> tuple[Model, list[dict[str, float | None]], list[list[str]]]:
    model = draw(models())
    rows: list[dict[str, float | None]] = []
    bonuses: list[list[str]] = []
    for _ in range(draw(st.integers(1, 12))):
        row: dict[str, float | None] = {}
        for s in model.signals:
            span = s.max - s.min
            row[s.id] = draw(
                st.one_of(
                    st.none(),
                    st.integers(int(s.min), int(s.max)).map(float),
                    st.floats(s.min - 0.2 * span, s.max + 0.2 * span, allow_nan=False),
                )
            )
        rows.append(row)
        bonuses.append([b.id for b in model.bonuses if draw(st.booleans())])
    return model, rows, bonuses


@settings(max_examples=40, deadline=None)
@given(books())
def test_vectorised_scores_equal_the_engine(book: tuple[Model, list[dict[str, float | None]], list[list[str]]]) -> None:
    model, rows, earned = book
    values = pd.DataFrame(
        [{k: (math.nan if v is None else v) for k, v in row.items()} for row in rows], dtype=float
    ).reindex(columns=list(model.signal_ids))
    flags = pd.DataFrame([{b.id: b.id in e for b in model.bonuses} for e in earned], index=values.index)
    got = score_values(model, values, flags if model.bonuses else None)
    for i, (row, bonus) in enumerate(zip(rows, earned, strict=True)):
        try:
            card = score(model, row, bonus)
        except NoSignals:
            assert math.isnan(got.raw[i]) and got.band[i] == ""
            continue
        assert abs(got.raw[i] - card.raw) <= 1e-9
        assert got.score[i] == card.score
        assert got.band[i] == card.band
        assert abs(got.coverage[i] - card.coverage) <= 1e-9


def _history(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    """Technical-csm history where only usage varies; the other signals sit at fixed values."""
    frame = pd.DataFrame(rows, columns=["account_id", "period", "usage_rate"])
    frame["period"] = pd.to_datetime(frame["period"])
    for sid in ("seat_utilization", "teams_live", "override_rate", "csm_responsiveness"):
        frame[sid] = 50.0
    return frame


def test_a_planted_future_value_is_not_used() -> None:
    """After each cut-off, churners' usage drops to 0 and renewers' jumps to 100: peeking would give AUC 1."""
    months = [f"2026-{m:02d}-01" for m in range(1, 11)]
    rows: list[tuple[str, str, float]] = []
    outcomes: list[Outcome] = []
    for i in range(40):
        churned = i % 2 == 0
        event = date(2026, 9, 15)  # cut-off at 90 days: 2026-06-17, so June (ends 06-30) is already the future
        outcomes.append(Outcome(f"A{i}", "churned" if churned else "renewed", event, None))
        for month in months:
            future = month >= "2026-06-01"
            rows.append((f"A{i}", month, (0.0 if churned else 100.0) if future else 60.0))
    pit = point_in_time(TECH, _history(rows), outcomes, lead_days=90)
    assert set(pit.frame["period"]) == {pd.Timestamp("2026-05-01")}
    assert set(pit.frame["usage_rate"]) == {60.0}
    report = build_report(pit, resamples=50)
    assert report.auc.value == 0.5


def test_the_month_used_is_the_latest_that_ended_by_the_cut_off() -> None:
    rows = [("A", f"2026-{m:02d}-01", float(10 * m)) for m in range(1, 8)]
    outcomes = [Outcome("A", "churned", date(2026, 6, 15), None)]
    # 30 days: cut-off 05-16, so April (ended 04-30) is the latest month; May ends after the cut-off.
    pit = point_in_time(TECH, _history(rows), outcomes, lead_days=30)
    assert pit.frame.loc[0, "period"] == pd.Timestamp("2026-04-01")
    assert pit.frame.loc[0, "usage_rate"] == 40.0
    expected = score(TECH, {**dict.fromkeys(TECH.signal_ids, 50.0), "usage_rate": 40.0})
    assert pit.frame.loc[0, "score"] == expected.score
    # A cut-off falling exactly on a month end may use that month.
    exact = point_in_time(TECH, _history(rows), [Outcome("A", "churned", date(2026, 7, 30), None)], lead_days=60)
    assert exact.frame.loc[0, "period"] == pd.Timestamp("2026-05-01")


def test_undated_outcomes_use_the_last_month_minus_the_lead_time() -> None:
    rows = [("A", f"2026-{m:02d}-01", float(10 * m)) for m in range(1, 11)]
    pit = point_in_time(TECH, _history(rows), [Outcome("A", "churned", None, None)], lead_days=90)
    # History ends 2026-10-31; minus 90 days is 2026-08-02, so July is the month used.
    assert pit.frame.loc[0, "period"] == pd.Timestamp("2026-07-01")


def test_accounts_that_cannot_be_scored_are_counted_with_the_reason() -> None:
    rows = [("A", "2026-05-01", 50.0), ("B", "2026-05-01", 50.0), ("C", "2026-01-01", 50.0)]
    history = _history(rows)
    history.loc[history["account_id"] == "C", list(TECH.signal_ids)] = np.nan
    outcomes = [
        Outcome("A", "renewed", date(2026, 12, 1), None),
        Outcome("B", "churned", date(2026, 6, 10), None),  # nothing ended 90 days before
        Outcome("C", "churned", date(2026, 9, 1), None),  # no value for any signal
        Outcome("Z", "churned", date(2026, 9, 1), None),  # not in the history at all
    ]
    pit = point_in_time(TECH, history, outcomes, lead_days=90)
    assert list(pit.frame["account_id"]) == ["A"]
    reasons = {e.reason: e.examples for e in pit.excluded}
    assert reasons == {"no_history": ("Z",), "no_history_before_cutoff": ("B",), "no_signal_values": ("C",)}


def test_a_contraction_counts_as_churn_only_when_asked() -> None:
    rows = [("A", "2026-01-01", 50.0), ("B", "2026-01-01", 50.0)]
    outcomes = [Outcome("A", "contracted", date(2026, 6, 1), 5_000.0), Outcome("B", "renewed", date(2026, 6, 1), None)]
    assert point_in_time(TECH, _history(rows), outcomes, lead_days=90).churners == 0
    strict = point_in_time(TECH, _history(rows), outcomes, lead_days=90, contraction_is_churn=True)
    assert strict.churners == 1 and strict.frame.loc[0, "arr_lost"] == 5_000.0
