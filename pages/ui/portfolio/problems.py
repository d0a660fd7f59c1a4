"""Input problems as messages a CSM can act on: which file, which column, how
many rows, which rows to look at, and what to change."""

from __future__ import annotations

import streamlit as st

from pages.ui.common.text import count, plain
from scoring.portfolio.contract import InputProblem

SHOWN_WARNINGS = 5


def sentence(problem: InputProblem) -> str:
    """The whole problem in one Markdown-safe paragraph.

    The message already carries the count and the example rows, worded for
    what was counted (rows, cells, dates), so nothing is appended to it.
    """
    where = f"**{plain(problem.file)}**"
    if problem.column:
        where += f", column **{plain(problem.column)}**"
    return f"{where}: {plain(problem.message)}  \n**What to do:** {plain(problem.fix)}"


def show(problems: list[InputProblem]) -> None:
    """Errors always in full; warnings in full up to a few, the rest folded away."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    for problem in errors:
        st.error(sentence(problem), icon=":material/error:")
    for problem in warnings[:SHOWN_WARNINGS]:
        st.warning(sentence(problem), icon=":material/warning:")
    rest = warnings[SHOWN_WARNINGS:]
    if rest:
        with st.expander(f"{count(len(rest), 'more warning')} about the input"):
            for problem in rest:
                st.warning(sentence(problem), icon=":material/warning:")


def nothing_scored(names: list[str]) -> None:
    """The empty state when no account could be scored at all."""
    st.error(
        f"No account could be scored from {', '.join(plain(n) for n in names)}. Check the messages above, "
        "fix the column mapping in the expanders, or upload a file that has an account id column and at "
        "least one column the health model can use.",
        icon=":material/block:",
    )
