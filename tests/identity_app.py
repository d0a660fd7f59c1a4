"""AppTest helper for pages that record who made a change: give the name the sidebar asks for."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from pages.ui.common.keys import AUTHOR_FORM_KEY, AUTHOR_INPUT_KEY

NAME_SUBMIT = f"FormSubmitter:{AUTHOR_FORM_KEY}-Use this name"


def give_name(at: AppTest, name: str) -> AppTest:
    """Type a name in the sidebar's form and submit it, as a user pressing Enter would."""
    at.sidebar.text_input(key=AUTHOR_INPUT_KEY).input(name)
    at.sidebar.button(key=NAME_SUBMIT).click().run()
    assert not at.exception, at.exception
    return at
