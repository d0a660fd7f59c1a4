"""Which months each dated file covers, and the warning when the files disagree.

The as-of date defaults to the end of the latest month in the files, so a
second file that runs later would move every day count.  That is never
allowed to happen silently: when the dated files cover different months,
the result carries each file's range and a warning names them, with the
as-of date the counts were measured to.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from scoring.db import Connection
from scoring.portfolio.contract import FilePeriod, InputProblem
from scoring.portfolio.sqlkit import quote


def file_periods(con: Connection, tables: Sequence[tuple[str, str]]) -> list[FilePeriod]:
    """(file name, loaded table) pairs of dated files -> the first and last month each has an account row in."""
    periods = []
    for name, table in tables:
        row = con.execute(
            f"SELECT min(period), max(period) FROM {quote(table)} WHERE account_id IS NOT NULL AND period IS NOT NULL"
        ).fetchall()[0]
        if row[0] is not None and row[1] is not None:
            periods.append(FilePeriod(name, _month(row[0]), _month(row[1])))
    return periods


def _month(day: date) -> date:
    return day.replace(day=1)


def describe(period: FilePeriod) -> str:
    """'usage.csv: 2026-01 to 2026-06' (one month: 'usage.csv: 2026-06')."""
    first, last = f"{period.first:%Y-%m}", f"{period.last:%Y-%m}"
    return f"{period.file}: {first}" if first == last else f"{period.file}: {first} to {last}"


def periods_problem(periods: Sequence[FilePeriod], as_of: date, requested: bool) -> InputProblem | None:
    """A warning naming each file's months when the dated files do not cover the same ones."""
    if len({(p.first, p.last) for p in periods}) < 2:
        return None
    where = "the date you set" if requested else "the end of the latest month in any file"
    return InputProblem(
        "(all files)",
        f"The files cover different periods ({'; '.join(describe(p) for p in periods)}). Day counts and "
        f"'newly red' are measured to {as_of:%Y-%m-%d}, {where}.",
        "Set the as-of date if another day should count, or load files that cover the same months.",
    )
