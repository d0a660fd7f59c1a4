"""Ticking checklists: definitions as data, state from an event log, progress and exports.

What the package holds, in the order a tick travels:

* ``model``: the definition (``Checklist``, ``Stage``, ``Item``) and the saved
  records (``PlanRecord``, ``ChecklistEvent``, the ``EventKind`` names);
* ``loader``: the TOML files under ``scoring/catalog/checklists`` into models;
* ``commands``: tick, note, sign off, reopen, reset, start a plan, move its
  start date, and the reads behind every view, through ``scoring.db.Store``;
  failures come back as ``ChecklistError`` with a message for the user;
* ``replay`` (the event log into a plan's state), ``progress`` (dates,
  status and gates as of a day), ``history`` (the audit trail in words) and
  ``export`` (CSV and Markdown).

Everything here but ``commands`` works without the saved-state file and is
re-exported below.  It may import ``scoring.catalog`` and ``scoring.csv_export``
(the one CSV writer); only ``commands`` imports ``scoring.db``, and it is not
re-exported because ``scoring.db`` imports ``model`` from this package (import
``scoring.checklists.commands``).  Never streamlit or ``pages``.
"""

from scoring.checklists.export import md_escape, to_csv, to_markdown
from scoring.checklists.history import Activity, activity
from scoring.checklists.loader import checklists_of_kind, load_checklist_file, load_checklists, preset_checklists
from scoring.checklists.model import (
    NOTE,
    PLAN_TARGET,
    RESET,
    SIGNOFF,
    TICK,
    UNSIGNOFF,
    UNTICK,
    Checklist,
    ChecklistEvent,
    EventKind,
    Item,
    PlanRecord,
    Stage,
)
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
    NOTE_MAX_CHARS,
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
    "ChecklistEvent",
    "EventKind",
    "Gate",
    "Item",
    "ItemState",
    "Mark",
    "PlanProgress",
    "PlanRecord",
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
