"""What every path ends with: the columns it keeps, and the result it returns.

Shared by the general pipeline and the one-pass path (``fast``), so both
report unscored accounts and missing signals the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd

from scoring.model import Model
from scoring.portfolio.compute.formula_sql import att_column, bonus_column
from scoring.portfolio.compute.triage import account_columns
from scoring.portfolio.contract import FileMapping, InputProblem, PortfolioResult
from scoring.portfolio.ingest.load import error
from scoring.wording import counted

HISTORY_COLUMNS = ["account_id", "period", "score", "band"]
PASS_THROUGH = ("account_name", "owner", "segment", "arr", "renewal_date", "days_since_checkin")


def rolled_columns(model: Model) -> list[str]:
    return [
        "account_id",
        "period",
        *PASS_THROUGH,
        *(f"v__{s}" for s in model.signal_ids),
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
        history=pd.DataFrame(columns=HISTORY_COLUMNS),
        mappings=mappings,
        problems=problems,
        rows_read=rows,
    )


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
    history: pd.DataFrame,
    problems: list[InputProblem],
    as_of: date,
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
        history=history,
        problems=problems,
        rows_scored=max(rows_used, 0),
        as_of=as_of,
    )
