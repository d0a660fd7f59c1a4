"""One line per checklist page for the home page: how many plans, and how many need someone today."""

from __future__ import annotations

from collections import Counter
from datetime import date

from pages.ui.checklist_pick import plans_of, progress_of
from pages.ui.text import count
from scoring.catalog import CatalogError
from scoring.checklists import Status, checklists_of_kind


def plans_line(kind: str, today: date) -> str:
    """'4 plans: 1 behind, 2 due soon, 1 done', or how to start; the page itself explains broken definitions."""
    try:
        checklists = checklists_of_kind(kind)
    except CatalogError:
        return "A checklist definition needs fixing; open the page for details."
    plans = plans_of(checklists)
    if not plans:
        return "No plans yet."
    statuses = Counter(p.status for p in progress_of(plans, today).values())
    order = (Status.BEHIND, Status.DUE_SOON, Status.ON_TRACK, Status.DONE)
    parts = [f"{statuses[s]} {s}" for s in order if statuses[s]]
    return f"{count(len(plans), 'plan')}: {', '.join(parts)}."
