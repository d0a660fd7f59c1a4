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

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import pandas as pd

OutcomeKind = Literal["churned", "renewed", "contracted"]
OUTCOME_KINDS: tuple[OutcomeKind, ...] = ("churned", "renewed", "contracted")
Role = Literal["account_id", "churn_date", "churn_flag", "renewal_date", "outcome", "arr_lost"]
ProblemKind = Literal["unreadable_file", "missing_column", "unreadable_value", "missing_id", "duplicate_account"]

# Header synonyms per role, already normalised.  The first role whose synonym
# matches a header wins; within a role the earlier synonym wins when two
# headers compete ("Account ID" beats "ID").
_SYNONYMS: dict[Role, tuple[str, ...]] = {
    "account_id": (
        "account_id",
        "accountid",
        "acct_id",
        "customer_id",
        "client_id",
        "company_id",
        "org_id",
        "tenant_id",
        "crm_id",
        "sfdc_id",
        "salesforce_id",
        "account_number",
        "customer_number",
        "account",
        "customer",
        "id",
    ),
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
        "outcome_date",
    ),
    "outcome": (
        "outcome",
        "renewal_outcome",
        "renewal_status",
        "renewal_stage",
        "status",
        "stage",
        "opportunity_stage",
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
_HEADER_NOISE = {"usd", "eur", "gbp", "in", "the", "total", "of", "yes_no", "y_n"}

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


def normalise(text: object) -> str:
    """'Account ID', 'account-id' and 'AccountId' all become 'account_id' (as the portfolio does)."""
    value = unicodedata.normalize("NFKC", str(text)).strip()
    value = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", value)
    value = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", value)
    value = value.replace("%", " pct ").replace("#", " num ")
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")


def _as_kind(text: str) -> OutcomeKind:
    """Narrow a mapped status (only kept rows reach here, so it is always a kind) to its Literal type."""
    for kind in OUTCOME_KINDS:
        if kind == text:
            return kind
    raise ValueError(f"{text!r} is not an outcome")


def detect_columns(headers: Sequence[str]) -> dict[Role, str]:
    """Which header plays which role; a role no header fits is absent."""
    found: dict[Role, tuple[int, str]] = {}
    for header in headers:
        key = normalise(header)
        trimmed = "_".join(part for part in key.split("_") if part not in _HEADER_NOISE)
        for role, synonyms in _SYNONYMS.items():
            rank = next((i for i, s in enumerate(synonyms) if s in (key, trimmed)), None)
            if rank is None:
                continue
            if role not in found or rank < found[role][0]:
                found[role] = (rank, header)
            break
    return {role: header for role, (_, header) in found.items()}


def _rows(positions: Sequence[int]) -> tuple[int, ...]:
    return tuple(int(p) + 2 for p in positions[:_EXAMPLE_ROWS])


def _unreadable(name: str, column: str, cells: pd.Series, bad: pd.Series, what: str) -> list[OutcomeProblem]:
    """One problem per distinct unreadable value, most frequent first."""
    problems: list[OutcomeProblem] = []
    values = cells[bad]
    for value, count in values.value_counts().items():
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


def _parse_dates(cells: pd.Series) -> pd.Series:
    """Dates under the one format that reads most cells; unreadable cells become NaT."""
    text = cells.str.strip()
    best = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")
    best_count = -1
    for fmt in _DATE_FORMATS:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        count = int(parsed.notna().sum())
        if count > best_count:
            best, best_count = parsed, count
    return best


def _parse_money(cells: pd.Series) -> pd.Series:
    cleaned = cells.str.lower().str.replace(r"[$€£¥,\s]|usd|eur|gbp", "", regex=True)
    return pd.to_numeric(cleaned, errors="coerce").abs()


def read_outcomes(frame: pd.DataFrame, name: str) -> OutcomesRead:
    """Outcomes from a table already parsed from CSV (every cell read as text is safest)."""
    columns = detect_columns([str(c) for c in frame.columns])
    if "account_id" not in columns:
        return OutcomesRead((), (_missing(name, frame, "an account id column (e.g. 'Account ID')"),), columns)
    if not {"churn_date", "churn_flag", "outcome"} & set(columns):
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
        mapped = cells.map(lambda v: _OUTCOME_WORDS.get(normalise(v), ""))
        bad = mapped == ""
        problems += _unreadable(name, columns["outcome"], cells, bad & usable, _OUTCOME_TEXT)
        status = mapped.astype("string")
        usable &= ~bad
    elif "churn_flag" in columns:
        cells = table[columns["churn_flag"]]
        flags = cells.map(lambda v: _FLAG_WORDS.get(normalise(v)))
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

    kept = table.index[usable]
    by_account: dict[str, tuple[int, Outcome]] = {}
    duplicates: dict[str, list[int]] = {}
    for position in kept:
        stamp = event[position]
        loss = arr_lost[position]
        outcome = Outcome(
            account_id=str(ids[position]),
            outcome=_as_kind(str(status[position])),
            event_date=None if pd.isna(stamp) else stamp.date(),
            arr_lost=None if pd.isna(loss) else float(loss),
        )
        previous = by_account.get(outcome.account_id)
        if previous is not None:
            duplicates.setdefault(outcome.account_id, [previous[0]]).append(int(position))
            if _later(previous[1], outcome):
                continue
        by_account[outcome.account_id] = (int(position), outcome)
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


def _later(kept: Outcome, new: Outcome) -> bool:
    """True when the row already kept is dated after the new one (so the new one is dropped)."""
    if kept.event_date is None or new.event_date is None:
        return new.event_date is None and kept.event_date is not None
    return kept.event_date > new.event_date


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
