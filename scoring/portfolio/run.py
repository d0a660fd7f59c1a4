"""The portfolio load, end to end: files in, one scored row per account out.

Stages (each is DuckDB SQL; Python only orchestrates and words problems):

1. open each export (``read``), decide its mapping (``detect``), and parse
   it once into a typed table (``parse``): clean columns typed by DuckDB's
   reader, the rest parsed from text in SQL;
2. count what was wrong in it (``problems``) and how NPS/CSAT/usage are
   scaled;
3. join the files into account-month facts (``facts``), score every month
   (``sql``), roll each account up to its latest month with its trend
   (``history``) and rank the accounts (``triage``).

Nothing here raises on bad input: every problem becomes an InputProblem, and
only when nothing at all can be scored do the tables come back empty.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from scoring.db import Connection, DuckDBError, Store, engine
from scoring.model import Model
from scoring.portfolio.compute.facts import FileRelation, facts_select
from scoring.portfolio.compute.formula_sql import Params, score_select
from scoring.portfolio.compute.rollup import latest_join, rollup_select
from scoring.portfolio.compute.triage import accounts_select
from scoring.portfolio.contract import Export, FileMapping, InputProblem, PortfolioResult
from scoring.portfolio.finish import HISTORY_COLUMNS, PASS_THROUGH, empty, finish, rolled_columns
from scoring.portfolio.ingest.load import Loaded, error, load_file, scaling
from scoring.portfolio.ingest.parse import MACROS, quote
from scoring.portfolio.ingest.read import out_of_memory, too_big
from scoring.portfolio.one_pass import try_one_pass
from scoring.wording import counted

Progress = Callable[[str, float], None]


def _silent(message: str, fraction: float) -> None:
    """The default progress callback: nobody is watching."""


def _as_of(con: Connection, relations: Sequence[FileRelation], requested: date | None) -> tuple[date, int, list[str]]:
    """(as-of date, rows left out as being after it, tables holding such rows)."""
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
    month_end = (latest.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return month_end, dropped, tables


def _relation(loaded: Loaded, scales: dict[str, str]) -> FileRelation:
    fields = tuple(c.field for c in loaded.columns if c.field not in ("account_id", "period"))
    return FileRelation(
        table=loaded.table,
        fields=fields,
        dated=any(c.field == "period" for c in loaded.columns),
        duplicates=False,
        scales=scales,
    )


def _scored_sql(
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


def _ranked(con: Connection, model: Model, relations: Sequence[FileRelation], as_of: date) -> pd.DataFrame:
    """Score every account-month and rank the accounts (plus ``_dups``, see history.rollup_select).

    The scored months are never stored: scoring is cheap arithmetic over the
    typed tables, so recomputing it where it is needed costs less than
    materialising millions of wide rows (and keeps memory down).
    """
    p = Params()
    scored = f"({_scored_sql(model, relations, p, as_of)})"
    latest = _scored_sql(model, relations, p, as_of, latest_only=True)
    rolled = f"({rollup_select(scored, latest, rolled_columns(model), model.bands, p)})"
    accounts = con.execute(accounts_select(model, rolled, as_of, p), p.values).df()
    accounts.insert(0, "triage_rank", range(1, len(accounts) + 1))
    return accounts


def _history(con: Connection, model: Model, relations: Sequence[FileRelation], as_of: date) -> pd.DataFrame:
    """Every scored month of every account (account_id, period, score, band), oldest first."""
    p = Params()
    scored = _scored_sql(model, relations, p, as_of)
    return con.execute(
        f"SELECT account_id, period, score, band FROM ({scored}) "
        "WHERE score IS NOT NULL AND period IS NOT NULL ORDER BY account_id, period",
        p.values,
    ).df()


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


def score_exports(
    exports: Sequence[Export],
    model: Model,
    overrides: Mapping[str, str | None] | None = None,
    store: Store | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
    with_history: bool = True,
) -> PortfolioResult:
    """Load and score; ``with_history=False`` skips the per-month table (the CLI's fast path)."""
    report = progress or _silent
    problems: list[InputProblem] = []
    mappings: list[FileMapping] = []
    if not exports:
        problems.append(error("(none)", "No file was given.", "Upload at least one export."))
        return empty(model, problems, mappings, 0)
    try:
        con = engine()
    except DuckDBError as exc:
        problems.append(error("(all files)", f"The scoring engine could not start ({exc}).", "Try again."))
        return empty(model, problems, mappings, 0)
    loaded: list[Loaded] = []
    with tempfile.TemporaryDirectory(prefix="health_studio_") as tmp:
        try:
            con.execute(MACROS).fetchall()
            if len(exports) == 1 and not with_history:
                report(f"Reading and scoring {exports[0].name}", 0.1)
                single = _one_pass(con, exports[0], model, overrides, store, as_of, Path(tmp))
                if single is not None:
                    return single
            for i, export in enumerate(exports):
                report(f"Reading {export.name}", 0.05 + 0.6 * i / len(exports))
                try:
                    item, mapping, found = load_file(con, export, i, model, overrides, store, Path(tmp))
                except DuckDBError as exc:
                    item, mapping, found = None, None, [_load_failure(export.name, exc)]
                problems.extend(found)
                if mapping is not None:
                    mappings.append(mapping)
                if item is not None:
                    loaded.append(item)
            rows_read = sum(item.stats.rows + item.rejected for item in loaded)
            if not loaded:
                return empty(model, problems, mappings, rows_read)
            report("Scoring", 0.7)
            result = _score(con, model, loaded, as_of, with_history, problems, report)
            result.mappings, result.rows_read = mappings, rows_read
            return result
        except DuckDBError as exc:
            problems.append(
                too_big("(all files)")
                if out_of_memory(exc)
                else error("(all files)", f"Scoring stopped: {_short(exc)}.", "Check the files, or load fewer at once.")
            )
            return empty(model, problems, mappings, sum(item.stats.rows for item in loaded))
        finally:
            con.close()
            report("Done", 1.0)


def _one_pass(
    con: Connection,
    export: Export,
    model: Model,
    overrides: Mapping[str, str | None] | None,
    store: Store | None,
    as_of: date | None,
    workdir: Path,
) -> PortfolioResult | None:
    """The one-pass result for a single clean file, or None (then the general path runs)."""
    try:
        found = try_one_pass(con, export, model, overrides, store, as_of, workdir)
    except DuckDBError:
        return None
    if found is None:
        return None
    result, mapping = found
    result.mappings = [mapping]
    return result


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


def _rows_of(con: Connection, loaded: Sequence[Loaded], account_ids: pd.Series) -> int:
    """How many input rows belong to these accounts (to report rows used honestly)."""
    con.register("unscored_ids", pd.DataFrame({"account_id": account_ids.astype(str)}))
    total = 0
    for item in loaded:
        row = con.execute(
            f"SELECT count(*) FROM {quote(item.table)} WHERE account_id IN (SELECT account_id FROM unscored_ids)"
        ).fetchall()[0]
        total += int(row[0]) if row else 0
    con.unregister("unscored_ids")
    return total


def _load_failure(name: str, exc: Exception) -> InputProblem:
    if out_of_memory(exc):
        return too_big(name)
    return error(name, f"The file could not be loaded ({_short(exc)}).", "Check the file.")


def _short(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else exc.__class__.__name__


def _score(
    con: Connection,
    model: Model,
    loaded: Sequence[Loaded],
    requested_as_of: date | None,
    with_history: bool,
    problems: list[InputProblem],
    report: Progress,
) -> PortfolioResult:
    relations = []
    for item in loaded:
        scales, notes = scaling(item)
        problems.extend(notes)
        relations.append(_relation(item, scales))
    as_of, later, tables = _as_of(con, relations, requested_as_of)
    if later:
        names = ", ".join(item.src.name for item in loaded if item.table in tables)
        why = "after the as-of date" if requested_as_of else "more than a year in the future"
        problems.append(
            InputProblem(
                names,
                f"Left out {counted(later, 'row', 'rows')} dated {why} "
                f"({as_of if requested_as_of else 'today + 1 year'}).",
                "Check the month column for typos such as 2062 for 2026.",
                count=later,
            )
        )
    problems.extend(_future_checkins(con, loaded, as_of))

    report("Ranking accounts", 0.85)
    accounts = _ranked(con, model, relations, as_of)
    if accounts["_dups"].fillna(0).gt(0).any():
        relations = [replace(r, duplicates=True) for r in relations]
        accounts = _ranked(con, model, relations, as_of)
        problems.extend(_duplicate_problems(con, loaded, relations))
    accounts = accounts.drop(columns="_dups")
    history = pd.DataFrame(columns=HISTORY_COLUMNS)
    if with_history:
        history = _history(con, model, relations, as_of)

    rows_used = sum(item.stats.rows - item.stats.no_account - item.stats.no_period for item in loaded) - later
    return finish(model, accounts, history, problems, as_of, rows_used, lambda ids: _rows_of(con, loaded, ids))
