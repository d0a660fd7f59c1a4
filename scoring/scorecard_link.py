"""Deep links into the what-if scorecard: build them, and read them back safely.

This is the pure codec (no Streamlit): the portfolio builds links with it, the
scorecard page reads them with it, and both can be tested without a server.
``pages.ui.scorecard.links`` adds the Streamlit side (the query parameters of
this run, the share box).

A link carries one account's values so the portfolio (or a bookmark, or a
message to a colleague) opens the scorecard exactly where the CSM left off:

    /scorecard?model=technical-csm&usage_rate=40&seat_utilization=55
              &bonus=roi_articulated&account=Acme%20Corp

* a signal named in the link takes that value; a signal left out keeps the
  model's default; ``na`` marks a signal with no data (it is then scored as
  missing, exactly as the portfolio scores it);
* ``bonus`` and ``event`` may repeat, or list ids separated by commas;
* anything unusable is skipped with a warning naming the parameter -- a link
  pasted from a chat message must never crash the page.  Whatever the URL
  said is quoted in the warning as a code span, so it is shown, never run as
  Markdown (no links, no images).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from scoring.model import Model

PAGE_PATH = "/scorecard"
MISSING = "na"
RESERVED = ("model", "account", "bonus", "event")
ACCOUNT_MAX_CHARS = 120
SHOWN_MAX_CHARS = 40
# Streamlit ignores a whole query string beyond these (runtime.state.query_params,
# CLIENT_STATE_QUERY_STRING_MAX_FIELDS / _MAX_LENGTH), so a page can't read such a link.
MAX_QUERY_FIELDS = 1000
MAX_QUERY_CHARS = 512 * 1024


def _number_text(value: float) -> str:
    """'85' rather than '85.0', without losing any digits of '63.71234'."""
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def _value_text(value: float | None) -> str:
    """``na`` for None, NaN or pandas' NA (which refuses float()), else the number."""
    if value is None:
        return MISSING
    try:
        number = float(value)
    except (TypeError, ValueError):
        return MISSING
    return MISSING if math.isnan(number) else _number_text(number)


def link_params(
    model_id: str,
    values: Mapping[str, float | None],
    bonuses: Iterable[str] = (),
    account: str | None = None,
    *,
    events: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """The query parameters, in order, that open the scorecard on these values.

    ``None``, NaN or pandas' NA are written as ``na`` so the scorecard scores
    them as missing instead of falling back to the model's defaults.
    """
    params: list[tuple[str, str]] = [("model", model_id)]
    for signal_id, value in values.items():
        params.append((signal_id, _value_text(value)))
    params.extend(("bonus", b) for b in bonuses)
    params.extend(("event", e) for e in events)
    if account:
        params.append(("account", account))
    return params


def scorecard_link(
    model_id: str,
    values: Mapping[str, float | None],
    bonuses: Iterable[str] = (),
    account: str | None = None,
    *,
    events: Iterable[str] = (),
) -> str:
    """The path and query that open the scorecard on these values (see ``link_params``)."""
    params = link_params(model_id, values, bonuses, account, events=events)
    return f"{PAGE_PATH}?{urlencode(params, quote_via=quote)}"


def address_params(
    model: Model,
    values: Mapping[str, float | None],
    bonuses: Sequence[str],
    events: Sequence[str],
    account: str | None,
    default_model: str,
) -> dict[str, list[str]]:
    """What the address bar should hold for the scorecard as it is on screen (name -> every value).

    A reload then opens exactly what was shown.  The page as it first opens
    (the default model at its defaults, no bonus, event or account) is the
    bare address, so an untouched scorecard keeps a clean URL.
    """
    pristine = (
        model.id == default_model
        and not bonuses
        and not events
        and not account
        and all(values.get(s.id) == s.default for s in model.signals)
    )
    if pristine:
        return {}
    grouped: dict[str, list[str]] = {}
    for name, value in link_params(model.id, values, bonuses, account, events=events):
        grouped.setdefault(name, []).append(value)
    return grouped


def dropped_link(fields: int, chars: int) -> str | None:
    """Why Streamlit ignored the page's query string, or None when it is within Streamlit's limits.

    Streamlit (1.67, ``sanitize_query_string``) silently drops a whole query
    string of more than ``MAX_QUERY_FIELDS`` parameters or ``MAX_QUERY_CHARS``
    characters, so a page opened with one sees no parameters at all.  The
    browser still holds it: ``fields`` and ``chars`` are what its address
    bar's query has (parameters counted as Streamlit counts them, by ``&``).
    """
    if fields > MAX_QUERY_FIELDS:
        size = f"has {fields:,} parameters; Streamlit reads none of a link with more than {MAX_QUERY_FIELDS:,}"
    elif chars > MAX_QUERY_CHARS:
        size = f"is {chars:,} characters long; Streamlit reads none of a link longer than {MAX_QUERY_CHARS:,}"
    else:
        return None
    return (
        f"This link {size}, so none of its values were applied and the page shows the model's defaults. "
        "Ask whoever sent it for the link from the scorecard's Share box, or set the values by hand."
    )


@dataclass
class Link:
    """What a scorecard URL asked for, after validation."""

    model_id: str
    values: dict[str, float | None] = field(default_factory=dict)
    bonuses: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    account: str | None = None
    warnings: list[str] = field(default_factory=list)


def _quoted(text: str) -> str:
    """URL text as an inert Markdown code span, cut short."""
    cleaned = _plain(text).replace("`", "'")[:SHOWN_MAX_CHARS]
    return f"`{cleaned}`" if cleaned else "(empty)"


def _ids(raw: Sequence[str]) -> list[str]:
    return [part.strip() for item in raw for part in item.split(",") if part.strip()]


def _plain(text: str) -> str:
    """One short line of printable text: an account name, never markup or control codes."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    return cleaned[:ACCOUNT_MAX_CHARS]


def _value(model: Model, signal_id: str, text: str) -> tuple[float | None, str | None]:
    """(value, warning): the link's value for a signal, or why it was ignored."""
    signal = model.signal(signal_id)
    if text.strip().lower() in (MISSING, ""):
        return None, None
    given = _quoted(f"{signal_id}={text}")
    try:
        number = float(text.strip().rstrip("%"))
    except ValueError:
        return signal.default, f"{given} is not a number; kept the default"
    if not math.isfinite(number) or not signal.min <= number <= signal.max:
        return signal.default, f"{given} is outside {signal.min:g}-{signal.max:g}; kept the default"
    return number, None


def parse_link(
    params: Mapping[str, Sequence[str]],
    models: Mapping[str, Model],
    fallback_model: str,
    event_ids: Sequence[str],
) -> Link | None:
    """Read query parameters (name -> every value given); None when there are none."""
    if not params:
        return None
    warnings: list[str] = []
    model_id = fallback_model
    wanted = list(params.get("model", []))
    if wanted:
        if wanted[-1] in models:
            model_id = wanted[-1]
        else:
            shown = models[fallback_model].name
            warnings.append(f"{_quoted('model=' + wanted[-1])} is not a known model; showing {shown}")
    model = models[model_id]
    link = Link(model_id=model_id, warnings=warnings)
    for name, given in params.items():
        if name in RESERVED or not given:
            continue
        if name not in model.signal_ids:
            warnings.append(f"{_quoted(name)} is not a signal of {model.name}; ignored")
            continue
        value, problem = _value(model, name, given[-1])
        link.values[name] = value
        if problem:
            warnings.append(problem)
    if all(link.values.get(sid, 0.0) is None for sid in model.signal_ids):
        warnings.append("every signal was marked na; kept the defaults")
        link.values = {}
    known_bonuses = {b.id for b in model.bonuses}
    link.bonuses = tuple(b for b in _ids(params.get("bonus", [])) if b in known_bonuses)
    warnings.extend(
        f"{_quoted('bonus=' + b)} is not a bonus of {model.name}; ignored"
        for b in _ids(params.get("bonus", []))
        if b not in known_bonuses
    )
    link.events = tuple(e for e in _ids(params.get("event", [])) if e in event_ids)
    warnings.extend(
        f"{_quoted('event=' + e)} is not a known event; ignored"
        for e in _ids(params.get("event", []))
        if e not in event_ids
    )
    accounts = params.get("account", [])
    link.account = _plain(accounts[-1]) or None if accounts else None
    return link
