"""CSV that is safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, which some spreadsheets strip before looking) runs as a formula when
the file is opened: an account named ``=HYPERLINK(...)`` would become a live
link.  Such *text* cells get a leading single quote, which spreadsheets show
as plain text.  Numeric columns stay numbers, so a score change of -5 remains
-5 and still sorts and sums: a number cannot carry a formula.
"""

from __future__ import annotations

import pandas as pd

DANGEROUS_START = r"^[=+\-@\t\r]"


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells can never start a formula."""
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        if pd.api.types.is_bool_dtype(series):
            continue
        text = series.astype("string")
        risky = text.str.contains(DANGEROUS_START, regex=True, na=False)
        if risky.any():
            safe[column] = series.where(~risky, "'" + text)
    return safe


def to_csv(frame: pd.DataFrame) -> str:
    """The frame as formula-safe CSV text (dates as YYYY-MM-DD, no index)."""
    return neutralise(frame).to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n")
