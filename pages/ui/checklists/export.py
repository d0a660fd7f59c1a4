"""Download a plan as CSV or Markdown, and preview the Markdown for copy-paste into a CRM note."""

from __future__ import annotations

import re
from datetime import date

import streamlit as st

from scoring.checklists import PlanProgress, to_csv, to_markdown


def _file_stem(pp: PlanProgress) -> str:
    subject = re.sub(r"[^a-z0-9]+", "-", pp.state.plan.subject.casefold()).strip("-") or "plan"
    return f"{pp.state.checklist.id}-{subject}"


def exports(pp: PlanProgress, today: date) -> None:
    markdown = to_markdown(pp, today)
    stem = _file_stem(pp)
    csv_col, md_col = st.columns(2)
    csv_col.download_button(
        "Download CSV",
        to_csv(pp).encode("utf-8"),
        file_name=f"{stem}.csv",
        mime="text/csv",
        icon=":material/table:",
        on_click="ignore",
        width="stretch",
        help="One row per item with stage dates, status, who ticked it and the note. Cells that a spreadsheet "
        "would run as a formula are prefixed with a quote.",
    )
    md_col.download_button(
        "Download Markdown",
        markdown.encode("utf-8"),
        file_name=f"{stem}.md",
        mime="text/markdown",
        icon=":material/description:",
        on_click="ignore",
        width="stretch",
        help="A short summary to paste into a CRM note.",
    )
    with st.expander("Markdown for a CRM note", icon=":material/content_copy:"):
        st.caption("Use the copy button at the top right of the box.")
        st.code(markdown, language="markdown")
