"""What a portfolio load hands to the page and the CLI.

The contract between the DuckDB pipeline (``scoring.portfolio``) and its two
front ends; both render the same objects, so the page and the CLI agree.
It is also the one place the front ends read column names from: the
account table's column lists below, and the names of its generated
per-signal and per-bonus columns (``value_column``, ``att_column``,
``bonus_column``, defined with the SQL that fills them in ``sqlkit``).
``RunContext`` is what the stages of one run share, here so that every
stage (ingest, compute, run) can take it without importing another.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from scoring.db import Connection, Store
from scoring.engine import NoSignals, Scorecard, score
from scoring.model import Model
from scoring.portfolio.sqlkit import att_column, bonus_column, value_column

if TYPE_CHECKING:  # the command line's scoring paths never build a frame, so they need not load pandas
    import pandas as pd

Severity = Literal["error", "warning"]

# Columns of PortfolioResult.accounts, in the order the page and the CLI show them.
LEAD_COLUMNS = (
    "triage_rank",
    "account_id",
    "account_name",
    "owner",
    "segment",
    "band",
    "score",
    "score_change",
    "arr",
    "arr_at_risk",
    "renewal_date",
    "days_to_renewal",
    "action",
)
TREND_COLUMNS = ("prev_score", "prev_band", "periods_in_band", "turned_red", "moved_down")
TAIL_COLUMNS = (
    "coverage",
    "raw",
    "period",
    "periods_scored",
    "score_trend",
    "days_since_checkin",
    "weakest",
    "cadence",
)


def export_columns(model: Model) -> list[str]:
    """The columns of a downloaded or printed triage list (no internal attainments)."""
    return [*LEAD_COLUMNS, *model.signal_ids, *TREND_COLUMNS, "coverage", "period", "weakest", "cadence"]


def account_columns(model: Model) -> list[str]:
    """Every column of ``PortfolioResult.accounts``, in order (an empty result has exactly these)."""
    return [
        *LEAD_COLUMNS,
        *model.signal_ids,
        *TREND_COLUMNS,
        *TAIL_COLUMNS,
        *(att_column(s) for s in model.signal_ids),
        *(bonus_column(b.id) for b in model.bonuses),
    ]


def account_scorecard(model: Model, row: Mapping[str, object]) -> Scorecard | None:
    """The engine's scorecard of one account of ``PortfolioResult.accounts``: the drivers behind its score.

    It reads the values and bonus flags of the row's latest scored month,
    the same ones the SQL scored, so its points add up to the row's score.
    None when the row has no value for any signal.
    """
    values = {sid: cell_number(row.get(sid)) for sid in model.signal_ids}
    bonuses = [b.id for b in model.bonuses if cell_number(row.get(bonus_column(b.id)))]
    try:
        return score(model, values, bonuses)
    except NoSignals:
        return None


def cell_number(value: object) -> float | None:
    """A cell of an account row as a float; None for a blank, NaN or a missing marker (pandas' NA refuses float())."""
    try:
        out = float(value)  # type: ignore[arg-type]  # numbers, numpy scalars and flags; the rest raise
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


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
class RunContext:
    """What every stage of one scoring run works with, fixed for the run.

    ``overrides`` maps a source header to a field id (None or "" ignores
    the column); ``requested_as_of`` is the as-of date the caller asked for (None:
    the end of the latest month in the data); ``workdir`` is a temporary
    folder for files that must be converted before DuckDB reads them.
    """

    con: Connection
    model: Model
    overrides: Mapping[str, str | None] | None
    store: Store | None
    requested_as_of: date | None
    workdir: Path


@dataclass(frozen=True)
class InputProblem:
    """Something wrong in the input, phrased for the person who must fix it.

    ``severity`` is "error" when the file (or a required column) could not be
    used at all, "warning" when some rows or cells were set aside.
    """

    file: str
    message: str
    fix: str
    severity: Severity = "warning"
    column: str | None = None
    rows: tuple[int, ...] = ()  # example 1-based row numbers as the user sees them
    count: int = 0  # how many rows or cells are affected


# Why a column was read as its field: a known name as it stands ("synonym"), a known
# name once brackets, windows, units, word order and plurals are set aside
# ("qualifier"), the user's own pick ("user"), or a mapping saved earlier ("remembered").
MappingReason = Literal["synonym", "qualifier", "user", "remembered"]
Confidence = Literal["high", "medium"]


@dataclass(frozen=True)
class FileMapping:
    """How one file's headers were read: source header -> canonical field.

    ``reasons`` and ``confidence`` say, for each mapped header, why it was
    read so and how sure that is, so the editor can show a guess as a guess.
    """

    file: str
    signature: str  # stable hash of the header row, to remember the mapping
    columns: dict[str, str | None]  # every source header -> field id, or None if ignored
    remembered: bool = False  # True when the mapping came from the store
    reasons: dict[str, MappingReason] = field(default_factory=dict)
    confidence: dict[str, Confidence] = field(default_factory=dict)


@dataclass(frozen=True)
class FilePeriod:
    """The months one dated file covers (first and last month with an account row)."""

    file: str
    first: date
    last: date


@dataclass(kw_only=True)
class RunSummary:
    """What a run found, whether or not it built the account table as a frame.

    The command line streams its triage list from DuckDB (``run.stream_exports``)
    and needs only this: how many accounts were scored, which signals they
    hold, the problems and the dates.  ``signal_fill`` is, per model signal,
    the share of scored accounts that have a value for it (what the gap
    banner and the CLI's gap sentence read).  ``as_of`` is the date the day
    counts are measured from; ``periods`` the months each dated file covers.
    ``rows_read`` counts data rows in all files (unreadable ones included);
    ``rows_scored`` those that fed a scored account.
    """

    model_id: str
    mappings: list[FileMapping] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    rows_read: int = 0
    rows_scored: int = 0
    scored: int = 0
    signal_fill: dict[str, float] = field(default_factory=dict)
    as_of: date | None = None
    # Each dated file's months (``scoring.portfolio.periods``): shown when files cover different periods.
    periods: list[FilePeriod] = field(default_factory=list)

    @property
    def errors(self) -> list[InputProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[InputProblem]:
        return [p for p in self.problems if p.severity != "error"]


@dataclass(kw_only=True)
class PortfolioResult(RunSummary):
    """Per-account scores for the latest period, with each account's trend.

    ``accounts`` has one row per account, sorted in triage order, with the
    columns of ``account_columns``: at least account_id, account_name, owner,
    segment, arr, renewal_date, days_to_renewal, every model signal id,
    score, band, coverage, prev_score, score_change, prev_band,
    periods_in_band, turned_red, moved_down, action, arr_at_risk,
    triage_rank.

    Also: ``period`` (the account's latest scored month, NaT for undated
    files), ``periods_scored`` (how many months were scored), ``score_trend``
    (the scores of the last twelve scored months, oldest first, for a
    sparkline; not part of CSV exports), ``raw`` (unrounded score),
    ``days_since_checkin``, ``cadence`` (check-in rhythm for the band),
    ``weakest`` (labels of the two signals losing most points) and, per
    signal, ``att_column(signal id)`` (its 0..1 attainment, for colouring a
    heatmap) and, per bonus, ``bonus_column(bonus id)`` (earned or not, NA
    when no column says).
    """

    accounts: pd.DataFrame


__all__ = [
    "LEAD_COLUMNS",
    "TAIL_COLUMNS",
    "TREND_COLUMNS",
    "Confidence",
    "Export",
    "FileMapping",
    "FilePeriod",
    "InputProblem",
    "MappingReason",
    "PortfolioResult",
    "RunContext",
    "RunSummary",
    "Severity",
    "account_columns",
    "att_column",
    "bonus_column",
    "export_columns",
    "value_column",
]
