"""The lab's per-month signal values come from the portfolio's own pipeline, so both agree on every export."""

from __future__ import annotations

import math
from datetime import date

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
    assert _latest_scores(history, model_id) == _portfolio_scores(model_id)


def _portfolio_scores(model_id: str, as_of: date | None = None) -> dict[str, float | None]:
    """Each demo account's triage score, measured to ``as_of``."""
    accounts = load_portfolio(demo_exports(), MODELS[model_id], as_of=as_of).accounts
    return {r.account_id: None if pd.isna(r.score) else float(r.score) for r in accounts.itertuples()}


def _latest_scores(history: pd.DataFrame, model_id: str) -> dict[str, float | None]:
    """Each account's score in its latest month of ``history``, by the one formula."""
    model = MODELS[model_id]
    scores: dict[str, float | None] = {}
    for account_id, values in (
        history.sort_values("period").groupby("account_id").tail(1).set_index("account_id").iterrows()
    ):
        signals = {s: None if math.isnan(values[s]) else float(values[s]) for s in model.signal_ids}
        try:
            scores[str(account_id)] = score(model, signals, [b.id for b in model.bonuses if bool(values[b.id])]).score
        except NoSignals:
            scores[str(account_id)] = None
    return scores


def test_a_date_set_mid_month_reads_like_the_portfolio_at_that_date() -> None:
    """Months after the date are left out and the last one's day counts stop at it, as the triage's do."""
    as_of = date(2026, 6, 10)
    history, problems = signal_history(demo_exports(), MODELS["technical-csm"], as_of=as_of)
    assert history["period"].max() == pd.Timestamp("2026-06-01")
    assert [p.fix for p in problems] == ["Set a later as-of date to count them."]
    assert _latest_scores(history, "technical-csm") == _portfolio_scores("technical-csm", as_of)
    # Measured to the end of June instead, some scores differ: the date is what makes them agree.
    assert _portfolio_scores("technical-csm", date(2026, 6, 30)) != _portfolio_scores("technical-csm", as_of)


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
