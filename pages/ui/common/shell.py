"""Make any page URL work as the very first request a fresh server sees.

Streamlit treats an app with a ``pages/`` folder as an old-style multipage
app until ``st.navigation`` runs once in the process.  So when the first
visitor after a restart opens ``/scorecard?...`` (or any page) directly,
Streamlit runs that page on its own, without app.py: no wide layout, the wrong sidebar.
Switching that mode off and rerunning hands the request to app.py, which
routes it back here with the same URL and query parameters.  That mode
knows pages by file name, so every page's ``url_path`` in app.py is its file
name: a URL that was not one (``/renewals`` for ``revenue.py``) came up under
Streamlit's "Page not found" dialog (tests/test_app_home.py checks app.py).

Once app.py has routed a request in this process the mode is settled, so a
page never reruns for it again.  (Streamlit's AppTest sets the mode back on
before every run; without this memory every AppTest interaction ran the
whole page twice.)
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


class _Shell:
    """Whether app.py's navigation has run in this process (module state: one per server)."""

    entered = False


def enter_app_shell() -> None:
    """app.py calls this before it routes: from here on every page runs inside the app."""
    _Shell.entered = True


def require_app_shell() -> None:
    if PagesManager.uses_pages_directory and not _Shell.entered:
        PagesManager.uses_pages_directory = False
        st.rerun()
