"""Process-wide resources shared by every page and session.

Streamlit runs each browser session as a thread of one process, so the
database file is opened once here (``st.cache_resource``) and each call takes
its own cursor inside ``scoring.db.Store``.
"""

from __future__ import annotations

import streamlit as st

from scoring.catalog import preset_models, with_weights
from scoring.db import Store, StoreUnavailable
from scoring.model import Model


@st.cache_resource(show_spinner=False)
def _open_store() -> Store | StoreUnavailable:
    try:
        return Store()
    except StoreUnavailable as exc:
        return exc


def store() -> Store:
    """The shared store, or a clear message and a stopped page if it won't open."""
    opened = _open_store()
    if isinstance(opened, StoreUnavailable):
        _open_store.clear()  # retry on the next run: the other server may have stopped, the file been restored
        st.error(str(opened), icon=":material/database:")
        st.stop()
    return opened  # type: ignore[return-value]


@st.cache_data(show_spinner=False)
def _saved(db_file: str) -> list[tuple[str, str, str, dict[str, float]]]:
    """Saved custom models of one database file (the path keys the cache), so a rerun never queries them."""
    return store().custom_models()


def saved_custom_models() -> list[tuple[str, str, str, dict[str, float]]]:
    """(id, name, base preset, weights) of every saved custom model, cached until forget_custom_models()."""
    return _saved(str(store().path))


def forget_custom_models() -> None:
    """Call after saving or deleting a custom model."""
    _saved.clear()


def all_models() -> dict[str, Model]:
    """Presets first, then saved custom models (skipping any whose base is gone)."""
    models = dict(preset_models())
    for model_id, name, base, weights in saved_custom_models():
        if base in preset_models():
            models[model_id] = with_weights(preset_models()[base], weights, model_id, name)
    return models
