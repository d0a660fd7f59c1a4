"""Portfolio scoring: exports in, one scored and ranked row per account out.

``load_portfolio`` is the one entry point the page uses; the CLI
(``scoring.cli.portfolio``) runs the same pipeline without the monthly
history table.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from scoring.db import Store
from scoring.model import Model
from scoring.portfolio.contract import Export, PortfolioResult
from scoring.portfolio.demo import demo_exports
from scoring.portfolio.run import score_exports


def load_portfolio(
    exports: list[Export],
    model: Model,
    overrides: dict[str, str] | None = None,
    store: Store | None = None,
    as_of: date | None = None,
    progress: Callable[[str, float], None] | None = None,
    with_history: bool = True,
) -> PortfolioResult:
    """Score every account in the exports with ``model``; never raises on bad input.

    ``overrides`` maps a source header to a field id ("" ignores the column);
    with a ``store`` the user's corrections are remembered per header row.
    ``as_of`` is "today" for day counts (default: the end of the latest month
    in the data, or today without history).  ``progress(message, fraction)``
    is called as the stages go by.  ``with_history=False`` leaves the
    month-by-month table empty (each account still carries its trend
    columns), which lets a single clean file be read in one pass.
    """
    return score_exports(exports, model, overrides, store, as_of, progress, with_history=with_history)


__all__ = ["Export", "PortfolioResult", "demo_exports", "load_portfolio"]
