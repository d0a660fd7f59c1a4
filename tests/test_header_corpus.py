"""The header corpus maps with no clicks, and headers that mean something else stay unmapped.

One case per tool (tests/header_corpus.py), run on every preset model: a header's
field must not depend on which model the CSM picked.  The negative cases check
that dates, phone numbers and company facts are never read as a signal.
"""

from __future__ import annotations

import pytest

from scoring.catalog import get_model, preset_models
from scoring.portfolio.ingest.fields import CANONICAL_BY_ID, header_form, normalise
from scoring.portfolio.ingest.mapping import resolve_mapping
from tests.header_corpus import CASES, NOT_SIGNALS, HeaderCase

MODEL_IDS = list(preset_models())


@pytest.mark.parametrize("case", CASES, ids=[c.tool for c in CASES])
def test_every_corpus_header_maps_with_no_clicks(case: HeaderCase) -> None:
    model = get_model("technical-csm")
    mapping, _ = resolve_mapping(f"{case.tool}.csv", list(case.headers), model)
    wrong = {h: (mapping.columns[h], want) for h, want in case.headers.items() if mapping.columns[h] != want}
    assert wrong == {}, f"{case.tool}: header -> (read as, expected)"


@pytest.mark.parametrize("case", CASES, ids=[c.tool for c in CASES])
@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_canonical_fields_map_the_same_under_every_model(case: HeaderCase, model_id: str) -> None:
    """A model's own signal id, written out, is that signal (three-pillar's "NPS Score"); else no drift."""
    model = get_model(model_id)
    mapping, _ = resolve_mapping("x.csv", list(case.headers), model)
    for header, want in case.headers.items():
        if want in CANONICAL_BY_ID and normalise(header) not in model.signal_ids:
            assert mapping.columns[header] == want, (model_id, header)


@pytest.mark.parametrize("case", CASES, ids=[c.tool for c in CASES])
def test_every_mapping_says_why_and_how_sure(case: HeaderCase) -> None:
    mapping, _ = resolve_mapping("x.csv", list(case.headers), get_model("technical-csm"))
    mapped = {h for h, f in mapping.columns.items() if f}
    assert set(mapping.reasons) == mapped == set(mapping.confidence)
    for header in mapped:
        assert (mapping.reasons[header], mapping.confidence[header]) in {("synonym", "high"), ("qualifier", "medium")}


@pytest.mark.parametrize("header", NOT_SIGNALS)
@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_headers_that_mean_something_else_are_not_a_signal(header: str, model_id: str) -> None:
    model = get_model(model_id)
    mapping, _ = resolve_mapping("x.csv", [header], model)
    assert mapping.columns[header] not in {*model.signal_ids, *CANONICAL_BY_ID} - {"account_name"}


@pytest.mark.parametrize(
    ("header", "field", "reason"),
    [
        ("Active Users", "active_users", "synonym"),
        ("ACTIVE-USERS", "active_users", "synonym"),
        ("active users (30d)", "active_users", "qualifier"),
        ("Active users (last 30 days)", "active_users", "qualifier"),
        ("Active users - 90 days", "active_users", "qualifier"),
        ("L30D Active Users", "active_users", "qualifier"),
        ("Users, active", "active_users", "synonym"),
        ("Active User", "active_users", "qualifier"),
        ("ARR (USD)", "arr", "synonym"),
        ("ARR (EUR, converted)", "arr", "qualifier"),
        ("$ ARR", "arr", "synonym"),
        ("Total ARR", "arr", "synonym"),
        ("No. of Seats", "licensed_seats", "qualifier"),
        ("Count of Tickets", "tickets", "qualifier"),
        ("Tickets Count", "tickets", "qualifier"),
        ("Usage (%)", "usage_rate", "synonym"),
        ("Seats, licensed", "licensed_seats", "synonym"),
        ("Licences", "licensed_seats", "synonym"),
        ("Seat utilisation %", "seat_utilization", "qualifier"),
        ("Organisation ID", "account_id", "synonym"),
    ],
)
def test_qualifiers_units_order_and_plurals_are_set_aside(header: str, field: str, reason: str) -> None:
    mapping, _ = resolve_mapping("x.csv", [header], get_model("technical-csm"))
    assert (mapping.columns[header], mapping.reasons.get(header)) == (field, reason)


def test_an_exact_name_beats_the_same_name_found_after_trimming() -> None:
    mapping, problems = resolve_mapping("x.csv", ["Record ID", "Account ID"], get_model("technical-csm"))
    assert mapping.columns == {"Record ID": None, "Account ID": "account_id"}
    assert problems and problems[0].column == "Record ID"


@pytest.mark.parametrize("header", ["Total", "(USD)", "%", "Last 30 days", "#"])
def test_a_header_of_only_qualifiers_means_nothing(header: str) -> None:
    assert header_form(header) in {"", "pct"}  # a bare "%" keeps only the share marker
    mapping, _ = resolve_mapping("x.csv", [header], get_model("technical-csm"))
    assert mapping.columns[header] is None
