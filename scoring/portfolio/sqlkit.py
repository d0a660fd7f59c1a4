"""The pieces every generated SQL statement of the portfolio is built from.

One place for what would otherwise be re-spelled in each stage, where a
single slip (an unquoted header, a band line in another order, a column
name typed twice) would make two stages disagree without an error:

* ``quote`` for identifiers and ``literal_list`` for our own constant words;
* ``Params``, numbered parameters, so every user-facing value is bound;
* ``month_end``, the day an as-of date defaults to;
* the names of the generated per-signal, per-group and per-bonus columns;
* ``band_case``, the band rule of ``scoring.model.band_for`` as SQL.

Imports nothing of the portfolio package, so every stage may import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from scoring.model import COVERAGE_EPSILON, INSUFFICIENT, LOWEST_BAND, Bands


def quote(identifier: str) -> str:
    """A SQL identifier, quoted so any header (even one holding SQL) stays a name."""
    return '"' + identifier.replace('"', '""') + '"'


def literal_list(words: Sequence[str]) -> str:
    """Our own constant words as a SQL list; never used for user data."""
    return "(" + ", ".join("'" + w.replace("'", "''") + "'" for w in words) + ")"


class Params:
    """Numbered parameters ($1, $2...), so SQL pieces can be assembled in any order."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def num(self, value: float) -> str:
        self.values.append(float(value))
        return f"CAST(${len(self.values)} AS DOUBLE)"

    def text(self, value: str) -> str:
        self.values.append(str(value))
        return f"CAST(${len(self.values)} AS VARCHAR)"

    def raw(self, value: Any) -> str:
        """A parameter DuckDB types itself (table function arguments)."""
        self.values.append(value)
        return f"${len(self.values)}"

    def text_list(self, values: list[str]) -> str:
        self.values.append([str(v) for v in values])
        return f"CAST(${len(self.values)} AS VARCHAR[])"

    def date(self, value: Any) -> str:
        self.values.append(value)
        return f"CAST(${len(self.values)} AS DATE)"


def month_end(day: date) -> date:
    """The last day of ``day``'s month: a portfolio is measured at the end of its latest month."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def value_column(signal_id: str) -> str:
    """The signal's raw value for the row (its own column, else its derivation)."""
    return f"v__{signal_id}"


def att_column(signal_id: str) -> str:
    """The signal's 0..1 attainment, the number its points are built from."""
    return f"att__{signal_id}"


def count_column(group_id: str) -> str:
    """How many of the group's signals are present in the row."""
    return f"n__{group_id}"


def group_column(group_id: str) -> str:
    """The group's mean attainment over its present signals."""
    return f"g__{group_id}"


def bonus_column(bonus_id: str) -> str:
    """Whether the account earned the bonus (NULL when no column says), kept so links can carry it."""
    return f"b__{bonus_id}"


def band_case(score: str, bands: Bands, p: Params, coverage: str | None = None) -> str:
    """The band of the SQL expression ``score`` (NULL for NULL), as ``scoring.model.band_for`` gives it.

    With ``coverage`` (an expression for the 0..1 share of the model's weight
    seen), a coverage below ``Bands.min_coverage`` gives 'insufficient' first,
    with the same slack as ``band_for``; then the colours by ``Bands.cutoffs``.
    """
    floor = ""
    if coverage is not None:
        floor = f"WHEN {coverage} + {p.num(COVERAGE_EPSILON)} < {p.num(bands.min_coverage)} THEN '{INSUFFICIENT}' "
    lines = " ".join(f"WHEN {score} >= {p.num(bound)} THEN '{band}'" for bound, band in bands.cutoffs)
    return f"CASE WHEN {score} IS NULL THEN NULL {floor}{lines} ELSE '{LOWEST_BAND}' END"
