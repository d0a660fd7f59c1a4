"""Who is making a change: the signed-in user, or a name given once per browser session.

Every record the app writes for a person (a tick, a note, a sign-off, a reset,
a new plan, a saved custom model) names its author, and an audit trail is only
worth reading when that name is real.  So there is no stand-in such as "CSM":

* when ``[auth]`` is configured in ``.streamlit/secrets.toml`` and the user has
  signed in (``st.login``), the author is ``st.user``'s name, or e-mail;
* otherwise the user types a name once per browser session, in a small form in
  the sidebar, before their first change.

A change tried before a name is given is not thrown away: ``as_author`` parks
it, the page says what is waiting, and submitting the name applies the parked
change under that name.  Until then nothing is written, so no record can carry
an empty or invented author.  Every feature that records a person goes through
this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from pages.ui.common.keys import (
    AUTHOR_FORM_KEY,
    AUTHOR_INPUT_KEY,
    AUTHOR_KEY,
    AUTHOR_PROBLEM_KEY,
    PENDING_CHANGE_KEY,
)
from pages.ui.common.text import plain

NAME_MAX_CHARS = 60


@dataclass(frozen=True)
class PendingChange:
    """A change tried before the author was known: what it was (for the user) and how to apply it."""

    what: str
    apply: Callable[[str], object]


def clean_name(text: object) -> str:
    """One line of printable text, spaces tidied, cut to ``NAME_MAX_CHARS``."""
    printable = "".join(ch if ch.isprintable() else " " for ch in str(text or ""))
    return " ".join(printable.split())[:NAME_MAX_CHARS].strip()


def signed_in_name() -> str | None:
    """The signed-in user's name (or e-mail) when ``[auth]`` is configured and they signed in.

    Without an ``[auth]`` section ``st.user`` has no ``is_logged_in`` at all,
    so reading it with ``get`` covers both "not configured" and "signed out".
    """
    user = st.user
    if not user.get("is_logged_in"):
        return None
    for field in ("name", "email"):
        name = clean_name(user.get(field))
        if name:
            return name
    return None


def author() -> str | None:
    """Who the next record is by; None until the user has signed in or given a name."""
    return signed_in_name() or clean_name(st.session_state.get(AUTHOR_KEY)) or None


def as_author(what: str, change: Callable[[str], object]) -> None:
    """Apply ``change`` under the author's name, or park it until the name is given.

    ``what`` says, in a few words, which change is waiting ("tick “Read the
    API docs”"); it is shown as plain text.
    """
    who = author()
    if who:
        change(who)
    else:
        st.session_state[PENDING_CHANGE_KEY] = PendingChange(what, change)


def _use_name() -> None:
    """Form callback: keep the name for the session, then apply the change that was waiting for it."""
    name = clean_name(st.session_state.get(AUTHOR_INPUT_KEY))
    if not name:
        st.session_state[AUTHOR_PROBLEM_KEY] = "Type your name, then press Enter."
        return
    st.session_state[AUTHOR_PROBLEM_KEY] = None
    st.session_state[AUTHOR_KEY] = name
    pending = st.session_state.pop(PENDING_CHANGE_KEY, None)
    if isinstance(pending, PendingChange):
        pending.apply(name)


def _change_name() -> None:
    """Button callback: forget the name, so the form asks again (recorded changes keep their author)."""
    st.session_state[AUTHOR_INPUT_KEY] = st.session_state.get(AUTHOR_KEY) or ""
    st.session_state[AUTHOR_KEY] = None


def ask_name() -> None:
    """The sidebar's "who is making changes" block, and a notice when a change waits for the name.

    Drawn by every page that records a person's changes, before the widgets
    that make them.
    """
    signed_in = signed_in_name()
    pending = st.session_state.get(PENDING_CHANGE_KEY)
    with st.sidebar:
        if signed_in:
            st.caption(f":material/person: Signed in as {plain(signed_in)}; your changes are recorded under this name.")
            return
        given = author()
        if given:
            st.caption(f":material/person: Your changes are recorded as {plain(given)}.")
            st.button("Change name", key="identity:change", on_click=_change_name, icon=":material/edit:")
            return
        with st.form(AUTHOR_FORM_KEY, enter_to_submit=True, border=False):
            st.text_input(
                "Your name",
                key=AUTHOR_INPUT_KEY,
                max_chars=NAME_MAX_CHARS,
                placeholder="e.g. Priya Shah",
                help="Recorded with every tick, note, sign-off and saved model you make in this browser session, "
                "so the team can see who did what. Asked once per session.",
            )
            st.form_submit_button("Use this name", on_click=_use_name, type="primary", icon=":material/how_to_reg:")
        problem = st.session_state.get(AUTHOR_PROBLEM_KEY)
        if problem:
            st.error(problem, icon=":material/error:")
    if isinstance(pending, PendingChange):
        st.warning(
            f"Not saved yet: {plain(pending.what)}. Enter your name in the sidebar and press Enter; "
            "the change is saved under that name.",
            icon=":material/person:",
        )
