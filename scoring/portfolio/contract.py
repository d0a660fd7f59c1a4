"""What a portfolio load hands to the page and the CLI.

The contract between the DuckDB pipeline (``scoring.portfolio``) and its two
front ends; both render the same objects, so the page and the CLI agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Export:
    """One uploaded or named file: its name as the user knows it, and its bytes.

    ``path`` lets the CLI hand over a file on disk without reading it into
    memory first (``data`` is then ignored): DuckDB reads it in place, which
    matters for multi-gigabyte exports.
    """

    name: str
    data: bytes
    path: Path | None = None

    @classmethod
    def from_path(cls, path: Path) -> Export:
        return cls(name=path.name, data=b"", path=path)


@dataclass(frozen=True)
class InputProblem:
    """Something wrong in the input, phrased for the person who must fix it.

    ``severity`` is "error" when the file (or a required column) could not be
    used at all, "warning" when some rows or cells were set aside.
    """

    file: str
    message: str
    fix: str
    severity: str = "warning"
    column: str | None = None
    rows: tuple[int, ...] = ()  # example 1-based row numbers as the user sees them
    count: int = 0  # how many rows or cells are affected


@dataclass(frozen=True)
class FileMapping:
    """How one file's headers were read: source header -> canonical field."""

    file: str
    signature: str  # stable hash of the header row, to remember the mapping
    columns: dict[str, str | None]  # every source header -> field id, or None if ignored
    remembered: bool = False  # True when the mapping came from the store


@dataclass
class PortfolioResult:
    """Per-account scores for the latest period, plus the history behind them.

    ``accounts`` has one row per account, sorted in triage order, with at
    least: account_id, account_name, owner, segment, arr, renewal_date,
    days_to_renewal, every model signal id, score, band, coverage, prev_score,
    score_change, prev_band, periods_in_band, turned_red, moved_down, action,
    arr_at_risk, triage_rank.  ``history`` has account_id, period, score, band.

    Added by the pipeline: ``period`` (the account's latest scored month, NaT
    without history), ``periods_scored`` (how many months were scored),
    ``score_trend`` (the scores of the last twelve scored months, oldest
    first, for a sparkline; not part of CSV exports),
    ``raw`` (unrounded score), ``days_since_checkin``, ``cadence`` (check-in
    rhythm for the band), ``weakest`` (labels of the two signals losing most
    points) and, per signal, ``att__<signal id>`` (its 0..1 attainment, for
    colouring a heatmap) and, per bonus, ``b__<bonus id>`` (earned or not,
    NA when no column says).  ``as_of`` is the date the day counts are measured
    from.  ``rows_read`` counts data rows in all files (unreadable ones
    included); ``rows_scored`` those that fed a scored account.
    """

    model_id: str
    accounts: pd.DataFrame
    history: pd.DataFrame
    mappings: list[FileMapping] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    rows_read: int = 0
    rows_scored: int = 0
    as_of: date | None = None

    @property
    def errors(self) -> list[InputProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[InputProblem]:
        return [p for p in self.problems if p.severity != "error"]
