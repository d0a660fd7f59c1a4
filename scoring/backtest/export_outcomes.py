"""Outcomes read from the exports themselves, when they carry outcome columns.

Many books need no separate outcomes file: a Salesforce opportunity report
already says "Closed Won" or "Closed Lost" beside each "Close Date", a HubSpot
deals export has "Deal Stage", and a CS platform's company list says "Active"
or "Churned" with the renewal date.  So before asking for an outcomes file the
lab looks in the exports: only the header row is read at first, and only a
file whose headers name an account and an outcome (``outcomes.holds_outcomes``)
is read again, for those columns alone, so a monthly usage export of millions
of rows costs a header read.  Headers and values go through the same rules as
an outcomes file (``outcomes.read_outcomes``), so every unreadable value is
reported the same way.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scoring.portfolio.contract import Export

from .outcomes import Outcome, OutcomeProblem, OutcomesRead, Role, detect_columns, holds_outcomes, later, read_outcomes

_CSV_SUFFIXES = (".csv", ".tsv", ".txt")
_HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class ExportOutcomes:
    """What the exports said about outcomes: the merged read, and which files (and columns) it came from."""

    read: OutcomesRead
    files: tuple[str, ...]


def _bytes(export: Export, limit: int | None = None) -> bytes:
    if export.path is not None:
        with open(export.path, "rb") as handle:
            return handle.read() if limit is None else handle.read(limit)
    return export.data if limit is None else export.data[:limit]


def _encoding(head: bytes) -> str:
    """UTF-16 by its byte-order mark, else UTF-8 (with or without BOM) when it decodes, else Latin-1."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut in half at the end of the sample
            return "latin-1"
    return "utf-8-sig"


def _csv_headers(export: Export) -> tuple[list[str], str, str]:
    """(headers, delimiter, encoding) from the first line; the delimiter is the one the header uses most."""
    head = _bytes(export, _HEAD_BYTES)
    encoding = _encoding(head)
    text = head.decode(encoding, errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t|", key=first.count)
    frame = pd.read_csv(io.StringIO(first + "\n"), sep=delimiter, dtype=str, skipinitialspace=True)
    return [str(c) for c in frame.columns], delimiter, encoding


def _table(export: Export, columns: dict[Role, str]) -> pd.DataFrame:
    """Only the outcome columns of the whole file, every cell as text."""
    wanted = list(dict.fromkeys(columns.values()))
    suffix = Path(export.name).suffix.lower()
    if suffix == ".xlsx":
        return pd.read_excel(io.BytesIO(_bytes(export)), usecols=wanted, dtype=str, keep_default_na=False)
    if suffix == ".parquet":
        source = export.path if export.path is not None else io.BytesIO(export.data)
        return pd.read_parquet(source, columns=wanted).astype("string").fillna("")
    _headers, delimiter, encoding = _csv_headers(export)
    source_csv = export.path if export.path is not None else io.BytesIO(export.data)
    return pd.read_csv(
        source_csv,
        sep=delimiter,
        encoding=encoding,
        usecols=wanted,
        dtype=str,
        keep_default_na=False,
        skipinitialspace=True,
    )


def _headers(export: Export) -> list[str] | None:
    """The file's headers, or None for a file that is not a table we read (it is the portfolio's to report)."""
    suffix = Path(export.name).suffix.lower()
    if suffix == ".xlsx":
        return [str(c) for c in pd.read_excel(io.BytesIO(_bytes(export)), nrows=0).columns]
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        source = export.path if export.path is not None else io.BytesIO(export.data)
        return list(pq.read_schema(source).names)
    if suffix in _CSV_SUFFIXES or not suffix:
        return _csv_headers(export)[0]
    return None


def _unreadable(name: str) -> OutcomeProblem:
    return OutcomeProblem(
        "unreadable_file",
        name,
        None,
        None,
        0,
        (),
        f"{name}: its outcome columns could not be read as a table. Export it again, or upload the outcomes "
        "as a separate CSV file.",
    )


def outcomes_in_exports(exports: Sequence[Export]) -> ExportOutcomes:
    """The outcomes every export with outcome columns holds, merged per account (the latest dated wins).

    ``files`` is empty when no export has outcome columns; the read then holds
    one problem saying which columns would have been recognised.
    """
    found: list[OutcomesRead] = []
    files: list[str] = []
    problems: list[OutcomeProblem] = []
    skipped: list[str] = []
    for export in exports:
        try:
            headers = _headers(export)
        except (OSError, ValueError, ImportError, pd.errors.ParserError, pd.errors.EmptyDataError):
            continue  # the portfolio's reader reports a broken export; nothing to say twice
        if headers is None:
            continue
        columns = detect_columns(headers)
        if not holds_outcomes(columns):
            continue
        try:
            table = _table(export, columns)
        except (OSError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
            problems.append(_unreadable(export.name))
            continue
        read = read_outcomes(table, export.name)
        if not read.outcomes:
            # A tickets export's "Status" (Open / Solved) is not an outcome column: say so only if nothing else is.
            skipped.append(f"{export.name} ({', '.join(repr(c) for c in dict.fromkeys(columns.values()))})")
            continue
        files.append(export.name)
        found.append(read)
        problems.extend(read.problems)
    if not files:
        names = ", ".join(e.name for e in exports) or "no file"
        problems.append(
            OutcomeProblem(
                "missing_column",
                names,
                None,
                None,
                0,
                (),
                f"No outcomes file was given and none of the exports ({names}) has outcome columns: an account id "
                "plus a churn date ('Churn Date'), a churn flag ('Churned?') or a renewal outcome ('Outcome', "
                "'Stage', 'Deal Stage', 'Status'). Upload an outcomes file, or add those columns to an export."
                + (
                    f" Columns that looked like outcomes held no value we read as one: {'; '.join(skipped)}."
                    if skipped
                    else ""
                ),
            )
        )
        return ExportOutcomes(OutcomesRead((), tuple(problems), {}), ())
    return ExportOutcomes(OutcomesRead(_merged(found), tuple(problems), found[0].columns), tuple(files))


def _merged(reads: Sequence[OutcomesRead]) -> tuple[Outcome, ...]:
    """One outcome per account across files: the latest dated one (as within one file)."""
    by_account: dict[str, Outcome] = {}
    for read in reads:
        for outcome in read.outcomes:
            kept = by_account.get(outcome.account_id)
            if kept is None or not later(kept, outcome):
                by_account[outcome.account_id] = outcome
    return tuple(by_account.values())
