"""The two Altair heatmaps: accounts x signals, and segment or CSM x signals.

Both are drawn from a handful of rows (the worst accounts, or one row per
group), never from the whole portfolio.  And because turning an Altair chart
into Vega-Lite validates it against the full schema (tens of milliseconds, on
every rerun), each chart is built with Altair once per model as a data-free
template; a rerun only pairs the cached spec with the new rows and a height.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import altair as alt
import pandas as pd

from pages.ui.portfolio.cells import NO_DATA, attainments, band_of, cell_colour
from scoring import formatting
from scoring.model import INSUFFICIENT, Model

SCORE_COLUMN = "Health score"
INSUFFICIENT_LABEL = "insufficient data"  # the score cell of an account with too little data for a band
BAND_COLOURS = {
    "green": "#22c55e",
    "yellow": "#facc15",
    "red": "#ef4444",
    INSUFFICIENT_LABEL: "#cbd5e1",
    NO_DATA: "#e5e7eb",
}
DEEP_GREEN = "#15803d"
CELL_HEIGHT = 24
# Fit the width to the page but let the height grow with the rows: Streamlit's
# default ("fit") would squeeze the rows to make room for titles and legend.
AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")
LABEL_ROOM = 120  # pixels: about how far a 150-pixel column label slanted at 35 degrees reaches past its column


def _x_axis(columns: list[str]) -> alt.X:
    return alt.X(
        "Signal:N",
        sort=columns,
        title=None,
        axis=alt.Axis(
            orient="top", labelAngle=-35, labelAlign="left", labelLimit=150, labelFontSize=11, labelOverlap=False
        ),
    )


def _y_axis(field: str, title: str | None) -> alt.Y:
    """Rows keep the order of the ``Order`` column: worst first."""
    return alt.Y(
        field,
        sort=alt.EncodingSortField("Order", op="min"),
        title=title,
        axis=alt.Axis(labelLimit=220, labelOverlap=False, labelFontSize=11),
    )


def _template(chart: alt.LayerChart | alt.FacetChart) -> dict[str, Any]:
    """The chart as a Vega-Lite spec without data, validated once."""
    spec = chart.properties(autosize=AUTOSIZE).to_dict()
    for key in ("data", "datasets", "config"):
        spec.pop(key, None)
    return spec


def sized(template: dict[str, Any], rows: int) -> dict[str, Any]:
    """A copy of a cached template with the height for this many rows."""
    return {**template, "height": CELL_HEIGHT * max(rows, 1)}


def _row_labels(rows: pd.DataFrame) -> pd.Series:
    """Account names, with the id added where two shown accounts share a name."""
    names = rows["account_name"].astype(str)
    clash = names.duplicated(keep=False)
    return names.where(~clash, names + " (" + rows["account_id"].astype(str) + ")")


def account_cells(model: Model, rows: pd.DataFrame) -> pd.DataFrame:
    """Long form: one record per account x (score + every signal), worst account first."""
    base = pd.DataFrame(
        {
            "account_id": rows["account_id"].astype(str),
            "Account": _row_labels(rows),
            "CSM": rows["owner"].astype(str),
            "Order": range(len(rows)),
        }
    )
    colour = rows["band"].astype(str).replace({INSUFFICIENT: INSUFFICIENT_LABEL})
    parts = [base.assign(Signal=SCORE_COLUMN, Value=rows["score"].map(formatting.score), Colour=colour)]
    for signal in model.signals:
        values = (
            pd.to_numeric(rows[signal.id], errors="coerce")
            if signal.id in rows
            else pd.Series(float("nan"), index=rows.index)
        )
        parts.append(
            base.assign(
                Signal=signal.label,
                Value=values.map(lambda v, s=signal: formatting.signal_value(s, None if pd.isna(v) else float(v))),
                Colour=cell_colour(model, rows, signal),
            )
        )
    return pd.concat(parts, ignore_index=True)


def _columns(model: Model) -> list[str]:
    return [SCORE_COLUMN, *(s.label for s in model.signals)]


@lru_cache(maxsize=16)
def account_template(model: Model) -> dict[str, Any]:
    """Accounts x (score + signals), coloured by band; a click selects the account ("pick")."""
    pick = alt.selection_point(name="pick", fields=["account_id"], on="click", clear="dblclick")
    base = alt.Chart().encode(x=_x_axis(_columns(model)), y=_y_axis("Account:N", None))
    rects = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "Colour:N",
            scale=alt.Scale(domain=list(BAND_COLOURS), range=list(BAND_COLOURS.values())),
            # Below, not beside: a few rows leave too little height for the five entries of a legend on the right.
            legend=alt.Legend(title="Band", orient="bottom", direction="horizontal"),
        ),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
        tooltip=[
            alt.Tooltip("Account:N"),
            alt.Tooltip("CSM:N"),
            alt.Tooltip("Signal:N"),
            alt.Tooltip("Value:N"),
            alt.Tooltip("Colour:N", title="Band"),
        ],
    )
    text = base.mark_text(fontSize=11).encode(text="Value:N")
    layered = alt.layer(rects.add_params(pick), text, data=pd.DataFrame()).properties(padding={"right": LABEL_ROOM})
    return _template(layered)


def group_cells(
    model: Model, accounts: pd.DataFrame, by: str, limit: int, unnamed: str = "not given"
) -> tuple[pd.DataFrame, int]:
    """Mean attainment per group x signal for the ``limit`` weakest groups; accounts without a group form
    one named ``unnamed`` ("no segment").

    Returns the long-form cells and how many groups there were in all.
    """
    scores = attainments(model, accounts)
    # A group's score averages the banded accounts only: a score on a sliver of the signals says little.
    scores[SCORE_COLUMN] = accounts["score"].where(accounts["band"] != INSUFFICIENT) / 100.0
    scores["_group"] = accounts[by].fillna(unnamed).astype(str)
    means = scores.groupby("_group", sort=False).mean()
    arr = pd.to_numeric(accounts["arr"], errors="coerce")
    sizes = pd.DataFrame(
        {
            "Accounts": accounts.groupby(scores["_group"], sort=False).size(),
            "ARR": arr.groupby(scores["_group"], sort=False).sum(min_count=1).map(formatting.money),
        }
    )
    means = means.sort_values(SCORE_COLUMN)
    total = len(means)
    means = means.head(limit)
    labels = {s.id: s.label for s in model.signals}
    long = (
        means.rename(columns=labels)
        .reset_index(names="Group")
        .melt(id_vars="Group", var_name="Signal", value_name="Attainment")
    )
    long = long.join(sizes, on="Group")
    long["Band"] = band_of(model, 100.0 * long["Attainment"])
    long["Label"] = long["Attainment"].map(lambda a: NO_DATA if pd.isna(a) else f"{100 * a:.0f}")
    long["Order"] = long["Group"].map({group: i for i, group in enumerate(means.index)})
    return long, total


@lru_cache(maxsize=16)
def group_template(model: Model, title: str) -> dict[str, Any]:
    """Average attainment (0-100 %) per group and signal, on the same colours as the bands."""
    base = alt.Chart().encode(x=_x_axis(_columns(model)), y=_y_axis("Group:N", title))
    rects = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "Attainment:Q",
            scale=alt.Scale(
                domain=[0, model.bands.yellow / 100, model.bands.green / 100, 1],
                range=[BAND_COLOURS["red"], BAND_COLOURS["yellow"], BAND_COLOURS["green"], DEEP_GREEN],
            ),
            legend=alt.Legend(format=".0%", title="Average attainment", orient="bottom", direction="horizontal"),
        ),
        tooltip=[
            alt.Tooltip("Group:N", title=title),
            alt.Tooltip("Signal:N"),
            alt.Tooltip("Attainment:Q", format=".0%", title="Average attainment"),
            alt.Tooltip("Band:N", title="Band of the average"),
            alt.Tooltip("Accounts:Q", format=","),
            alt.Tooltip("ARR:N"),
        ],
    )
    # A cell with no data is drawn grey, as on the per-account heatmap, not left blank.
    gaps = (
        base.mark_rect(stroke="white", strokeWidth=1, color=BAND_COLOURS[NO_DATA])
        .transform_filter("!isValid(datum.Attainment)")
        .encode(tooltip=[alt.Tooltip("Group:N", title=title), alt.Tooltip("Signal:N"), alt.Tooltip("Label:N")])
    )
    text = base.mark_text(fontSize=11).encode(text="Label:N")
    # The legend sits below, so nothing keeps room on the right for the last slanted column label.
    layered = alt.layer(rects, gaps, text, data=pd.DataFrame()).properties(padding={"right": LABEL_ROOM})
    return _template(layered)
