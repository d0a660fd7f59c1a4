"""The SQL formula equals the Python engine on random inputs, for every preset model.

Random signal values (inside, outside and exactly on each signal's bounds and
cut-offs, or missing) and random bonuses go through ``scoring.portfolio.compute.formula_sql``
in DuckDB and through ``scoring.engine.score``; raw scores must agree within
1e-6 and scores and bands exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.catalog import preset_models, with_weights
from scoring.db import engine
from scoring.engine import NoSignals, score
from scoring.model import Model, Signal
from scoring.portfolio.compute.formula_sql import score_select
from scoring.portfolio.ingest.fields import CANONICAL_BY_ID, NUMERIC_FIELDS
from scoring.portfolio.sqlkit import Params

MODELS = list(preset_models().values())
MODELS.append(with_weights(MODELS[0], {g.id: i + 1.0 for i, g in enumerate(MODELS[0].groups)}, "custom", "Custom"))


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = engine()
    yield connection
    connection.close()


def signal_values(signal: Signal) -> st.SearchStrategy[float | None]:
    span = signal.max - signal.min
    edges = [signal.min, signal.max]
    if signal.thresholds is not None:
        edges += [signal.thresholds.green, signal.thresholds.yellow]
    return st.one_of(
        st.none(),
        st.sampled_from(edges),
        st.floats(signal.min - span, signal.max + span, allow_nan=False, allow_infinity=False),
    )


@st.composite
def accounts(draw: st.DrawFn, model: Model) -> list[tuple[dict[str, float | None], list[str]]]:
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        values = {s.id: draw(signal_values(s)) for s in model.signals}
        bonuses = [b.id for b in model.bonuses if draw(st.booleans())]
        rows.append((values, bonuses))
    return rows


def sql_scores(
    con: duckdb.DuckDBPyConnection, model: Model, rows: list[tuple[dict[str, float | None], list[str]]]
) -> pd.DataFrame:
    facts = pd.DataFrame({"account_id": [f"A{i}" for i in range(len(rows))], "period": [None] * len(rows)})
    for field in NUMERIC_FIELDS:
        facts[field] = pd.Series([None] * len(rows), dtype="float64")
    for signal in model.signals:
        facts[signal.id] = pd.Series([values[signal.id] for values, _ in rows], dtype="float64")
    for bonus in model.bonuses:
        facts[bonus.id] = [bonus.id in chosen for _, chosen in rows]
    con.register("facts_under_test", facts)
    p = Params()
    direct = [s for s in model.signal_ids if s not in CANONICAL_BY_ID]
    sql = score_select(model, "facts_under_test", direct, [b.id for b in model.bonuses], p)
    return con.execute(f"SELECT account_id, raw, score, band, coverage FROM ({sql}) ORDER BY account_id", p.values).df()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.id)
def test_sql_score_equals_python_score(con: duckdb.DuckDBPyConnection, model: Model) -> None:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rows=accounts(model))
    def check(rows: list[tuple[dict[str, float | None], list[str]]]) -> None:
        got = sql_scores(con, model, rows).set_index("account_id")
        for i, (values, bonuses) in enumerate(rows):
            row = got.loc[f"A{i}"]
            try:
                card = score(model, values, bonuses)
            except NoSignals:
                assert pd.isna(row["raw"]) and pd.isna(row["band"])
                continue
            assert row["raw"] == pytest.approx(card.raw, abs=1e-6)
            assert row["score"] == card.score
            assert row["band"] == card.band
            assert row["coverage"] == pytest.approx(card.coverage, abs=1e-12)

    check()


@st.composite
def sparse_accounts(draw: st.DrawFn, model: Model) -> list[tuple[dict[str, float | None], list[str]]]:
    """Accounts missing most of their signals, so many fall below the coverage floor."""
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        values = {s.id: draw(signal_values(s)) if draw(st.integers(0, 3)) == 0 else None for s in model.signals}
        rows.append((values, [b.id for b in model.bonuses if draw(st.booleans())]))
    return rows


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.id)
def test_sql_and_python_agree_below_the_coverage_floor(con: duckdb.DuckDBPyConnection, model: Model) -> None:
    floors = [0.0, 0.25, 0.5, 0.75, 1.0]

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rows=sparse_accounts(model), floor=st.sampled_from(floors))
    def check(rows: list[tuple[dict[str, float | None], list[str]]], floor: float) -> None:
        strict = replace(model, bands=replace(model.bands, min_coverage=floor))
        got = sql_scores(con, strict, rows).set_index("account_id")
        for i, (values, bonuses) in enumerate(rows):
            row = got.loc[f"A{i}"]
            try:
                card = score(strict, values, bonuses)
            except NoSignals:
                assert pd.isna(row["band"])
                continue
            assert row["band"] == card.band
            assert (row["band"] == "insufficient") == (card.coverage + 1e-9 < floor)

    check()


def test_the_floor_sits_at_the_model_s_min_coverage(con: duckdb.DuckDBPyConnection) -> None:
    """Half the weight is enough at the default floor, a hair less is not, in SQL as in Python."""
    model = next(m for m in MODELS if m.id == "technical-csm")
    half = {s.id: None for s in model.signals} | {"usage_rate": 90.0, "seat_utilization": 90.0}  # 30 + 20 of 100
    less = {s.id: None for s in model.signals} | {"usage_rate": 90.0}
    got = sql_scores(con, model, [(half, []), (less, [])]).set_index("account_id")
    assert list(got["band"]) == ["green", "insufficient"]
    assert score(model, half).band == "green"
    assert score(model, less).band == "insufficient"
