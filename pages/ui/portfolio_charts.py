"""The two Altair heatmaps: accounts x signals, and segment or CSM x signals.

Both are built from a handful of rows (the worst accounts, or one row per
group), never from the whole portfolio, so a rerun after a filter change stays
quick however many accounts are loaded.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from pages.ui.portfolio_cells import NO_DATA, attainments, band_of, cell_colour
from scoring.actions import describe_value
from scoring.engine import display_score
from scoring.model import Model

SCORE_COLUMN = "Health score"
BAND_COLOURS = {"green": "#22c55e", "yellow": "#facc15", "red": "#ef4444", NO_DATA: "#e5e7eb"}
CELL_HEIGHT = 22


def _row_labels(rows: pd.DataFrame) -> pd.Series:
    """Account names, with the id added where two shown accounts share a name."""
    names = rows["account_name"].astype(str)
    clash = names.duplicated(keep=False)
    return names.where(~clash, names + " (" + rows["account_id"].astype(str) + ")")


def account_cells(model: Model, rows: pd.DataFrame) -> pd.DataFrame:
    """Long form: one record per account x (score + every signal)."""
    labels = _row_labels(rows)
    base = pd.DataFrame(
        {
            "account_id": rows["account_id"].astype(str),
            "Account": labels,
            "CSM": rows["owner"].astype(str),
        }
    )
    parts = [
        base.assign(
            Signal=SCORE_COLUMN,
            Value=rows["score"].map(display_score),
            Colour=rows["band"].astype(str),
        )
    ]
    for signal in model.signals:
        values = pd.to_numeric(rows[signal.id], errors="coerce") if signal.id in rows else pd.Series(
            float("nan"), index=rows.index
        )
        parts.append(
            base.assign(
                Signal=signal.label,
                Value=values.map(lambda v, s=signal: "no data" if pd.isna(v) else describe_value(s, float(v))),
                Colour=cell_colour(model, rows, signal),
            )
        )
    return pd.concat(parts, ignore_index=True)


def _legend() -> alt.Scale:
    return alt.Scale(domain=list(BAND_COLOURS), range=list(BAND_COLOURS.values()))


def account_heatmap(model: Model, rows: pd.DataFrame) -> alt.Chart:
    """Worst accounts first, one column per signal after the overall score."""
    cells = account_cells(model, rows)
    columns = [SCORE_COLUMN, *(s.label for s in model.signals)]
    order = list(dict.fromkeys(cells["Account"]))
    pick = alt.selection_point(name="pick", fields=["account_id"], on="click", clear="dblclick")
    base = alt.Chart(cells).encode(
        x=alt.X("Signal:N", sort=columns, title=None, axis=alt.Axis(orient="top", labelAngle=-30, labelLimit=180)),
        y=alt.Y("Account:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
    )
    rects = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("Colour:N", scale=_legend(), title="Band"),
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
    return (rects + text).add_params(pick).properties(height=CELL_HEIGHT * len(order))


def group_cells(model: Model, accounts: pd.DataFrame, by: str, limit: int) -> tuple[pd.DataFrame, int]:
    """Mean attainment per group x signal for the ``limit`` weakest groups.

    Returns the long-form cells and how many groups there were in all.
    """
    scores = attainments(model, accounts)
    scores[SCORE_COLUMN] = accounts["score"] / 100.0
    scores["_group"] = accounts[by].fillna("(none)").astype(str)
    means = scores.groupby("_group", sort=False).mean()
    sizes = accounts.groupby(scores["_group"], sort=False).agg(Accounts=("score", "size"), ARR=("arr", "sum"))
    means = means.sort_values(SCORE_COLUMN)
    total = len(means)
    means = means.head(limit)
    labels = {s.id: s.label for s in model.signals}
    long = means.rename(columns=labels).reset_index(names="Group").melt(
        id_vars="Group", var_name="Signal", value_name="Attainment"
    )
    long = long.join(sizes, on="Group")
    long["Band"] = band_of(model, 100.0 * long["Attainment"])
    long["Label"] = long["Attainment"].map(lambda a: "" if pd.isna(a) else f"{100 * a:.0f}")
    return long, total


def group_heatmap(model: Model, cells: pd.DataFrame, title: str) -> alt.Chart:
    """Average attainment (0-100 %) per group and signal, weakest group first."""
    columns = [SCORE_COLUMN, *(s.label for s in model.signals)]
    order = list(dict.fromkeys(cells["Group"]))
    base = alt.Chart(cells).encode(
        x=alt.X("Signal:N", sort=columns, title=None, axis=alt.Axis(orient="top", labelAngle=-30, labelLimit=180)),
        y=alt.Y("Group:N", sort=order, title=title, axis=alt.Axis(labelLimit=220)),
    )
    rects = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "Attainment:Q",
            scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1]),
            legend=alt.Legend(format=".0%", title="Avg. attainment"),
        ),
        tooltip=[
            alt.Tooltip("Group:N", title=title),
            alt.Tooltip("Signal:N"),
            alt.Tooltip("Attainment:Q", format=".0%", title="Average attainment"),
            alt.Tooltip("Band:N", title="Band of the average"),
            alt.Tooltip("Accounts:Q", format=","),
            alt.Tooltip("ARR:Q", format="$,.0f"),
        ],
    )
    text = base.mark_text(fontSize=11).encode(text="Label:N")
    return (rects + text).properties(height=CELL_HEIGHT * max(len(order), 1))
