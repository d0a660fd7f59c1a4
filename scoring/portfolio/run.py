"""The portfolio load, end to end: files in, one scored row per account out.

Stages (each is DuckDB SQL; Python only orchestrates and words problems):

1. open each export once (``ingest.read``); a single file first tries the
   one-pass path (``one_pass``) and falls back to the stages below, reusing
   the opened file, when it is not clean;
2. decide each file's mapping (``ingest.mapping``) and parse it once into a
   typed table (``ingest.parse``): clean columns typed by DuckDB's reader,
   the rest parsed from text in SQL;
3. count what was wrong in it (``ingest.problems``) and how NPS/CSAT/usage
   are scaled (``ingest.load``);
4. join the files into account-month facts (``compute.facts``), score every
   month (``compute.formula_sql``), roll each account up to its latest month
   with its trend (``compute.rollup``), rank the accounts
   (``compute.triage``) and package the result (``finish``).

Nothing here raises on bad input: every problem becomes an InputProblem, and
only when nothing at all can be scored do the tables come back empty.

``signal_history`` (the backtest's month-by-month signals) opens, loads and
scores files the same way, through the public helpers here: ``open_file``,
``load_failure``, ``file_relation``, ``measure_date`` and ``scored_sql``.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from scoring.db import Connection, DuckDBError, Store, engine
from scoring.model import Model
from scoring.portfolio.compute.facts import FileRelation, facts_select
from scoring.portfolio.compute.formula_sql import score_select
from scoring.portfolio.compute.rollup import latest_join, rollup_select
from scoring.portfolio.contract import Export, FileMapping, InputProblem, PortfolioResult, RunContext, RunSummary
from scoring.portfolio.finish import PASS_THROUGH, empty, finish, ranked, rolled_columns, rows_counter
from scoring.portfolio.ingest.load import Loaded, error, load_file, scaling
from scoring.portfolio.ingest.parse import MACROS
from scoring.portfolio.ingest.read import Opened, open_export, out_of_memory, too_big
from scoring.portfolio.one_pass import try_one_pass
from scoring.portfolio.periods import file_periods, periods_problem
from scoring.portfolio.sqlkit import Params, month_end, quote
from scoring.private_files import process_dir
from scoring.wording import counted

LOG = logging.getLogger(__name__)

# (message, fraction done); what it returns is ignored, so a progress bar's own method can be passed.
Progress = Callable[[str, float], object]


def _silent(message: str, fraction: float) -> None:
    """The default progress callback: nobody is watching."""


def measure_date(
    con: Connection, relations: Sequence[FileRelation], requested: date | None
) -> tuple[date, int, list[str]]:
    """(as-of date, rows left out as being after it, tables holding such rows).

    The date the portfolio is measured at: the one asked for, else the end
    of the latest month the files hold (months after the cut-off left out).
    """
    dated = [r for r in relations if r.dated]
    if not dated:
        return requested or date.today(), 0, []
    cutoff = requested or (date.today() + timedelta(days=366))
    latest: date | None = None
    dropped = 0
    tables = []
    for rel in dated:
        row = con.execute(
            "SELECT max(m) FILTER (WHERE m <= $1), count(*) FILTER (WHERE m > $1) "
            f"FROM (SELECT CAST(date_trunc('month', period) AS DATE) AS m FROM {quote(rel.table)} "
            "WHERE account_id IS NOT NULL)",
            [cutoff],
        ).fetchall()[0]
        assert row is not None
        if row[0] is not None and (latest is None or row[0] > latest):
            latest = row[0]
        if row[1]:
            dropped += int(row[1])
            tables.append(rel.table)
    if requested is not None:
        return requested, dropped, tables
    if latest is None:
        return date.today(), dropped, tables
    return month_end(latest), dropped, tables


def file_relation(loaded: Loaded, scales: dict[str, str]) -> FileRelation:
    """What the SQL builders need to know of one loaded file: its table, its fields, whether it has months."""
    fields = tuple(c.field for c in loaded.columns if c.field not in ("account_id", "period"))
    return FileRelation(
        table=loaded.table,
        fields=fields,
        dated=any(c.field == "period" for c in loaded.columns),
        duplicates=False,
        scales=scales,
    )


def left_out_later(
    loaded: Sequence[Loaded], tables: Collection[str], later: int, as_of: date, requested: bool
) -> InputProblem:
    """The problem naming the rows ``measure_date`` left out: after the date the user set, or far in the future."""
    names = ", ".join(item.src.name for item in loaded if item.table in tables)
    why = "after the as-of date" if requested else "more than a year in the future"
    return InputProblem(
        names,
        f"Left out {counted(later, 'row', 'rows')} dated {why} ({as_of if requested else 'today + 1 year'}).",
        "Set a later as-of date to count them."
        if requested
        else "Check the month column for typos such as 2062 for 2026.",
        count=later,
    )


def scored_sql(
    model: Model, relations: Sequence[FileRelation], p: Params, as_of: date, latest_only: bool = False
) -> str:
    """Scores of every account-month, or (``latest_only``) of each account's latest month."""
    present = {f for r in relations for f in r.fields}
    direct = [s for s in model.signal_ids if s in present]
    bonuses = [b.id for b in model.bonuses if b.id in present]
    facts = f"({facts_select(relations, [*direct, *bonuses], bonuses, p.date(as_of))})"
    if latest_only:
        facts = f"({latest_join(facts)})"
    return score_select(model, facts, direct, bonuses, p, keep=PASS_THROUGH)


def _duplicate_problems(
    con: Connection, loaded: Sequence[Loaded], relations: Sequence[FileRelation]
) -> list[InputProblem]:
    """Say which files repeat an account (and month), since their rows were merged."""
    problems = []
    for item, rel in zip(loaded, relations, strict=True):
        key = "account_id, CAST(date_trunc('month', period) AS DATE)" if rel.dated else "account_id"
        where = "account_id IS NOT NULL" + (" AND period IS NOT NULL" if rel.dated else "")
        repeats = con.execute(
            f"SELECT count(*) - count(DISTINCT ({key})) FROM {quote(item.table)} WHERE {where}"
        ).fetchall()[0][0]
        if repeats:
            what = "an account and month" if rel.dated else "an account"
            problems.append(
                InputProblem(
                    item.src.name,
                    f"Merged {counted(int(repeats), 'row that repeats', 'rows that repeat')} {what} already in "
                    "the file: logins and tickets added up, every other value taken from the latest row.",
                    "If those rows are different accounts, give each its own account id.",
                    count=int(repeats),
                )
            )
    return problems


def engine_down(exc: Exception) -> InputProblem:
    """The message when DuckDB will not start: the engine's own text goes to the log, not the user."""
    LOG.warning("the DuckDB engine did not start: %s", exc)
    return error(
        "(all files)",
        "The scoring engine could not start on this server, so nothing was read.",
        "Try again in a minute; if it keeps failing, ask whoever runs the app to check its log.",
    )


def score_exports(
    exports: Sequence[Export],
    model: Model,
    overrides: Mapping[str, str | None] | None = None,
    store: Store | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> PortfolioResult:
    """Load and score; a single file is read in one pass when it is clean (see ``one_pass``)."""
    result = _run(exports, model, overrides, store, as_of, progress, None)
    assert isinstance(result, PortfolioResult)  # without csv_out, finish builds the frame
    return result


def stream_exports(
    exports: Sequence[Export],
    model: Model,
    out: TextIO,
    overrides: Mapping[str, str | None] | None = None,
    as_of: date | None = None,
) -> RunSummary:
    """``score_exports`` for the command line: the triage list goes to ``out``, and no frame is built.

    The list is formula-safe CSV written by DuckDB from the ranked table
    (``finish.export_selects``), the bytes the page downloads; nothing is
    written when no account is scored.  pandas is never imported, which
    is a good part of a short run's time.
    """
    return _run(exports, model, overrides, None, as_of, None, out)


def _run(
    exports: Sequence[Export],
    model: Model,
    overrides: Mapping[str, str | None] | None,
    store: Store | None,
    as_of: date | None,
    progress: Progress | None,
    csv_out: TextIO | None,
) -> RunSummary:
    report = progress or _silent
    problems: list[InputProblem] = []
    mappings: list[FileMapping] = []
    if not exports:
        problems.append(error("(none)", "No file was given.", "Upload at least one export."))
        return empty(model, problems, mappings, 0)
    try:
        con = engine()
    except DuckDBError as exc:
        problems.append(engine_down(exc))
        return empty(model, problems, mappings, 0)
    loaded: list[Loaded] = []
    # Under the process's private 0700 directory: the upload's copies hold account data, and a kill -9
    # leaves them where only the next start (scoring.private_files.sweep_dead) will look.
    with tempfile.TemporaryDirectory(prefix="upload-", dir=process_dir()) as tmp:
        ctx = RunContext(con, model, overrides, store, as_of, Path(tmp))
        try:
            con.execute(MACROS).fetchall()
            first: Opened | None = None
            if len(exports) == 1:
                report(f"Reading and scoring {exports[0].name}", 0.1)
                first = open_file(ctx, exports[0], 0)
                single = _one_pass(ctx, first, csv_out)
                if single is not None:
                    return single
            for i, export in enumerate(exports):
                report(f"Reading {export.name}", 0.05 + 0.6 * i / len(exports))
                src, opened = first if first is not None else open_file(ctx, export, i)
                try:
                    item, mapping, found = load_file(ctx, src, opened, i)
                except DuckDBError as exc:
                    item, mapping, found = None, None, [load_failure(export.name, exc)]
                problems.extend(found)
                if mapping is not None:
                    mappings.append(mapping)
                if item is not None:
                    loaded.append(item)
            rows_read = sum(item.stats.rows + item.rejected for item in loaded)
            if not loaded:
                return empty(model, problems, mappings, rows_read)
            report("Scoring", 0.7)
            return _score(ctx, loaded, problems, mappings, rows_read, report, csv_out)
        except DuckDBError as exc:
            LOG.warning("scoring %s stopped: %s", [e.name for e in exports], exc)
            problems.append(
                too_big("(all files)")
                if out_of_memory(exc)
                else error(
                    "(all files)",
                    "Scoring stopped part-way through joining the files; no account was scored.",
                    "Load the files one at a time to find the one that trips it, and check that its "
                    "account id and date columns hold ids and dates.",
                )
            )
            return empty(model, problems, mappings, sum(item.stats.rows for item in loaded))
        finally:
            con.close()
            report("Done", 1.0)


def open_file(ctx: RunContext, export: Export, index: int) -> Opened:
    """Open one export; an engine failure becomes the file's load problem."""
    try:
        return open_export(ctx.con, export, ctx.workdir, index)
    except DuckDBError as exc:
        return None, [load_failure(export.name, exc)]


def _one_pass(ctx: RunContext, opened: Opened, csv_out: TextIO | None) -> RunSummary | None:
    """The one-pass result for a single clean file, or None (then the general path runs on the same file)."""
    try:
        return try_one_pass(ctx, opened, csv_out)
    except DuckDBError:
        return None


def _future_checkins(con: Connection, loaded: Sequence[Loaded], as_of: date) -> list[InputProblem]:
    """Check-in dates after the as-of date say nothing about engagement; say they were ignored."""
    problems = []
    for item in loaded:
        header = next((c.header for c in item.columns if c.field == "last_checkin"), None)
        if header is None:
            continue
        later = con.execute(f"SELECT count(*) FROM {quote(item.table)} WHERE last_checkin > $1", [as_of]).fetchall()[0][
            0
        ]
        if later:
            problems.append(
                InputProblem(
                    item.src.name,
                    f"Ignored {counted(int(later), 'date', 'dates')} in {header!r} after {as_of:%Y-%m-%d}, the "
                    "date the portfolio is measured at, when counting days since the last check-in.",
                    "Check those dates; a check-in cannot be in the future.",
                    column=header,
                    count=int(later),
                )
            )
    return problems


def load_failure(name: str, exc: Exception) -> InputProblem:
    """The engine's own text names temp files and its internals: it goes to the log, not to the user."""
    if out_of_memory(exc):
        return too_big(name)
    LOG.warning("loading %s failed: %s", name, exc)
    return error(
        name,
        "The file could not be loaded: its cells did not read as the columns they were mapped to.",
        "Open it in a spreadsheet, check the mapped columns (ids, numbers, dates) and export it again as CSV.",
    )


def _score(
    ctx: RunContext,
    loaded: Sequence[Loaded],
    problems: list[InputProblem],
    mappings: list[FileMapping],
    rows_read: int,
    report: Progress,
    csv_out: TextIO | None,
) -> RunSummary:
    con, model, requested_as_of = ctx.con, ctx.model, ctx.requested_as_of
    relations = []
    for item in loaded:
        scales, notes = scaling(item.src.name, item.columns, item.stats.ranges)
        problems.extend(notes)
        relations.append(file_relation(item, scales))
    as_of, later, tables = measure_date(con, relations, requested_as_of)
    if later:
        problems.append(left_out_later(loaded, tables, later, as_of, requested_as_of is not None))
    problems.extend(_future_checkins(con, loaded, as_of))
    dated = [(item.src.name, item.table) for item, rel in zip(loaded, relations, strict=True) if rel.dated]
    periods = file_periods(con, dated)
    differ = periods_problem(periods, as_of, requested_as_of is not None)
    problems.extend([differ] if differ else [])

    def rollup(p: Params, merge: bool) -> str:
        """Every month scored, then rolled up; ``merge`` reduces each file to one row per key first.

        The scored months are never stored: scoring is cheap arithmetic over
        the typed tables, so recomputing it where it is needed costs less
        than materialising millions of wide rows (and keeps memory down).
        """
        rels = [replace(r, duplicates=True) for r in relations] if merge else relations
        scored = f"({scored_sql(model, rels, p, as_of)})"
        latest = scored_sql(model, rels, p, as_of, latest_only=True)
        return rollup_select(scored, latest, rolled_columns(model))

    report("Ranking accounts", 0.85)
    if ranked(ctx, as_of, rollup):
        problems.extend(_duplicate_problems(con, loaded, relations))

    rows_used = sum(item.stats.rows - item.stats.no_account - item.stats.no_period for item in loaded) - later
    rows_of = rows_counter(con, [item.table for item in loaded])
    result = finish(ctx, problems, mappings, as_of, rows_read, rows_used, rows_of, csv_out)
    result.periods = periods
    return result
