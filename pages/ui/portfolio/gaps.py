"""The gap banner: which model signals the files left empty, with a one-click fix for each.

Shown above the KPIs, because a score computed on two of five signals looks
just as sure as one computed on all five.  The sentence is the domain's
(``scoring.portfolio.ingest.gaps``), so the CLI prints the same words.  Each
signal with no column gets a picker of the files' unused columns; picking
one is the same correction the mapping editor makes (``mapping.choose``), and
the page re-scores at once.
"""

from __future__ import annotations

import streamlit as st

from pages.ui.common.text import plain
from pages.ui.portfolio.keys import gap_pick_key
from pages.ui.portfolio.mapping import choose
from scoring.model import Model
from scoring.portfolio.contract import PortfolioResult
from scoring.portfolio.ingest.gaps import signal_coverage

PER_ROW = 3


def _picked(key: str, digest: str, signal_id: str) -> None:
    header = st.session_state.get(key)
    if header:
        choose(digest, str(header), signal_id)


def banner(model: Model, result: PortfolioResult, digest: str) -> None:
    """The sentence, then a picker per signal that has no column at all."""
    coverage = signal_coverage(model, result)
    sentence = coverage.sentence()
    if sentence is None or result.accounts.empty:
        return
    st.warning(plain(sentence), icon=":material/visibility_off:")
    unused = list(dict.fromkeys(h for m in result.mappings for h, f in m.columns.items() if not f))
    absent = [g for g in coverage.gaps if not g.has_column]
    if not absent:
        return
    if not unused:
        st.caption(
            "Every column of your files is already in use. Add a column for the missing signals to an export "
            "(or upload the export that has them) to score on all of them."
        )
        return
    st.caption("If one of your columns holds a missing signal, pick it here; the page re-scores at once.")
    for start in range(0, len(absent), PER_ROW):
        row = st.columns(PER_ROW)
        for slot, gap in zip(row, absent[start : start + PER_ROW], strict=False):
            key = gap_pick_key(gap.signal_id)
            slot.selectbox(
                f"Column for {gap.label}",
                unused,
                index=None,
                key=key,
                placeholder="Pick a column",
                on_change=_picked,
                args=(key, digest, gap.signal_id),
            )
