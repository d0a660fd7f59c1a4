"""Per-signal colour for the heatmap cells, from the attainments the SQL computed.

The pipeline hands back each signal's 0..1 attainment (``att_column``), the
very number the score is built from, so the colours can never disagree with
the score.  A cell takes the colour of the band its share of points would earn
on its own (by the model's own band rule, ``Bands.of``); a traffic-light
signal simply shows its light (1 / 0.5 / 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.formatting import NO_DATA
from scoring.model import LIGHT_POINTS, Model, Signal
from scoring.portfolio.contract import att_column

_LIGHT_OF_POINTS = {points: light for light, points in LIGHT_POINTS.items()}


def attainment(accounts: pd.DataFrame, signal: Signal) -> pd.Series:
    """0 (worst) .. 1 (best) per account; NaN where the signal is missing."""
    column = att_column(signal.id)
    if column not in accounts:
        return pd.Series(np.nan, index=accounts.index, dtype="float64")
    return pd.to_numeric(accounts[column], errors="coerce").astype("float64")


def attainments(model: Model, accounts: pd.DataFrame) -> pd.DataFrame:
    """One attainment column per signal id, same index as ``accounts``."""
    return pd.DataFrame({s.id: attainment(accounts, s) for s in model.signals}, index=accounts.index)


def band_of(model: Model, points: pd.Series) -> pd.Series:
    """The band a 0..100 number falls in, with 'no data' for gaps."""
    return points.map(model.bands.of).where(points.notna(), NO_DATA)


def cell_colour(model: Model, accounts: pd.DataFrame, signal: Signal) -> pd.Series:
    """green / yellow / red / 'no data' for one signal column."""
    share = attainment(accounts, signal)
    if signal.transform == "traffic_light":
        return share.map(_LIGHT_OF_POINTS).fillna(NO_DATA).astype(str)
    return band_of(model, 100.0 * share)
