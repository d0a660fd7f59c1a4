"""Load one opened export into a typed DuckDB table, and say what was wrong with it.

Given the file as ``read.open_export`` opened it, settle its mapping
(``mapping``), parse it once into ``file_<n>`` (``parse``; clean columns
typed by DuckDB's reader, falling back to text where a cell disagrees), then
count its problems (``problems``) and decide how its NPS, CSAT and usage
columns are scaled.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from scoring.db import Connection, DuckDBError
from scoring.model import Model
from scoring.portfolio.contract import FileMapping, InputProblem, RunContext
from scoring.portfolio.ingest.fields import model_fields
from scoring.portfolio.ingest.mapping import resolve_mapping
from scoring.portfolio.ingest.parse import Parsed, parse_column, typed_select
from scoring.portfolio.ingest.problems import FileStats, describe, file_stats, rejected
from scoring.portfolio.ingest.read import Source
from scoring.portfolio.sqlkit import quote

SCALED = ("nps", "csat", "usage_rate")
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Loaded:
    src: Source
    table: str
    columns: tuple[Parsed, ...]
    stats: FileStats
    rejected: int  # rows the CSV reader could not split into cells


def error(file: str, message: str, fix: str, column: str | None = None) -> InputProblem:
    return InputProblem(file, message, fix, severity="error", column=column)


def parsed_columns(src: Source, mapping: FileMapping, model: Model, as_text: Collection[str] = ()) -> list[Parsed]:
    """How each mapped column is read; headers in ``as_text`` are never typed by the reader."""
    fields = model_fields(model)
    columns = []
    for position, header in enumerate(src.headers):
        field_id = mapping.columns.get(header)
        if field_id is None:
            continue
        sample = [cell for row in src.sample if (cell := row[position]) is not None]
        column_type = src.column_types[position] if src.column_types else None
        native_ok = header not in as_text
        columns.append(parse_column(fields[field_id], header, sample, src.delimiter, column_type, native_ok))
    return columns


def _load_table(
    con: Connection, src: Source, mapping: FileMapping, model: Model, table: str
) -> tuple[Source, list[Parsed]]:
    """Parse the whole file into ``table``, falling back from typed reading where a cell disagrees.

    Columns read natively whose cells fail the reader's cast are read again
    as text (so the bad cells are counted, not their rows lost); a file that
    is not UTF-8 after all is read again as Latin-1.
    """
    as_text: set[str] = set()
    columns = parsed_columns(src, mapping, model)
    for attempt in range(MAX_ATTEMPTS):
        last = attempt == MAX_ATTEMPTS - 1
        if last:
            as_text |= {c.header for c in columns if c.native}
            columns = parsed_columns(src, mapping, model, as_text)
        src = src.with_native({c.header: c.native for c in columns if c.native}, attempt)
        relation, params = src.relation()
        create = f"CREATE OR REPLACE TABLE {quote(table)} AS {typed_select(columns, relation)}"
        try:
            con.execute(create, params).fetchall()
        except DuckDBError as exc:
            if src.kind != "csv" or not src.quote or "quote" not in str(exc).lower():
                raise
            src = src.unquoted()
            continue
        rejects = rejected(con, src)
        if src.encoding == "utf-8" and any(r.kind in ("INVALID UNICODE", "INVALID ENCODING") for r in rejects):
            src = src.as_latin1()
            continue
        failed = {r.column for r in rejects if r.kind == "CAST" and r.column}
        if not failed or last:
            return src, columns
        as_text |= failed
        columns = parsed_columns(src, mapping, model, as_text)
    return src, columns


def load_file(
    ctx: RunContext, src: Source | None, opened: Sequence[InputProblem], index: int
) -> tuple[Loaded | None, FileMapping | None, list[InputProblem]]:
    """Load the file ``open_export`` gave as ``src`` (with the ``opened`` problems) into ``file_<index>``."""
    con, model = ctx.con, ctx.model
    problems = list(opened)
    if src is None:
        return None, None, problems
    problems.extend(src.notes)
    mapping, clashes = resolve_mapping(src.name, src.headers, model, ctx.overrides, ctx.store, src.sample)
    problems.extend(clashes)
    if "account_id" not in mapping.columns.values():
        headers = ", ".join(repr(h) for h in src.headers[:8]) + (", ..." if len(src.headers) > 8 else "")
        example = src.headers[0] if src.headers else "Customer Ref"
        problems.append(
            error(
                src.name,
                f"No column was recognised as the account id (columns: {headers}).",
                "Set the column that identifies each account to Account ID in this file's column table, "
                f"or on the command line add --map '{example}=account_id'.",
            )
        )
        return None, mapping, problems
    table = f"file_{index}"
    noted = len(src.notes)
    src, columns = _load_table(con, src, mapping, model, table)
    problems.extend(src.notes[noted:])
    ranged = [c.field for c in columns if c.field in SCALED]
    stats = file_stats(con, table, columns, ranged)
    unreadable = rejected(con, src)
    problems.extend(describe(con, src, table, columns, stats, unreadable))
    if stats.rows == 0:
        problems.append(
            error(src.name, "The file has a header row but no data rows.", "Export the report again with its data.")
        )
        return None, mapping, problems
    return Loaded(src, table, tuple(columns), stats, len(unreadable)), mapping, problems


@dataclass(frozen=True)
class Rescale:
    """A column written on another scale than the models use, told apart by its range."""

    field: str
    max_high: float
    sql: str  # over the placeholder {x}
    note: str
    min_low: float | None = None

    def applies(self, low: float, high: float) -> bool:
        return high <= self.max_high and (self.min_low is None or low >= self.min_low)


# The first rule that fits a column's range wins.
RESCALES = (
    Rescale(
        "nps",
        10,
        "({x} * 20.0 - 100.0)",
        "looks like 0-10 ratings, so it was converted to NPS (0 -> -100, 10 -> +100).",
        min_low=0,
    ),
    Rescale("csat", 1, "({x} * 100.0)", "looks like fractions, so it was read as a percentage (0.8 -> 80)."),
    Rescale("csat", 5, "({x} * 20.0)", "looks like a 1-5 rating, so it was converted to 0-100 (4 -> 80)."),
    Rescale("csat", 10, "({x} * 10.0)", "looks like a 0-10 rating, so it was converted to 0-100 (8 -> 80)."),
    Rescale("usage_rate", 1, "({x} * 100.0)", "looks like fractions, so it was read as a percentage (0.35 -> 35%)."),
)


def scaling(
    file: str, columns: Sequence[Parsed], ranges: Mapping[str, tuple[float | None, float | None]]
) -> tuple[dict[str, str], list[InputProblem]]:
    """Rescale NPS, CSAT and usage columns written on another scale than the models use.

    ``ranges`` are the lowest and highest values of the file's columns on
    another scale, as a load's ``FileStats`` holds them or the one-pass scan
    (or its header sample) finds them; the notes name ``file``.
    """
    scales: dict[str, str] = {}
    notes: list[InputProblem] = []
    header = {c.field: c.header for c in columns}

    def note(field: str, text: str) -> None:
        notes.append(
            InputProblem(
                file,
                f"{header[field]!r} {text}",
                "If that is wrong, convert the column before uploading.",
                column=header[field],
            )
        )

    for field, (low, high) in ranges.items():
        if low is None or high is None or high <= 0:
            continue
        rule = next((r for r in RESCALES if r.field == field and r.applies(low, high)), None)
        if rule is not None:
            scales[field] = rule.sql
            note(field, rule.note)
    return scales, notes
