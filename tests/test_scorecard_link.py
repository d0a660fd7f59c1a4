"""The scorecard deep-link codec: what a link writes, it reads back, and bad links only warn."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.actions import playbooks
from scoring.catalog import preset_models
from scoring.model import Model
from scoring.scorecard_link import (
    ACCOUNT_MAX_CHARS,
    MAX_QUERY_CHARS,
    MAX_QUERY_FIELDS,
    Link,
    address_params,
    dropped_link,
    parse_link,
    scorecard_link,
)

MODELS = preset_models()
EVENT_IDS = [e.id for e in playbooks().events]
FALLBACK = "technical-csm"
NAME = MODELS[FALLBACK].name

WhatIf = tuple[Model, dict[str, float | None], list[str], list[str], str | None]


def read(link: str) -> Link | None:
    """Parse a link's query the way Streamlit hands it to the page: every value of each name."""
    return parse_link(parse_qs(urlsplit(link).query, keep_blank_values=True), MODELS, FALLBACK, EVENT_IDS)


def parsed(**params: str | list[str]) -> Link:
    given_params = {name: value if isinstance(value, list) else [value] for name, value in params.items()}
    link = parse_link(given_params, MODELS, FALLBACK, EVENT_IDS)
    assert link is not None
    return link


@st.composite
def what_ifs(draw: st.DrawFn) -> WhatIf:
    """A model and values the scorecard could show: on each signal's scale or missing, not all missing."""
    model = draw(st.sampled_from(list(MODELS.values())))
    values: dict[str, float | None] = {}
    for signal in model.signals:
        on_scale = st.floats(min_value=signal.min, max_value=signal.max, allow_nan=False, allow_infinity=False)
        values[signal.id] = draw(st.none() | on_scale)
    if all(v is None for v in values.values()):
        first = model.signals[0]
        values[first.id] = first.default
    bonuses = draw(st.lists(st.sampled_from([b.id for b in model.bonuses]), unique=True)) if model.bonuses else []
    events = draw(st.lists(st.sampled_from(EVENT_IDS), unique=True))
    printable = st.characters(categories=("L", "N", "P", "S"), include_characters=" ")
    account = draw(
        st.none()
        | st.text(printable, min_size=1, max_size=ACCOUNT_MAX_CHARS).filter(lambda t: t.strip() == t and t != "")
    )
    return model, values, bonuses, events, account


@settings(max_examples=300, deadline=None)
@given(what_ifs())
def test_a_link_reads_back_exactly_what_it_wrote(what_if: WhatIf) -> None:
    model, values, bonuses, events, account = what_if
    link = read(scorecard_link(model.id, values, bonuses, account, events=events))
    assert link is not None
    assert link.warnings == []
    assert link.model_id == model.id
    assert link.values == values
    assert link.bonuses == tuple(bonuses)
    assert link.events == tuple(events)
    assert link.account == account


def test_numbers_are_written_short_but_exact() -> None:
    link = scorecard_link("technical-csm", {"usage_rate": 85.0, "seat_utilization": 63.71234, "teams_live": None})
    assert link == "/scorecard?model=technical-csm&usage_rate=85&seat_utilization=63.71234&teams_live=na"


def test_nan_and_pandas_na_are_written_as_na() -> None:
    row: dict[str, Any] = {"usage_rate": float("nan"), "seat_utilization": pd.NA}  # as a DataFrame row holds them
    link = scorecard_link("technical-csm", row)
    assert link.endswith("usage_rate=na&seat_utilization=na")


def test_a_url_without_parameters_is_no_link() -> None:
    assert parse_link({}, MODELS, FALLBACK, EVENT_IDS) is None


def test_bad_values_keep_the_default_and_say_why() -> None:
    link = parsed(usage_rate="lots", seat_utilization="250", teams_live="inf", login_days="3")
    signal = MODELS[FALLBACK].signal
    assert link.values == {
        "usage_rate": signal("usage_rate").default,
        "seat_utilization": signal("seat_utilization").default,
        "teams_live": signal("teams_live").default,
    }
    assert link.warnings == [
        "`usage_rate=lots` is not a number; kept the default",
        "`seat_utilization=250` is outside 0-100; kept the default",
        "`teams_live=inf` is outside 0-100; kept the default",
        f"`login_days` is not a signal of {NAME}; ignored",
    ]


def test_a_percent_sign_blank_and_na_are_understood() -> None:
    link = parsed(usage_rate="40%", seat_utilization="", teams_live="NA")
    assert link.values == {"usage_rate": 40.0, "seat_utilization": None, "teams_live": None}
    assert link.warnings == []


def test_every_signal_na_keeps_the_defaults() -> None:
    link = parsed(**dict.fromkeys(MODELS[FALLBACK].signal_ids, "na"))
    assert link.values == {}
    assert link.warnings == ["every signal was marked na; kept the defaults"]


def test_the_last_value_of_a_repeated_parameter_wins() -> None:
    link = parsed(model=["three-pillar", "technical-csm"], usage_rate=["10", "20"], account=["A", "B"])
    assert (link.model_id, link.values, link.account) == ("technical-csm", {"usage_rate": 20.0}, "B")


def test_an_unknown_model_falls_back_and_warns() -> None:
    link = parsed(model="no-such-model")
    assert link.model_id == FALLBACK
    assert link.warnings == [f"`model=no-such-model` is not a known model; showing {NAME}"]


def test_bonuses_and_events_repeat_or_come_comma_separated() -> None:
    event = EVENT_IDS[0]
    link = parsed(bonus=["roi_articulated, free_money"], event=[f"{event},meteor", event])
    assert link.bonuses == ("roi_articulated",)
    assert link.events == (event, event)
    assert link.warnings == [
        f"`bonus=free_money` is not a bonus of {NAME}; ignored",
        "`event=meteor` is not a known event; ignored",
    ]


def test_url_text_in_a_warning_is_an_inert_short_code_span() -> None:
    link = parsed(**{"![x](https://evil.example/t.png)": "1", "usage_rate": "`9`[a](https://evil.example)"})
    assert "`![x](https://evil.example/t.png)` is not a signal" in link.warnings[0]
    assert link.warnings[1].startswith("`usage_rate='9'[a](https://evil.example)` is not a number")
    long = parsed(**{"x" * 100: "1"}).warnings[0]
    assert long.startswith("`" + "x" * 40 + "` ")


def test_the_account_is_one_short_line_of_plain_text() -> None:
    assert parsed(account="  Acme\nCorp\x00 ").account == "Acme Corp"
    assert parsed(account="y" * 500).account == "y" * ACCOUNT_MAX_CHARS
    assert parsed(account="\n\t").account is None


def defaults(model: Model) -> dict[str, float | None]:
    return {s.id: s.default for s in model.signals}


def test_an_untouched_scorecard_keeps_a_bare_address() -> None:
    model = MODELS[FALLBACK]
    assert address_params(model, defaults(model), [], [], None, FALLBACK) == {}


@settings(max_examples=200, deadline=None)
@given(what_ifs())
def test_the_address_reads_back_as_what_was_on_screen(what_if: WhatIf) -> None:
    model, values, bonuses, events, account = what_if
    params = address_params(model, values, bonuses, events, account, FALLBACK)
    link = parse_link(params, MODELS, FALLBACK, EVENT_IDS)
    if link is None:  # only the untouched default page has a bare address
        assert model.id == FALLBACK and values == defaults(model) and not (bonuses or events or account)
        return
    assert link.warnings == []
    assert link.model_id == model.id
    assert {sid: link.values.get(sid, model.signal(sid).default) for sid in model.signal_ids} == values
    assert (list(link.bonuses), list(link.events), link.account) == (bonuses, events, account)


def test_any_change_from_the_defaults_is_written_in_full() -> None:
    model = MODELS[FALLBACK]
    moved = defaults(model) | {"usage_rate": 41.0}
    params = address_params(model, moved, [], [], None, FALLBACK)
    assert params["model"] == [FALLBACK]
    assert params["usage_rate"] == ["41"]
    assert set(params) == {"model", *model.signal_ids}, "every signal, so the catalog's defaults can't move it"
    other = next(m for m in MODELS.values() if m.id != FALLBACK)
    assert address_params(other, defaults(other), [], [], None, FALLBACK)["model"] == [other.id]


def test_a_link_streamlit_drops_is_named_with_what_to_do() -> None:
    assert dropped_link(0, 0) is None
    assert dropped_link(MAX_QUERY_FIELDS, MAX_QUERY_CHARS) is None, "exactly at the limits is still read"
    too_many = dropped_link(MAX_QUERY_FIELDS + 1, 9_000)
    assert too_many is not None and "1,001 parameters" in too_many and "defaults" in too_many
    too_long = dropped_link(2, MAX_QUERY_CHARS + 1)
    assert too_long is not None and "characters long" in too_long and "Share box" in too_long


def test_our_own_links_stay_within_what_streamlit_reads() -> None:
    for model in MODELS.values():
        values = {s.id: s.max for s in model.signals}
        link = scorecard_link(
            model.id, values, [b.id for b in model.bonuses], "A" * ACCOUNT_MAX_CHARS, events=EVENT_IDS
        )
        query = urlsplit(link).query
        assert dropped_link(query.count("&") + 1, len(query)) is None
