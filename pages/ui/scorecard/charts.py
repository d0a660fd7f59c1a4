"""Score drivers as stacked bars: points earned against points lost, worst gap first.

One bar per signal (and per pillar for grouped models).  The bar's length is
what the signal is worth in this account's score, so the chart shows both
where the points come from and where they leak away.

The chart is written in Altair but turned into a Vega-Lite spec only once:
``st.altair_chart`` re-validates the whole spec against the JSON schema on
every rerun (about 8 ms a chart), which is most of a slider move's budget.
Each rerun sends just the fresh data with the cached spec.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from scoring import formatting
from scoring.engine import Scorecard, bonus_label
from scoring.model import Model

EARNED, LOST = "Earned", "Lost"
COLOURS = alt.Scale(domain=[EARNED, LOST], range=["#16a34a", "#f87171"])
# Height per bar; a fixed chart height squeezes the bars in Streamlit 1.67.
ROW_STEP = 26


def _frame(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    """Long form (one row per bar segment) from (name, value text, earned, lost)."""
    records = []
    for name, value, earned, lost in rows:
        for part, points, rank in ((EARNED, earned, 0), (LOST, lost, 1)):
            records.append(
                {
                    "name": name,
                    "value": value,
                    "part": part,
                    "points": points,
                    "rank": rank,
                    "earned": earned,
                    "lost": lost,
                    "worth": earned + lost,
                }
            )
    return pd.DataFrame.from_records(records)


@cache
def _spec(what: str) -> dict[str, Any]:
    """The validated Vega-Lite spec (without data) of a drivers chart."""
    chart = (
        alt.Chart(alt.NamedData("drivers"), height=alt.Step(ROW_STEP))
        .mark_bar()
        .encode(
            x=alt.X("points:Q", stack="zero", title="Points out of 100"),
            y=alt.Y(
                "name:N",
                sort=alt.EncodingSortField("lost", op="max", order="descending"),
                title=None,
                axis=alt.Axis(labelLimit=260),
            ),
            color=alt.Color("part:N", scale=COLOURS, legend=alt.Legend(title=None, orient="top")),
            order=alt.Order("rank:Q"),
            tooltip=[
                alt.Tooltip("name:N", title=what),
                alt.Tooltip("value:N", title="Value"),
                alt.Tooltip("earned:Q", title="Points earned", format=".1f"),
                alt.Tooltip("lost:Q", title="Points lost", format=".1f"),
                alt.Tooltip("worth:Q", title="Worth in this score", format=".1f"),
            ],
        )
    )
    spec = chart.to_dict()
    spec.pop("data", None)
    spec.pop("datasets", None)
    return spec


def _bars(frame: pd.DataFrame, what: str) -> None:
    st.vega_lite_chart(frame, copy.deepcopy(_spec(what)), width="stretch")


def signal_frame(model: Model, card: Scorecard) -> pd.DataFrame:
    rows = [
        (d.label, formatting.signal_value(model.signal(d.signal_id), d.value), d.points, d.lost)
        for d in card.drivers
        if d.value is not None
    ]
    if card.bonus_points:
        rows.append((bonus_label(card), formatting.points(card.bonus_points, signed=True), card.bonus_points, 0.0))
    return _frame(rows)


def group_frame(card: Scorecard) -> pd.DataFrame:
    rows = [
        (g.label, f"{formatting.share(g.attainment)} attained", g.points, g.max_points - g.points)
        for g in card.groups
        if g.attainment is not None
    ]
    return _frame(rows)


def drivers_chart(model: Model, card: Scorecard) -> None:
    if model.is_grouped:
        st.caption("By pillar")
        _bars(group_frame(card), "Pillar")
        st.caption("By signal")
    _bars(signal_frame(model, card), "Signal")
