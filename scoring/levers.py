"""'What it takes': the smallest single-signal move that changes the band.

CSMs ask "what would get this account to green?" more often than "what is the
score?".  For each signal we search the slider's own grid (so the answer is a
value the CSM can actually set) for the nearest value that alone lifts the
account into the next band up; for a green account we report the cushion
instead -- how far the signal may slip before the account leaves green.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from scoring.engine import is_present, score
from scoring.model import BAND_NAMES, BandName, Model, Signal

_RANK = {name: i for i, name in enumerate(reversed(BAND_NAMES))}  # red 0 .. green 2


@dataclass(frozen=True)
class Lever:
    signal_id: str
    label: str
    current: float
    target: float | None
    target_band: BandName
    # "lift": target is the nearest value that alone reaches target_band, or
    # None when no value of this signal can.  "cushion": target is the worst
    # value for the account (the lowest, or the highest when lower is better)
    # the signal can slip to while the account stays green; it equals the
    # signal's worst value when nothing it does alone can push the account out
    # of green.
    kind: Literal["lift", "cushion"]

    @property
    def reachable(self) -> bool:
        return self.target is not None

    @property
    def change(self) -> float | None:
        return None if self.target is None else self.target - self.current


def _grid(signal: Signal, start: float, towards_better: bool) -> list[float]:
    """Slider values from ``start`` to the better (or worse) end, in order."""
    better_is_up = signal.direction == "higher"
    up = better_is_up == towards_better
    steps = round((signal.max - signal.min) / signal.step)
    # Rounded so a step of 0.1 yields 0.3, not 0.30000000000000004.
    grid = [min(signal.max, round(signal.min + i * signal.step, 9)) for i in range(steps + 1)]
    if up:
        return [v for v in grid if v > start]
    return [v for v in reversed(grid) if v < start]


def _first(values: list[float], ok: Callable[[float], bool]) -> float | None:
    """Binary search for the first value meeting a monotone condition."""
    lo, hi = 0, len(values)
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(values[mid]):
            hi = mid
        else:
            lo = mid + 1
    return values[lo] if lo < len(values) else None


def levers(model: Model, values: Mapping[str, float | None], bonuses: Iterable[str] = ()) -> list[Lever]:
    """One Lever per present signal, for the account described by ``values``."""
    chosen = tuple(bonuses)
    current = score(model, values, chosen)
    rank = _RANK[current.score_band]
    result: list[Lever] = []
    for signal in model.signals:
        now = values.get(signal.id)
        if not is_present(now):
            continue
        assert now is not None

        def band_at(v: float, sid: str = signal.id) -> int:
            return _RANK[score(model, {**values, sid: v}, chosen).score_band]

        if rank < _RANK["green"]:
            goal: BandName = BAND_NAMES[len(BAND_NAMES) - 2 - rank]
            target = _first(_grid(signal, now, True), lambda v: band_at(v) > rank)
            result.append(Lever(signal.id, signal.label, now, target, goal, "lift"))
        else:
            worse = _grid(signal, now, False)
            drop = _first(worse, lambda v: band_at(v) < rank)
            if drop is None:
                floor = worse[-1] if worse else now
            else:
                i = worse.index(drop)
                floor = worse[i - 1] if i > 0 else now
            result.append(Lever(signal.id, signal.label, now, floor, "green", "cushion"))
    return result
