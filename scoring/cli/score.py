"""`python -m scoring models` and `python -m scoring score`: one account from --set values, or every row of a CSV."""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from scoring.actions import playbooks, recommend
from scoring.catalog import preset_models
from scoring.cli.common import UsageError, resolve_model
from scoring.csv_export import rows_to_csv
from scoring.engine import NoSignals, Scorecard, score
from scoring.flags import FALSE_WORDS, TRUE_WORDS
from scoring.model import Model, Signal

YES = frozenset(TRUE_WORDS)
NO = frozenset(("", *FALSE_WORDS))  # a blank bonus cell simply means no


def _number(text: str, where: str) -> float:
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        raise UsageError(f"{where}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise UsageError(f"{where}: {text!r} is not a finite number")
    return value


def _in_range(signal: Signal, value: float, where: str) -> float:
    """Refuse values off the signal's scale rather than silently clipping them."""
    if not signal.min <= value <= signal.max:
        raise UsageError(f"{where}: {value:g} is outside {signal.label}'s range {signal.min:g} to {signal.max:g}")
    return value


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


def _row_bonuses(model: Model, row: dict[str, str], given: Sequence[str], where: str, err: TextIO) -> list[str]:
    """--bonus flags plus any bonus column (named by bonus id) marked yes."""
    chosen = list(given)
    for bonus in model.bonuses:
        cell = (row.get(bonus.id) or "").strip().lower()
        if cell in YES and bonus.id not in chosen:
            chosen.append(bonus.id)
        elif cell not in YES | NO:
            err.write(f"{where}, column {bonus.id}: {cell!r} is not yes/no; bonus not applied\n")
    return chosen


def cmd_score_file(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    model = resolve_model(args.model)
    if args.event:
        raise UsageError("--event only applies when scoring one account with --set")
    _check_bonuses(model, args.bonus)
    path: Path = args.file
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read it as UTF-8 CSV ({exc.__class__.__name__})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = list(reader.fieldnames or [])
    used = [c for c in columns if c in model.signal_ids]
    if not used:
        raise UsageError(f"{path}: no column is named after a signal of {model.id} ({', '.join(model.signal_ids)})")
    # Rows and warnings are held back so a file with no usable row fails with
    # one error line and no half-written CSV on stdout.
    rows: list[list[str]] = []  # cells as read; the writer makes them formula-safe
    warnings = io.StringIO()
    scored = 0
    for row_number, row in enumerate(reader, start=2):
        values: dict[str, float | None] = {}
        for column in used:
            cell = (row.get(column) or "").strip()
            if not cell:
                continue
            where = f"{path}: row {row_number}, column {column}"
            try:
                values[column] = _in_range(model.signal(column), _number(cell, where), where)
            except UsageError as exc:
                warnings.write(f"{exc}; left out\n")
        chosen = _row_bonuses(model, row, args.bonus, f"{path}: row {row_number}", warnings)
        cells = [row.get(c) or "" for c in columns]
        try:
            card = score(model, values, chosen)
        except NoSignals:
            warnings.write(f"{path}: row {row_number}: no signal values; not scored\n")
            rows.append([*cells, "", ""])
            continue
        rows.append([*cells, f"{card.score:.1f}", card.band])
        scored += 1
    if scored == 0:
        first = warnings.getvalue().partition("\n")[0]
        raise UsageError(f"{path}: no row could be scored" + (f" (first problem: {first})" if first else ""))
    out.write(rows_to_csv([*columns, "score", "band"], rows, keep_numbers=True))
    err.write(warnings.getvalue())
    return 0
