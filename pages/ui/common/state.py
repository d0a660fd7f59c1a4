"""Process-wide resources shared by every page and session.

Streamlit runs each browser session as a thread of one process, so the
database file is opened once here (``st.cache_resource``) and each call takes
its own cursor inside ``scoring.storage.Store``.
"""

from __future__ import annotations

import streamlit as st

from scoring.custom_models import SavedModel, compose_models
from scoring.model import Model
from scoring.storage import Store, StoreError, StoreUnavailable, guarded


@st.cache_resource(show_spinner=False)
def _open_store() -> Store | StoreUnavailable:
    try:
        return Store()
    except StoreUnavailable as exc:
        return exc


def store() -> Store:
    """The shared store, or a clear message and a stopped page if it won't open or its file has gone."""
    opened = _open_store()
    if isinstance(opened, StoreUnavailable):
        _open_store.clear()  # retry on the next run: the other server may have stopped, the file been restored
        st.error(str(opened), icon=":material/database:")
        st.stop()
    if not opened.path.exists():
        # DuckDB keeps writing to a deleted file's open handle, and all of it would vanish at the restart.
        st.error(
            "The database file was removed while the server was running, so nothing can be saved now. "
            "Put the file back from a backup (or let the server start an empty one) and restart the server.",
            icon=":material/database:",
        )
        st.stop()
    return opened


@st.cache_data(show_spinner=False)
def _saved(db_file: str) -> list[SavedModel]:
    """Saved custom models of one database file (the path keys the cache), so a rerun never queries them."""
    try:
        with guarded("The saved custom models could not be read"):
            return store().custom_models()
    except StoreError as exc:
        st.error(str(exc), icon=":material/database:")
        st.stop()


def saved_custom_models() -> list[SavedModel]:
    """Every saved custom model, by name, cached until forget_custom_models()."""
    return _saved(str(store().path))


def forget_custom_models() -> None:
    """Call after saving or deleting a custom model."""
    _saved.clear()


def all_models() -> dict[str, Model]:
    """Presets first, then saved custom models (skipping any whose base is gone), from the cached read."""
    return compose_models(saved_custom_models())
