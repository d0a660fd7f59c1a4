"""Portfolio scoring: exports in, one scored and ranked row per account out.

Holds the stages of a load: ``ingest`` (open, map, parse and check each
file), ``compute`` (facts, the formula in SQL, rollup, triage, KPIs), the
run itself (``run``, with the single-file shortcut ``one_pass`` and the
shared ending ``finish``), ``sqlkit`` (SQL pieces every stage uses) and
``contract`` (what a load hands back, and the column names front ends may
read).  ``load_portfolio`` is the one entry point the page uses; the CLI
(``scoring.cli.portfolio``) runs the same pipeline through
``run.score_exports``.

May import ``scoring.model``, ``scoring.engine``, ``scoring.actions``,
``scoring.db`` and ``scoring.wording``; never ``pages`` or streamlit.
"""

from __future__ import annotations

from datetime import date

from scoring.db import Store
from scoring.model import Model
from scoring.portfolio.contract import Export, PortfolioResult
from scoring.portfolio.demo import demo_exports
from scoring.portfolio.run import Progress, score_exports


def load_portfolio(
    exports: list[Export],
    model: Model,
    overrides: dict[str, str] | None = None,
    store: Store | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> PortfolioResult:
    """Score every account in the exports with ``model``; never raises on bad input.

    ``overrides`` maps a source header to a field id ("" ignores the column);
    with a ``store`` the user's corrections are remembered per header row.
    ``as_of`` is "today" for day counts (default: the end of the latest month
    in the data, or today when no file has dates).  ``progress(message, fraction)``
    is called as the stages go by.  Each account carries its own trend
    (previous score, months in band, the last twelve scores).
    """
    return score_exports(exports, model, overrides, store, as_of, progress)


__all__ = ["Export", "PortfolioResult", "demo_exports", "load_portfolio"]
