"""Custom models: reweight a preset, save it under a name, delete it again.

Saved models live in the DuckDB file (``scoring.storage.Store``); the list is
read once (``pages.ui.common.state``) and cached until a save or delete here
clears it, so moving a slider never touches the database.  The name rules and
the id a name is saved under are ``scoring.custom_models``'s.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from pages.ui.common.identity import as_author
from pages.ui.common.state import forget_custom_models, saved_custom_models, store
from pages.ui.scorecard.state import MODEL_KEY, forget
from scoring.catalog import preset_models
from scoring.custom_models import NAME_MAX_CHARS, SavedModel, name_problem, save_target, tidy_name, usable
from scoring.formatting import share
from scoring.model import Model
from scoring.model_toml import to_toml
from scoring.storage import StoreError, guarded

NAME_KEY = "custom:name"
PREVIEW_KEY = "custom:preview"
ERROR_KEY = "custom:error"
TOAST_KEY = "custom:toast"


def saved_models() -> dict[str, SavedModel]:
    """Saved custom models by id, for presets that still exist."""
    return usable(saved_custom_models())


def model_label(model: Model) -> str:
    return f"{model.name} (custom)" if model.custom else model.name


def _weight_key(model: Model, group_id: str) -> str:
    return f"custom:{model.id}:w:{group_id}"


def _entered(model: Model) -> dict[str, float]:
    return {g.id: float(st.session_state.get(_weight_key(model, g.id), g.weight)) for g in model.groups}


def _shares(model: Model, weights: Mapping[str, float]) -> list[tuple[str, float, float]]:
    """(label, entered, share in %) per group, zero weights included."""
    total = sum(weights.values())
    return [(g.label, weights[g.id], 100 * weights[g.id] / total) for g in model.groups]


def _preview(model: Model) -> None:
    """Submit callback: show the normalised weights without saving."""
    st.session_state[ERROR_KEY] = None
    weights = _entered(model)
    if sum(weights.values()) <= 0:
        st.session_state[ERROR_KEY] = "At least one weight must be above zero."
        return
    st.session_state[PREVIEW_KEY] = (model.id, _shares(model, weights))


def _save(model: Model, base_id: str) -> None:
    """Submit callback: validate, save to the database, switch to the new model."""
    name = tidy_name(str(st.session_state.get(NAME_KEY, "")))
    weights = _entered(model)
    problem = name_problem(name)
    if problem is None and sum(weights.values()) <= 0:
        problem = "At least one weight must be above zero."
    if problem is None:
        problem = _clash(name)
    st.session_state[ERROR_KEY] = problem
    if problem:
        return
    as_author(f"the custom model “{name}”", lambda who: _store_model(model, base_id, name, weights, who))


def _store_model(model: Model, base_id: str, name: str, weights: dict[str, float], saved_by: str) -> None:
    """Save under the author's name, then switch to the new model (run once the author is known)."""
    total = sum(weights.values())
    normalised = {gid: round(100 * w / total, 4) for gid, w in weights.items()}
    target = save_target(name, saved_custom_models())
    new_id, previous = target.id, target.replaces
    if previous and previous.base_model != base_id:
        forget(new_id)  # same name, other base model: its old sliders mean nothing now
    try:
        with guarded(f"The custom model “{name}” was not saved"):
            store().save_custom_model(new_id, name, base_id, normalised, saved_by=saved_by)
    except StoreError as exc:
        st.session_state[ERROR_KEY] = str(exc)
        return
    forget_custom_models()
    st.session_state[PREVIEW_KEY] = (new_id, _shares(model, weights))
    st.session_state[MODEL_KEY] = new_id
    st.session_state[NAME_KEY] = ""
    st.session_state[TOAST_KEY] = f"{'Updated' if previous else 'Saved'} custom model “{name}”."


def _clash(name: str) -> str | None:
    """The question to ask when the name's id is held by another saved model (one saved by an older version)."""
    other = save_target(name, saved_custom_models()).clashes_with
    if other is None:
        return None
    return (
        f"“{name}” would take the place of the saved custom model “{other.name}”. Choose another name, "
        f"or delete “{other.name}” first if it should go."
    )


def _delete(model: Model, base_id: str) -> None:
    try:
        with guarded(f"The custom model “{model.name}” was not deleted"):
            store().delete_custom_model(model.id)
    except StoreError as exc:
        st.session_state[ERROR_KEY] = str(exc)
        return
    forget_custom_models()
    forget(model.id)
    st.session_state[MODEL_KEY] = base_id
    st.session_state[PREVIEW_KEY] = None
    st.session_state[TOAST_KEY] = f"Deleted custom model “{model.name}”."


def show_toast() -> None:
    message = st.session_state.pop(TOAST_KEY, None)
    if message:
        st.toast(message, icon=":material/check_circle:")


def custom_model_editor(model: Model) -> None:
    """Reweight the current model and save it under a new name (or delete it)."""
    saved = saved_models().get(model.id) if model.custom else None
    base_id = saved.base_model if saved else model.id
    base = preset_models()[base_id]
    origin = f"{model_label(model)} (based on {base.name})" if model.custom else model.name
    st.caption(
        f"Starts from the weights of {origin}. Enter any positive numbers: they are scaled "
        "to add up to 100%. A weight of 0 leaves that part out."
    )
    with st.form("custom-model", border=False):
        st.text_input(
            "Name",
            key=NAME_KEY,
            max_chars=NAME_MAX_CHARS,
            placeholder="e.g. Enterprise renewals",
            help="Saving under the name of an existing custom model replaces it.",
        )
        columns = st.columns(min(len(model.groups), 5))
        for i, group in enumerate(model.groups):
            columns[i % len(columns)].number_input(
                group.label,
                min_value=0.0,
                max_value=1000.0,
                value=round(group.weight, 2),
                step=1.0,
                key=_weight_key(model, group.id),
                help=f"Now {share(group.weight / model.total_weight)} of the score.",
            )
        with st.container(horizontal=True):
            st.form_submit_button(
                "Save custom model", on_click=_save, args=(model, base_id), type="primary", icon=":material/save:"
            )
            st.form_submit_button(
                "Preview normalised weights", on_click=_preview, args=(model,), icon=":material/percent:"
            )
    error = st.session_state.get(ERROR_KEY)
    if error:
        st.error(error, icon=":material/error:")
    preview = st.session_state.get(PREVIEW_KEY)
    if preview and preview[0] == model.id:
        st.dataframe(
            pd.DataFrame(preview[1], columns=["Weight of", "Entered", "Share of score (%)"]),
            hide_index=True,
            column_config={"Share of score (%)": st.column_config.NumberColumn(format="%.1f%%")},
        )
    with st.container(horizontal=True):
        download_model(model)
        if model.custom:
            with st.popover(f"Delete “{model.name}”", icon=":material/delete:"):
                st.write(f"Delete the custom model “{model.name}” for everyone using this app?")
                st.button(
                    "Yes, delete it", on_click=_delete, args=(model, base_id), type="primary", key="custom:delete"
                )


def download_model(model: Model) -> None:
    """The selected model as a TOML file: the way a custom model reaches the CLI, which cannot open the database."""
    st.download_button(
        "Download model as TOML",
        to_toml(model).encode("utf-8"),
        file_name=f"{model.id}.toml",
        mime="application/toml",
        on_click="ignore",
        icon=":material/download:",
        key="custom:download",
        help=f"“{model_label(model)}” as a file, with the weights it has now (unsaved entries above are left "
        f"out). Score exports with it in a terminal: `python -m scoring portfolio FILES --model {model.id}.toml`",
    )
