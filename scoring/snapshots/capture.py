"""A scored portfolio into a snapshot: what it was scored from, with which model version, as of when.

Saving is idempotent on (model hash, file digests, as-of date): the Monday
job that saves the same exports twice keeps one snapshot.  The model hash
is taken over the model's full TOML text (``scoring.model_toml.to_toml``),
which is also stored, so a reweighted model is a new version and an old
snapshot can still be explained with the weights that scored it.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from scoring.db import snapshot_store
from scoring.model import Model
from scoring.model_toml import to_toml
from scoring.portfolio.contract import Export, PortfolioResult, att_column, bonus_column
from scoring.portfolio.run import score_exports
from scoring.snapshots.records import DEMO_LABEL, SnapshotInfo, SourceFile
from scoring.storage import Store

CHUNK = 1 << 20
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


class SnapshotError(ValueError):
    """A snapshot cannot be saved or found; the message says what to do."""


def model_hash(model: Model) -> str:
    """A SHA-256 of the model's TOML text: equal for equal weights, cut-offs and bands."""
    return hashlib.sha256(to_toml(model).encode()).hexdigest()


def file_digest(export: Export) -> str:
    """A SHA-256 of the file's bytes, read in chunks when it is on disk."""
    digest = hashlib.sha256()
    if export.path is None:
        digest.update(export.data)
    else:
        with export.path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    return digest.hexdigest()


def source_files(exports: Sequence[Export]) -> tuple[SourceFile, ...]:
    return tuple(SourceFile(e.name, file_digest(e)) for e in exports)


def files_key(files: Sequence[SourceFile]) -> str:
    """One digest for a set of files, whatever order they were given in."""
    return hashlib.sha256("\n".join(sorted(f"{f.digest} {f.name}" for f in files)).encode()).hexdigest()


def date_in_names(names: Sequence[str]) -> date | None:
    """The latest valid ISO date (YYYY-MM-DD) in the file names, as scheduled exports often carry."""
    found: list[date] = []
    for name in names:
        for y, m, d in _ISO_DATE.findall(name):
            try:
                found.append(date(int(y), int(m), int(d)))
            except ValueError:
                continue
    return max(found) if found else None


def _first_line(export: Export) -> bytes:
    """The header row of a text export, read from the start of the file only."""
    if export.path is not None:
        with export.path.open("rb") as handle:
            head = handle.read(64 * 1024)
    else:
        head = export.data[: 64 * 1024]
    return head.split(b"\n", 1)[0].strip()


def same_extract_twice(exports: Sequence[Export]) -> str | None:
    """Why these files cannot make one snapshot, when two are the same extract from different days.

    The uploader adds files; it does not replace them.  Dropping this week's
    extract beside last week's scores both weeks as one book (the first
    file's values mostly win) and the snapshot would carry the later date.
    Two files with the same header row and different dates in their names
    are that mistake, never two parts of one book.
    """
    seen: dict[bytes, tuple[str, date]] = {}
    for export in exports:
        named = date_in_names([export.name])
        if named is None:
            continue
        header = _first_line(export)
        if header in seen and seen[header][1] != named:
            first, when = seen[header]
            return (
                f"{first} and {export.name} are the same export from two days ({when:%d %b %Y} and "
                f"{named:%d %b %Y}), so together they would save two weeks as one. Remove the older file from "
                "the upload and save again; a snapshot is one day's book."
            )
        seen.setdefault(header, (export.name, named))
    return None


def as_of_for(result: PortfolioResult, names: Sequence[str], requested: date | None = None) -> date:
    """The snapshot's as-of date: the one asked for, else the data's.

    Files with a month column date themselves (the end of the latest month).
    Undated files (one row per account, as a weekly extract is) take a date
    in their file names, e.g. ``accounts_2026-11-13.csv``; failing that, the
    day they were scored.
    """
    if requested is not None:
        return requested
    dated = "period" in result.accounts and result.accounts["period"].notna().any()
    named = None if dated else date_in_names(names)
    return named or result.as_of or date.today()


def _number(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _flag(value: Any) -> bool | None:
    return None if value is None or pd.isna(value) else bool(value)


def snapshot_rows(result: PortfolioResult, model: Model) -> pd.DataFrame:
    """One row per account: who it is, score, band, coverage, and the signals, attainments,
    group values and bonuses as JSON objects (null where the data had no value)."""
    frame = result.accounts
    signals = model.signal_ids
    value_cols = {s: frame[s].tolist() if s in frame else [None] * len(frame) for s in signals}
    att_cols = {s: frame[att_column(s)].tolist() if att_column(s) in frame else [None] * len(frame) for s in signals}
    bonus_cols = {
        b.id: frame[bonus_column(b.id)].tolist() if bonus_column(b.id) in frame else [None] * len(frame)
        for b in model.bonuses
    }
    values_json, atts_json, groups_json, bonuses_json = [], [], [], []
    for i in range(len(frame)):
        values = {s: _number(value_cols[s][i]) for s in signals}
        atts = {s: _number(att_cols[s][i]) for s in signals}
        groups: dict[str, float | None] = {}
        for group in model.groups:
            present = [a for s in group.signals if (a := atts[s]) is not None]
            groups[group.id] = sum(present) / len(present) if present else None
        values_json.append(json.dumps(values))
        atts_json.append(json.dumps(atts))
        groups_json.append(json.dumps(groups))
        bonuses_json.append(json.dumps({b: _flag(col[i]) for b, col in bonus_cols.items()}))
    return pd.DataFrame(
        {
            "account_id": frame["account_id"].astype(str).tolist(),
            "account_name": frame["account_name"].tolist(),
            "owner": frame["owner"].tolist(),
            "segment": frame["segment"].tolist(),
            "arr": [_number(v) for v in frame["arr"].tolist()],
            "score": [_number(v) for v in frame["score"].tolist()],
            "band": frame["band"].astype(str).tolist(),
            "coverage": [_number(v) for v in frame["coverage"].tolist()],
            "signals": values_json,
            "attainments": atts_json,
            "groups": groups_json,
            "bonuses": bonuses_json,
        }
    )


@dataclass(frozen=True)
class Saved:
    """What a save did: the snapshot, and whether it is new (False: the same one was already kept)."""

    snapshot: SnapshotInfo
    created: bool


def save_result(
    store: Store,
    result: PortfolioResult,
    model: Model,
    files: Sequence[SourceFile],
    as_of: date,
    label: str = "",
) -> Saved:
    """Keep a scored portfolio as a snapshot (one transaction), unless the same one is kept already.

    A team's own first snapshot removes the demo snapshots, so the two histories never mix.
    """
    if result.accounts.empty:
        raise SnapshotError("Nothing was scored, so there is nothing to keep: fix the files' problems first.")
    tables = snapshot_store(store)
    header: Mapping[str, Any] = {
        "as_of": as_of,
        "model_id": model.id,
        "model_name": model.name,
        "model_hash": model_hash(model),
        "model_toml": to_toml(model),
        "files_key": files_key(files),
        "label": label,
    }
    if label != DEMO_LABEL:
        for demo in (s for s in tables.list() if s.label == DEMO_LABEL):
            tables.delete(demo.id)
    existing = tables.find(header["model_hash"], header["files_key"], as_of)
    sid, created = (
        (existing, False) if existing is not None else tables.save(header, files, snapshot_rows(result, model))
    )
    kept = next(s for s in tables.list() if s.id == sid)
    return Saved(kept, created)


def save_exports(
    store: Store,
    exports: Sequence[Export],
    model: Model,
    overrides: Mapping[str, str | None] | None = None,
    as_of: date | None = None,
    label: str = "",
    result: PortfolioResult | None = None,
) -> tuple[Saved, PortfolioResult]:
    """Score the exports (or reuse ``result`` when its day counts were measured on the same date) and save.

    Scoring again at the snapshot's as-of date keeps the days-based signals
    (responsiveness, days to renewal) true to that date rather than to today.
    """
    mixed = same_extract_twice(exports)
    if mixed is not None:
        raise SnapshotError(mixed)
    names = [e.name for e in exports]
    scored = result if result is not None else score_exports(exports, model, overrides, store, as_of)
    when = as_of_for(scored, names, as_of)
    if scored.as_of != when:
        scored = score_exports(exports, model, overrides, store, when)
    return save_result(store, scored, model, source_files(exports), when, label), scored
