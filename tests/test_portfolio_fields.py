"""Header detection: synonyms, signal ids, clashes, overrides and remembered mappings."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.catalog import get_model
from scoring.db import Store
from scoring.portfolio.ingest.fields import normalise
from scoring.portfolio.ingest.mapping import resolve_mapping, signature

TECH = get_model("technical-csm")


def mapped(headers: list[str], model=TECH, **kwargs) -> dict[str, str | None]:
    mapping, _ = resolve_mapping("export.csv", headers, model, **kwargs)
    return mapping.columns


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Total_Seats", "licensed_seats"),
        ("Acct #", "account_id"),
        ("Account No.", "account_id"),
        ("Customer Number", "account_id"),
        ("Licensed Seats", "licensed_seats"),
        ("seats_purchased", "licensed_seats"),
        ("TotalSeats", "licensed_seats"),
        ("Account ID", "account_id"),
        ("Customer ID", "account_id"),
        ("acct_id", "account_id"),
        ("CustomerID", "account_id"),
        ("CSM", "owner"),
        ("Owner", "owner"),
        ("Account Owner", "owner"),
        ("ARR", "arr"),
        ("Annual Recurring Revenue", "arr"),
        ("Contract Value", "arr"),
        ("ARR (USD)", "arr"),
        ("Renewal Date", "renewal_date"),
        ("Contract End", "renewal_date"),
        ("Month", "period"),
        ("Period", "period"),
        ("Date", "period"),
        ("Usage %", "usage_rate"),
        ("Active Users", "active_users"),
        ("P1/P2", "p1p2_tickets"),
        ("Net Promoter Score", "nps"),
        ("Last Check-in", "last_checkin"),
        ("teams_live", "teams_live"),
        ("Teams or locations live", "teams_live"),
        ("roi_articulated", "roi_articulated"),
    ],
)
def test_synonyms_map_to_canonical_fields(header: str, field: str) -> None:
    assert mapped([header]) == {header: field}


def test_unknown_headers_are_ignored_and_other_models_signals_are_not_taken() -> None:
    three = get_model("three-pillar")
    assert mapped(["Favourite colour"]) == {"Favourite colour": None}
    assert mapped(["teams_live"], model=three) == {"teams_live": None}
    assert mapped(["executive_engagement"], model=three) == {"executive_engagement": "executive_engagement"}


def test_normalise_ignores_case_spacing_and_punctuation() -> None:
    assert normalise("  Licensed-Seats ") == normalise("licensed_seats") == normalise("LicensedSeats")
    assert signature(["Account ID", "ARR"]) == signature(["account_id", "arr"])
    assert signature(["Account ID", "ARR"]) != signature(["Account ID", "MRR"])


def test_a_stronger_synonym_wins_a_clash_and_the_loser_is_reported() -> None:
    mapping, problems = resolve_mapping("crm.csv", ["ID", "Account ID", "Name"], TECH)
    assert mapping.columns == {"ID": None, "Account ID": "account_id", "Name": "account_name"}
    assert len(problems) == 1 and problems[0].column == "ID" and "Account ID" in problems[0].message


def test_overrides_beat_detection_and_can_ignore_a_column() -> None:
    columns = mapped(["Customer Ref", "Seats", "Notes"], overrides={"Customer Ref": "account_id", "Seats": "ignore"})
    assert columns == {"Customer Ref": "account_id", "Seats": None, "Notes": None}


def test_an_override_to_an_unknown_field_is_reported_not_applied() -> None:
    mapping, problems = resolve_mapping("x.csv", ["Seats"], TECH, overrides={"Seats": "seat_count_typo"})
    assert mapping.columns == {"Seats": None}
    assert problems and "seat_count_typo" in problems[0].message


def test_user_corrections_are_remembered_per_header_signature(db_path: Path) -> None:
    store = Store()
    headers = ["Customer Ref", "Seats Bought", "Live Users"]
    first, _ = resolve_mapping(
        "week1.csv",
        headers,
        TECH,
        overrides={"Customer Ref": "account_id", "Seats Bought": "licensed_seats", "Live Users": "active_users"},
        store=store,
    )
    assert not first.remembered
    again, _ = resolve_mapping("week2.csv", headers, TECH, store=store)
    assert again.remembered
    assert again.columns == {
        "Customer Ref": "account_id",
        "Seats Bought": "licensed_seats",
        "Live Users": "active_users",
    }
    other, _ = resolve_mapping("other.csv", ["Customer Ref", "Seats Bought"], TECH, store=store)
    assert not other.remembered
    store.close()


def test_detected_mappings_are_not_saved(db_path: Path) -> None:
    store = Store()
    resolve_mapping("a.csv", ["Account ID", "ARR"], TECH, store=store)
    assert store.mapping(signature(["Account ID", "ARR"])) is None
    store.close()


def test_a_derived_signal_names_the_fact_it_was_worked_out_from_and_only_when_the_account_has_it() -> None:
    from scoring.portfolio.ingest.gaps import derived_from

    tech, four = get_model("technical-csm"), get_model("four-component")
    engagement = tech.signal("csm_responsiveness")
    assert derived_from(engagement, {"days_since_checkin": 16.0}) == (
        "Engagement with the CSM is worked out from days since last check-in: 16 "
        "(0 scores 100 and 45 or further scores 0)."
    )
    assert derived_from(engagement, {"days_since_checkin": None}) is None  # no fact: say nothing, never "0"
    assert derived_from(engagement, {}) is None
    assert derived_from(tech.signal("usage_rate"), {"usage_rate": 72.0}) is None  # its own column, as it is
    assert derived_from(tech.signal("seat_utilization"), {"usage_rate": 72.0}) is None  # derived from two fields
    assert derived_from(four.signal("feature_usage"), {"usage_rate": 72.5}) == (
        "Feature usage is worked out from usage rate (%): 72.5 (100 scores 100 and 0 or further scores 0)."
    )
