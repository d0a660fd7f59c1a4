"""The portfolio page's building blocks, without a running page."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pages.ui import portfolio_cells as cells
from pages.ui import portfolio_charts as charts
from pages.ui import portfolio_filters as filters
from pages.ui.portfolio_text import money, plain
from scoring.catalog import preset_models
from scoring.engine import attainment

MODELS = preset_models()


def accounts_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": ["a1", "a2", "a3", "a4"],
            "account_name": ["Acme", "Globex", "Initech", "Acme"],
            "owner": ["Dana", "Lee", "Dana", "Lee"],
            "segment": ["SMB", "Enterprise", "SMB", "Mid-market"],
            "band": ["red", "yellow", "green", "green"],
            "score": [41.0, 66.5, 88.0, 92.0],
            "arr": [120_000.0, 50_000.0, 8_000.0, 300_000.0],
            "days_to_renewal": [20, 75, -3, float("nan")],
            "usage_rate": [20.0, 60.0, 95.0, None],
            "seat_utilization": [10.0, 70.0, 90.0, 100.0],
            "teams_live": [50.0, 80.0, 100.0, 100.0],
            "override_rate": [40.0, 10.0, 0.0, 5.0],
            "csm_responsiveness": [30.0, 70.0, 90.0, 95.0],
        }
    )


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(MODELS)), st.data())
def test_vectorised_attainment_matches_the_engine(model_id: str, data: st.DataObject) -> None:
    model = MODELS[model_id]
    signal = data.draw(st.sampled_from(model.signals))
    values = data.draw(
        st.lists(st.floats(signal.min - 50, signal.max + 50, allow_nan=False), min_size=1, max_size=20)
    )
    frame = pd.DataFrame({signal.id: values})
    got = cells.attainment(frame, signal)
    for value, vectorised in zip(values, got, strict=True):
        assert math.isclose(vectorised, attainment(signal, value), abs_tol=1e-12)


def test_missing_signal_is_no_data_not_red() -> None:
    model = MODELS["technical-csm"]
    frame = accounts_frame()
    colours = cells.cell_colour(model, frame, model.signal("usage_rate"))
    assert colours.tolist() == ["red", "yellow", "green", cells.NO_DATA]
    assert np.isnan(cells.attainment(frame, model.signal("usage_rate")).iloc[3])


def test_traffic_light_cells_show_their_light() -> None:
    model = MODELS["traffic-light"]
    signal = model.signal("open_p1p2_tickets")
    frame = pd.DataFrame({signal.id: [0.0, 2.0, 3.0, None]})
    assert cells.cell_colour(model, frame, signal).tolist() == ["green", "yellow", "red", cells.NO_DATA]


def test_filters_combine_and_keep_triage_order() -> None:
    frame = accounts_frame()
    assert filters.apply(frame, filters.Filters()) is frame
    dana = filters.apply(frame, filters.Filters(owners=("Dana",)))
    assert dana["account_id"].tolist() == ["a1", "a3"]
    soon = filters.apply(frame, filters.Filters(window="Next 30 days"))
    assert soon["account_id"].tolist() == ["a1"]
    past = filters.apply(frame, filters.Filters(window=filters.PAST_RENEWAL))
    assert past["account_id"].tolist() == ["a3"]
    mixed = filters.apply(frame, filters.Filters(bands=("green",), segments=("Mid-market",)))
    assert mixed["account_id"].tolist() == ["a4"]
    found = filters.apply(frame, filters.Filters(search="acm"))
    assert found["account_id"].tolist() == ["a1", "a4"]


def test_account_heatmap_has_score_and_every_signal_and_names_clashes() -> None:
    model = MODELS["technical-csm"]
    frame = accounts_frame()
    long = charts.account_cells(model, frame)
    assert len(long) == len(frame) * (1 + len(model.signals))
    assert set(long["Signal"]) == {charts.SCORE_COLUMN, *(s.label for s in model.signals)}
    assert {"Acme (a1)", "Acme (a4)"} <= set(long["Account"])
    usage = long[(long["Signal"] == "Usage rate") & (long["account_id"] == "a1")].iloc[0]
    assert (usage["Value"], usage["Colour"]) == ("20%", "red")
    spec = charts.account_heatmap(model, frame).to_dict()
    assert spec["params"][0]["name"] == "pick"


def test_group_cells_average_attainment_weakest_first() -> None:
    model = MODELS["technical-csm"]
    long, total = charts.group_cells(model, accounts_frame(), "owner", limit=1)
    assert total == 2
    assert set(long["Group"]) == {"Dana"}
    seats = long[long["Signal"] == "Seat utilisation"].iloc[0]
    assert math.isclose(seats["Attainment"], 0.5)
    assert seats["Accounts"] == 2


def test_plain_text_defuses_markdown_and_directives() -> None:
    assert plain("**Acme** :red[x]") == r"\*\*Acme\*\* \:red\[x\]"
    assert plain("line\nbreak") == "line break"


def test_money_is_short() -> None:
    assert money(1_234_567) == "$1.2M"
    assert money(85_000) == "$85K"
    assert money(950) == "$950"
    assert money(float("nan")) == "-"
