"""Score every account as it looked ``lead_days`` before its outcome -- and never later.

A backtest that lets next month's usage into this month's score flatters the
model: the account that stopped logging in is "predicted" by its own
departure.  So each account gets a cut-off (its outcome date minus the lead
time, or -- for a churn flag with no date -- the last month of the history
minus the lead time) and is scored on the latest month that *ended* on or
before that cut-off, or on a saved snapshot taken by then if that is later.
Rows known later are dropped before anything is read.

Scoring 100k accounts one ``scoring.engine.score`` call at a time is too slow,
so ``score_values`` repeats the engine's formula on whole columns; a property
test holds it to the engine within 1e-9.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from scoring.engine import ROUND_EPSILON
from scoring.model import COVERAGE_EPSILON, INSUFFICIENT, LIGHT_POINTS, Model, Signal

from .outcomes import Outcome

# Optional history column: the day a row's values were known (a saved snapshot's as-of date).
# Empty (NaT) for an export's month, which is known once the month has ended.
KNOWN_ON = "known_on"

Floats = npt.NDArray[np.float64]
ExclusionReason = Literal["no_history", "no_history_before_cutoff", "no_signal_values", "no_outcome"]


def signal_attainment(signal: Signal, values: Floats) -> Floats:
    """``scoring.engine.attainment`` on a column; NaN (missing) stays NaN."""
    if signal.transform == "traffic_light":
        t = signal.thresholds
        assert t is not None
        if signal.direction == "higher":
            green, yellow = values >= t.green, values >= t.yellow
        else:
            green, yellow = values <= t.green, values <= t.yellow
        out = np.where(green, LIGHT_POINTS["green"], np.where(yellow, LIGHT_POINTS["yellow"], LIGHT_POINTS["red"]))
    else:
        share = (np.clip(values, signal.min, signal.max) - signal.min) / (signal.max - signal.min)
        out = share if signal.direction == "higher" else 1.0 - share
    return np.where(np.isnan(values), np.nan, out)


def group_attainments(model: Model, values: pd.DataFrame) -> Floats:
    """accounts x groups: the mean attainment of each group's present signals (NaN: none present).

    A signal column absent from ``values`` counts as missing everywhere, as a
    signal left out of an export does.
    """
    n = len(values)
    out = np.full((n, len(model.groups)), np.nan)
    for j, group in enumerate(model.groups):
        total = np.zeros(n)
        count = np.zeros(n)
        for sid in group.signals:
            if sid not in values.columns:
                continue
            a = signal_attainment(model.signal(sid), values[sid].to_numpy(dtype=np.float64))
            present = ~np.isnan(a)
            total += np.where(present, a, 0.0)
            count += present
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, j] = np.where(count > 0, total / count, np.nan)
    return out


@dataclass(frozen=True)
class VectorScores:
    """Per account: the engine's raw score, one-decimal score, band and coverage (NaN / "": no signal)."""

    raw: Floats
    score: Floats
    band: npt.NDArray[np.str_]
    coverage: Floats


def score_values(model: Model, values: pd.DataFrame, bonuses: pd.DataFrame | None = None) -> VectorScores:
    """``scoring.engine.score`` for every row at once.

    ``values`` has one column per signal id (NaN = missing); ``bonuses`` one
    truthy column per bonus id the account has earned.  Rows with no signal
    present (where the engine raises NoSignals) get NaN and band "".
    """
    n = len(values)
    groups = group_attainments(model, values)
    weights = np.array([g.weight for g in model.groups])
    present = ~np.isnan(groups)
    present_weight = present @ weights
    weighted = np.where(present, groups, 0.0) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        base = np.where(present_weight > 0, 100.0 * weighted / present_weight, np.nan)
    bonus_total = np.zeros(n)
    if bonuses is not None:
        for bonus in model.bonuses:
            if bonus.id in bonuses.columns:
                earned = bonuses[bonus.id].fillna(False).to_numpy(dtype=bool)
                bonus_total += np.where(earned, bonus.points, 0.0)
    raw = np.minimum(100.0, base + bonus_total)
    rounded = np.floor(raw * 10 + 0.5 + ROUND_EPSILON) / 10
    seen = np.zeros(n)
    for group in model.groups:
        for sid in group.signals:
            if sid in values.columns:
                has = ~np.isnan(values[sid].to_numpy(dtype=np.float64))
                seen += np.where(has, group.weight / len(group.signals), 0.0)
    coverage = seen / model.total_weight
    # model.band_for, vectorised: the colour from Bands.cutoffs, unless too little of the model had data.
    colour = np.full(n, model.bands.of(-math.inf), dtype=object)
    for bound, name in reversed(model.bands.cutoffs):
        colour = np.where(rounded >= bound, name, colour)
    colour = np.where(coverage + COVERAGE_EPSILON < model.bands.min_coverage, INSUFFICIENT, colour)
    band = np.where(np.isnan(rounded), "", colour).astype(np.str_)
    return VectorScores(raw=raw, score=rounded, band=band, coverage=coverage)


@dataclass(frozen=True)
class Exclusion:
    """Accounts left out of the backtest for one reason, with a few examples."""

    reason: ExclusionReason
    count: int
    examples: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class PointInTime:
    """The book as scored at each account's cut-off.

    ``frame`` has one row per scored account: account_id, outcome, churned
    (bool), event_date, cutoff, period (the month used, or a snapshot's
    as-of day), source ("export" or "snapshot"), arr_lost, raw, score,
    band, coverage, and the signal values and bonus flags that were scored.
    """

    model: Model
    lead_days: int
    frame: pd.DataFrame
    excluded: tuple[Exclusion, ...]
    contraction_is_churn: bool

    @property
    def accounts(self) -> int:
        return len(self.frame)

    @property
    def churners(self) -> int:
        return int(self.frame["churned"].sum())


_MESSAGES: dict[ExclusionReason, str] = {
    "no_history": "have an outcome but no row in the history; check the account ids match",
    "no_history_before_cutoff": "have no month that ended by their cut-off (outcome date minus the lead time)",
    "no_signal_values": "had no value for any of the model's signals in the month used",
    "no_outcome": "are in the history but not in the outcomes file, so there is nothing to check them against",
}


def _exclusion(reason: ExclusionReason, ids: Sequence[str], lead_days: int) -> Exclusion:
    text = _MESSAGES[reason]
    if reason == "no_history_before_cutoff":
        text = f"have no month that ended {lead_days} days or more before their outcome"
    return Exclusion(reason, len(ids), tuple(str(i) for i in ids[:5]), f"{len(ids)} account(s) {text}.")


def outcomes_frame(outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """The typed outcomes as columns (account_id, outcome, event_date, arr_lost)."""
    return pd.DataFrame(
        {
            "account_id": [o.account_id for o in outcomes],
            "outcome": [o.outcome for o in outcomes],
            "event_date": pd.to_datetime([o.event_date for o in outcomes]),
            "arr_lost": np.array([np.nan if o.arr_lost is None else o.arr_lost for o in outcomes], dtype=float),
        }
    )


def _sources(rows: pd.DataFrame) -> npt.NDArray[np.str_]:
    """Per scored row, where its values came from: "snapshot" (a saved snapshot) or "export" (a month)."""
    if KNOWN_ON not in rows.columns:
        return np.full(len(rows), "export").astype(np.str_)
    return np.where(pd.to_datetime(rows[KNOWN_ON]).notna(), "snapshot", "export").astype(np.str_)


def month_end(periods: pd.Series) -> pd.Series:
    """The last day of each period's month (a period is its month's first day)."""
    stamps = pd.to_datetime(periods)
    return stamps.dt.to_period("M").dt.to_timestamp(how="end").dt.normalize()


def global_cutoff(history: pd.DataFrame, lead_days: int) -> date:
    """The cut-off for outcomes without a date: the last month's end minus the lead time."""
    last: pd.Timestamp = month_end(pd.Series([pd.to_datetime(history["period"]).max()])).iloc[0]
    return (last - timedelta(days=lead_days)).date()


def point_in_time(
    model: Model,
    history: pd.DataFrame,
    outcomes: Sequence[Outcome],
    lead_days: int,
    contraction_is_churn: bool = False,
) -> PointInTime:
    """Score each account on its latest month that ended at least ``lead_days`` before its outcome.

    ``history``: one row per account and month -- account_id, period (the
    month's first day), one column per signal id (NaN = missing) and optional
    bonus columns -- plus, optionally, rows from saved snapshots, which carry
    the day they were taken in ``known_on``.  A month counts once it has
    ended, a snapshot from its as-of day; of the rows known by the cut-off,
    the latest known is scored, whichever its source.  A contraction counts as a renewal unless
    ``contraction_is_churn``.  Accounts that cannot be scored are counted in
    ``excluded`` with the reason, never scored as zero.
    """
    if lead_days <= 0:
        raise ValueError(f"lead_days must be positive (got {lead_days})")
    outs = outcomes_frame(outcomes)
    ids = history["account_id"]
    if not (pd.api.types.is_string_dtype(ids) or pd.api.types.is_object_dtype(ids)):
        ids = ids.astype(str)
    # Work on integer codes: 2.4M string comparisons are what make a naive version slow.
    account_code, accounts = pd.factorize(ids)
    period_code, periods = pd.factorize(pd.to_datetime(history["period"]))
    ends = month_end(pd.Series(periods)).to_numpy(dtype="datetime64[ns]").astype(np.int64)[period_code]
    if KNOWN_ON in history.columns:
        # A saved snapshot is known on its as-of day, not at the end of its month.
        known_on = pd.to_datetime(history[KNOWN_ON]).to_numpy(dtype="datetime64[ns]")
        ends = np.where(np.isnat(known_on), ends, known_on.astype(np.int64))
    stamps = ends  # the latest row known by the cut-off wins, whichever source it came from

    default_cut = pd.Timestamp(global_cutoff(history, lead_days))
    cutoff = (outs["event_date"] - pd.Timedelta(days=lead_days)).fillna(default_cut)
    outcome_at = pd.Index(accounts).get_indexer(outs["account_id"])  # account code per outcome, -1: none
    outcome_of = np.full(len(accounts), -1)  # outcome row per account code, -1: none
    outcome_of[outcome_at[outcome_at >= 0]] = np.flatnonzero(outcome_at >= 0)
    never = np.iinfo(np.int64).min
    cut_of = np.full(len(accounts), never)
    cut_of[outcome_at[outcome_at >= 0]] = cutoff.to_numpy(dtype="datetime64[ns]").astype(np.int64)[outcome_at >= 0]

    # The one line that keeps the future out: only months that ended by the cut-off survive.
    eligible = np.flatnonzero(ends <= cut_of[account_code])
    order = eligible[np.lexsort((stamps[eligible], account_code[eligible]))]
    codes = account_code[order]
    last = np.append(codes[1:] != codes[:-1], True) if len(codes) else np.zeros(0, dtype=bool)
    rows = order[last]
    scored = np.zeros(len(accounts), dtype=bool)
    scored[account_code[rows]] = True

    excluded: list[Exclusion] = []
    out_ids = outs["account_id"].to_numpy(dtype=object)
    no_history = out_ids[outcome_at < 0]
    if len(no_history):
        excluded.append(_exclusion("no_history", list(no_history), lead_days))
    too_late = out_ids[(outcome_at >= 0) & ~scored[np.maximum(outcome_at, 0)]]
    if len(too_late):
        excluded.append(_exclusion("no_history_before_cutoff", list(too_late), lead_days))
    unmatched = np.asarray(accounts, dtype=object)[outcome_of < 0]
    if len(unmatched):
        excluded.append(_exclusion("no_outcome", list(unmatched), lead_days))

    latest = history.iloc[rows].reset_index(drop=True)
    latest["account_id"] = np.asarray(accounts, dtype=object)[account_code[rows]]
    matched = outs.iloc[outcome_of[account_code[rows]]].reset_index(drop=True)
    merged = pd.concat([latest, matched.drop(columns="account_id")], axis=1)
    merged["cutoff"] = cutoff.to_numpy()[outcome_of[account_code[rows]]]
    signal_cols = [sid for sid in model.signal_ids if sid in merged.columns]
    bonus_cols = [b.id for b in model.bonuses if b.id in merged.columns]
    values = merged[signal_cols].astype(float)
    scores = score_values(model, values, merged[bonus_cols] if bonus_cols else None)
    churn_kinds = ("churned", "contracted") if contraction_is_churn else ("churned",)
    frame = pd.DataFrame(
        {
            "account_id": merged["account_id"].to_numpy(),
            "outcome": merged["outcome"].to_numpy(),
            "churned": merged["outcome"].isin(churn_kinds).to_numpy(),
            "event_date": merged["event_date"].to_numpy(),
            "cutoff": merged["cutoff"].to_numpy(),
            "period": pd.to_datetime(merged["period"]).to_numpy(),
            "source": _sources(merged),
            "arr_lost": merged["arr_lost"].to_numpy(),
            "raw": scores.raw,
            "score": scores.score,
            "band": scores.band,
            "coverage": scores.coverage,
        }
    )
    for sid in signal_cols:
        frame[sid] = values[sid].to_numpy()
    for bid in bonus_cols:
        frame[bid] = merged[bid].fillna(False).to_numpy(dtype=bool)
    no_values = frame["band"] == ""
    if no_values.any():
        excluded.append(_exclusion("no_signal_values", list(frame.loc[no_values, "account_id"]), lead_days))
        frame = frame[~no_values].reset_index(drop=True)
    return PointInTime(model, lead_days, frame, tuple(excluded), contraction_is_churn)
