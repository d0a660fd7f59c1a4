"""What every path ends with: the columns it keeps, the ranking, and the result it returns.

Shared by the general pipeline (``run``) and the one-pass path
(``one_pass``), so both rank accounts, deal with repeated months, count the
rows behind unscored accounts and report missing signals the same way.

The ranked accounts stay in DuckDB (``ACCOUNTS``) until the end: unscored
accounts, missing signals and the row counts are answered there, so the
CLI can write its CSV straight from that table (``export_selects`` through
``csv_export.copy_select``) while the page takes it as a frame.  pandas is
imported only where a frame is built, keeping it off the CLI's path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, TextIO

from scoring.csv_export import copy_select
from scoring.db import Connection
from scoring.formatting import decimals
from scoring.model import Model
from scoring.portfolio.compute.triage import accounts_select, days_to_renewal
from scoring.portfolio.contract import (
    FileMapping,
    InputProblem,
    PortfolioResult,
    RunContext,
    RunSummary,
    account_columns,
    export_columns,
)
from scoring.portfolio.ingest.load import error
from scoring.portfolio.limits import account_cap
from scoring.portfolio.sqlkit import Params, att_column, bonus_column, quote, value_column
from scoring.wording import counted

if TYPE_CHECKING:
    import pandas as pd

PASS_THROUGH = ("account_name", "owner", "segment", "arr", "renewal_date", "days_since_checkin")
ACCOUNTS = "ranked_accounts"  # every account of the run, numbered in triage order (``ranked``)
UNSCORED = f"SELECT account_id FROM {ACCOUNTS} WHERE score IS NULL"
# Columns named with a leading underscore are the pipeline's bookkeeping (``_dups``, the one-pass
# path's scan totals): they stay in DuckDB.
PUBLIC = "COLUMNS(lambda c: NOT starts_with(c, '_'))"

# Builds the rolled-up accounts SQL (one row per account, see compute.rollup)
# with its parameters in ``p``; ``merge`` asks for repeated months to be
# merged first.
Rollup = Callable[[Params, bool], str]
# Counts the input rows of the accounts a subquery selects (see ``rows_counter``).
RowsOf = Callable[[str], int]


def rolled_columns(model: Model) -> list[str]:
    """The columns of an account's latest scored row that the rollup carries to the ranking."""
    return [
        "account_id",
        "period",
        *PASS_THROUGH,
        *(value_column(s) for s in model.signal_ids),
        *(att_column(s) for s in model.signal_ids),
        *(bonus_column(b.id) for b in model.bonuses),
        "_pw",
        "raw",
        "score",
        "band",
        "coverage",
    ]


def empty(model: Model, problems: list[InputProblem], mappings: list[FileMapping], rows: int) -> PortfolioResult:
    import pandas as pd

    return PortfolioResult(
        model_id=model.id,
        accounts=pd.DataFrame(columns=account_columns(model)),
        mappings=mappings,
        problems=problems,
        rows_read=rows,
    )


def _rank(ctx: RunContext, as_of: date, rollup: Rollup, merge: bool) -> None:
    p = Params()
    select = accounts_select(ctx.model, f"({rollup(p, merge)})", as_of, p)
    keep_accounts(ctx.con, select, p.values)


def keep_accounts(con: Connection, select: str, params: Sequence[object]) -> None:
    """Store ``select`` as ``ACCOUNTS``, the run's one ranked table.

    A plain table of the run's private engine (``scoring.db.engine``), not a
    TEMP one: the cursors that write the CLI's CSV side by side
    (``export_selects``) must see it.
    """
    con.execute(f"CREATE OR REPLACE TABLE {ACCOUNTS} AS {select}", params).fetchall()


def ranked(ctx: RunContext, as_of: date, rollup: Rollup) -> bool:
    """Rank the accounts into ``ACCOUNTS``; whether repeated months had to be merged first.

    Files are read as they are; only when an account turns out to have a
    month twice (``_dups``) is the rollup built again with the repeats merged,
    so clean files never pay for deduplication.
    """
    _rank(ctx, as_of, rollup, merge=False)
    if not has_repeats(ctx.con):
        return False
    _rank(ctx, as_of, rollup, merge=True)
    return True


def has_repeats(con: Connection) -> bool:
    """Whether an account of ``ACCOUNTS`` may have a scored month twice (see ``compute.rollup.repeats``)."""
    return bool(con.execute(f"SELECT COALESCE(bool_or(_dups > 0), false) FROM {ACCOUNTS}").fetchall()[0][0])


def set_days_to_renewal(con: Connection, as_of: date) -> None:
    """Fill ``days_to_renewal`` of a table ranked before its as-of date was known (``accounts_select``)."""
    p = Params()
    con.execute(f"UPDATE {ACCOUNTS} SET days_to_renewal = {days_to_renewal(as_of, p)}", p.values).fetchall()


def rows_counter(con: Connection, tables: Sequence[str], rows: str = "count(*)") -> RowsOf:
    """``rows_of`` for ``finish``: how many input rows the accounts a subquery selects have across ``tables``.

    ``rows`` is the aggregate that counts them in one table (the one-pass
    path's rolled-up table sums its per-account row counts).
    """

    def rows_of(account_ids: str) -> int:
        total = 0
        for table in tables:
            row = con.execute(
                f"SELECT COALESCE({rows}, 0) FROM {quote(table)} WHERE account_id IN ({account_ids})"
            ).fetchall()[0]
            total += int(row[0])
        return total

    return rows_of


def _signal_fill(model: Model, con: Connection) -> tuple[int, dict[str, float]]:
    """How many accounts were scored, and the share of them that hold a value for each signal."""
    counts = ", ".join(f"count({quote(s)})" for s in model.signal_ids)
    row = con.execute(f"SELECT count(*), {counts} FROM {ACCOUNTS} WHERE score IS NOT NULL").fetchall()[0]
    scored = int(row[0])
    return scored, {s: (int(n) / scored if scored else 0.0) for s, n in zip(model.signal_ids, row[1:], strict=True)}


def coverage_problems(model: Model, fill: dict[str, float]) -> list[InputProblem]:
    """Signals no scored account has a value for."""
    missing = [s for s in model.signals if not fill.get(s.id)]
    if not missing:
        return []
    names = ", ".join(f"{s.label} ({s.id})" for s in missing)
    return [
        InputProblem(
            "(all files)",
            f"No data for {names}: scores use the remaining signals, renormalised (see coverage).",
            "Add a column named after the signal id, or map a column to it, to score it too.",
        )
    ]


def _unscored(model: Model, con: Connection, rows_of: RowsOf) -> tuple[InputProblem | None, int]:
    """The problem naming accounts that could not be scored, and how many input rows they had."""
    row = con.execute(f"SELECT count(*) FROM {ACCOUNTS} WHERE score IS NULL").fetchall()[0]
    count = int(row[0])
    if not count:
        return None, 0
    first = con.execute(f"SELECT account_id FROM {ACCOUNTS} WHERE score IS NULL ORDER BY triage_rank LIMIT 3")
    examples = ", ".join(repr(str(r[0])) for r in first.fetchall())
    problem = InputProblem(
        "(all files)",
        f"Not scored: {counted(count, 'account', 'accounts')} with no value for any signal of "
        f"{model.name} (e.g. {examples}).",
        "Check that their usage rows are in the upload, or map more columns to the model's signals.",
        count=count,
    )
    return problem, rows_of(UNSCORED)


def finish(
    ctx: RunContext,
    problems: list[InputProblem],
    mappings: list[FileMapping],
    as_of: date,
    rows_read: int,
    rows_used: int,
    rows_of: RowsOf,
    csv_out: TextIO | None = None,
) -> RunSummary:
    """Report unscored accounts and missing signals, and package the result.

    ``rows_of(subquery)`` counts the input rows of accounts that could not
    be scored, so ``rows_scored`` only counts rows that fed a score.  With
    ``csv_out`` the triage list is written there as the CLI prints it
    (``export_selects``), straight from DuckDB, and no frame is built: the
    summary alone comes back.  Otherwise it is a ``PortfolioResult``.
    """
    con, model = ctx.con, ctx.model
    over_cap = account_cap(con, ACCOUNTS) if csv_out is None else None  # the page's frame grows with accounts
    if over_cap is not None:
        return empty(model, [*problems, over_cap], mappings, rows_read)
    unscored, unscored_rows = _unscored(model, con, rows_of)
    if unscored is not None:
        problems.append(unscored)
        rows_used -= unscored_rows
    scored, fill = _signal_fill(model, con)
    if not scored:
        problems.append(
            error(
                "(all files)",
                f"No account could be scored with {model.name}.",
                "Map at least one column that feeds a signal of this model (see the mapping).",
            )
        )
    else:
        problems.extend(coverage_problems(model, fill))
    summary = RunSummary(
        model_id=model.id,
        mappings=mappings,
        problems=problems,
        rows_read=rows_read,
        rows_scored=max(rows_used, 0),
        scored=scored,
        signal_fill=fill,
        as_of=as_of,
    )
    if csv_out is not None:
        if scored:
            copy_select(con, export_selects(model, con), [], csv_out, ctx.workdir)
        return summary
    accounts = con.execute(f"SELECT {PUBLIC} FROM {ACCOUNTS} WHERE score IS NOT NULL ORDER BY triage_rank").df()
    return PortfolioResult(**vars(summary), accounts=accounts)


# Decimals of each numeric export column, as the page shows it: scores with
# one, money and day counts whole, coverage as the percentage it reads as.
EXPORT_DECIMALS = {
    "score": 1,
    "score_change": 1,
    "prev_score": 1,
    "arr": 0,
    "arr_at_risk": 0,
    "days_to_renewal": 0,
    "coverage": 2,
}


def _places(model: Model) -> dict[str, int]:
    return {**EXPORT_DECIMALS, **{s.id: decimals(s) for s in model.signals}}


def export_table(model: Model, accounts: pd.DataFrame) -> pd.DataFrame:
    """The triage list as the CSV carries it: the export columns, rounded as the page shows them.

    Signal values keep the decimals their slider shows (``formatting.decimals``);
    a missing value stays missing (an empty cell), never 0.
    """
    import pandas as pd

    table = accounts[[c for c in export_columns(model) if c in accounts]].copy()
    for column, digits in _places(model).items():
        if column in table:
            table[column] = pd.to_numeric(table[column], errors="coerce").round(digits)
    return table


_FRACTIONS = ("DOUBLE", "FLOAT", "DECIMAL")


# Below this many accounts one CSV writer is as quick as several side by side (each pays a cursor and a plan).
SPLIT_MIN_ACCOUNTS = 20_000


def export_selects(model: Model, con: Connection) -> list[str]:
    """``export_table`` of the scored ``ACCOUNTS`` in SQL: the same columns, order and rounding.

    pandas rounds half to even on the scaled value (``rint(x * 10^d) / 10^d``),
    which ``round_even(x * 10^d, 0) / 10^d`` reproduces bit for bit; whole
    numbers are left as they are, as ``round`` leaves them.

    A big ranking is cut into consecutive ``triage_rank`` ranges, one per
    engine thread, which ``csv_export.copy_select`` writes side by side and
    joins in order: DuckDB writes one sorted result on one thread.
    """
    types = {str(r[0]): str(r[1]) for r in con.execute(f"DESCRIBE {ACCOUNTS}").fetchall()}
    places = _places(model)
    cells = []
    for column in (c for c in export_columns(model) if c in types):
        name = quote(column)
        if column in places and types[column].startswith(_FRACTIONS):
            scale = f"{10 ** places[column]}.0"
            cells.append(f"round_even(CAST({name} AS DOUBLE) * {scale}, 0) / {scale} AS {name}")
        else:
            cells.append(name)
    scored = f"SELECT {', '.join(cells)} FROM {ACCOUNTS} WHERE score IS NOT NULL"
    row = con.execute(f"SELECT COALESCE(max(triage_rank), 0), current_setting('threads') FROM {ACCOUNTS}").fetchone()
    last, threads = (int(row[0]), int(row[1])) if row else (0, 1)
    parts = max(1, min(threads, last // SPLIT_MIN_ACCOUNTS))
    if parts == 1:
        return [f"{scored} ORDER BY triage_rank"]
    step = -(-last // parts)  # ranks 1..last, in ``parts`` ranges of ``step``
    return [
        f"{scored} AND triage_rank BETWEEN {first} AND {first + step - 1} ORDER BY triage_rank"
        for first in range(1, last + 1, step)
    ]
