"""Columns the scoring run does not keep, read from the same exports: ARR by month, NPS, yes/no flags.

The portfolio keeps one ARR per account (the latest); retention needs ARR at
two dates, the reference programme needs NPS and three expansion signals are
yes/no columns.  This reads just those columns from the uploaded exports
with pandas, matching headers with the portfolio's own normalisation and
synonyms.  Delimited text and Parquet are read; other formats are skipped
with a note, and a cell that will not parse is skipped and counted, never
read as zero.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from scoring.portfolio.contract import Export
from scoring.portfolio.ingest.fields import CANONICAL_BY_ID, normalise

MAX_BYTES = 512 * 1024 * 1024  # an export larger than this is not re-read for these columns
_TRUE = {"yes", "y", "true", "1", "x", "requested", "interested", "rising", "up"}
_FALSE = {"no", "n", "false", "0", "", "none", "flat", "down"}
_MONEY = re.compile(r"[^0-9.\-]")


@dataclass
class Extras:
    """What the exports say beyond the scored columns.

    ``arr_by_month`` maps 'YYYY-MM' to {account id: ARR}; ``latest`` maps
    'nps', 'active_users' and 'licensed_seats' to each account's latest value
    (NPS as exported: -100..100 or 0..10, see ``nps_scale``);
    ``flags`` maps an account id to the expansion signal ids its exports
    mark yes; ``notes`` says what was skipped and why.
    """

    arr_by_month: dict[str, dict[str, float]] = field(default_factory=dict)
    latest: dict[str, dict[str, float]] = field(default_factory=dict)
    nps_scale: int = 100
    flags: dict[str, frozenset[str]] = field(default_factory=dict)
    flag_columns: dict[str, str] = field(default_factory=dict)  # signal id -> the header that fed it
    notes: list[str] = field(default_factory=list)

    @property
    def nps(self) -> dict[str, float]:
        return self.latest.get("nps", {})

    def seats(self, account_id: str) -> tuple[float | None, float | None]:
        """(active users, licensed seats) in the account's latest rows, None where no export says."""
        return (
            self.latest.get("active_users", {}).get(account_id),
            self.latest.get("licensed_seats", {}).get(account_id),
        )


def _headers(fields: Iterable[str]) -> dict[str, str]:
    """normalised synonym -> field id for the canonical fields we need."""
    index: dict[str, str] = {}
    for field_id in fields:
        f = CANONICAL_BY_ID[field_id]
        for name in (f.id, *f.synonyms):
            index.setdefault(normalise(name), field_id)
    return index


LATEST_FIELDS = ("nps", "active_users", "licensed_seats")
_CANONICAL = _headers(("account_id", "period", "arr", *LATEST_FIELDS))


def _frame(export: Export) -> pd.DataFrame | None:
    data: bytes | str = str(export.path) if export.path else export.data
    size = export.path.stat().st_size if export.path else len(export.data)
    if size > MAX_BYTES:
        return None
    head = export.path.read_bytes()[:4] if export.path else export.data[:4]
    if head == b"PAR1":
        return pd.read_parquet(data if isinstance(data, str) else io.BytesIO(data)).astype("string")
    if head.startswith(b"PK"):
        return None
    raw = export.path.read_bytes() if export.path else export.data
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first = text.split("\n", 1)[0]
    sep = max(("\t", ";", ",", "|"), key=first.count)
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)


def _number(cell: str) -> float | None:
    """'$13,200' -> 13200.0, '-21' -> -21.0; None when nothing numeric is there."""
    text = _MONEY.sub("", cell)
    try:
        return float(text)
    except ValueError:
        return None


def _money(cell: str) -> float | None:
    value = _number(cell)
    return value if value is not None and value >= 0 else None


def _months(cells: pd.Series) -> pd.Series:
    """'YYYY-MM' per cell, None where the cell is not a date."""
    stamps = pd.to_datetime(cells, errors="coerce", format="mixed")
    return stamps.dt.strftime("%Y-%m").where(stamps.notna(), None)


def read_extras(exports: Sequence[Export], flag_columns: Mapping[str, Sequence[str]]) -> Extras:
    """ARR by month, latest NPS and expansion flags from the exports (see ``Extras``)."""
    out = Extras()
    flag_index = {normalise(h): sid for sid, headers in flag_columns.items() for h in headers}
    flags: dict[str, set[str]] = {}
    for export in exports:
        try:
            frame = _frame(export)
        except (ValueError, OSError, pd.errors.ParserError):
            frame = None
        if frame is None:
            out.notes.append(f"{export.name}: not re-read for ARR history, NPS or expansion flags (format or size).")
            continue
        roles: dict[str, str] = {}
        for header in frame.columns:
            key = normalise(str(header))
            role = _CANONICAL.get(key) or flag_index.get(key)
            if role and role not in roles:
                roles[role] = str(header)
        if "account_id" not in roles:
            continue
        ids = frame[roles["account_id"]].astype(str).str.strip()
        months = _months(frame[roles["period"]]) if "period" in roles else pd.Series([None] * len(frame))
        if "arr" in roles and "period" in roles:
            for account, month, cell in zip(ids, months, frame[roles["arr"]], strict=True):
                value = _money(str(cell))
                if account and month and value is not None:
                    out.arr_by_month.setdefault(month, {})[account] = value
        order = months.fillna("").argsort(kind="stable")
        for name in LATEST_FIELDS:
            if name not in roles:
                continue
            latest = out.latest.setdefault(name, {})
            for account, cell in zip(ids.iloc[order], frame[roles[name]].iloc[order], strict=True):
                value = _number(str(cell))
                if account and value is not None:
                    latest[account] = value
        for sid in flag_columns:
            if sid not in roles:
                continue
            out.flag_columns[sid] = roles[sid]
            for account, cell in zip(ids, frame[roles[sid]], strict=True):
                word = str(cell).strip().lower()
                if word in _TRUE and account:
                    flags.setdefault(account, set()).add(sid)
    if out.nps and max(out.nps.values()) <= 10 and min(out.nps.values()) >= 0:
        out.nps_scale = 10
    out.flags = {k: frozenset(v) for k, v in flags.items()}
    return out
