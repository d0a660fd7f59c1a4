"""Per-signal attainment and colour for a whole frame of accounts at once.

The heatmaps colour every cell, and the aggregate one averages attainment over
up to 100k accounts, so this is the vectorised form of
``scoring.engine.attainment`` (a test holds the two equal on random values).
A cell takes the colour of the band its share of points would earn on its own;
a traffic-light signal simply shows its light.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.model import LIGHT_POINTS, Model, Signal

NO_DATA = "no data"


def _values(accounts: pd.DataFrame, signal: Signal) -> pd.Series:
    if signal.id not in accounts:
        return pd.Series(np.nan, index=accounts.index, dtype="float64")
    return pd.to_numeric(accounts[signal.id], errors="coerce").astype("float64")


def _lights(signal: Signal, values: pd.Series) -> pd.Series:
    t = signal.thresholds
    assert t is not None
    if signal.direction == "higher":
        green, yellow = values >= t.green, values >= t.yellow
    else:
        green, yellow = values <= t.green, values <= t.yellow
    lights = np.select([green, yellow], ["green", "yellow"], "red")
    return pd.Series(lights, index=values.index).where(values.notna(), NO_DATA)


def attainment(accounts: pd.DataFrame, signal: Signal) -> pd.Series:
    """0 (worst) .. 1 (best) per account; NaN where the signal is missing."""
    values = _values(accounts, signal)
    if signal.transform == "traffic_light":
        return _lights(signal, values).map(LIGHT_POINTS).astype("float64")
    share = (values.clip(signal.min, signal.max) - signal.min) / (signal.max - signal.min)
    return share if signal.direction == "higher" else 1.0 - share


def attainments(model: Model, accounts: pd.DataFrame) -> pd.DataFrame:
    """One attainment column per signal id, same index as ``accounts``."""
    return pd.DataFrame({s.id: attainment(accounts, s) for s in model.signals}, index=accounts.index)


def band_of(model: Model, points: pd.Series) -> pd.Series:
    """The band a 0..100 number falls in, with 'no data' for gaps."""
    bands = np.select([points >= model.bands.green, points >= model.bands.yellow], ["green", "yellow"], "red")
    return pd.Series(bands, index=points.index).where(points.notna(), NO_DATA)


def cell_colour(model: Model, accounts: pd.DataFrame, signal: Signal) -> pd.Series:
    """green / yellow / red / 'no data' for one signal column."""
    if signal.transform == "traffic_light":
        return _lights(signal, _values(accounts, signal))
    return band_of(model, 100.0 * attainment(accounts, signal))
