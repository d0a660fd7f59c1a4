"""The headline: score, change since the start, band in its colour, coverage."""

from __future__ import annotations

import streamlit as st

from pages.ui.scorecard.state import Start
from scoring.engine import Scorecard, display_score, round1, score
from scoring.model import Model

BAND_TEXT = {"green": "Green · healthy", "yellow": "Yellow · needs attention", "red": "Red · at risk"}
BAND_ICON = {"green": ":material/check_circle:", "yellow": ":material/warning:", "red": ":material/error:"}


def headline(model: Model, card: Scorecard, start: Start) -> None:
    """The score, with its change since where this what-if began."""
    delta = round1(card.score - score(model, start.as_dict(), start.bonuses).score)
    st.metric(
        "Health score (out of 100)",
        display_score(card.score),
        delta=int(delta) if float(delta).is_integer() else delta,
        delta_description="vs the linked values" if start.linked else "vs the model defaults",
        help=f"{model.name}: green from {model.bands.green:g}, yellow from {model.bands.yellow:g}, red below that.",
    )
    st.badge(BAND_TEXT[card.band], icon=BAND_ICON[card.band], color=card.band)
    if card.bonus_points:
        st.caption(f"Includes a bonus of {card.bonus_points:g} points.")
    if card.missing:
        names = ", ".join(model.signal(sid).label for sid in card.missing)
        present = len(model.signals) - len(card.missing)
        st.caption(
            f"Scored on {present} of {len(model.signals)} signals (coverage {card.coverage:.0%} of the weight). "
            f"No data for {names}: the signals with data share that weight; nothing counts as zero."
        )
