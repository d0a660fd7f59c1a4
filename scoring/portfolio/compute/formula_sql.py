"""The health-score formula of ``scoring.engine``, written as DuckDB SQL.

Same steps, same order of arithmetic, so SQL and Python agree to the last
bit on the same inputs (a property test holds them together):

* signal value: the signal-id column when the export has one, else the
  model's Derivation over canonical fields, placed linearly from ``floor``
  (signal min) to ``target`` (signal max) and clipped;
* attainment: linear with direction, or 1 / 0.5 / 0 for a traffic light;
* group mean over present signals; weighted mean over present groups;
* bonuses from truthy bonus columns; cap at 100; ``round1``; coverage; band
  ("insufficient" below the model's minimum coverage, as ``band_for``).

Every constant (bounds, weights, thresholds, labels) is a bound parameter;
identifiers are quoted.  Sums are spelled left to right with zeros for
missing terms, because adding an exact 0.0 changes nothing and keeps the
order of Python's ``sum``.
"""

from __future__ import annotations

from collections.abc import Collection

from scoring.engine import ROUND_EPSILON
from scoring.model import LIGHT_POINTS, Model, Signal
from scoring.portfolio.ingest.fields import CANONICAL_BY_ID
from scoring.portfolio.sqlkit import (
    Params,
    att_column,
    band_case,
    bonus_column,
    count_column,
    group_column,
    quote,
    value_column,
)


def _clip(value: str, lo: str, hi: str) -> str:
    """Clip to [lo, hi]; NULL stays NULL (DuckDB's GREATEST/LEAST would skip it)."""
    return f"CASE WHEN {value} IS NULL THEN NULL ELSE LEAST(GREATEST({value}, {lo}), {hi}) END"


def _derived(signal: Signal, p: Params) -> str | None:
    d = signal.derive
    if d is None:
        return None
    lo, hi = p.num(signal.min), p.num(signal.max)
    mapped = f"({lo} + (({d.expr}) - {p.num(d.floor)}) * ({hi} - {lo}) / ({p.num(d.target)} - {p.num(d.floor)}))"
    return _clip(mapped, lo, hi)


def value_expr(signal: Signal, direct: Collection[str], p: Params) -> str:
    """The signal's raw value for one row: its own column first, then its derivation."""
    parts: list[str] = []
    if signal.id in direct or signal.id in CANONICAL_BY_ID:
        parts.append(f"CAST({quote(signal.id)} AS DOUBLE)")
    derived = _derived(signal, p)
    if derived is not None:
        parts.append(derived)
    if not parts:
        return "CAST(NULL AS DOUBLE)"
    return parts[0] if len(parts) == 1 else f"COALESCE({', '.join(parts)})"


def attainment_expr(signal: Signal, value: str, p: Params) -> str:
    if signal.transform == "traffic_light":
        t = signal.thresholds
        assert t is not None
        op = ">=" if signal.direction == "higher" else "<="
        return (
            f"CASE WHEN {value} IS NULL THEN NULL "
            f"WHEN {value} {op} {p.num(t.green)} THEN {p.num(LIGHT_POINTS['green'])} "
            f"WHEN {value} {op} {p.num(t.yellow)} THEN {p.num(LIGHT_POINTS['yellow'])} "
            f"ELSE {p.num(LIGHT_POINTS['red'])} END"
        )
    lo, hi = p.num(signal.min), p.num(signal.max)
    share = f"(({_clip(value, lo, hi)} - {lo}) / ({hi} - {lo}))"
    return share if signal.direction == "higher" else f"({p.num(1.0)} - {share})"


def _sum(terms: list[str]) -> str:
    return "(" + " + ".join(terms) + ")" if len(terms) > 1 else terms[0]


def score_select(
    model: Model,
    facts: str,
    direct: Collection[str],
    bonuses: Collection[str],
    p: Params,
    keep: Collection[str] = (),
) -> str:
    """SELECT account_id, period, kept columns, signal values, attainments, score... FROM facts.

    ``direct`` are the signal-id columns the facts hold; ``bonuses`` the
    bonus-id columns (BOOLEAN); ``keep`` other facts columns to pass through.
    """
    layer1 = ["account_id", "period", *(quote(k) for k in keep)]
    for signal in model.signals:
        layer1.append(f"{value_expr(signal, direct, p)} AS {quote(value_column(signal.id))}")
    for bonus in model.bonuses:
        flag = quote(bonus.id) if bonus.id in bonuses else "CAST(NULL AS BOOLEAN)"
        layer1.append(f"{flag} AS {quote(bonus_column(bonus.id))}")

    return score_values(model, f"SELECT {', '.join(layer1)} FROM {facts}", bonuses, p)


def score_values(model: Model, values: str, bonuses: Collection[str], p: Params) -> str:
    """The rest of ``score_select``: attainments, coverage, score and band from each signal's value.

    ``values`` is a SELECT whose rows hold every signal's value
    (``value_column``) and bonus flag (``bonus_column``); its other columns
    pass through.  The one-pass path scores each account's latest row again
    from the values it kept, rather than carrying every derived column
    through its aggregate.
    """
    layer2 = ["*"]
    for signal in model.signals:
        layer2.append(f"{attainment_expr(signal, quote(value_column(signal.id)), p)} AS {quote(att_column(signal.id))}")

    # How many of each group's signals are present: the group mean divides by it, coverage weighs by it.
    layer3 = ["*"]
    for group in model.groups:
        present = _sum([f"CAST({quote(att_column(s))} IS NOT NULL AS INTEGER)" for s in group.signals])
        layer3.append(f"{present} AS {quote(count_column(group.id))}")

    layer3b = ["*"]
    for group in model.groups:
        total = _sum([f"COALESCE({quote(att_column(s))}, 0.0)" for s in group.signals])
        layer3b.append(f"{total} / NULLIF({quote(count_column(group.id))}, 0) AS {quote(group_column(group.id))}")

    weights = {g.id: p.num(g.weight) for g in model.groups}
    pw = _sum(
        [p.num(0.0)]
        + [f"CASE WHEN {quote(group_column(g.id))} IS NULL THEN 0.0 ELSE {weights[g.id]} END" for g in model.groups]
    )
    weighted = _sum(
        [p.num(0.0)] + [f"COALESCE({weights[g.id]} * {quote(group_column(g.id))}, 0.0)" for g in model.groups]
    )
    seen = _sum(
        [p.num(0.0)]
        + [f"{weights[g.id]} * {quote(count_column(g.id))} / {p.num(len(g.signals))}" for g in model.groups]
    )
    layer4 = ["*", f"{pw} AS _pw", f"{weighted} AS _weighted", f"{seen} AS _seen"]

    bonus_terms = [
        f"CASE WHEN {quote(bonus_column(b.id))} THEN {p.num(b.points)} ELSE 0.0 END"
        for b in model.bonuses
        if b.id in bonuses
    ]
    bonus_total = _sum([p.num(0.0), *bonus_terms])
    hundred = p.num(100.0)
    base = f"({hundred} * _weighted / NULLIF(_pw, 0.0))"
    layer5 = ["*", f"CASE WHEN _pw > 0.0 THEN LEAST({hundred}, {base} + {bonus_total}) END AS raw"]

    rounded = f"(floor(raw * {p.num(10.0)} + {p.num(0.5)} + {p.num(ROUND_EPSILON)}) / {p.num(10.0)})"
    layer6 = ["*", f"{rounded} AS score"]
    layer7 = ["*", f"_seen / {p.num(model.total_weight)} AS coverage"]
    layer8 = ["*", f"{band_case('score', model.bands, p, coverage='coverage')} AS band"]

    sql = values
    for layer in (layer2, layer3, layer3b, layer4, layer5, layer6, layer7, layer8):
        sql = f"SELECT {', '.join(layer)} FROM ({sql})"
    return sql
