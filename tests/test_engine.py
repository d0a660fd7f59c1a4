"""The formula: the seeds' worked examples, its invariants, and the levers."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import formatting
from scoring.catalog import get_model, preset_models, with_weights
from scoring.engine import NoSignals, attainment, earned, round1, score
from scoring.levers import levers
from scoring.model import Bands, Model, Signal, band_for

MODELS = sorted(preset_models())
TECHNICAL = {"usage_rate": 85, "seat_utilization": 60, "teams_live": 75, "override_rate": 12, "csm_responsiveness": 70}
ACME = {
    "login_frequency": 9,
    "feature_adoption": 8,
    "active_users_ratio": 9,
    "support_tickets_inverse": 9,
    "executive_engagement": 8,
    "meeting_attendance": 7,
    "nps_score": 9,
    "response_time": 8,
    "goals_achieved": 8,
    "roi_demonstrated": 9,
    "business_impact": 8,
}


# ---- worked examples ---------------------------------------------------------


def test_technical_csm_with_roi_is_86_green() -> None:
    card = score(get_model("technical-csm"), TECHNICAL, ["roi_articulated"])
    assert card.raw == pytest.approx(85.95)
    assert card.score == 86.0
    assert formatting.score(card.raw) == "86.0"
    assert card.band == "green"
    assert card.bonus_points == pytest.approx(10)


def test_technical_csm_without_roi_is_76_yellow() -> None:
    card = score(get_model("technical-csm"), TECHNICAL)
    assert card.raw == pytest.approx(75.95)
    assert card.score == 76.0
    assert card.band == "yellow"


def test_technical_csm_defaults_are_the_seed_account() -> None:
    assert get_model("technical-csm").defaults() == TECHNICAL


def test_override_rate_counts_as_100_minus_the_rate() -> None:
    card = score(get_model("technical-csm"), TECHNICAL)
    override = next(d for d in card.drivers if d.signal_id == "override_rate")
    assert override.points == pytest.approx(0.15 * 88)


def test_the_roi_bonus_is_capped_at_100() -> None:
    best = {k: 100 for k in TECHNICAL} | {"override_rate": 0}
    card = score(get_model("technical-csm"), best, ["roi_articulated"])
    assert card.score == 100.0
    assert card.bonus_points == 0


def test_three_pillar_acme_corp_is_84_green() -> None:
    model = get_model("three-pillar")
    assert model.defaults() == ACME
    card = score(model, ACME)
    assert card.score == 84.0
    assert card.band == "green"
    pillars = {g.group_id: g.attainment for g in card.groups}
    assert pillars["product"] == pytest.approx(8.75 / 10)
    assert pillars["relationship"] == pytest.approx(8.0 / 10)
    assert pillars["outcomes"] == pytest.approx(25 / 30)


def test_four_component_defaults_by_hand() -> None:
    engagement = (75 + 70 + 65) / 3
    success = (70 + 60 + (1 - 35 / 120) * 100) / 3
    satisfaction = (80 + (30 + 100) / 2 + 75 + (1 - 1 / 10) * 100) / 4
    financial = (90 + 70 + 40) / 3
    expected = 0.3 * engagement + 0.3 * success + 0.2 * satisfaction + 0.2 * financial
    model = get_model("four-component")
    card = score(model, model.defaults())
    assert card.raw == pytest.approx(expected)
    assert card.score == 69.9
    assert card.band == "yellow"


def test_traffic_light_colours_become_full_half_or_no_points() -> None:
    model = get_model("traffic-light")
    # Defaults: users 65 % yellow, cases 100 % green, 1 P1/P2 yellow, 10 days green, renewal 1 yellow.
    card = score(model, model.defaults())
    assert card.raw == pytest.approx(100 * (1 + 2 + 1 + 1 + 1) / 9)
    assert card.score == 66.7
    all_green = {
        "active_user_share": 80,
        "case_volume_trend": 120,
        "open_p1p2_tickets": 0,
        "days_since_checkin": 5,
        "renewal_engagement": 2,
    }
    assert score(model, all_green).score == 100.0
    assert score(model, all_green | {"open_p1p2_tickets": 3}).score == pytest.approx(round1(100 * 7 / 9))


@pytest.mark.parametrize(
    ("raw", "shown", "band"),
    [(79.94, 79.9, "yellow"), (79.95, 80.0, "green"), (59.95, 60.0, "yellow"), (59.9, 59.9, "red")],
)
def test_the_band_is_decided_on_the_one_decimal_score(raw: float, shown: float, band: str) -> None:
    model = get_model("technical-csm")
    model = replace(model, bands=replace(model.bands, min_coverage=0.0))  # one signal is enough here
    card = score(model, {"usage_rate": raw})
    assert card.score == shown
    assert card.band == band


def test_round1_rounds_half_up() -> None:
    assert round1(85.95) == 86.0
    assert round1(0.05) == 0.1
    assert formatting.score(79.94) == "79.9"
    assert formatting.score(84.0) == "84.0"


# ---- missing signals -----------------------------------------------------------


def test_a_missing_signal_is_renormalised_away_not_zero() -> None:
    model = get_model("technical-csm")
    card = score(model, {"usage_rate": 85, "seat_utilization": 60})
    assert card.raw == pytest.approx((85 * 30 + 60 * 20) / 50)
    assert card.coverage == pytest.approx(0.5)
    assert set(card.missing) == {"teams_live", "override_rate", "csm_responsiveness"}


def test_coverage_counts_a_missing_signal_inside_a_pillar() -> None:
    model = get_model("three-pillar")
    values = {s.id: s.max for s in model.signals}
    del values["login_frequency"]  # one of the product pillar's signals
    card = score(model, values)
    product = next(g for g in model.groups if g.id == "product")
    assert card.score == 100.0  # the pillar averages the signals it has
    assert card.coverage == pytest.approx(1 - product.weight / len(product.signals) / model.total_weight)
    assert card.missing == ("login_frequency",)


def test_below_the_minimum_coverage_no_colour_is_given() -> None:
    model = get_model("technical-csm")
    card = score(model, {"usage_rate": 100})  # 30% of the weight, a perfect score
    assert card.score == 100.0
    assert card.coverage == pytest.approx(0.3)
    assert card.band == "insufficient"
    assert card.insufficient
    assert card.score_band == "green"


def test_exactly_the_minimum_coverage_is_enough() -> None:
    model = get_model("technical-csm")
    card = score(model, {"usage_rate": 85, "seat_utilization": 60})  # 30 + 20 of 100
    assert card.coverage == pytest.approx(0.5)
    assert card.band == "yellow"


def test_the_minimum_coverage_is_the_model_s() -> None:
    model = get_model("technical-csm")
    strict = replace(model, bands=replace(model.bands, min_coverage=0.9))
    lenient = replace(model, bands=replace(model.bands, min_coverage=0.0))
    values = {"usage_rate": 100, "seat_utilization": 100, "teams_live": 100, "override_rate": 0}
    assert score(strict, values).band == "insufficient"
    assert score(lenient, {"usage_rate": 100}).band == "green"


def test_band_for_takes_a_model_or_its_bands() -> None:
    model = get_model("technical-csm")
    assert band_for(model, 90, 0.49) == band_for(model.bands, 90, 0.49) == "insufficient"
    assert band_for(Bands(min_coverage=0.2), 90, 0.2) == "green"
    assert band_for(Bands(), 59.9, 1.0) == "red"


def test_nan_counts_as_missing() -> None:
    model = get_model("technical-csm")
    assert score(model, {"usage_rate": 85, "teams_live": math.nan}).score == 85.0


def test_no_signal_at_all_is_refused() -> None:
    with pytest.raises(NoSignals):
        score(get_model("technical-csm"), {"usage_rate": None})


def test_an_unknown_signal_is_refused() -> None:
    with pytest.raises(KeyError, match="nope"):
        score(get_model("technical-csm"), {"nope": 1})


# ---- invariants -----------------------------------------------------------------


def grid_value(signal: Signal) -> st.SearchStrategy[float]:
    steps = round((signal.max - signal.min) / signal.step)
    return st.integers(0, steps).map(lambda i: min(signal.max, round(signal.min + i * signal.step, 9)))


@st.composite
def accounts(
    draw: st.DrawFn, model_ids: list[str] = MODELS, allow_missing: bool = True
) -> tuple[Model, dict[str, float | None], list[str]]:
    """A model, some values on the sliders' grid (a few missing) and some bonuses."""
    model = preset_models()[draw(st.sampled_from(model_ids))]
    values: dict[str, float | None] = {}
    for signal in model.signals:
        missing = allow_missing and draw(st.integers(0, 5)) == 0
        values[signal.id] = None if missing else draw(grid_value(signal))
    if all(v is None for v in values.values()):
        values[model.signals[0].id] = model.signals[0].default
    bonuses = [b.id for b in model.bonuses if draw(st.booleans())]
    return model, values, bonuses


@settings(max_examples=300, deadline=None)
@given(accounts())
def test_the_score_stays_between_0_and_100(account: tuple[Model, dict[str, float | None], list[str]]) -> None:
    model, values, bonuses = account
    card = score(model, values, bonuses)
    assert 0 <= card.score <= 100
    assert card.band == band_for(model, card.score, card.coverage)
    assert card.score_band == model.bands.of(card.score)
    assert 0 < card.coverage <= 1


@given(accounts())
def test_the_earned_lines_add_up_to_the_score_and_leave_out_what_has_no_value(
    account: tuple[Model, dict[str, float | None], list[str]],
) -> None:
    model, values, bonuses = account
    card = score(model, values, bonuses)
    lines = earned(card)
    assert sum(line.points for line in lines) == pytest.approx(card.raw)
    signal_lines = [line.label for line in lines if not line.label.startswith("Bonus: ")]
    assert signal_lines == [d.label for d in card.drivers if d.value is not None]
    assert len(lines) - len(signal_lines) == (1 if card.bonus_points else 0)
    assert all(0 <= line.points <= line.max_points + 1e-9 for line in lines)


@settings(max_examples=300, deadline=None)
@given(accounts(), st.data())
def test_improving_one_signal_never_lowers_the_score(
    account: tuple[Model, dict[str, float | None], list[str]], data: st.DataObject
) -> None:
    model, values, bonuses = account
    present = [sid for sid, v in values.items() if v is not None]
    signal = model.signal(data.draw(st.sampled_from(present)))
    other = data.draw(grid_value(signal))
    now = values[signal.id]
    assert now is not None
    low, high = sorted((now, other))
    worse, better = (low, high) if signal.direction == "higher" else (high, low)
    assert attainment(signal, better) >= attainment(signal, worse)
    assert (
        score(model, {**values, signal.id: better}, bonuses).raw
        >= score(model, {**values, signal.id: worse}, bonuses).raw
    )


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(MODELS), st.data())
def test_with_weights_normalises_and_scaling_changes_nothing(model_id: str, data: st.DataObject) -> None:
    model = preset_models()[model_id]
    weights = {g.id: data.draw(st.floats(0.5, 500)) for g in model.groups}
    factor = data.draw(st.floats(0.1, 10))
    custom = with_weights(model, weights, "custom-a", "A")
    scaled = with_weights(model, {k: v * factor for k, v in weights.items()}, "custom-b", "B")
    assert sum(g.weight for g in custom.groups) == pytest.approx(100)
    for a, b in zip(custom.groups, scaled.groups, strict=True):
        assert a.weight == pytest.approx(b.weight)
        assert a.weight == pytest.approx(100 * weights[a.id] / sum(weights.values()))
    same = with_weights(model, {g.id: g.weight * factor for g in model.groups}, "custom-c", "C")
    defaults = model.defaults()
    assert score(same, defaults).raw == pytest.approx(score(model, defaults).raw)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(MODELS), st.data())
def test_missing_signals_never_count_as_zero(model_id: str, data: st.DataObject) -> None:
    """Present signals all at their best score 100 however many are missing."""
    model = preset_models()[model_id]
    present = data.draw(st.sets(st.sampled_from(model.signal_ids), min_size=1))
    best = {s.id: (s.max if s.direction == "higher" else s.min) for s in model.signals if s.id in present}
    card = score(model, {sid: best.get(sid) for sid in model.signal_ids})
    assert card.score == 100.0
    assert card.coverage <= 1


@settings(max_examples=200, deadline=None)
@given(accounts(model_ids=["technical-csm", "traffic-light"]), st.data())
def test_a_missing_signal_equals_dropping_its_weight(
    account: tuple[Model, dict[str, float | None], list[str]], data: st.DataObject
) -> None:
    """Renormalisation: leaving a signal out scores like a model without it."""
    model, values, _ = account
    present = [sid for sid, v in values.items() if v is not None]
    if len(present) < 2:
        return
    gone = data.draw(st.sampled_from(present))
    without = {**values, gone: None}
    reweighted = with_weights(model, {gone: 0}, "custom-x", "X")
    kept = {k: v for k, v in without.items() if k in reweighted.signal_ids}
    assert score(model, without).raw == pytest.approx(score(reweighted, kept).raw)


# ---- levers -----------------------------------------------------------------------


def step_towards_worse(signal: Signal, value: float) -> float:
    delta = -signal.step if signal.direction == "higher" else signal.step
    return value + delta


@settings(max_examples=60, deadline=None)
@given(accounts(allow_missing=False))
def test_a_lever_target_reaches_the_next_band_and_one_step_less_does_not(
    account: tuple[Model, dict[str, float | None], list[str]],
) -> None:
    model, values, bonuses = account
    rank = {"red": 0, "yellow": 1, "green": 2}
    now = score(model, values, bonuses)
    found = levers(model, values, bonuses)
    assert [lv.signal_id for lv in found] == list(model.signal_ids)
    for lever in found:
        signal = model.signal(lever.signal_id)
        if lever.kind == "lift":
            assert now.band != "green"
            best = signal.max if signal.direction == "higher" else signal.min
            at_best = score(model, {**values, signal.id: best}, bonuses).band
            if lever.target is None:
                assert rank[at_best] <= rank[now.band]
                continue
            assert lever.target_band == ("yellow" if now.band == "red" else "green")
            assert rank[score(model, {**values, signal.id: lever.target}, bonuses).band] > rank[now.band]
            less = step_towards_worse(signal, lever.target)
            assert rank[score(model, {**values, signal.id: less}, bonuses).band] <= rank[now.band]
        else:
            assert now.band == "green" and lever.kind == "cushion"
            assert lever.target is not None
            assert score(model, {**values, signal.id: lever.target}, bonuses).band == "green"
            further = step_towards_worse(signal, lever.target)
            if signal.min <= further <= signal.max:
                assert score(model, {**values, signal.id: further}, bonuses).band != "green"


def test_technical_defaults_levers_by_hand() -> None:
    model = get_model("technical-csm")
    found = {lv.signal_id: lv for lv in levers(model, TECHNICAL)}
    # 75.95 needs +4.05 points: usage (0.3 per %) needs 14 more (98 gives 79.85 -> 79.9).
    assert found["usage_rate"].target == 99
    assert found["seat_utilization"].target == 80
    assert found["teams_live"].target is None
    assert found["override_rate"].target is None
    assert found["csm_responsiveness"].target == 90


def test_a_green_account_reports_its_cushion() -> None:
    model = get_model("three-pillar")
    found = {lv.signal_id: lv for lv in levers(model, ACME)}
    assert all(lv.kind == "cushion" for lv in found.values())
    # 84 has 4 points to lose; one product signal is worth 1 point per unit, so it may drop 4 (9 -> 5).
    assert found["login_frequency"].target == 5
