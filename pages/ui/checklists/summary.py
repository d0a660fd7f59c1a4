"""One line per checklist page for the home page: how many plans, and how many need someone today."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from pages.ui.checklists.pick import plans_of, progress_of
from pages.ui.common.text import count
from scoring.catalog import CatalogError
from scoring.checklists import Checklist, Status, checklists_of_kind

BROKEN = "A checklist definition needs fixing; open the page for details."
ORDER = (Status.BEHIND, Status.DUE_SOON, Status.ON_TRACK, Status.DONE)


def plans_lines(kinds: Sequence[str], today: date) -> dict[str, str]:
    """Per checklist kind, '4 plans: 1 behind, 2 due soon, 1 done' or how to start.

    Every kind's plans are replayed from one read of the event log; the page
    itself explains a broken definition.
    """
    offered: dict[str, list[Checklist]] = {}
    lines: dict[str, str] = {}
    for kind in kinds:
        try:
            offered[kind] = checklists_of_kind(kind)
        except CatalogError:
            lines[kind] = BROKEN
    plans = {kind: plans_of(checklists) for kind, checklists in offered.items()}
    progresses = progress_of([p for found in plans.values() for p in found], today)
    for kind, found in plans.items():
        if not found:
            lines[kind] = "No plans yet."
            continue
        statuses = Counter(progresses[record.plan_id].status for _, record in found)
        parts = [f"{statuses[s]} {s}" for s in ORDER if statuses[s]]
        lines[kind] = f"{count(len(found), 'plan')}: {', '.join(parts)}."
    return lines
