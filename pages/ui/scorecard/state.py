"""Session state of the what-if scorecard: starting values, deep links, resets.

Every input is keyed per model (``pages.ui.scorecard.keys``) and kept for the
whole session (``persist_state="session"`` on the widgets), so switching from
one model to another and back, or visiting the portfolio and returning, finds
the sliders where the CSM left them.  The *start* of a model is what the score
delta is measured against: the model's defaults, or the values a deep link
brought in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import streamlit as st

from pages.ui.scorecard.keys import (
    ACCOUNT_KEY,
    HERE_KEY,
    MODEL_KEY,
    bonus_key,
    event_key,
    missing_key,
    model_key_prefixes,
    signal_key,
    start_key,
)
from pages.ui.scorecard.links import link_in_url
from scoring.model import Model
from scoring.scorecard_link import Link

PERSIST: Literal["page", "session"] = "session"


@dataclass(frozen=True)
class Start:
    """Where a model's what-if began; None marks a signal with no data."""

    values: tuple[tuple[str, float | None], ...]
    bonuses: tuple[str, ...] = ()
    linked: bool = False

    def as_dict(self) -> dict[str, float | None]:
        return dict(self.values)


def defaults_of(model: Model) -> Start:
    return Start(values=tuple((s.id, s.default) for s in model.signals))


def start_of(model: Model) -> Start:
    start = st.session_state.get(start_key(model.id))
    return start if isinstance(start, Start) else defaults_of(model)


def just_arrived() -> bool:
    return HERE_KEY not in st.session_state


def _write(model: Model, start: Start, only_unset: bool) -> None:
    """Put a start's values into the model's widget keys."""
    values = start.as_dict()
    wanted: dict[str, object] = {
        missing_key(model.id): [sid for sid in model.signal_ids if values.get(sid, 0.0) is None]
    }
    for signal in model.signals:
        value = values.get(signal.id)
        wanted[signal_key(model.id, signal.id)] = float(signal.default if value is None else value)
    for bonus in model.bonuses:
        wanted[bonus_key(model.id, bonus.id)] = bonus.id in start.bonuses
    for key, entry in wanted.items():
        if not only_unset or key not in st.session_state:
            st.session_state[key] = entry


def prepare(model: Model) -> Start:
    """Give every input of the model a value before its widget is drawn."""
    start = start_of(model)
    _write(model, start, only_unset=True)
    return start


def apply_link(link: Link, model: Model, event_ids: list[str]) -> None:
    """Open the page on a deep link's account: model, values, bonuses, events."""
    values = {s.id: link.values.get(s.id, s.default) for s in model.signals}
    start = Start(values=tuple(values.items()), bonuses=link.bonuses, linked=True)
    st.session_state[MODEL_KEY] = model.id
    st.session_state[start_key(model.id)] = start
    st.session_state[ACCOUNT_KEY] = link.account
    for event_id in event_ids:
        st.session_state[event_key(event_id)] = event_id in link.events
    _write(model, start, only_unset=False)


def follow_link(models: dict[str, Model], default_model: str, event_ids: list[str]) -> list[str]:
    """Apply the URL's deep link when the user has just arrived; return its problems.

    The link is applied once per arrival, so moving a slider afterwards is not
    undone by the parameters still sitting in the URL.
    """
    if st.session_state.get(MODEL_KEY) not in models:
        st.session_state[MODEL_KEY] = default_model
    link = link_in_url(models, st.session_state[MODEL_KEY], event_ids)
    if link is None:
        return []
    if just_arrived():
        apply_link(link, models[link.model_id], event_ids)
    return link.warnings


def reset_to_start(model: Model) -> None:
    """Button callback: back to where this model's what-if began."""
    _write(model, start_of(model), only_unset=False)


def reset_to_defaults(model: Model, event_ids: list[str]) -> None:
    """Button callback: the model's defaults, no bonus, no event, no account."""
    st.session_state.pop(start_key(model.id), None)
    st.session_state[ACCOUNT_KEY] = None
    for event_id in event_ids:
        st.session_state[event_key(event_id)] = False
    _write(model, defaults_of(model), only_unset=False)


def forget(model_id: str) -> None:
    """Drop a deleted custom model's inputs so its id can be reused cleanly."""
    prefixes = model_key_prefixes(model_id)
    for key in [k for k in st.session_state if str(k).startswith(prefixes)]:
        del st.session_state[key]
