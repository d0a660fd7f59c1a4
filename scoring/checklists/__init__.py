"""Ticking checklists: definitions as data, state from an event log, progress and exports.

Pure Python: the pages render what these functions return, and the store
(``scoring.db``) only appends events and reads them back.
"""

from scoring.checklists.export import md_escape, to_csv, to_markdown
from scoring.checklists.history import Activity, activity
from scoring.checklists.loader import checklists_of_kind, load_checklist_file, load_checklists, preset_checklists
from scoring.checklists.model import Checklist, Item, Stage
from scoring.checklists.progress import (
    DUE_SOON_DAYS,
    Gate,
    PlanProgress,
    StageProgress,
    Status,
    day_date,
    gate,
    progress,
)
from scoring.checklists.replay import (
    NOTE,
    NOTE_MAX_CHARS,
    PLAN_TARGET,
    RESET,
    SIGNOFF,
    TICK,
    UNSIGNOFF,
    UNTICK,
    ItemState,
    Mark,
    PlanState,
    StageState,
    clean_subject,
    plan_id,
    replay,
)

__all__ = [
    "DUE_SOON_DAYS",
    "NOTE",
    "NOTE_MAX_CHARS",
    "PLAN_TARGET",
    "RESET",
    "SIGNOFF",
    "TICK",
    "UNSIGNOFF",
    "UNTICK",
    "Activity",
    "Checklist",
    "Gate",
    "Item",
    "ItemState",
    "Mark",
    "PlanProgress",
    "PlanState",
    "Stage",
    "StageProgress",
    "StageState",
    "Status",
    "activity",
    "checklists_of_kind",
    "clean_subject",
    "day_date",
    "gate",
    "load_checklist_file",
    "load_checklists",
    "md_escape",
    "plan_id",
    "preset_checklists",
    "progress",
    "replay",
    "to_csv",
    "to_markdown",
]
