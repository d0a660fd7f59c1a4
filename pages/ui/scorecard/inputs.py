"""The scorecard's inputs: the model picker, the resets, one slider per signal
(grouped by pillar), the "no data" choice and the bonus and event toggles.

Each slider's label carries the signal's share of the score and its help
text says what the signal means, so a CSM never has to open the model file.
"""

from __future__ import annotations

import streamlit as st

from pages.ui.scorecard.custom import model_label
from pages.ui.scorecard.keys import BACK_KEY, HERE_KEY, MODEL_KEY, bonus_key, event_key, missing_key, signal_key
from pages.ui.scorecard.state import PERSIST, reset_to_defaults, reset_to_start
from scoring import formatting
from scoring.actions import Event
from scoring.model import Group, Model, Signal


def model_picker(models: dict[str, Model]) -> Model:
    model_id = st.selectbox(
        "Health model",
        list(models),
        format_func=lambda mid: model_label(models[mid]),
        key=MODEL_KEY,
        help="Presets come from the seed playbooks; custom models are reweighted presets saved below.",
        persist_state=PERSIST,
    )
    return models[model_id]


def reset_buttons(model: Model, linked: bool, event_ids: list[str]) -> None:
    """Back to the model's defaults; and, when a link opened the page, back to the link's values."""
    st.button(
        "Reset to defaults",
        on_click=reset_to_defaults,
        args=(model, event_ids),
        key=HERE_KEY,
        icon=":material/restart_alt:",
        help="Every slider back to the model's default, bonuses and events off.",
    )
    if linked:
        st.button(
            "Back to the linked values",
            on_click=reset_to_start,
            args=(model,),
            icon=":material/undo:",
            help="Undo your what-if changes and return to the values the link opened with.",
            key=BACK_KEY,
        )


def slider_format(signal: Signal) -> str:
    """A printf format showing the value as the CSM thinks of it, to the decimals ``formatting.signal_value`` uses."""
    return f"%.{formatting.decimals(signal)}f" + signal.unit.replace("%", "%%")


def _slider(model: Model, signal: Signal, missing: bool) -> float | None:
    label = f"{signal.label} · {formatting.share(model.signal_share(signal.id))}"
    if signal.direction == "lower":
        label += " · lower is better"
    value = st.slider(
        label + (" · no data" if missing else ""),
        min_value=float(signal.min),
        max_value=float(signal.max),
        step=float(signal.step),
        format=slider_format(signal),
        key=signal_key(model.id, signal.id),
        help=signal.help,
        disabled=missing,
        persist_state=PERSIST,
    )
    return None if missing else float(value)


def _group_header(model: Model, group: Group) -> None:
    st.markdown(f"**{group.label}** · {formatting.share(group.weight / model.total_weight)} of the score")


def missing_signals(model: Model) -> set[str]:
    """Signals the CSM marks as 'no data': left out of the score, not counted as zero."""
    key = missing_key(model.id)
    if len(model.signals) < 2:
        return set()
    with st.expander("Signals with no data", expanded=bool(st.session_state.get(key)), icon=":material/help:"):
        chosen = st.multiselect(
            "Leave these out of the score",
            list(model.signal_ids),
            format_func=lambda sid: model.signal(sid).label,
            key=key,
            max_selections=len(model.signals) - 1,
            help="A signal with no data is left out and the remaining weights are scaled up to 100%. "
            "It never counts as zero.",
            placeholder="Every signal has data",
            persist_state=PERSIST,
        )
    return set(chosen)


def signal_sliders(model: Model, missing: set[str]) -> dict[str, float | None]:
    """Draw the sliders (bordered blocks per pillar for grouped models); return the values."""
    values: dict[str, float | None] = {}
    if not model.is_grouped:
        with st.container(border=True):
            for signal in model.signals:
                values[signal.id] = _slider(model, signal, signal.id in missing)
        return values
    for group in model.groups:
        with st.container(border=True):
            _group_header(model, group)
            for signal_id in group.signals:
                values[signal_id] = _slider(model, model.signal(signal_id), signal_id in missing)
    return values


def bonus_toggles(model: Model) -> list[str]:
    return [
        bonus.id
        for bonus in model.bonuses
        if st.toggle(
            f"{bonus.label} (+{bonus.points:g})",
            key=bonus_key(model.id, bonus.id),
            help=bonus.help,
            persist_state=PERSIST,
        )
    ]


def event_toggles(events: tuple[Event, ...]) -> list[str]:
    """Things that happened to the account; each can trigger a risk playbook."""
    return [
        event.id
        for event in events
        if st.toggle(event.label, key=event_key(event.id), help=event.help, persist_state=PERSIST)
    ]
