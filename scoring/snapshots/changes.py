"""Two snapshots compared: who moved, and for one account why, in points, from the model itself.

A move is explained signal by signal: each signal's points (its share of
the score, ``scoring.engine.score`` drivers) in the older snapshot against
the newer one, plus the bonuses.  Those parts add up to the unrounded score,
so the explanation's deltas sum to the score change within rounding (a
property test holds this for every preset model).  Each snapshot is
explained with the model version that scored it, so a reweighting shows as
a change in points with unchanged values; ``rescored`` re-scores the older
snapshot's stored signals with the current model when the user would rather
compare like with like.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scoring.actions import describe_value
from scoring.db import snapshot_store
from scoring.engine import NoSignals, Scorecard, score
from scoring.formatting import points_number
from scoring.model import Model, Signal
from scoring.model_toml import load_model_text
from scoring.portfolio.contract import bonus_column
from scoring.snapshots.records import SnapshotInfo
from scoring.storage import Store

# Worse to the right: a move to a later band is a move down.
BAND_RANK = {"green": 0, "yellow": 1, "red": 2}
SAME = 0.05  # points: a part that moved less than this reads as unchanged at one decimal


def model_of(snapshot: SnapshotInfo) -> Model:
    """The model version that scored the snapshot, from its stored TOML."""
    return load_model_text(snapshot.model_toml, f"snapshot {snapshot.id}")


def same_model(a: SnapshotInfo, b: SnapshotInfo) -> bool:
    return a.model_hash == b.model_hash


def latest_pair(snapshots: Sequence[SnapshotInfo]) -> tuple[SnapshotInfo, SnapshotInfo] | None:
    """The two latest snapshots, older first; None with fewer than two."""
    return (snapshots[-2], snapshots[-1]) if len(snapshots) >= 2 else None


def compare(store: Store, older: SnapshotInfo, newer: SnapshotInfo) -> pd.DataFrame:
    """Every account of the newer snapshot with its older score and band (NaN / None when it is new).

    Columns: account_id, account_name, owner, segment, arr, old_score, new_score, old_band,
    new_band, delta (new - old, NaN for a new account), moved_down.
    """
    return snapshot_store(store).compare(older.id, newer.id, list(BAND_RANK))


def moved_down_flags(frame: pd.DataFrame) -> pd.Series:
    """``moved_down`` for every row at once, as ``compare`` gets it from the store."""
    old = frame["old_band"].map(BAND_RANK)
    new = frame["new_band"].map(BAND_RANK)
    return (old.notna() & new.notna() & (new > old)).astype(bool)


def band_moves(frame: pd.DataFrame) -> pd.DataFrame:
    """From -> to counts and ARR (accounts new in the later snapshot come "from" "new")."""
    moves = frame.assign(old_band=frame["old_band"].fillna("new"))
    grouped = moves.groupby(["old_band", "new_band"], dropna=False).agg(
        accounts=("account_id", "size"), arr=("arr", "sum")
    )
    return grouped.reset_index().rename(columns={"old_band": "from", "new_band": "to"})


def turned_worse(frame: pd.DataFrame) -> pd.DataFrame:
    """Accounts that moved down a band (into yellow or red), largest ARR first."""
    worse = frame[frame["moved_down"]]
    return worse.sort_values(["arr", "delta"], ascending=[False, True], na_position="last")


@dataclass(frozen=True)
class Part:
    """One signal's (or the bonus's) points in each snapshot; a bonus's values are 1 where it counted, else 0."""

    id: str
    label: str
    old_points: float
    new_points: float
    old_value: float | None = None
    new_value: float | None = None
    signal: Signal | None = None

    @property
    def delta(self) -> float:
        return self.new_points - self.old_points


@dataclass(frozen=True)
class Explanation:
    """Why one account's score moved between two snapshots, largest part first."""

    account_id: str
    old_score: float
    new_score: float
    old_band: str
    new_band: str
    parts: tuple[Part, ...]
    reason: str


def _stored(row: Mapping[str, Any], column: str) -> dict[str, Any]:
    return dict(json.loads(str(row[column])))


def card_of(model: Model, row: Mapping[str, Any]) -> Scorecard:
    """Score a stored account row again with ``model`` (signals it lacks count as missing)."""
    signals = _stored(row, "signals")
    values = {sid: signals.get(sid) for sid in model.signal_ids}
    bonuses = [b for b, earned in _stored(row, "bonuses").items() if earned]
    return score(model, values, bonuses)


def parts(old_model: Model, old: Scorecard, new_model: Model, new: Scorecard) -> tuple[Part, ...]:
    """Each signal's and bonus's points in both cards (0 where absent), by size of change, largest first.

    The parts of one card add up to its unrounded score (``Scorecard.raw``).
    """
    old_drivers = {d.signal_id: d for d in old.drivers}
    new_drivers = {d.signal_id: d for d in new.drivers}
    ids = list(dict.fromkeys([*new_model.signal_ids, *old_model.signal_ids]))
    found: list[Part] = []
    for sid in ids:
        o, n = old_drivers.get(sid), new_drivers.get(sid)
        signal = new_model.signal(sid) if sid in new_model.signal_ids else old_model.signal(sid)
        found.append(
            Part(
                sid,
                signal.label,
                o.points if o else 0.0,
                n.points if n else 0.0,
                o.value if o else None,
                n.value if n else None,
                signal,
            )
        )
    if old.bonus_points or new.bonus_points:
        label = " and ".join(dict.fromkeys([*old.bonuses, *new.bonuses]))  # the bonuses counted, not every one
        counted = (float(bool(old.bonus_points)), float(bool(new.bonus_points)))
        found.append(Part("bonus", label, old.bonus_points, new.bonus_points, *counted))
    return tuple(sorted(found, key=lambda p: (-abs(p.delta), p.id)))


def value_text(part: Part, value: float | None) -> str:
    """A signal value as the scorecard says it ('72%'), 'no data' when the snapshot had none; a bonus's 'yes' or 'no'.

    The value goes to ``describe_value`` as stored: rounding it first would
    round twice, so 73.49% would read 74% here and 73% everywhere else.
    """
    if part.signal is None:
        return "yes" if value else "no"
    return describe_value(part.signal, value)


def _phrase(part: Part) -> str:
    verb = "gained" if part.delta > 0 else "cost"
    size = f"{points_number(abs(part.delta)):.1f} points"
    if part.signal is None:
        return f"{part.label} {verb} {size}"
    if part.old_value == part.new_value:
        return f"{part.label} unchanged at {value_text(part, part.new_value)} but re-weighted, {verb} {size}"
    return f"{part.label} {value_text(part, part.old_value)} → {value_text(part, part.new_value)} {verb} {size}"


def reason(old_band: str, new_band: str, found: Sequence[Part], old_score: float, new_score: float) -> str:
    """One line: the band move, the (up to three) parts that moved most, and the signals that did not."""
    head = (
        f"{old_band.capitalize()} → {new_band.capitalize()}"
        if old_band != new_band
        else f"Still {new_band}, {old_score:g} → {new_score:g}"
    )
    movers = [p for p in found if abs(p.delta) >= SAME][:3]
    steady = [p.label for p in found if p.signal is not None and abs(p.delta) < SAME and p.old_value == p.new_value]
    if not movers:
        return f"{head}: no signal moved."
    bits = [_phrase(p) for p in movers]
    if steady:
        more = f" and {len(steady) - 2} more" if len(steady) > 2 else ""
        bits.append(", ".join(steady[:2]) + more + " unchanged")
    return f"{head}: " + "; ".join(bits) + "."


def explain(
    old_model: Model, old_row: Mapping[str, Any], new_model: Model, new_row: Mapping[str, Any]
) -> Explanation | None:
    """Why the account moved between two stored rows; None when either row has no signal to score."""
    try:
        old, new = card_of(old_model, old_row), card_of(new_model, new_row)
    except NoSignals:
        return None
    found = parts(old_model, old, new_model, new)
    return Explanation(
        str(new_row["account_id"]),
        old.score,
        new.score,
        str(old.band),
        str(new.band),
        found,
        reason(str(old.band), str(new.band), found, old.score, new.score),
    )


def explain_account(
    store: Store, older: SnapshotInfo, newer: SnapshotInfo, account_id: str, current: Model | None = None
) -> Explanation | None:
    """Why one account moved between two snapshots; None when it is missing from either.

    With ``current`` both snapshots are re-scored with that model (like with
    like); without it each is explained with the model version that scored it.
    """
    tables = snapshot_store(store)
    old_rows = tables.accounts(older.id, account_id)
    new_rows = tables.accounts(newer.id, account_id)
    if old_rows.empty or new_rows.empty:
        return None
    old_model = current or model_of(older)
    new_model = current or model_of(newer)
    return explain(old_model, old_rows.iloc[0].to_dict(), new_model, new_rows.iloc[0].to_dict())


def rescored(store: Store, snapshot: SnapshotInfo, model: Model) -> pd.DataFrame:
    """The snapshot's stored signals scored with ``model``: account_id, score, band (NaN / None: no signal)."""
    rows = snapshot_store(store).accounts(snapshot.id)
    scores: list[float | None] = []
    bands: list[str | None] = []
    for row in rows.to_dict("records"):
        try:
            card = card_of(model, row)
        except NoSignals:
            scores.append(None)
            bands.append(None)
            continue
        scores.append(card.score)
        bands.append(str(card.band))
    return pd.DataFrame({"account_id": rows["account_id"], "score": scores, "band": bands})


def with_rescored_older(frame: pd.DataFrame, older: pd.DataFrame) -> pd.DataFrame:
    """``compare``'s frame with the older score and band replaced by a re-scored older snapshot."""
    merged = frame.drop(columns=["old_score", "old_band"]).merge(
        older.rename(columns={"score": "old_score", "band": "old_band"}), on="account_id", how="left"
    )
    merged["delta"] = (merged["new_score"] - merged["old_score"]).round(1)
    merged["moved_down"] = moved_down_flags(merged)
    return merged


def as_accounts(store: Store, snapshot: SnapshotInfo) -> pd.DataFrame:
    """A snapshot's accounts shaped like the portfolio's table: who, score, band, coverage, and one
    column per signal (by id) and bonus (``bonus_column``), so the same links and cards read both."""
    rows = snapshot_store(store).accounts(snapshot.id)
    model = model_of(snapshot)
    signals = [json.loads(str(v)) for v in rows["signals"]]
    bonuses = [json.loads(str(v)) for v in rows["bonuses"]]
    frame = rows.drop(columns=["signals", "attainments", "groups", "bonuses"])
    for sid in model.signal_ids:
        frame[sid] = [s.get(sid) for s in signals]
    for b in model.bonuses:
        frame[bonus_column(b.id)] = [x.get(b.id) for x in bonuses]
    return frame
