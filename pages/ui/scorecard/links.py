"""The Streamlit side of the scorecard's deep links: the link this run was opened
with, and the share box.

Building and reading a link is pure and lives in ``scoring.scorecard_link``;
this module only connects it to ``st.query_params`` and ``st.context``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urljoin

import streamlit as st

from scoring.model import Model
from scoring.scorecard_link import Link, parse_link, scorecard_link


def link_in_url(models: Mapping[str, Model], fallback_model: str, event_ids: Sequence[str]) -> Link | None:
    """The deep link in this page's URL, validated; None when the URL has no parameters."""
    params = {name: st.query_params.get_all(name) for name in st.query_params}
    return parse_link(params, models, fallback_model, event_ids)


def share_link(
    model_id: str,
    values: Mapping[str, float | None],
    bonuses: Iterable[str],
    account: str | None,
    events: Iterable[str],
) -> None:
    """The full URL of the current what-if, ready to copy."""
    path = scorecard_link(model_id, values, bonuses, account, events=events)
    # Resolved against this page's own URL, so a server under a base path keeps it.
    url = urljoin(st.context.url, path.lstrip("/")) if st.context.url else path
    st.code(url, language=None, wrap_lines=True)
    st.caption("Anyone who opens it sees these values; the account name travels as plain text.")
