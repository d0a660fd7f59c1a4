"""The account page's sections: the score now, its line over time, why it last moved, checklists, links.

Every figure comes from the domain (``scoring.engine``, ``scoring.actions``,
``scoring.snapshots``, ``scoring.checklists.commands``); this module lays them out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from pages.ui.account.source import Book, monthly_history
from pages.ui.checklists.keys import NEW_PLAN_ACCOUNT_PARAM, ONBOARDING_PAGE, ONBOARDING_PICK_KEY
from pages.ui.checklists.pick import plan_label
from pages.ui.common.state import store
from pages.ui.common.text import count, money, plain
from pages.ui.portfolio.changes import why_table
from pages.ui.portfolio.links import SCORECARD_PAGE, scorecard_params
from scoring import formatting
from scoring.actions import recommend
from scoring.checklists.commands import ChecklistError, plans_for, progress_by_plan
from scoring.checklists.loader import checklists_of_kind
from scoring.engine import Scorecard, bonus_label
from scoring.model import Model
from scoring.portfolio.contract import cell_number
from scoring.portfolio.ingest.gaps import derived_from
from scoring.snapshots import changes, history
from scoring.snapshots.records import SnapshotInfo

NOT_COUNTED = "not counted"

BAND_ZONES = {"red": "#fee2e2", "yellow": "#fef9c3", "green": "#dcfce7"}


def headline(book: Book, row: Mapping[str, Any], scored: Scorecard | None) -> None:
    st.caption(f"From {plain(book.origin)}, scored with {plain(book.model.name)}.")
    if scored is None:
        st.warning(
            "This account has no value for any signal of the model, so it has no score. Add a usage or CRM "
            "export that carries its signals.",
            icon=":material/help:",
        )
        return
    cols = st.columns(4)
    cols[0].metric("Health score", formatting.score(scored.score))
    cols[1].metric("Band", str(scored.band).capitalize())
    cols[2].metric(
        "Coverage", formatting.share(scored.coverage), help="Share of the model's weight the data had values for."
    )
    arr = cell_number(row.get("arr"))
    cols[3].metric("ARR", money(arr), help="From the CRM export's ARR column.")
    if scored.insufficient:
        st.warning(
            f"{formatting.insufficient(scored.coverage, book.model.bands.min_coverage)} The score uses only "
            "the signals with a value, so it says little about this account: add the missing signals to the "
            "exports before judging it.",
            icon=":material/help:",
        )


def drivers(model: Model, scored: Scorecard, row: Mapping[str, Any]) -> None:
    """Each signal's points out of its maximum, and what is missing.

    Values and points are written by ``scoring.formatting``, as on the
    scorecard and in "why it moved" just above: '41%', not 41.1765.  A signal
    with no value earns nothing and has no maximum: its weight is shared
    among the others, so both cells say "not counted" rather than a blank.
    """

    def counted(points: float, seen: bool) -> str:
        return f"{formatting.points_number(points):.1f}" if seen else NOT_COUNTED

    rows = [
        {
            "Signal": d.label,
            "Value": formatting.signal_value(model.signal(d.signal_id), d.value),
            "Points": counted(d.points, d.value is not None),
            "Out of": counted(d.max_points, d.value is not None),
        }
        for d in scored.drivers
    ]
    if scored.bonus_points:
        # The bonus is part of the score: without its line the points fell short of the headline.
        points = counted(scored.bonus_points, True)
        rows.append({"Signal": bonus_label(scored), "Value": "yes", "Points": points, "Out of": points})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    for d in scored.drivers:
        source = derived_from(model.signal(d.signal_id), row) if d.value is not None else None
        if source:
            st.caption(source)
    if any(d.value is None for d in scored.drivers):
        st.caption(
            "Signals with no data are not counted: their weight is shared among the signals that have a value "
            "(coverage above). Add a column for them to the export to score them."
        )


def actions(model: Model, scored: Scorecard) -> None:
    for action in recommend(model, scored):
        with st.expander(plain(action.title), icon=":material/task_alt:"):
            st.caption(plain(action.why))
            for step in action.steps:
                st.markdown(f"- {plain(step)}")


def timeline(book: Book, row: Mapping[str, Any], found: Sequence[SnapshotInfo]) -> None:
    """Score over time as one line: monthly history from the exports, then each snapshot, on band zones."""
    account_id = str(row["account_id"])
    snaps = history.account_history(store(), found, account_id)
    points = pd.concat(
        [
            monthly_history(book, account_id).assign(source="monthly history"),
            pd.DataFrame({"when": snaps["as_of"], "score": snaps["score"], "source": "snapshot"}),
        ],
        ignore_index=True,
    ).dropna(subset=["score"])
    if points.empty:
        st.caption(
            "No history yet for this account: save a snapshot on the portfolio page after each upload, or "
            "upload a usage export with a month column."
        )
        return
    points = points.sort_values("when")
    bands = book.model.bands
    zones = pd.DataFrame(
        [
            {"band": "red", "low": 0.0, "high": bands.yellow},
            {"band": "yellow", "low": bands.yellow, "high": bands.green},
            {"band": "green", "low": bands.green, "high": 100.0},
        ]
    )
    zone = (
        alt.Chart(zones)
        .mark_rect(opacity=0.6)
        .encode(
            y=alt.Y("low:Q", scale=alt.Scale(domain=[0, 100]), title="Health score"),
            y2="high:Q",
            color=alt.Color(
                "band:N",
                scale=alt.Scale(domain=list(BAND_ZONES), range=list(BAND_ZONES.values())),
                legend=None,
            ),
        )
    )
    line = (
        alt.Chart(points)
        .mark_line(point=True, color="#1e3a8a")
        .encode(
            x=alt.X("when:T", title=None, axis=alt.Axis(format="%d %b %Y")),
            y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 100])),
            shape=alt.Shape("source:N", title="From"),
            tooltip=[alt.Tooltip("when:T", title="As of", format="%d %b %Y"), "score:Q", "source:N"],
        )
    )
    st.altair_chart(alt.layer(zone, line).properties(height=280), width="stretch")
    st.caption(
        f"{_history_sources(len(snaps), int((points['source'] == 'monthly history').sum()))} Band zones: red below "
        f"{bands.yellow:g}, yellow from {bands.yellow:g}, green from {bands.green:g}."
    )


def _history_sources(snapshots: int, months: int) -> str:
    """What the line is drawn from, saying where the missing kind would come from rather than counting it as 0."""
    if not snapshots:
        return (
            f"{count(months, 'month')} of history from the exports; no snapshot yet (save one on the portfolio page)."
        )
    if not months:
        return (
            f"{count(snapshots, 'snapshot')}; no monthly history (it comes from exports with a month column, "
            "scored on the portfolio page)."
        )
    return f"{count(snapshots, 'snapshot')} and {count(months, 'month')} of history."


def why_it_moved(book: Book, row: Mapping[str, Any], found: Sequence[SnapshotInfo]) -> None:
    """Between the last two snapshots that hold the account: the one-line reason and the points per signal.

    When the headline is not the newer of the two (a portfolio scored in this session, say), the section
    says so: otherwise "76 → 76.4" under a headline of 77.6 reads as a contradiction.
    """
    account_id = str(row["account_id"])
    held = history.account_history(store(), found, account_id)
    if len(held) < 2:
        st.caption("Two snapshots that include this account are needed to say why its score moved.")
        return
    by_id = {s.id: s for s in found}
    older, newer = by_id[int(held.iloc[-2]["snapshot_id"])], by_id[int(held.iloc[-1]["snapshot_id"])]
    why = changes.explain_account(store(), older, newer, account_id)
    if why is None:
        st.caption("One of the two snapshots has no signal values for this account.")
        return
    st.markdown(f"**{older.as_of:%d %b} → {newer.as_of:%d %b %Y}.** {plain(why.reason)}")
    if book.snapshot is None or book.snapshot.id != newer.id:
        st.caption(
            f"Between the two latest saved snapshots of this account; the score above is from {plain(book.origin)}."
        )
    if not changes.same_model(older, newer):
        st.caption(
            "The two snapshots were scored with different versions of the model; each is explained with its own."
        )
    why_table(why)


def checklists(row: Mapping[str, Any], today: date) -> None:
    """The account's onboarding and review plans (subject = its name or id) and where each stands."""
    subjects = {str(row["account_id"]).casefold(), str(row.get("account_name", "")).casefold()}
    try:
        plans = [
            (c, p) for c, p in plans_for(store(), checklists_of_kind("account")) if p.subject.casefold() in subjects
        ]
        progress = progress_by_plan(store(), plans, today)
    except ChecklistError as exc:
        st.warning(plain(exc), icon=":material/checklist:")
        return
    name = str(row.get("account_name") or row["account_id"])
    if not plans:
        st.caption("No checklist for this account yet.")
        st.page_link(
            ONBOARDING_PAGE,
            label=f"Start an onboarding plan for {plain(name)}",
            icon=":material/add_task:",
            query_params={NEW_PLAN_ACCOUNT_PARAM: name},
        )
        return
    rows = []
    for checklist, plan in plans:
        now = progress[plan.plan_id]
        rows.append(
            {
                "Checklist": checklist.name,
                "Started": plan.start_date,
                "Done": f"{now.percent_done}%",
                "Stage": now.current.stage.title if now.current is not None else "all complete",
                "Status": str(now.status),
            }
        )
    table: pd.DataFrame = pd.DataFrame(rows)
    st.dataframe(table, hide_index=True, width="stretch")
    for checklist, plan in plans:
        label = plan_label(checklist, plan, show_checklist=True)  # as the onboarding page's picker names it
        st.page_link(
            ONBOARDING_PAGE,
            label=f"Open the {checklist.name} plan",
            icon=":material/checklist:",
            query_params={ONBOARDING_PICK_KEY: label},
        )


def scorecard_link(book: Book, row: Mapping[str, Any]) -> None:
    st.page_link(
        SCORECARD_PAGE,
        label="Open in the what-if scorecard",
        help=f"Opens the scorecard with the signal values of {plain(row['account_name'])}.",
        icon=":material/tune:",
        query_params=scorecard_params(book.model, row),
    )
