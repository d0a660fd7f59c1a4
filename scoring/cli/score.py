"""`python -m scoring models` and `python -m scoring score`: one account from --set values, or every row of a CSV.

The CSV goes through ``scoring.score_file`` (DuckDB, the formula's SQL twin); one account is scored in Python.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from typing import Any, TextIO

from scoring.actions import playbooks, recommend
from scoring.catalog import preset_models
from scoring.cli.common import UsageError, resolve_model
from scoring.engine import NoSignals, Scorecard, score
from scoring.model import Model, Signal
from scoring.score_file import CellProblem, ScoreFileError, in_range, parse_number, score_file


def _number(text: str, where: str) -> float:
    try:
        return parse_number(text, where)
    except CellProblem as exc:
        raise UsageError(str(exc)) from None


def _in_range(signal: Signal, value: float, where: str) -> float:
    try:
        return in_range(signal, value, where)
    except CellProblem as exc:
        raise UsageError(str(exc)) from None


def _check_bonuses(model: Model, bonuses: Sequence[str]) -> None:
    for bonus in bonuses:
        if bonus not in {b.id for b in model.bonuses}:
            known = ", ".join(b.id for b in model.bonuses) or "none"
            raise UsageError(f"--bonus {bonus}: model {model.id} has no such bonus (its bonuses: {known})")


def _finite(value: Any) -> Any:
    """``value`` with every non-finite float as None: JSON has no NaN or Infinity, and a reader would choke."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def card_json(model: Model, card: Scorecard, events: Sequence[str] = ()) -> dict[str, Any]:
    """The scorecard as JSON-safe data; model files are bounded so numbers are finite, and this makes sure."""
    return _finite(_card(model, card, events))


def _card(model: Model, card: Scorecard, events: Sequence[str]) -> dict[str, Any]:
    return {
        "model": model.id,
        "score": card.score,
        "band": card.band,
        "coverage": round(card.coverage, 4),
        "missing": list(card.missing),
        "bonus_points": round(card.bonus_points, 2),
        "drivers": [
            {
                "signal": d.signal_id,
                "label": d.label,
                "group": d.group,
                "value": d.value,
                "points": round(d.points, 2),
                "max_points": round(d.max_points, 2),
                "lost": round(d.lost, 2),
            }
            for d in card.drivers
        ],
        "groups": [
            {"group": g.group_id, "label": g.label, "weight": g.weight, "points": round(g.points, 2)}
            for g in card.groups
        ],
        "actions": [
            {"id": a.id, "title": a.title, "kind": a.kind, "why": a.why, "steps": list(a.steps)}
            for a in recommend(model, card, events)
        ],
    }


def cmd_models(out: TextIO) -> int:
    for model in preset_models().values():
        out.write(f"{model.id}\t{model.name} ({model.source})\n")
        for group in model.groups:
            signals = ", ".join(group.signals)
            out.write(f"    {group.label} {group.weight:g}: {signals}\n")
        for bonus in model.bonuses:
            out.write(f"    bonus {bonus.id}: +{bonus.points:g}\n")
    return 0


def cmd_score_one(args: argparse.Namespace, out: TextIO) -> int:
    model = resolve_model(args.model)
    values: dict[str, float | None] = {}
    for item in args.set:
        name, sep, text = item.partition("=")
        if not sep:
            raise UsageError(f"--set {item!r}: write it as SIGNAL=VALUE")
        if name not in model.signal_ids:
            raise UsageError(f"--set {name}: model {model.id} has no such signal; it has {', '.join(model.signal_ids)}")
        values[name] = _in_range(model.signal(name), _number(text, f"--set {name}"), f"--set {name}")
    _check_bonuses(model, args.bonus)
    known_events = [e.id for e in playbooks().events]
    for event in args.event:
        if event not in known_events:
            raise UsageError(f"--event {event}: unknown event; choose one of {', '.join(known_events)}")
    try:
        card = score(model, values, args.bonus)
    except NoSignals:
        raise UsageError(f"give at least one signal with --set; {model.id} has {', '.join(model.signal_ids)}") from None
    json.dump(card_json(model, card, args.event), out, indent=2)
    out.write("\n")
    return 0


def cmd_score_file(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Every row of the CSV scored in DuckDB by the formula's SQL twin (``scoring.score_file``)."""
    model = resolve_model(args.model)
    if args.event:
        raise UsageError("--event only applies when scoring one account with --set")
    _check_bonuses(model, args.bonus)
    try:
        score_file(model, args.file, args.bonus, out, err)
    except ScoreFileError as exc:
        raise UsageError(str(exc)) from None
    return 0
