"""CSV that is safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, which some spreadsheets strip before looking) runs as a formula when
the file is opened: an account named ``=HYPERLINK(...)`` would become a live
link.  Such *text* cells get a leading single quote, which spreadsheets show
as plain text.  Numeric columns stay numbers, so a score change of -5 remains
-5 and still sorts and sums: a number cannot carry a formula.

The CSV is written by DuckDB (the page's download and the CLI share this
function): for 100k accounts it is several times faster than pandas.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from scoring.csv_safety import FORMULA_START_PATTERN
from scoring.db import engine
from scoring.portfolio.sqlkit import quote

QUOTE = "''''"  # the SQL literal for one single quote


def _is_text(series: pd.Series) -> bool:
    return not (
        pd.api.types.is_numeric_dtype(series)
        or pd.api.types.is_bool_dtype(series)
        or pd.api.types.is_datetime64_any_dtype(series)
    )


def _cell(frame: pd.DataFrame, name: str) -> str:
    """One column of the COPY: text made formula-safe, dates written as YYYY-MM-DD, the rest as is.

    Dates are cast per column rather than given a file-wide DATEFORMAT, so
    only date columns go through date formatting.
    """
    column = quote(str(name))
    if pd.api.types.is_datetime64_any_dtype(frame[name]):
        return f"CAST({column} AS DATE) AS {column}"
    if not _is_text(frame[name]):
        return column
    text = f"CAST({column} AS VARCHAR)"
    risky = f"regexp_matches({text}, '{FORMULA_START_PATTERN}')"
    return f"CASE WHEN {risky} THEN {QUOTE} || {text} ELSE {text} END AS {column}"


def to_csv(frame: pd.DataFrame) -> str:
    """The frame as formula-safe CSV text: header row, dates as YYYY-MM-DD, no index."""
    columns = [_cell(frame, name) for name in frame.columns]
    con = engine()
    try:
        con.register("export_frame", frame)
        with tempfile.TemporaryDirectory(prefix="health_studio_csv_") as tmp:
            path = Path(tmp) / "export.csv"
            target = str(path).replace("'", "''")
            con.execute(
                f"COPY (SELECT {', '.join(columns)} FROM export_frame) TO '{target}' (HEADER, DELIMITER ',')"
            ).fetchall()
            return path.read_text(encoding="utf-8")
    finally:
        con.close()
