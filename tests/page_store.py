"""The pages' cached Store, closed and forgotten as a server restart would."""

from __future__ import annotations

import streamlit as st

from pages.ui.common.state import _open_store
from scoring.db import Store


def close_cached_store() -> None:
    """A restart also empties the cached scoring runs, which were made with the old store's mappings."""
    st.cache_data.clear()
    opened = _open_store()
    if isinstance(opened, Store):
        opened.close()
    _open_store.clear()
