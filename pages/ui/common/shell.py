"""Make any page URL work as the very first request a fresh server sees.

Streamlit treats an app with a ``pages/`` folder as an old-style multipage
app until ``st.navigation`` runs once in the process.  So when the first
visitor after a restart opens ``/scorecard?...`` (or any page) directly,
Streamlit runs that page on its own, without app.py: no wide layout, the wrong sidebar.
Switching that mode off and rerunning hands the request to app.py, which
routes it back here with the same URL and query parameters.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def require_app_shell() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
