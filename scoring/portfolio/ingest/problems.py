"""Count what went wrong in one loaded file and say it the way a CSM can act on.

Counting happens in one aggregate over the typed table (bit masks set while
parsing); only when something is wrong do we look up a few example rows and
their original text, so a clean file pays almost nothing for this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scoring.db import Connection, DuckDBError
from scoring.portfolio.contract import InputProblem
from scoring.portfolio.ingest.fields import CANONICAL_BY_ID
from scoring.portfolio.ingest.parse import Parsed, mask_position
from scoring.portfolio.ingest.read import Source, file_rows
from scoring.portfolio.sqlkit import quote
from scoring.wording import counted

EXAMPLES = 3
_REJECT_REASONS = {
    "TOO MANY COLUMNS": "it has more cells than the header",
    "MISSING COLUMNS": "it has fewer cells than the header",
    "UNQUOTED VALUE": "a quote is misplaced",
    "INVALID UNICODE": "it holds characters that are not valid text",
    "LINE SIZE OVER MAXIMUM": "the line is too long",
}


@dataclass(frozen=True)
class FileStats:
    rows: int
    no_account: int
    bad: tuple[int, ...]
    odd: tuple[int, ...]
    no_period: int
    ranges: dict[str, tuple[float | None, float | None]]


class RowNumbers:
    """Turns DuckDB's 0-based data positions into the row numbers the user sees.

    Positions count only the rows DuckDB read; the file's own numbering also
    counts blank lines and rejected rows, so the file is consulted (see
    ``read.file_rows``).  If it cannot be, the rejected rows are still
    accounted for and only blank lines could shift a number.
    """

    def __init__(self, src: Source, rejected_lines: Sequence[int]) -> None:
        self.src = src
        self.rejected = set(rejected_lines)
        # Rejected lines are file lines (header = 1); as data positions they start at 0.
        self.skipped = sorted(line - 2 for line in rejected_lines)
        self.known: list[int] | None = []

    def of(self, position: int) -> int:
        if self.known is not None and position >= len(self.known):
            self.known = file_rows(self.src, self.rejected, max(position + 1, 2 * len(self.known)))
        if self.known is not None and position < len(self.known):
            return self.known[position]
        data = position
        for skipped in self.skipped:
            if skipped <= data:
                data += 1
        return self.src.first_row + data

    def of_line(self, line: int) -> int:
        return self.src.first_row + line - 2


@dataclass(frozen=True)
class Rejected:
    """A row DuckDB's CSV reader set aside; ``kind`` is its error type, as DuckDB names it (an open set)."""

    line: int
    kind: str
    column: str | None


def rejected(con: Connection, src: Source) -> list[Rejected]:
    """Rows DuckDB's CSV reader set aside, one per line, in file order."""
    if src.kind != "csv" or not src.rejects_table:
        return []
    try:
        rows = con.execute(
            f"SELECT line, error_type, column_name FROM {quote(src.rejects_table)} ORDER BY line"
        ).fetchall()
    except DuckDBError:  # no rejects table means no rejected rows
        return []
    seen: dict[int, Rejected] = {}
    for line, kind, column in rows:  # one error per surplus cell: keep one per line
        seen.setdefault(int(line), Rejected(int(line), str(kind), column))
    return list(seen.values())


def file_stats(con: Connection, table: str, columns: Sequence[Parsed], ranged: Sequence[str]) -> FileStats:
    fields = [c.field for c in columns]
    words = (len([c for c in columns if c.checked]) + 61) // 62
    has_data = f"NOT ({_all_null(columns)})"
    select = [
        "count(*)",
        f"count(*) FILTER (WHERE account_id IS NULL AND {has_data})",
        "count(*) FILTER (WHERE period IS NULL AND account_id IS NOT NULL)" if "period" in fields else "0",
    ]
    select += [f"bit_or(_bad{w})" for w in range(words)] + [f"bit_or(_odd{w})" for w in range(words)]
    for f in ranged:
        select += [f"min({quote(f)})", f"max({quote(f)})"]
    row = con.execute(f"SELECT {', '.join(select)} FROM {quote(table)}").fetchall()[0]
    assert row is not None
    values: list[Any] = list(row)
    head, masks, tail = values[:3], values[3 : 3 + 2 * words], values[3 + 2 * words :]
    ranges = {f: (tail[2 * i], tail[2 * i + 1]) for i, f in enumerate(ranged)}
    return FileStats(
        rows=int(head[0]),
        no_account=int(head[1]),
        no_period=int(head[2]),
        bad=tuple(int(m or 0) for m in masks[:words]),
        odd=tuple(int(m or 0) for m in masks[words:]),
        ranges=ranges,
    )


def _positions(con: Connection, table: str, condition: str) -> tuple[list[int], int]:
    rows = con.execute(
        f"SELECT rowid, count(*) OVER () FROM {quote(table)} WHERE {condition} ORDER BY rowid LIMIT {EXAMPLES}"
    ).fetchall()
    return [int(r[0]) for r in rows], int(rows[0][1]) if rows else 0


def _raw_cells(con: Connection, src: Source, positions: Sequence[int], header: str) -> dict[int, str | None]:
    """The original text of a few cells, re-read from the file (only when reporting problems)."""
    if not positions:
        return {}
    relation, params = src.relation(lenient=True)
    limit = max(positions) + 1
    wanted = ", ".join(str(p) for p in positions)
    sql = (
        f"SELECT _i, {quote(header)} FROM (SELECT row_number() OVER () - 1 AS _i, {quote(header)} "
        f"FROM {relation} LIMIT {limit}) WHERE _i IN ({wanted})"
    )
    return {int(i): v for i, v in con.execute(sql, params).fetchall()}


def _show(value: str | None) -> str:
    text = "" if value is None else value
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _examples(rows: RowNumbers, positions: Sequence[int], cells: dict[int, str | None]) -> str:
    parts = [f"row {rows.of(p)}: {_show(cells.get(p))}" if p in cells else f"row {rows.of(p)}" for p in positions]
    return ", ".join(parts)


def describe(
    con: Connection, src: Source, table: str, columns: Sequence[Parsed], stats: FileStats, rejects: list[Rejected]
) -> list[InputProblem]:
    """InputProblems for one file: unreadable rows, bad and impossible cells, missing keys."""
    problems: list[InputProblem] = []
    rows = RowNumbers(src, [r.line for r in rejects])
    name = src.name
    if rejects:
        shown = rejects[:EXAMPLES]
        why = "; ".join(f"row {rows.of_line(r.line)}: {_REJECT_REASONS.get(r.kind, r.kind.lower())}" for r in shown)
        problems.append(
            InputProblem(
                name,
                f"Set aside {counted(len(rejects), 'row', 'rows')} that could not be read ({why}).",
                "Check the separators and quotes on those rows, or export the file again.",
                rows=tuple(rows.of_line(r.line) for r in shown),
                count=len(rejects),
            )
        )
    by_field = {c.field: c for c in columns}
    if stats.no_account:
        key = by_field["account_id"]
        positions, _ = _positions(con, table, f"account_id IS NULL AND NOT ({_all_null(columns)})")
        problems.append(
            InputProblem(
                name,
                f"Set aside {counted(stats.no_account, 'row', 'rows')} with no account id in {key.header!r} "
                f"(e.g. {', '.join(f'row {rows.of(p)}' for p in positions)}).",
                f"Fill in {key.header!r} on those rows so they can be joined to an account.",
                column=key.header,
                rows=tuple(rows.of(p) for p in positions),
                count=stats.no_account,
            )
        )
    for col in columns:
        if not col.checked:
            continue
        word, bit = mask_position(columns, col)
        label = CANONICAL_BY_ID[col.field].label if col.field in CANONICAL_BY_ID else col.field
        for masks, kind in ((stats.bad, "bad"), (stats.odd, "odd")):
            if not masks[word] >> bit & 1:
                continue
            mask = f"_{kind}{word}"
            positions, count = _positions(con, table, f"({mask} >> {bit}) & 1 = 1")
            cells = _raw_cells(con, src, positions, col.header)
            examples = _examples(rows, positions, cells)
            if kind == "bad":
                message = (
                    f"Left out {counted(count, 'cell', 'cells')} in {col.header!r} whose values cannot be read "
                    f"as {label} ({examples})."
                )
                fix = (
                    f"Correct those values in the source data: write {col.describe}. The rest of the column "
                    "was read, so the mapping is fine unless the whole column holds something else."
                )
            else:
                message = (
                    f"Left out {counted(count, 'value', 'values')} in {col.header!r} that cannot be a real "
                    f"{label} ({examples})."
                )
                fix = (
                    "Correct them in the source data: counts, seats and amounts cannot be negative, numbers "
                    "must be finite, and dates must fall between 1900 and 2200."
                )
            problems.append(
                InputProblem(
                    name, message, fix, column=col.header, rows=tuple(rows.of(p) for p in positions), count=count
                )
            )
    if stats.no_period and "period" in by_field:
        header = by_field["period"].header
        problems.append(
            InputProblem(
                name,
                f"Set aside {counted(stats.no_period, 'row', 'rows')} with no usable month in {header!r}.",
                f"Give every row a month or date in {header!r}, such as 2026-03.",
                column=header,
                count=stats.no_period,
            )
        )
    return problems


def _all_null(columns: Sequence[Parsed]) -> str:
    others = [f"{quote(c.field)} IS NULL" for c in columns if c.field != "account_id"]
    return " AND ".join(others) if others else "true"
