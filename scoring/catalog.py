"""Load health models from TOML and refuse broken ones loudly.

A CS-ops person edits these files by hand, so every error names the file and
the exact field (``signals[2].weight``) and says what a valid value looks like.

A model file may also come from someone else (``--model their.toml``), so the
shape is bounded before any score is computed: at most ``MAX_SIGNALS``
signals, weights between ``MIN_WEIGHT`` and ``MAX_WEIGHT`` (1e308 made every
account 100 with a NaN coverage, 5e-324 made it 0), and every number within
``MAX_MAGNITUDE`` so sums and ranges stay finite.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Protocol, TypeVar, get_args

from scoring.model import (
    DEFAULT_MIN_COVERAGE,
    Bands,
    Bonus,
    Derivation,
    Direction,
    Group,
    Model,
    Signal,
    Thresholds,
    Transform,
)

# The model pages and commands start on: the bundled demo exports feed every one of its signals.
DEFAULT_MODEL_ID = "technical-csm"
CATALOG_DIR = Path(__file__).parent / "catalog"
MODELS_DIR = CATALOG_DIR / "models"
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)
TRANSFORMS: tuple[Transform, ...] = get_args(Transform)
Choice = TypeVar("Choice", bound=str)
MAX_SIGNALS = 200
MIN_WEIGHT = 1e-6
MAX_WEIGHT = 1e6
MAX_MAGNITUDE = 1e9


class CatalogError(ValueError):
    """A definition file is unusable; the message names the file and field."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        self.source = source
        self.field = field
        self.problem = problem
        super().__init__(f"{source}: {field}: {problem}")


class _Reader:
    """Typed access to one TOML table that reports errors by field path."""

    def __init__(self, source: str, table: Mapping[str, Any], path: str = "") -> None:
        self.source = source
        self.table = table
        self.path = path

    def _field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, problem: str) -> CatalogError:
        return CatalogError(self.source, self._field(key), problem)

    def has(self, key: str) -> bool:
        return key in self.table

    def text(self, key: str, default: str | None = None) -> str:
        value = self.table.get(key, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self.fail(key, "must be a non-empty text value")
        return value

    def number(self, key: str, default: float | None = None, bound: float = MAX_MAGNITUDE) -> float:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, "must be a number")
        # TOML accepts nan and inf, and either would poison every score.
        if not math.isfinite(value):
            raise self.fail(key, f"must be a finite number (got {value})")
        if abs(value) > bound:
            raise self.fail(key, f"must lie between -{bound:g} and {bound:g} (got {value:g})")
        return float(value)

    def positive(self, key: str) -> float:
        value = self.number(key)
        if value <= 0:
            raise self.fail(key, f"must be greater than 0 (got {value:g})")
        return value

    def weight(self, key: str) -> float:
        """A weight: small or large ones would round the score to 0 or 100, or overflow the sums."""
        value = self.number(key, bound=math.inf)
        if not MIN_WEIGHT <= value <= MAX_WEIGHT:
            raise self.fail(key, f"must lie between {MIN_WEIGHT:g} and {MAX_WEIGHT:g} (got {value:g})")
        return value

    def choice(self, key: str, options: tuple[Choice, ...], default: Choice) -> Choice:
        """One of ``options`` (typed as narrowly as they are, e.g. a ``Literal``), or ``default`` when absent."""
        value = self.table.get(key, default)
        for option in options:
            if value == option:
                return option
        raise self.fail(key, f"must be one of {', '.join(options)} (got {value!r})")

    def tables(self, key: str, required: bool = True) -> list[_Reader]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, "must be an array of tables ([[...]])")
        if required and not value:
            raise self.fail(key, "needs at least one entry")
        return [_Reader(self.source, v, f"{self._field(key)}[{i}]") for i, v in enumerate(value)]

    def sub(self, key: str) -> _Reader | None:
        value = self.table.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return _Reader(self.source, value, self._field(key))


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning syntax errors into a CatalogError."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(path.name, "(syntax)", str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(path.name, "(file)", str(exc)) from None


def _signal(r: _Reader, group: str) -> Signal:
    low, high = r.number("min", 0), r.number("max", 100)
    if low >= high:
        raise r.fail("max", f"must be greater than min ({low:g})")
    default = r.number("default", low)
    if not low <= default <= high:
        raise r.fail("default", f"must lie between {low:g} and {high:g}")
    direction = r.choice("direction", DIRECTIONS, "higher")
    transform = r.choice("transform", TRANSFORMS, "linear")
    thresholds = None
    if transform == "traffic_light":
        t = r.sub("thresholds")
        if t is None:
            raise r.fail("thresholds", "a traffic_light signal needs green and yellow cut-offs")
        green, yellow = t.number("green"), t.number("yellow")
        ordered = green > yellow if direction == "higher" else green < yellow
        if not ordered:
            relation = "above" if direction == "higher" else "below"
            raise t.fail("green", f"must lie {relation} the yellow cut-off ({yellow:g})")
        thresholds = Thresholds(green=green, yellow=yellow)
    derive = None
    d = r.sub("derive")
    if d is not None:
        floor, target = d.number("floor"), d.number("target")
        if floor == target:
            raise d.fail("target", "must differ from floor")
        derive = Derivation(expr=d.text("expr"), floor=floor, target=target)
    step = r.number("step", 1)
    if step <= 0:
        raise r.fail("step", "must be greater than 0")
    return Signal(
        id=r.text("id"),
        label=r.text("label"),
        help=r.text("help"),
        group=group,
        min=low,
        max=high,
        step=step,
        default=default,
        direction=direction,
        transform=transform,
        unit=r.text("unit", ""),
        thresholds=thresholds,
        derive=derive,
    )


def parse_model(data: Mapping[str, Any], source: str, custom: bool = False) -> Model:
    """Build and validate a Model from parsed TOML (or a stored custom model)."""
    r = _Reader(source, data)
    groups: dict[str, dict[str, Any]] = {}
    for g in r.tables("groups", required=False):
        gid = g.text("id")
        if gid in groups:
            raise g.fail("id", f"duplicate group id {gid!r}")
        groups[gid] = {"label": g.text("label"), "weight": g.weight("weight"), "signals": []}

    signals: list[Signal] = []
    tables = r.tables("signals")
    if len(tables) > MAX_SIGNALS:
        raise r.fail("signals", f"has {len(tables)} entries; a model may have at most {MAX_SIGNALS} signals")
    for s in tables:
        sid = s.text("id")
        if any(existing.id == sid for existing in signals):
            raise s.fail("id", f"duplicate signal id {sid!r}")
        if s.has("group") == s.has("weight"):
            raise s.fail("group", "give either a group (pillar models) or a weight, not both")
        if s.has("group"):
            gid = s.text("group")
            if gid not in groups:
                raise s.fail("group", f"unknown group {gid!r}; declare it under [[groups]]")
        else:
            gid = sid
            if gid in groups:
                raise s.fail("id", f"clashes with group id {gid!r}")
            groups[gid] = {"label": s.text("label"), "weight": s.weight("weight"), "signals": []}
        groups[gid]["signals"].append(sid)
        signals.append(_signal(s, gid))

    for gid, group in groups.items():
        if not group["signals"]:
            raise CatalogError(source, f"groups.{gid}", "has no signals")

    bonuses: list[Bonus] = []
    for b in r.tables("bonuses", required=False):
        bid = b.text("id")
        if bid in {s.id for s in signals} or any(x.id == bid for x in bonuses):
            raise b.fail("id", f"duplicate id {bid!r}")
        bonuses.append(Bonus(id=bid, label=b.text("label"), help=b.text("help"), points=b.positive("points")))

    min_coverage = r.number("min_coverage", DEFAULT_MIN_COVERAGE)
    if not 0 <= min_coverage <= 1:
        raise r.fail("min_coverage", "must be a share of the model's weight between 0 and 1 (0.5 = half)")
    bands = Bands(min_coverage=min_coverage)
    br = r.sub("bands")
    if br is not None:
        bands = Bands(green=br.number("green", 80), yellow=br.number("yellow", 60), min_coverage=min_coverage)
        if not 0 < bands.yellow < bands.green <= 100:
            raise br.fail("green", "bands must satisfy 0 < yellow < green <= 100")

    return Model(
        id=r.text("id"),
        name=r.text("name"),
        source=r.text("source", ""),
        description=r.text("description", ""),
        signals=tuple(signals),
        groups=tuple(
            Group(id=gid, label=g["label"], weight=g["weight"], signals=tuple(g["signals"]))
            for gid, g in groups.items()
        ),
        bonuses=tuple(bonuses),
        bands=bands,
        custom=custom,
    )


def load_model_file(path: Path) -> Model:
    return parse_model(read_toml(path), path.name)


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_HasId)


def load_directory(directory: Path, load: Callable[[Path], T], kind: str) -> dict[str, T]:
    """Every TOML file in ``directory`` through ``load``, keyed by id; an id used twice is an error."""
    found: dict[str, T] = {}
    for path in sorted(directory.glob("*.toml")):
        item = load(path)
        if item.id in found:
            raise CatalogError(path.name, "id", f"{kind} id {item.id!r} is used by another file")
        found[item.id] = item
    return found


@cache
def preset_models() -> dict[str, Model]:
    """Every shipped preset, keyed by id; loaded once per process."""
    return load_directory(MODELS_DIR, load_model_file, "model")


def get_model(model_id: str, extra: Mapping[str, Model] | None = None) -> Model:
    """Find a preset or custom model; KeyError lists what exists."""
    models = {**preset_models(), **(extra or {})}
    if model_id not in models:
        raise KeyError(f"unknown model {model_id!r}; choose one of: {', '.join(sorted(models))}")
    return models[model_id]


def with_weights(model: Model, weights: Mapping[str, float], model_id: str, name: str) -> Model:
    """A custom copy of ``model`` with group weights normalised to sum to 100.

    Groups missing from ``weights`` keep the model's weight; a weight of 0
    (or a share under ``MIN_WEIGHT`` of the 100) drops the group and its
    signals from the custom model.
    """
    chosen = {g.id: float(weights.get(g.id, g.weight)) for g in model.groups}
    for g in model.groups:
        if not math.isfinite(chosen[g.id]) or chosen[g.id] < 0:
            raise ValueError(f"weight for {g.label} must be a number of 0 or more")
    total = sum(chosen.values())
    if total <= 0:
        raise ValueError("at least one weight must be above zero")
    groups = [
        Group(id=g.id, label=g.label, weight=100.0 * chosen[g.id] / total, signals=g.signals) for g in model.groups
    ]
    # A share below MIN_WEIGHT counts for nothing and no model file may hold it, so it goes as a 0 would.
    kept = tuple(g for g in groups if g.weight >= MIN_WEIGHT)
    kept_ids = {sid for g in kept for sid in g.signals}
    return Model(
        id=model_id,
        name=name,
        source=f"custom, based on {model.id}",
        description=model.description,
        signals=tuple(s for s in model.signals if s.id in kept_ids),
        groups=kept,
        bonuses=model.bonuses,
        bands=model.bands,
        custom=True,
    )
