"""The Streamlit side of the scorecard's deep links: the link this run was opened
with, what it could not use, the account it named, and the share box.

Building and reading a link is pure and lives in ``scoring.scorecard_link``;
this module only connects it to ``st.query_params`` and ``st.context``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urljoin

import streamlit as st

from pages.ui.scorecard.keys import ACCOUNT_KEY, ADDRESS_PROBE_KEY
from scoring.model import Model
from scoring.scorecard_link import Link, address_params, dropped_link, parse_link, scorecard_link

# Fixed code, no data from the page or the URL goes into it: it reports only
# how many parameters and characters the browser's address bar holds.
_ADDRESS_JS = """
export default function (component) {
  const query = window.location.search.replace(/^\\?/, "");
  component.setStateValue("address", { fields: query ? query.split("&").length : 0, chars: query.length });
}
"""
_address_probe = st.components.v2.component("scorecard_address_probe", js=_ADDRESS_JS)


def link_in_url(models: Mapping[str, Model], fallback_model: str, event_ids: Sequence[str]) -> Link | None:
    """The deep link in this page's URL, validated; None when the URL has no parameters."""
    params = {name: st.query_params.get_all(name) for name in st.query_params}
    return parse_link(params, models, fallback_model, event_ids)


def keep_address_in_step(
    model: Model,
    values: Mapping[str, float | None],
    bonuses: Sequence[str],
    events: Sequence[str],
    default_model: str,
) -> None:
    """Write what is on screen into the address bar, so a reload or a bookmark shows it again.

    Written only when it differs from what the address already holds: an
    untouched page keeps the address it was opened with.  The link a session
    arrived with is not lost by this: it was applied once, on arrival, and
    "Back to the linked values" returns to it (``state.start_of``).
    """
    wanted = address_params(model, values, bonuses, events, st.session_state.get(ACCOUNT_KEY), default_model)
    current = {name: st.query_params.get_all(name) for name in st.query_params}
    if wanted != current:
        st.query_params.from_dict(wanted)


def dropped_link_warning() -> None:
    """Warn when the browser holds a link Streamlit refused to read, instead of silently showing defaults.

    Streamlit drops an over-long query string whole, so the page sees no
    parameters; only the browser knows what the address bar says.  A tiny
    component reports its size, and the warning shows while the page still
    has no parameters of its own (a change on the page rewrites the address).
    """
    if len(st.query_params):
        return  # Streamlit read this link; the probe (and the run it costs) is only for an empty one
    result = _address_probe(key=ADDRESS_PROBE_KEY, on_address_change=lambda: None, height=0)
    reported = result.get("address") if isinstance(result, Mapping) else getattr(result, "address", None)
    if not isinstance(reported, Mapping):
        return
    problem = dropped_link(int(reported.get("fields") or 0), int(reported.get("chars") or 0))
    if problem:
        st.warning(problem, icon=":material/link_off:")


def ignored_parameters(problems: list[str]) -> None:
    """Say which parameters of the link were skipped, and why (each already quoted as inert text)."""
    if problems:
        st.warning(
            "Some link parameters were ignored:\n" + "\n".join(f"- {p}" for p in problems), icon=":material/link_off:"
        )


def linked_account() -> None:
    """The account a link opened the page on, as plain text (never Markdown)."""
    account = st.session_state.get(ACCOUNT_KEY)
    if account:
        st.text(f"Account: {account}")


def share_link(
    model_id: str, values: Mapping[str, float | None], bonuses: Iterable[str], events: Iterable[str]
) -> None:
    """The full URL of the current what-if (with the linked account, if any), ready to copy."""
    path = scorecard_link(model_id, values, bonuses, st.session_state.get(ACCOUNT_KEY), events=events)
    # Resolved against this page's own URL, so a server under a base path keeps it.
    url = urljoin(st.context.url, path.lstrip("/")) if st.context.url else path
    st.code(url, language=None, wrap_lines=True)
    st.caption("Anyone who opens it sees these values; the account name travels as plain text.")
