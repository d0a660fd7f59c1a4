"""The app opened on the portfolio page as a fresh server shows it, and files uploaded there.

Every AppTest that scores uploads through the page starts the same way; the
caches are emptied first as a restart would, so a Store or a scoring run
cached by an earlier test (made with that test's remembered mappings) is
never read here.
"""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app_pages import run_page


def open_portfolio(timeout: float = 60) -> AppTest:
    """The app opened on the portfolio page, with the page's caches emptied first."""
    st.cache_resource.clear()
    st.cache_data.clear()
    return run_page("pages/portfolio.py", timeout)


def upload(app: AppTest, *files: tuple[str, bytes]) -> None:
    """Upload ``files`` (name, CSV bytes) through the page's file uploader and let it score them."""
    app.file_uploader(key="portfolio_files").set_value([(name, data, "text/csv") for name, data in files]).run()
    assert not app.exception
