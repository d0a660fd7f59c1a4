"""The lab's per-month signal values come from the portfolio's own pipeline, so both agree on every export."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from scoring.catalog import preset_models
from scoring.engine import NoSignals, score
from scoring.portfolio import load_portfolio
from scoring.portfolio.contract import Export
from scoring.portfolio.demo import demo_exports
from scoring.portfolio.signal_history import history_columns, signal_history

MODELS = preset_models()


@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_latest_month_scores_like_the_portfolio(model_id: str) -> None:
    model = MODELS[model_id]
    history, problems = signal_history(demo_exports(), model)
    assert problems == []
    assert list(history.columns) == history_columns(model)
    assert history.groupby("account_id")["period"].nunique().min() > 1  # every month, not only the latest
    latest = history.sort_values("period").groupby("account_id").tail(1).set_index("account_id")
    accounts = load_portfolio(demo_exports(), model).accounts
    assert set(latest.index) == set(accounts["account_id"])
    for row in accounts.itertuples():
        values = latest.loc[row.account_id]
        signals = {s: None if math.isnan(values[s]) else float(values[s]) for s in model.signal_ids}
        bonuses = [b.id for b in model.bonuses if bool(values[b.id])]
        try:
            expected: float | None = score(model, signals, bonuses).score
        except NoSignals:
            expected = None
        got = None if pd.isna(row.score) else float(row.score)
        assert got == expected, row.account_id


def test_missing_stays_missing_and_undated_accounts_are_reported() -> None:
    model = MODELS["technical-csm"]
    monthly = b"Account ID,Month,Usage %\nA-1,2026-01,50%\nA-1,2026-02,\n"
    accounts = b"Account ID,Licensed Seats\nA-1,10\nB-9,20\n"
    history, problems = signal_history([Export("m.csv", monthly), Export("a.csv", accounts)], model)
    assert list(history["account_id"]) == ["A-1", "A-1"]
    assert history["usage_rate"].iloc[0] == 50.0
    assert math.isnan(history["usage_rate"].iloc[1])
    assert any("only in files without a month" in p.message for p in problems)


def test_no_month_column_is_a_problem_not_an_exception() -> None:
    model = MODELS["technical-csm"]
    history, problems = signal_history([Export("a.csv", b"Account ID,Usage %\nA-1,50%\n")], model)
    assert history.empty
    assert [p.severity for p in problems] == ["error"]
