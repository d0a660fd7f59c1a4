"""The shape of a health model.

A model is data, not code: every preset lives in a TOML file under
``scoring/catalog/models`` and is turned into these frozen dataclasses by
``scoring.catalog``.  The scoring engine (Python) and the portfolio SQL both read
the same objects, which is what keeps the two formulas in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Direction = Literal["higher", "lower"]
Transform = Literal["linear", "traffic_light"]
BandName = Literal["green", "yellow", "red"]
# What an account is shown as: a colour, or "insufficient" when too little of
# the model's weight had data to trust any colour (see ``band_for``).
Band = Literal["green", "yellow", "red", "insufficient"]

BAND_NAMES: tuple[BandName, ...] = ("green", "yellow", "red")
LOWEST_BAND: BandName = "red"  # a score below every band's lower bound
INSUFFICIENT: Band = "insufficient"
DEFAULT_MIN_COVERAGE = 0.5  # share of the model's weight that must have data before a band is given
# Coverage is a ratio of sums of weights; this slack keeps a coverage that is
# the floor up to binary noise (0.49999999999) on the right side of it, in
# Python and SQL alike.
COVERAGE_EPSILON = 1e-9

# Points a traffic-light colour is worth on the 0-100 scale.  Documented in
# README ("How a score is computed"); the SQL uses the same constants.
LIGHT_POINTS: dict[str, float] = {"green": 1.0, "yellow": 0.5, "red": 0.0}


@dataclass(frozen=True)
class Thresholds:
    """Traffic-light cut-offs on the signal's raw scale.

    For a higher-is-better signal a value at or above ``green`` is green, at or
    above ``yellow`` is yellow, otherwise red.  For lower-is-better signals the
    comparisons flip (at or below).
    """

    green: float
    yellow: float


@dataclass(frozen=True)
class Derivation:
    """A SQL expression over canonical portfolio fields, mapped onto the signal.

    The raw value is placed linearly between ``floor`` (signal minimum) and
    ``target`` (signal maximum) and clipped; ``floor`` may exceed ``target``
    for quantities where less is better (days since last check-in, say).
    The expression is written by us in the catalog, never by a user.
    """

    expr: str
    floor: float
    target: float


@dataclass(frozen=True)
class Signal:
    id: str
    label: str
    help: str
    group: str
    min: float
    max: float
    step: float
    default: float
    direction: Direction = "higher"
    transform: Transform = "linear"
    unit: str = ""
    thresholds: Thresholds | None = None
    # How the portfolio derives this signal from canonical fields.  Optional:
    # a column named after the signal id is always taken as it is.
    derive: Derivation | None = None


@dataclass(frozen=True)
class Group:
    """A weighted block of signals: a pillar, a component, or a single signal."""

    id: str
    label: str
    weight: float
    signals: tuple[str, ...]


@dataclass(frozen=True)
class Bonus:
    id: str
    label: str
    help: str
    points: float


@dataclass(frozen=True)
class Bands:
    """Lower bounds (inclusive) on the one-decimal score.

    ``cutoffs`` is the band rule, stated once: a score takes the first band
    whose bound it reaches, else the lowest band.  ``of`` applies it in
    Python (the engine, the heatmap cells) and ``sqlkit.band_case`` writes it
    as SQL, so the two can only disagree if this list does.
    """

    green: float = 80.0
    yellow: float = 60.0
    # The share (0..1) of the model's weight an account needs data for before
    # any colour is given; below it the account is "insufficient".
    min_coverage: float = DEFAULT_MIN_COVERAGE

    @property
    def cutoffs(self) -> tuple[tuple[float, BandName], ...]:
        """(lower bound, band), highest bound first."""
        return ((self.green, "green"), (self.yellow, "yellow"))

    def of(self, score: float) -> BandName:
        for bound, band in self.cutoffs:
            if score >= bound:
                return band
        return LOWEST_BAND


@dataclass(frozen=True)
class Model:
    id: str
    name: str
    source: str
    description: str
    signals: tuple[Signal, ...]
    groups: tuple[Group, ...]
    bonuses: tuple[Bonus, ...] = ()
    bands: Bands = field(default_factory=Bands)
    custom: bool = False

    def signal(self, signal_id: str) -> Signal:
        for signal in self.signals:
            if signal.id == signal_id:
                return signal
        raise KeyError(signal_id)

    @property
    def signal_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.signals)

    @property
    def total_weight(self) -> float:
        return sum(g.weight for g in self.groups)

    def group_of(self, signal_id: str) -> Group:
        for group in self.groups:
            if signal_id in group.signals:
                return group
        raise KeyError(signal_id)

    def signal_share(self, signal_id: str) -> float:
        """The signal's share of the full score when every signal is present."""
        group = self.group_of(signal_id)
        return group.weight / self.total_weight / len(group.signals)

    @property
    def is_grouped(self) -> bool:
        return any(len(g.signals) > 1 for g in self.groups)

    def defaults(self) -> dict[str, float]:
        return {s.id: s.default for s in self.signals}


def band_for(model_or_bands: Model | Bands, score: float, coverage: float) -> Band:
    """The band shown for an account: its colour, unless too little of the model had data.

    The one rule the engine, the portfolio SQL (``sqlkit.band_case``), the
    CLI and the pages share: coverage below ``Bands.min_coverage`` gives
    "insufficient", otherwise the score's colour by ``Bands.cutoffs``.  A
    score built on a sliver of its signals is not evidence of health.
    """
    bands = model_or_bands.bands if isinstance(model_or_bands, Model) else model_or_bands
    if coverage + COVERAGE_EPSILON < bands.min_coverage:
        return INSUFFICIENT
    return bands.of(score)
