"""CSV that is safe to open in a spreadsheet: the one writer every export uses.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, which some spreadsheets strip before looking) runs as a formula when
the file is opened: an account named ``=HYPERLINK(...)`` would become a live
link.  Such *text* cells get a leading single quote, which spreadsheets show
as plain text (``safe_cell``, the one statement of that rule).  Numeric
columns stay numbers, so a score change of -5 remains -5 and still sorts and
sums: a number cannot carry a formula.  The same rule first strips bidi
controls and control characters (``scoring.hidden_chars``), so a name or an
account id holding U+202E or NUL reaches the file without them.

The CSV is written by DuckDB: for 100k accounts it is several times faster
than pandas or the csv module.  The portfolio page hands it a frame; the
checklist exports and ``python -m scoring score FILE`` hand it rows of text
through ``rows_to_csv``; the portfolio CLI hands it a query (``copy_select``),
so a million accounts go from the scoring engine to the file without ever
becoming a frame, with cells written exactly as ``to_csv`` writes the frame
that query would give.  pandas is imported only by the frame paths: the CLI
never pays for it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from scoring.hidden_chars import HIDDEN_RE2, has_hidden, strip_hidden
from scoring.private_files import process_dir

if TYPE_CHECKING:
    import pandas as pd

    from scoring.db import Connection

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The same tests for DuckDB's regexp_matches: only cells it picks are rewritten (by safe_cell or its SQL form).
FORMULA_START_PATTERN = r"^[=+\-@\t\r]"
NEEDS_CARE_PATTERN = f"{FORMULA_START_PATTERN}|{HIDDEN_RE2}"
_SAFE_NUMBER = "hs_safe_number"  # safe_cell(text, keep_numbers=True)


def safe_cell(text: str, keep_numbers: bool = False) -> str:
    """Strip hidden characters, then neutralise a cell a spreadsheet would evaluate as a formula.

    ``keep_numbers`` leaves plain numbers such as ``-5`` alone, for columns
    that pass numeric data through: a number cannot carry a formula.
    """
    if has_hidden(text):
        text = strip_hidden(text)
    if not text.startswith(FORMULA_START):
        return text
    if keep_numbers:
        try:
            float(text)
        except ValueError:
            pass
        else:
            return text
    return "'" + text


@cache
def _database() -> Connection:
    """One in-memory database for every export, opened once: a connection costs more than a small export.

    Each export works in its own cursor, so concurrent sessions do not share
    registered frames.  The ``keep_numbers`` rule is registered as a SQL
    function that calls ``safe_cell`` itself (see ``text_cell``).
    """
    # Imported here: scoring.db imports the checklist records, whose package exports CSV through this module.
    from scoring.db import engine_with_text_functions

    return engine_with_text_functions(KEEP_NUMBERS_FUNCTIONS)


def _safe_number(text: str) -> str:
    return safe_cell(text, keep_numbers=True)


# The SQL functions ``text_cell(..., keep_numbers=True)`` calls: an engine writing such cells registers them.
KEEP_NUMBERS_FUNCTIONS = {_SAFE_NUMBER: _safe_number}


def _is_text(series: pd.Series) -> bool:
    import pandas as pd

    return not (
        pd.api.types.is_numeric_dtype(series)
        or pd.api.types.is_bool_dtype(series)
        or pd.api.types.is_datetime64_any_dtype(series)
    )


def _cell(series: pd.Series, name: str, keep_numbers: bool) -> str:
    """One column of the COPY: text made formula-safe, dates written as YYYY-MM-DD, the rest as is.

    Dates are cast per column rather than given a file-wide DATEFORMAT, so
    only date columns go through date formatting.  Empty text is written as
    an empty field, as the csv module writes it (DuckDB would quote it).
    """
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(series):
        return f"CAST({name} AS DATE)"
    if not _is_text(series):
        return name
    return text_cell(name, keep_numbers)


def text_cell(name: str, keep_numbers: bool) -> str:
    """A text column made formula-safe; only the cells the pattern picks are rewritten.

    Without ``keep_numbers`` the rewrite is ``safe_cell`` in SQL (``_safe_text_sql``),
    so no Python function is called per cell or registered at all (registering
    one loads numpy into the process).  With it, the cells go to ``safe_cell``
    itself: "is this a number" is Python's ``float``, which SQL's casts do not
    match exactly.
    """
    text = f"NULLIF(CAST({name} AS VARCHAR), '')"
    safe = safe_cell_sql(text, keep_numbers)
    return f"CASE WHEN regexp_matches({text}, '{NEEDS_CARE_PATTERN}') THEN {safe} ELSE {text} END"


def safe_cell_sql(text: str, keep_numbers: bool) -> str:
    """``safe_cell`` of the SQL text expression ``text``, for cells already picked as needing care.

    Without ``keep_numbers`` it is ``safe_cell`` written in SQL (``_safe_text_sql``);
    with it, a call to ``safe_cell`` itself (``KEEP_NUMBERS_FUNCTIONS``).
    """
    return f"{_SAFE_NUMBER}({text})" if keep_numbers else _safe_text_sql(text)


def _safe_text_sql(text: str) -> str:
    """``safe_cell(text)`` as a SQL expression: hidden characters stripped, then a formula start quoted.

    Built from the same patterns as ``safe_cell`` (``HIDDEN_RE2`` is ``HIDDEN``
    in RE2's syntax); a property test holds the two to the same output.
    """
    stripped = f"regexp_replace({text}, '{HIDDEN_RE2}', '', 'g')"
    quoted = "'''' || " + stripped  # a single quote, written as SQL writes one inside a literal
    return f"CASE WHEN regexp_matches({stripped}, '{FORMULA_START_PATTERN}') THEN {quoted} ELSE {stripped} END"


# DuckDB types a frame column keeps through ``to_csv`` unchanged (written as DuckDB writes them).
_AS_IS = ("BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DATE")
_AS_IS_PREFIX = ("DECIMAL", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")


def _typed_cell(name: str, sql_type: str, keep_numbers: bool) -> str:
    """``_cell`` for a column known by its DuckDB type: what ``to_csv`` does with the frame column it becomes.

    Numbers, booleans and dates are written as they are; timestamps as
    their date (a frame holds DuckDB dates as datetimes, which ``_cell``
    writes as dates); everything else, text included, is a text cell.
    """
    if sql_type in _AS_IS or sql_type.startswith(_AS_IS_PREFIX):
        return name
    if sql_type.startswith("TIMESTAMP"):
        return f"CAST({name} AS DATE)"
    return text_cell(name, keep_numbers)


def _copy(con: Connection, frame: pd.DataFrame, keep_numbers: bool, path: Path) -> str:
    """``frame``'s rows as CSV lines (no header), written by DuckDB."""
    cells = [_cell(frame[c], c, keep_numbers) for c in frame.columns]
    con.register("export_frame", frame)
    try:
        copy_lines(con, f"SELECT {', '.join(cells)} FROM export_frame", [], path)
        return path.read_text(encoding="utf-8")
    finally:
        con.unregister("export_frame")


def copy_select(
    con: Connection,
    selects: Sequence[str],
    params: Sequence[Any],
    out: TextIO,
    workdir: Path,
    keep_numbers: bool = False,
) -> int:
    """Write the rows of each of ``selects`` in turn to ``out`` as formula-safe CSV, header first; returns the rows.

    The same cells as ``to_csv`` of the frame of those rows, written by
    DuckDB straight from the queries: each column's projection is taken from
    the first select's types (``_typed_cell``), so no frame is built,
    registered and copied back.  With ``keep_numbers``, ``con`` gets the
    formula rule as a SQL function that calls ``safe_cell``.  The lines go
    through files in ``workdir`` and are streamed to ``out`` in pieces.

    DuckDB writes a sorted result to CSV on one thread, so several selects
    (consecutive slices of one ranking, as ``finish.export_selects`` cuts
    it) are written side by side, each on its own cursor, and joined in
    order: they must read tables every cursor sees, not TEMP ones.  A single
    select runs on ``con`` itself.
    """
    if keep_numbers:
        from scoring.db import add_text_functions

        add_text_functions(con, KEEP_NUMBERS_FUNCTIONS)
    columns = [(str(row[0]), str(row[1])) for row in con.execute(f"DESCRIBE {selects[0]}", list(params)).fetchall()]
    names = [f"c{i}" for i in range(len(columns))]  # plain SQL names, whatever the headers hold
    cells = ", ".join(_typed_cell(n, t, keep_numbers) for n, (_, t) in zip(names, columns, strict=True))
    headers = ", ".join(f"CAST(? AS VARCHAR) AS {n}" for n in names)
    header_cells = ", ".join(text_cell(n, keep_numbers) for n in names)
    head_path = workdir / "header.csv"
    # Each copy: a select, its parameters, and the file its CSV lines go to.
    copies: list[tuple[str, list[Any], Path]] = [
        (f"SELECT {header_cells} FROM (SELECT {headers})", [name for name, _ in columns], head_path)
    ]
    for i, select in enumerate(selects):
        renamed = f"SELECT * FROM ({select}) AS q({', '.join(names)})"
        copies.append((f"SELECT {cells} FROM ({renamed})", list(params), workdir / f"rows-{i}.csv"))
    if len(selects) == 1:
        counts = [copy_lines(con, *copy) for copy in copies]
    else:
        with ThreadPoolExecutor(len(copies)) as pool:
            counts = list(pool.map(lambda copy: _copy_on_cursor(con, *copy), copies))
    for _, _, path in copies:
        with path.open(encoding="utf-8") as fh:  # read as to_csv reads its lines back
            shutil.copyfileobj(fh, out, 1 << 20)
        path.unlink()
    return sum(counts[1:])


def copy_lines(con: Connection, select: str, params: Sequence[Any], path: Path) -> int:
    """``COPY`` the rows of ``select`` to ``path`` as CSV lines, no header; returns how many were written."""
    copied = con.execute(f"COPY ({select}) TO '{_sql_path(path)}' (HEADER false)", list(params)).fetchall()
    return int(copied[0][0]) if copied else 0


def _copy_on_cursor(con: Connection, select: str, params: Sequence[Any], path: Path) -> int:
    cursor = con.cursor()
    try:
        return copy_lines(cursor, select, params, path)
    finally:
        cursor.close()


def _sql_path(path: Path) -> str:
    """A file path as the body of a SQL string literal, for ``COPY ... TO '...'``."""
    return str(path).replace("'", "''")


def to_csv(frame: pd.DataFrame, keep_numbers: bool = False) -> str:
    """The frame as formula-safe CSV text: header row, dates as YYYY-MM-DD, no index.

    ``keep_numbers`` is ``safe_cell``'s: text cells that are plain numbers
    stay as they are.  The header row is written like a row of text cells,
    so column names may repeat (a CSV passed through) and are made safe too.
    """
    import pandas as pd

    columns = [f"c{i}" for i in range(frame.shape[1])]  # plain SQL names, whatever the headers hold
    header = pd.DataFrame([[str(name) for name in frame.columns]], columns=columns, dtype=object)
    con = _database().cursor()
    try:
        with tempfile.TemporaryDirectory(prefix="csv-", dir=process_dir()) as tmp:  # the rows, readable by us only
            head = _copy(con, header, keep_numbers, Path(tmp) / "header.csv")
            return head + _copy(con, frame.set_axis(columns, axis=1), keep_numbers, Path(tmp) / "rows.csv")
    finally:
        con.close()


def rows_to_csv(header: Sequence[str], rows: Iterable[Sequence[object]], keep_numbers: bool = False) -> str:
    """Rows of cells as formula-safe CSV text, every cell written as ``str`` (None as empty)."""
    import pandas as pd

    text = [["" if cell is None else str(cell) for cell in row] for row in rows]
    return to_csv(pd.DataFrame(text, columns=list(header), dtype=object), keep_numbers)
