"""The headline: score, change since the start, band in its colour (or "insufficient data"), coverage."""

from __future__ import annotations

from typing import Literal

import streamlit as st

from pages.ui.scorecard.state import Start
from scoring import formatting
from scoring.engine import Scorecard, round1, score
from scoring.model import Band, Model

BAND_TEXT: dict[Band, str] = {
    "green": "Green · healthy",
    "yellow": "Yellow · needs attention",
    "red": "Red · at risk",
    "insufficient": "Insufficient data",
}
BAND_ICON: dict[Band, str] = {
    "green": ":material/check_circle:",
    "yellow": ":material/warning:",
    "red": ":material/error:",
    "insufficient": ":material/help:",
}
BadgeColour = Literal["green", "yellow", "red", "gray"]
BADGE_COLOUR: dict[Band, BadgeColour] = {"green": "green", "yellow": "yellow", "red": "red", "insufficient": "gray"}


def headline(model: Model, card: Scorecard, start: Start) -> None:
    """The score, with its change since where this what-if began."""
    delta = round1(card.score - score(model, start.as_dict(), start.bonuses).score)
    st.metric(
        "Health score (out of 100)",
        formatting.score(card.score),
        delta=float(delta),  # one decimal, like the score: "3.0", not "3"
        delta_description="vs the linked values" if start.linked else "vs the model defaults",
        help=f"{model.name}: green from {model.bands.green:g}, yellow from {model.bands.yellow:g}, red below that; "
        f"no band below {formatting.share(model.bands.min_coverage)} of the weight seen.",
    )
    st.badge(BAND_TEXT[card.band], icon=BAND_ICON[card.band], color=BADGE_COLOUR[card.band])
    if card.insufficient:
        st.warning(
            f"{formatting.insufficient(card.coverage, model.bands.min_coverage)} The score uses only the signals "
            "with a value, so it says little about this account: give the missing signals a value before judging it.",
            icon=":material/help:",
        )
    if card.bonus_points:
        st.caption(f"Includes a bonus of {formatting.points(card.bonus_points)}.")
    if card.missing:
        names = ", ".join(model.signal(sid).label for sid in card.missing)
        present = len(model.signals) - len(card.missing)
        st.caption(
            f"Scored on {present} of {len(model.signals)} signals "
            f"(coverage {formatting.share(card.coverage)} of the weight). "
            f"No data for {names}: the signals with data share that weight; nothing counts as zero."
        )
