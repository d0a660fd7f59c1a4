"""What every path ends with: the columns it keeps, the ranking, and the result it returns.

Shared by the general pipeline (``run``) and the one-pass path
(``one_pass``), so both rank accounts, deal with repeated months, count the
rows behind unscored accounts and report missing signals the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import pandas as pd

from scoring.db import Connection
from scoring.formatting import decimals
from scoring.model import Model
from scoring.portfolio.compute.triage import accounts_select
from scoring.portfolio.contract import (
    FileMapping,
    InputProblem,
    PortfolioResult,
    RunContext,
    account_columns,
    export_columns,
)
from scoring.portfolio.ingest.load import error
from scoring.portfolio.sqlkit import Params, att_column, bonus_column, quote, value_column
from scoring.wording import counted

PASS_THROUGH = ("account_name", "owner", "segment", "arr", "renewal_date", "days_since_checkin")
UNSCORED = "unscored_ids"

# Builds the rolled-up accounts SQL (one row per account, see compute.rollup)
# with its parameters in ``p``; ``merge`` asks for repeated months to be
# merged first, and None says this path cannot merge them.
Rollup = Callable[[Params, bool], str | None]


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
    return PortfolioResult(
        model_id=model.id,
        accounts=pd.DataFrame(columns=account_columns(model)),
        mappings=mappings,
        problems=problems,
        rows_read=rows,
    )


def _rank(ctx: RunContext, as_of: date, rollup: Rollup, merge: bool) -> pd.DataFrame | None:
    p = Params()
    rolled = rollup(p, merge)
    if rolled is None:
        return None
    return ctx.con.execute(accounts_select(ctx.model, f"({rolled})", as_of, p), p.values).df()


def ranked(ctx: RunContext, as_of: date, rollup: Rollup) -> tuple[pd.DataFrame, bool] | None:
    """The accounts in triage order, and whether repeated months had to be merged first.

    Files are read as they are; only when an account turns out to have a
    month twice (``_dups``) is the rollup built again with the repeats merged,
    so clean files never pay for deduplication.  None when the rollup cannot
    merge (the one-pass path, whose caller then runs the general one).
    """
    accounts = _rank(ctx, as_of, rollup, merge=False)
    merged = accounts is not None and bool(accounts["_dups"].fillna(0).gt(0).any())
    if merged:
        accounts = _rank(ctx, as_of, rollup, merge=True)
    if accounts is None:
        return None
    accounts = accounts.drop(columns="_dups")
    accounts.insert(0, "triage_rank", range(1, len(accounts) + 1))
    return accounts, merged


def rows_counter(con: Connection, tables: Sequence[str], rows: str = "count(*)") -> Callable[[pd.Series], int]:
    """``rows_of`` for ``finish``: how many input rows the given accounts have across ``tables``.

    ``rows`` is the aggregate that counts them in one table (the one-pass
    path's rolled-up table sums its per-account row counts).
    """

    def rows_of(account_ids: pd.Series) -> int:
        con.register(UNSCORED, pd.DataFrame({"account_id": account_ids.astype(str)}))
        total = 0
        for table in tables:
            row = con.execute(
                f"SELECT COALESCE({rows}, 0) FROM {quote(table)} "
                f"WHERE account_id IN (SELECT account_id FROM {UNSCORED})"
            ).fetchall()[0]
            total += int(row[0])
        con.unregister(UNSCORED)
        return total

    return rows_of


def coverage_problems(model: Model, accounts: pd.DataFrame) -> list[InputProblem]:
    missing = [s for s in model.signals if accounts[s.id].isna().all()]
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


def finish(
    model: Model,
    accounts: pd.DataFrame,
    problems: list[InputProblem],
    mappings: list[FileMapping],
    as_of: date,
    rows_read: int,
    rows_used: int,
    rows_of: Callable[[pd.Series], int],
) -> PortfolioResult:
    """Report unscored accounts and missing signals, and package the result.

    ``rows_of(account_ids)`` counts the input rows of accounts that could not
    be scored, so ``rows_scored`` only counts rows that fed a score.
    """
    unscored = accounts[accounts["score"].isna()]
    if len(unscored):
        rows_used -= rows_of(unscored["account_id"])
        examples = ", ".join(repr(str(a)) for a in unscored["account_id"].head(3))
        problems.append(
            InputProblem(
                "(all files)",
                f"Not scored: {counted(len(unscored), 'account', 'accounts')} with no value for any signal of "
                f"{model.name} (e.g. {examples}).",
                "Check that their usage rows are in the upload, or map more columns to the model's signals.",
                count=len(unscored),
            )
        )
        accounts = accounts[accounts["score"].notna()].reset_index(drop=True)
        accounts["triage_rank"] = range(1, len(accounts) + 1)
    if accounts.empty:
        problems.append(
            error(
                "(all files)",
                f"No account could be scored with {model.name}.",
                "Map at least one column that feeds a signal of this model (see the mapping).",
            )
        )
    else:
        problems.extend(coverage_problems(model, accounts))
    return PortfolioResult(
        model_id=model.id,
        accounts=accounts,
        mappings=mappings,
        problems=problems,
        rows_read=rows_read,
        rows_scored=max(rows_used, 0),
        as_of=as_of,
    )


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


def export_table(model: Model, accounts: pd.DataFrame) -> pd.DataFrame:
    """The triage list as the CSV carries it: the export columns, rounded as the page shows them.

    Signal values keep the decimals their slider shows (``formatting.decimals``);
    a missing value stays missing (an empty cell), never 0.
    """
    table = accounts[[c for c in export_columns(model) if c in accounts]].copy()
    places = {**EXPORT_DECIMALS, **{s.id: decimals(s) for s in model.signals}}
    for column, digits in places.items():
        if column in table:
            table[column] = pd.to_numeric(table[column], errors="coerce").round(digits)
    return table
