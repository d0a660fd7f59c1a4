"""Finding plans: the ones a page can show, and the picker that chooses one.

The picker is bound to the URL (``bind="query-params"``), so a browser reload
or a shared link opens the same plan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

import streamlit as st

from pages.ui.common.state import store
from scoring.catalog import CatalogError
from scoring.checklists import Checklist, PlanProgress, PlanRecord, checklists_of_kind
from scoring.checklists.commands import ChecklistError, plans_for, progress_by_plan

Found = TypeVar("Found")


def checklists_or_stop(kind: str) -> list[Checklist]:
    """The checklists a page offers; a broken or missing definition stops the page with the fix."""
    try:
        found = checklists_of_kind(kind)
    except CatalogError as exc:
        st.error(
            f"A checklist file in scoring/catalog/checklists cannot be read, so this page cannot open.\n\n"
            f"`{exc}`\n\nCorrect that field and reload the page. Saved ticks are not affected.",
            icon=":material/error:",
        )
        st.stop()
    if not found:
        st.warning(
            f'No checklist has kind = "{kind}". Add a TOML file with that kind to scoring/catalog/checklists.',
            icon=":material/info:",
        )
        st.stop()
    return found


def _read_or_stop(read: Callable[[], Found]) -> Found:
    """The read's result; when the saved plans cannot be read (a damaged or missing file), say why and stop."""
    try:
        return read()
    except ChecklistError as exc:
        st.error(f"{exc} Ticks saved before this are not lost.", icon=":material/database:")
        st.stop()


def plans_of(checklists: Sequence[Checklist]) -> list[tuple[Checklist, PlanRecord]]:
    """Saved plans whose checklist this page offers, by subject then checklist order."""
    return _read_or_stop(lambda: plans_for(store(), checklists))


def progress_of(plans: Sequence[tuple[Checklist, PlanRecord]], today: date) -> dict[str, PlanProgress]:
    """Every plan's progress (its snapshot plus the events after it), keyed by plan id."""
    return _read_or_stop(lambda: progress_by_plan(store(), plans, today))


def plan_label(checklist: Checklist, plan: PlanRecord, show_checklist: bool) -> str:
    """How the picker names a plan.  The bound picker keeps this text in the URL, not the plan id, so a
    link that opens a plan passes it (``/onboarding?plan=Acme Corp · Customer onboarding``)."""
    return f"{plan.subject} · {checklist.name}" if show_checklist else plan.subject


def pick_plan(
    plans: Sequence[tuple[Checklist, PlanRecord]], label: str, key: str, show_checklist: bool, help_text: str
) -> PlanRecord | None:
    names = {p.plan_id: plan_label(c, p, show_checklist) for c, p in plans}
    if not names:
        return None
    chosen = st.selectbox(
        label, list(names), format_func=names.__getitem__, key=key, bind="query-params", help=help_text
    )
    return next((p for _, p in plans if p.plan_id == chosen), None)
