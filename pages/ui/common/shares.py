"""How a table shows a share (0-1) as a percentage: one rule for every table that has one.

Streamlit's own "percent" format writes up to two decimals and drops
trailing zeros, so a forecast column read '82.47%' beside '83%', and a
custom model's two-thirds coverage read '66.67%' where the scorecard says
'66.7%'.  Tables hold the shares as percentages (``in_percent``), still
numbers so they sort, and show them at one decimal (``share_column``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st


def share_column(label: str, help: str | None = None) -> Any:
    """A column of ``in_percent`` values shown at one decimal ('82.5%')."""
    return st.column_config.NumberColumn(label, format="%.1f%%", help=help)


def in_percent(frame: pd.DataFrame, shares: Sequence[str]) -> pd.DataFrame:
    """The frame with its ``shares`` (0-1) as percentages (0-100), for ``share_column``."""
    return frame.assign(**{c: frame[c] * 100 for c in shares})
