"""Load checklist definitions from TOML and refuse broken ones loudly.

Checklists are edited by hand by CS ops, so every problem is reported as a
``CatalogError`` naming the file and the field (``stages[1].items[3].id``),
including unknown keys: a misspelt ``gates = true`` would otherwise silently
drop a sign-off.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from scoring.catalog import CATALOG_DIR, _Reader, load_directory, read_toml
from scoring.checklists.model import Checklist, Item, Stage

CHECKLISTS_DIR = CATALOG_DIR / "checklists"

# Ids end up in stored events and plan ids, so they stay plain.
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Ten years either side of the start date is far beyond any real plan and keeps date maths safe.
_MAX_DAY = 3650

_TOP_KEYS = {
    "id",
    "kind",
    "order",
    "name",
    "description",
    "source",
    "subject_label",
    "start_label",
    "red_flags_title",
    "red_flags",
    "stages",
}
_STAGE_KEYS = {"id", "title", "goal", "period", "start_day", "end_day", "gate", "items"}
_ITEM_KEYS = {"id", "text", "help"}


def _known_keys(r: _Reader, allowed: set[str]) -> None:
    unknown = sorted(set(r.table) - allowed)
    if unknown:
        raise r.fail(unknown[0], f"unknown field; allowed fields are {', '.join(sorted(allowed))}")


def _slug(r: _Reader, key: str) -> str:
    value = r.text(key)
    if not _ID.match(value):
        raise r.fail(key, f"must use lower-case letters, digits and dashes only (got {value!r})")
    return value


def _whole(r: _Reader, key: str, hint: str) -> int:
    value = r.table.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise r.fail(key, f"must be a whole number ({hint})")
    return value


def _day(r: _Reader, key: str) -> int:
    value = _whole(r, key, "of days; day 1 is the start date")
    if abs(value) > _MAX_DAY:
        raise r.fail(key, f"must lie within {_MAX_DAY} days of the start date (got {value})")
    return value


def _flag(r: _Reader, key: str) -> bool:
    value = r.table.get(key, False)
    if not isinstance(value, bool):
        raise r.fail(key, "must be true or false")
    return value


def _lines(r: _Reader, key: str) -> tuple[str, ...]:
    value = r.table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise r.fail(key, "must be a list of non-empty text values")
    return tuple(value)


def _stage(r: _Reader, seen: set[str]) -> Stage:
    _known_keys(r, _STAGE_KEYS)
    stage_id = _slug(r, "id")
    if stage_id in seen:
        raise r.fail("id", f"{stage_id!r} is already used by another stage or item in this checklist")
    seen.add(stage_id)
    start, end = _day(r, "start_day"), _day(r, "end_day")
    if end < start:
        raise r.fail("end_day", f"must not be before start_day ({start})")
    items = []
    for ir in r.tables("items"):
        _known_keys(ir, _ITEM_KEYS)
        item_id = _slug(ir, "id")
        if item_id in seen:
            raise ir.fail("id", f"{item_id!r} is already used by another stage or item in this checklist")
        seen.add(item_id)
        items.append(Item(id=item_id, text=ir.text("text"), help=ir.text("help", "")))
    return Stage(
        id=stage_id,
        title=r.text("title"),
        goal=r.text("goal"),
        period=r.text("period", "") or f"Days {start} to {end}",
        start_day=start,
        end_day=end,
        gate=_flag(r, "gate"),
        items=tuple(items),
    )


def parse_checklist(data: Mapping[str, Any], source: str) -> Checklist:
    """Build and validate a Checklist from parsed TOML."""
    r = _Reader(source, data)
    _known_keys(r, _TOP_KEYS)
    seen: set[str] = set()
    stages: list[Stage] = []
    for sr in r.tables("stages"):
        stage = _stage(sr, seen)
        if stages and stage.start_day < stages[-1].start_day:
            raise sr.fail("start_day", f"stages must be listed in date order; this one starts before {stages[-1].id!r}")
        stages.append(stage)
    red_flags = _lines(r, "red_flags")
    return Checklist(
        id=_slug(r, "id"),
        kind=_slug(r, "kind"),
        order=_whole(r, "order", "a position such as 1, 2, 3") if r.has("order") else 100,
        name=r.text("name"),
        description=r.text("description", ""),
        source=r.text("source", ""),
        subject_label=r.text("subject_label", "Account"),
        start_label=r.text("start_label", "the start date"),
        stages=tuple(stages),
        red_flags_title=r.text("red_flags_title", "Red flags" if red_flags else ""),
        red_flags=red_flags,
    )


def load_checklist_file(path: Path) -> Checklist:
    return parse_checklist(read_toml(path), path.name)


def load_checklists(directory: Path) -> dict[str, Checklist]:
    """Every checklist file in ``directory``, keyed by id; a duplicate id is an error."""
    return load_directory(directory, load_checklist_file, "checklist")


@cache
def preset_checklists() -> dict[str, Checklist]:
    """The shipped checklists, loaded once per process."""
    return load_checklists(CHECKLISTS_DIR)


def checklists_of_kind(kind: str) -> list[Checklist]:
    """What a page offers: every checklist of its kind, in lifecycle ``order`` then by name."""
    return sorted((c for c in preset_checklists().values() if c.kind == kind), key=lambda c: (c.order, c.name))
