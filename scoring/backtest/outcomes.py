"""Read who churned, renewed or contracted -- from whatever a CRM exports.

An outcomes file names the account plus either a churn date or a churn flag,
or a renewal date with its outcome (and optionally the ARR lost).  Headers are
matched after the same normalisation the portfolio uses (case, spacing,
punctuation, camelCase), and values after a similar one, so "Closed Lost",
"closed-lost" and "CLOSED_LOST" are one word.  A value we cannot read is never
guessed and never a traceback: it is reported with its count and example rows
so the user can fix the file, and the rest of the file is still used.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from scoring.portfolio.ingest.fields import CANONICAL_BY_ID, header_form, normalise

OutcomeKind = Literal["churned", "renewed", "contracted"]
OUTCOME_KINDS: tuple[OutcomeKind, ...] = ("churned", "renewed", "contracted")
_KINDS: dict[str, OutcomeKind] = {kind: kind for kind in OUTCOME_KINDS}  # a mapped status back to its Literal type
Role = Literal["account_id", "churn_date", "churn_flag", "renewal_date", "outcome", "arr_lost"]
ProblemKind = Literal[
    "unreadable_file", "missing_column", "unreadable_value", "still_open", "missing_id", "duplicate_account"
]

# Header synonyms per role, as exports spell them (each is normalised like a header before matching).
# Salesforce opportunity reports say "Stage" and "Close Date", HubSpot deal exports "Deal Stage",
# "Close Date" and "Associated Company IDs", Gainsight's company object "Status" (Active / Churned)
# and "Renewal Date".  The account id also takes every synonym the portfolio knows (``fields``),
# so a file the portfolio joins on its id is read on the same column here.  The first role whose
# synonym matches a header wins; within a role the earlier synonym wins when two headers compete
# ("Account ID" beats "ID"), and a header that is a synonym as it stands beats one that only
# matches once its qualifiers are set aside ("Lost ARR (USD)").
_ID_FIRST = ("Associated Company IDs", "Associated Company ID", "company_record_id")
_SYNONYMS: dict[Role, tuple[str, ...]] = {
    "account_id": (*_ID_FIRST, *(s for s in CANONICAL_BY_ID["account_id"].synonyms if s != "id"), "customer", "id"),
    "churn_date": (
        "churn_date",
        "churned_date",
        "churned_on",
        "churned_at",
        "date_churned",
        "churn_month",
        "cancellation_date",
        "cancelled_date",
        "canceled_date",
        "cancel_date",
        "termination_date",
        "lost_date",
    ),
    "churn_flag": ("churned", "churn", "is_churned", "has_churned", "churn_flag", "churned_flag", "lost", "cancelled"),
    "renewal_date": (
        "renewal_date",
        "renewal",
        "renewal_due",
        "renews_on",
        "renewal_due_date",
        "contract_end",
        "contract_end_date",
        "end_date",
        "close_date",
        "closed_date",
        "outcome_date",
    ),
    "outcome": (
        "outcome",
        "renewal_outcome",
        "renewal_status",
        "renewal_stage",
        "status",
        "stage",
        "deal_stage",
        "opportunity_stage",
        "stage_name",
        "result",
    ),
    "arr_lost": (
        "arr_lost",
        "lost_arr",
        "churned_arr",
        "arr_churned",
        "churn_arr",
        "lost_revenue",
        "revenue_lost",
        "contraction_arr",
    ),
}
# Roles that say what happened: a table needs one of them to hold outcomes at all.
OUTCOME_ROLES: frozenset[Role] = frozenset({"churn_date", "churn_flag", "outcome"})

_OUTCOME_WORDS: dict[str, OutcomeKind] = {
    **dict.fromkeys(
        (
            "churned",
            "churn",
            "lost",
            "closed_lost",
            "cancelled",
            "canceled",
            "cancel",
            "terminated",
            "not_renewed",
            "non_renewal",
            "did_not_renew",
        ),
        "churned",
    ),
    **dict.fromkeys(
        ("renewed", "renew", "won", "closed_won", "active", "retained", "renewal_won", "expanded"),
        "renewed",
    ),
    **dict.fromkeys(
        ("contracted", "contraction", "downgraded", "downgrade", "downsell", "downsold", "partial_churn"),
        "contracted",
    ),
}
# Stages of a deal not decided yet: the default Salesforce opportunity stages and HubSpot deal
# stages before Closed Won / Closed Lost, and the plain words for an open renewal.  Such a row
# is not an outcome yet, so it is left out and counted, not reported as unreadable.
_OPEN_WORDS = frozenset(
    {
        "prospecting", "qualification", "needs_analysis", "value_proposition", "id_decision_makers",
        "perception_analysis", "proposal_price_quote", "negotiation_review",
        "appointment_scheduled", "qualified_to_buy", "presentation_scheduled", "decision_maker_bought_in",
        "contract_sent",
        "open", "pending", "in_progress", "upcoming", "not_yet_renewed", "renewal_pending",
    }
)  # fmt: skip
_FLAG_WORDS: dict[str, bool] = {
    **dict.fromkeys(("yes", "y", "true", "t", "1", "x", "churned", "churn", "lost", "cancelled", "canceled"), True),
    **dict.fromkeys(("no", "n", "false", "f", "0", "active", "renewed", "retained"), False),
}
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%Y-%m",
    "%d-%b-%Y",
    "%b %d, %Y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
)
_EXAMPLE_ROWS = 5
_DISTINCT_SHOWN = 10  # unreadable values reported one by one, most frequent first; a column of junk stops there


@dataclass(frozen=True)
class Outcome:
    """What happened to one account, and when (None: a flag with no date)."""

    account_id: str
    outcome: OutcomeKind
    event_date: date | None
    arr_lost: float | None


@dataclass(frozen=True)
class OutcomeProblem:
    """One thing in the file we could not use, said so the user can fix it.

    ``rows`` are spreadsheet row numbers (the header is row 1) of a few
    examples; ``count`` is how many cells carry ``value``.
    """

    kind: ProblemKind
    file: str
    column: str | None
    value: str | None
    count: int
    rows: tuple[int, ...]
    message: str


@dataclass(frozen=True)
class OutcomesRead:
    """The outcomes we could read, and what we could not."""

    outcomes: tuple[Outcome, ...]
    problems: tuple[OutcomeProblem, ...]
    columns: dict[Role, str]

    @property
    def churners(self) -> int:
        return sum(o.outcome == "churned" for o in self.outcomes)


@functools.lru_cache(maxsize=1)
def _synonym_keys() -> tuple[dict[str, tuple[int, int, Role]], dict[str, tuple[int, int, Role]]]:
    """Each synonym as a header normalises (exact) and as its ``header_form`` (loose): (role order, rank, role)."""
    exact: dict[str, tuple[int, int, Role]] = {}
    loose: dict[str, tuple[int, int, Role]] = {}
    for order, (role, synonyms) in enumerate(_SYNONYMS.items()):
        for rank, synonym in enumerate(synonyms):
            exact.setdefault(normalise(synonym), (order, rank, role))
            if form := header_form(synonym):
                loose.setdefault(form, (order, rank, role))
    return exact, loose


def detect_columns(headers: Sequence[str]) -> dict[Role, str]:
    """Which header plays which role; a role no header fits is absent.

    Headers are read with the portfolio's own rules (``fields.normalise`` and
    ``fields.header_form``): case, spacing, punctuation, camelCase, brackets,
    currencies and word order do not matter.
    """
    exact, loose = _synonym_keys()
    found: dict[Role, tuple[int, str]] = {}
    for header in headers:
        hit = exact.get(normalise(header))
        penalty = 0
        if hit is None:
            hit, penalty = loose.get(header_form(header)), 1000
        if hit is None:
            continue
        _order, rank, role = hit
        rank += penalty
        if role not in found or rank < found[role][0]:
            found[role] = (rank, header)
    return {role: header for role, (_, header) in found.items()}


def holds_outcomes(columns: Mapping[Role, str]) -> bool:
    """True when the detected columns name the account and say what happened to it."""
    return "account_id" in columns and bool(OUTCOME_ROLES & set(columns))


def _rows(positions: Sequence[int]) -> tuple[int, ...]:
    return tuple(int(p) + 2 for p in positions[:_EXAMPLE_ROWS])


def _unreadable(name: str, column: str, cells: pd.Series, bad: pd.Series, what: str) -> list[OutcomeProblem]:
    """One problem per distinct unreadable value, most frequent first."""
    problems: list[OutcomeProblem] = []
    values = cells[bad]
    for value, count in values.value_counts().head(_DISTINCT_SHOWN).items():
        positions = list(values.index[values == value])
        shown = str(value) if str(value).strip() else "(empty)"
        problems.append(
            OutcomeProblem(
                kind="unreadable_value",
                file=name,
                column=column,
                value=shown,
                count=int(count),
                rows=_rows(positions),
                message=(
                    f"{name}: column {column!r}: {count} row(s) hold {shown!r}, which is not {what}; "
                    f"those rows were left out. Correct the value (rows {', '.join(map(str, _rows(positions)))}) "
                    "and upload the file again."
                ),
            )
        )
    return problems


def _normalised(cells: pd.Series) -> pd.Series:
    """``fields.normalise`` of every cell, computed once per distinct value (a column repeats a few words)."""
    lookup = {value: normalise(value) for value in cells.unique()}
    return cells.map(lookup)


def _parse_dates(cells: pd.Series) -> pd.Series:
    """Dates under the one format that reads most cells; unreadable cells become NaT.

    Each format is tried on the distinct values only: a column of 100k
    outcomes holds a few hundred distinct dates.
    """
    text = cells.str.strip()
    distinct = pd.Series(text.unique())
    best = pd.Series(pd.NaT, index=distinct.index, dtype="datetime64[ns]")
    best_count = -1
    for fmt in _DATE_FORMATS:
        parsed = pd.to_datetime(distinct, format=fmt, errors="coerce")
        count = int(parsed.notna().sum())
        if count > best_count:
            best, best_count = parsed, count
    lookup = pd.Series(best.to_numpy(), index=distinct.to_numpy())
    return pd.Series(lookup.reindex(text.to_numpy()).to_numpy(), index=cells.index, dtype="datetime64[ns]")


def _parse_money(cells: pd.Series) -> pd.Series:
    """Amounts such as "$12,500" or "3000 EUR", cleaned once per distinct value."""
    distinct = pd.Series(cells.unique())
    cleaned = distinct.str.lower().str.replace(r"[$€£¥,\s]|usd|eur|gbp", "", regex=True)
    lookup = pd.Series(pd.to_numeric(cleaned, errors="coerce").abs().to_numpy(), index=distinct.to_numpy())
    return pd.Series(lookup.reindex(cells.to_numpy()).to_numpy(dtype=float), index=cells.index)


def read_outcomes(frame: pd.DataFrame, name: str) -> OutcomesRead:
    """Outcomes from a table already parsed from CSV (every cell read as text is safest)."""
    columns = detect_columns([str(c) for c in frame.columns])
    if "account_id" not in columns:
        return OutcomesRead((), (_missing(name, frame, "an account id column (e.g. 'Account ID')"),), columns)
    if not OUTCOME_ROLES & set(columns):
        return OutcomesRead(
            (),
            (
                _missing(
                    name,
                    frame,
                    "a churn date ('Churn Date'), a churn flag ('Churned?') or a renewal outcome ('Outcome', 'Status')",
                ),
            ),
            columns,
        )

    table = frame.reset_index(drop=True).astype("string").fillna("")
    problems: list[OutcomeProblem] = []
    usable = pd.Series(True, index=table.index)

    ids = table[columns["account_id"]].str.strip()
    no_id = ids == ""
    if no_id.any():
        positions = list(ids.index[no_id])
        problems.append(
            OutcomeProblem(
                "missing_id",
                name,
                columns["account_id"],
                None,
                len(positions),
                _rows(positions),
                f"{name}: column {columns['account_id']!r}: {len(positions)} row(s) have no account id and were "
                "left out. Fill in the id so the outcome can be matched to its account.",
            )
        )
        usable &= ~no_id

    status = pd.Series("", index=table.index, dtype="string")
    if "outcome" in columns:
        cells = table[columns["outcome"]]
        words = _normalised(cells)
        mapped = words.map(_OUTCOME_WORDS).fillna("")
        still_open = words.isin(_OPEN_WORDS) & usable
        if still_open.any():
            problems.append(_open_rows(name, columns["outcome"], cells, still_open))
        bad = (mapped == "") & ~still_open
        problems += _unreadable(name, columns["outcome"], cells, bad & usable, _OUTCOME_TEXT)
        status = mapped.astype("string")
        usable &= mapped != ""
    elif "churn_flag" in columns:
        cells = table[columns["churn_flag"]]
        flags = _normalised(cells).map(_FLAG_WORDS)
        bad = flags.isna()
        problems += _unreadable(name, columns["churn_flag"], cells, bad & usable, "a yes/no churn flag")
        status = flags.map({True: "churned", False: "renewed"}).fillna("").astype("string")
        usable &= ~bad

    dates: dict[Role, pd.Series] = {}
    for role in ("churn_date", "renewal_date"):
        if role in columns:
            cells = table[columns[role]]
            parsed = _parse_dates(cells)
            bad = parsed.isna() & (cells.str.strip() != "")
            problems += _unreadable(name, columns[role], cells, bad & usable, "a date (e.g. 2026-03-31)")
            dates[role] = parsed
            usable &= ~bad
    if "outcome" not in columns and "churn_flag" not in columns:
        # A churn-date file: a date means churned, an empty cell means the account stayed.
        status = dates["churn_date"].notna().map({True: "churned", False: "renewed"}).astype("string")

    arr_lost = pd.Series(float("nan"), index=table.index)
    if "arr_lost" in columns:
        cells = table[columns["arr_lost"]]
        arr_lost = _parse_money(cells)
        bad = arr_lost.isna() & (cells.str.strip() != "")
        problems += _unreadable(name, columns["arr_lost"], cells, bad & usable, "an amount (e.g. $12,000)")
        usable &= ~bad

    event = pd.Series(pd.NaT, index=table.index, dtype="datetime64[ns]")
    if "renewal_date" in dates:
        event = dates["renewal_date"]
    if "churn_date" in dates:
        churn_first = dates["churn_date"].where(status == "churned")
        event = churn_first.fillna(event)

    # Plain lists from here: reading a Series cell by cell costs microseconds each, minutes on a big book.
    kept = np.flatnonzero(usable.to_numpy(dtype=bool))
    id_list = ids.to_numpy(dtype=object)
    status_list = status.to_numpy(dtype=object)
    stamps = event.dt.date.to_numpy(dtype=object)
    missing_stamp = event.isna().to_numpy()
    losses = arr_lost.to_numpy(dtype=float)
    by_account: dict[str, tuple[int, Outcome]] = {}
    duplicates: dict[str, list[int]] = {}
    kept_rows = zip(
        kept.tolist(),
        id_list[kept].tolist(),
        status_list[kept].tolist(),
        missing_stamp[kept].tolist(),
        stamps[kept].tolist(),
        losses[kept].tolist(),
        strict=True,
    )
    for position, account, kind, undated, stamp, loss in kept_rows:
        outcome = Outcome(
            account_id=str(account),
            outcome=_KINDS[str(kind)],
            event_date=None if undated else stamp,
            arr_lost=None if math.isnan(loss) else float(loss),
        )
        previous = by_account.get(outcome.account_id)
        if previous is not None and previous[1] != outcome:  # a monthly export repeats the same outcome: fine
            duplicates.setdefault(outcome.account_id, [previous[0]]).append(position)
        if previous is not None and later(previous[1], outcome):
            continue
        by_account[outcome.account_id] = (position, outcome)
    if duplicates:
        rows = [r for positions in duplicates.values() for r in positions[1:]]
        problems.append(
            OutcomeProblem(
                "duplicate_account",
                name,
                columns["account_id"],
                next(iter(duplicates)),
                len(duplicates),
                _rows(rows),
                f"{name}: {len(duplicates)} account(s) appear more than once; the latest dated row of each was "
                "used. Keep one outcome per account (its latest renewal) to silence this.",
            )
        )
    return OutcomesRead(tuple(o for _, o in by_account.values()), tuple(problems), columns)


_OUTCOME_TEXT = "an outcome we know (Renewed / Won, Churned / Lost / Closed Lost / Cancelled, Contracted / Downgraded)"


def later(kept: Outcome, new: Outcome) -> bool:
    """True when the row already kept is dated after the new one (so the new one is dropped)."""
    if kept.event_date is None or new.event_date is None:
        return new.event_date is None and kept.event_date is not None
    return kept.event_date > new.event_date


def _open_rows(name: str, column: str, cells: pd.Series, still_open: pd.Series) -> OutcomeProblem:
    """One note for the rows whose deal is still open: they are not outcomes yet."""
    positions = list(cells.index[still_open])
    values = cells[still_open].value_counts()
    shown = ", ".join(repr(str(v)) for v in values.index[:4]) + (", …" if len(values) > 4 else "")
    return OutcomeProblem(
        "still_open",
        name,
        column,
        str(values.index[0]),
        len(positions),
        _rows(positions),
        f"{name}: column {column!r}: {len(positions)} row(s) are still open ({shown}), so they are not an "
        "outcome yet and were left out; they count once the renewal closes as won or lost.",
    )


def _missing(name: str, frame: pd.DataFrame, what: str) -> OutcomeProblem:
    headers = ", ".join(repr(str(c)) for c in frame.columns) or "none"
    return OutcomeProblem(
        "missing_column",
        name,
        None,
        None,
        0,
        (),
        f"{name}: no column holds {what}. Headers found: {headers}. Rename a column or add one, then upload again.",
    )


def read_outcomes_csv(source: str | Path | bytes, name: str) -> OutcomesRead:
    """Parse a CSV (path or uploaded bytes) and read its outcomes; a file pandas cannot parse is a problem.

    The delimiter is the one the header line uses most (comma, semicolon, tab
    or pipe): European exports use semicolons, and a sniffer guesses wrong on
    two-column files.
    """
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        header = text.split("\n", 1)[0]
        delimiter = max(",;\t|", key=header.count)
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=delimiter, skipinitialspace=True)
    except (OSError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        problem = OutcomeProblem(
            "unreadable_file",
            name,
            None,
            None,
            0,
            (),
            f"{name}: could not be read as a CSV table ({exc}). Export it again as CSV with one header row.",
        )
        return OutcomesRead((), (problem,), {})
    return read_outcomes(frame, name)
