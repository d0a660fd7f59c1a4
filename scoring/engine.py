"""The health-score formula, in Python.

One formula serves every model:

* each present signal becomes a 0..1 *attainment* (linear between its min and
  max, flipped when lower is better, or 1 / 0.5 / 0 for a green / yellow / red
  traffic light);
* a group (pillar, component, or single signal) is the mean attainment of its
  present signals;
* the base score is 100 x the weighted mean of the groups that have at least
  one signal present -- missing signals are *renormalised away*, never counted
  as zero, and ``coverage`` reports how much of the model's weight was seen,
  signal by signal (each signal carries an equal share of its group's
  weight), so one missing signal inside a pillar still shows as a gap;
* bonuses add points and the total is capped at 100;
* the band is decided on the score rounded to one decimal, the same number the
  CLI prints, by ``scoring.model.band_for``: below the model's minimum
  coverage the account is "insufficient", whatever its score.

``scoring.portfolio.compute.formula_sql`` writes the very same steps as SQL;
a property test holds the two together.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeGuard

from scoring.model import LIGHT_POINTS, Band, BandName, Model, Signal, band_for

ROUND_EPSILON = 1e-9


def round1(value: float) -> float:
    """Round half up to one decimal, tolerant of binary noise (85.95 -> 86.0)."""
    return math.floor(value * 10 + 0.5 + ROUND_EPSILON) / 10


def light_of(signal: Signal, value: float) -> str:
    """The traffic-light colour of a value, from the signal's cut-offs."""
    t = signal.thresholds
    assert t is not None
    if signal.direction == "higher":
        return "green" if value >= t.green else "yellow" if value >= t.yellow else "red"
    return "green" if value <= t.green else "yellow" if value <= t.yellow else "red"


def attainment(signal: Signal, value: float) -> float:
    """How good a raw value is, from 0 (worst) to 1 (best)."""
    if signal.transform == "traffic_light":
        return LIGHT_POINTS[light_of(signal, value)]
    clipped = min(max(value, signal.min), signal.max)
    share = (clipped - signal.min) / (signal.max - signal.min)
    return share if signal.direction == "higher" else 1.0 - share


def is_present(value: float | None) -> TypeGuard[float]:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class Driver:
    """One signal's part in the score, in points out of 100."""

    signal_id: str
    label: str
    group: str
    value: float | None
    attainment: float | None
    points: float
    max_points: float

    @property
    def lost(self) -> float:
        return self.max_points - self.points


@dataclass(frozen=True)
class GroupResult:
    group_id: str
    label: str
    weight: float
    attainment: float | None
    points: float
    max_points: float


@dataclass(frozen=True)
class Scorecard:
    model_id: str
    raw: float
    score: float
    band: Band  # by band_for: "insufficient" when coverage is below the model's floor
    coverage: float
    drivers: tuple[Driver, ...]
    groups: tuple[GroupResult, ...]
    bonus_points: float
    bonuses: tuple[str, ...]  # the labels of the bonuses counted, in the model's order
    missing: tuple[str, ...]
    # The colour the score alone would have, whatever the coverage: what the
    # playbooks and "what it takes" reason about when moving a score between colours.
    score_band: BandName

    @property
    def insufficient(self) -> bool:
        return self.band == "insufficient"

    def weakest(self, n: int = 2) -> tuple[Driver, ...]:
        """The present signals that lose the most points, worst first."""
        lossy = [d for d in self.drivers if d.value is not None and d.lost > 0.05]
        return tuple(sorted(lossy, key=lambda d: (-d.lost, d.signal_id))[:n])


@dataclass(frozen=True)
class Earned:
    """One line of what a score is made of: a signal's points out of its share, or the bonus."""

    label: str
    points: float
    max_points: float


def earned(card: Scorecard) -> tuple[Earned, ...]:
    """The lines that add up to the score: every signal with a value, then the bonus if one was counted.

    A signal with no value earns nothing and has no share, so it is left out
    rather than shown as 0 of 0 (``Scorecard.missing`` names it); without the
    bonus line, an account whose customer can state their ROI showed drivers
    10 points short of its score.
    """
    lines = [Earned(d.label, d.points, d.max_points) for d in card.drivers if d.value is not None]
    if card.bonus_points:
        lines.append(Earned(bonus_label(card), card.bonus_points, card.bonus_points))
    return tuple(lines)


def bonus_label(card: Scorecard) -> str:
    """How a drivers table names the bonus line: 'Bonus: ' and the bonuses counted."""
    return "Bonus: " + " and ".join(card.bonuses)


class NoSignals(ValueError):
    """Nothing to score: every signal of the model is missing."""


def score(
    model: Model,
    values: Mapping[str, float | None],
    bonuses: Iterable[str] = (),
) -> Scorecard:
    """Score one account; raise NoSignals when no signal is present."""
    unknown = set(values) - set(model.signal_ids)
    if unknown:
        raise KeyError(f"model {model.id!r} has no signal {sorted(unknown)[0]!r}")
    present_weight = 0.0
    seen_weight = 0.0
    weighted = 0.0
    group_attainments: dict[str, float | None] = {}
    for group in model.groups:
        parts = [
            attainment(model.signal(sid), float(value)) for sid in group.signals if is_present(value := values.get(sid))
        ]
        if parts:
            part_mean = sum(parts) / len(parts)
            group_attainments[group.id] = part_mean
            present_weight += group.weight
            seen_weight += group.weight * len(parts) / len(group.signals)
            weighted += group.weight * part_mean
        else:
            group_attainments[group.id] = None
    if present_weight == 0:
        raise NoSignals(f"none of the {len(model.signals)} signals of {model.id!r} has a value")

    base = 100.0 * weighted / present_weight
    chosen = set(bonuses)
    bonus_total = sum(b.points for b in model.bonuses if b.id in chosen)
    raw = min(100.0, base + bonus_total)
    rounded = round1(raw)

    drivers: list[Driver] = []
    group_results: list[GroupResult] = []
    for group in model.groups:
        mean = group_attainments[group.id]
        group_max = 100.0 * group.weight / present_weight if mean is not None else 0.0
        group_results.append(
            GroupResult(group.id, group.label, group.weight, mean, group_max * (mean or 0.0), group_max)
        )
        present = [sid for sid in group.signals if is_present(values.get(sid))]
        for sid in group.signals:
            signal = model.signal(sid)
            value = values.get(sid)
            if is_present(value):
                a = attainment(signal, float(value))
                share = group_max / len(present)
                drivers.append(Driver(sid, signal.label, group.id, float(value), a, share * a, share))
            else:
                drivers.append(Driver(sid, signal.label, group.id, None, None, 0.0, 0.0))

    return Scorecard(
        model_id=model.id,
        raw=raw,
        score=rounded,
        band=band_for(model, rounded, seen_weight / model.total_weight),
        coverage=seen_weight / model.total_weight,
        drivers=tuple(drivers),
        groups=tuple(group_results),
        bonus_points=raw - min(100.0, base),
        bonuses=tuple(b.label for b in model.bonuses if b.id in chosen),
        missing=tuple(d.signal_id for d in drivers if d.value is None),
        score_band=model.bands.of(rounded),
    )
