"""The table of every plan on a page: where each stands and which ones are behind."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from scoring.checklists import PlanProgress
from scoring.csv_export import rows_to_csv


def _rows(progresses: Iterable[PlanProgress], subject_label: str) -> list[dict[str, object]]:
    rows = []
    for pp in progresses:
        rows.append(
            {
                subject_label: pp.state.plan.subject,
                "Checklist": pp.state.checklist.name,
                "Current stage": pp.current.stage.title if pp.current else "Finished",
                "Done": pp.percent_done,
                "Days in stage": pp.days_in_stage,
                "Behind?": pp.behind,
                "Status": str(pp.status),
                "Next due": pp.current.due if pp.current else None,
            }
        )
    return sorted(rows, key=lambda r: (not r["Behind?"], r["Done"]))


def _csv(rows: list[dict[str, object]]) -> bytes:
    return rows_to_csv(list(rows[0]), [list(row.values()) for row in rows]).encode("utf-8")


def overview(progresses: Iterable[PlanProgress], subject_label: str, file_name: str) -> None:
    rows = _rows(progresses, subject_label)
    if not rows:
        st.caption("No plans yet.")
        return
    behind = sum(bool(r["Behind?"]) for r in rows)
    plans = "1 plan" if len(rows) == 1 else f"{len(rows)} plans"
    st.caption(f"{plans}, {behind} behind. Plans that are behind come first, then the least done.")
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        column_config={
            "Done": st.column_config.ProgressColumn("% done", format="%d %%", min_value=0, max_value=100),
            "Days in stage": st.column_config.NumberColumn(
                help="Days since the current stage opened, or since the stages before it were finished if later."
            ),
            "Behind?": st.column_config.CheckboxColumn(help="A stage is past its last day with work still open."),
            "Next due": st.column_config.DateColumn(help="Last day of the current stage.", format="D MMM YYYY"),
        },
    )
    st.download_button(
        "Download overview CSV",
        _csv(rows),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
