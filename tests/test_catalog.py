"""The model catalog: every preset loads, and a broken file is named precisely."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scoring.catalog import CatalogError, get_model, load_model_file, preset_models, with_weights

PRESET_SIGNALS = {
    "technical-csm": {"usage_rate", "seat_utilization", "teams_live", "override_rate", "csm_responsiveness"},
    "three-pillar": {
        "login_frequency",
        "feature_adoption",
        "active_users_ratio",
        "support_tickets_inverse",
        "executive_engagement",
        "meeting_attendance",
        "nps_score",
        "response_time",
        "goals_achieved",
        "roi_demonstrated",
        "business_impact",
    },
}

VALID = """
id = "tiny"
name = "Tiny model"

[[signals]]
id = "a"
label = "Signal A"
help = "The first signal."
weight = 60

[[signals]]
id = "b"
label = "Signal B"
help = "The second signal."
weight = 40
"""


def write(tmp_path: Path, text: str, name: str = "broken.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_four_presets_load_with_their_stable_ids() -> None:
    models = preset_models()
    assert set(models) == {"technical-csm", "three-pillar", "four-component", "traffic-light"}
    for model_id, signals in PRESET_SIGNALS.items():
        assert set(models[model_id].signal_ids) == signals


@pytest.mark.parametrize("model_id", sorted(preset_models()))
def test_every_preset_is_consistent(model_id: str) -> None:
    model = preset_models()[model_id]
    assert model.bands.yellow < model.bands.green
    assert sum(model.signal_share(s) for s in model.signal_ids) == pytest.approx(1.0)
    for signal in model.signals:
        assert signal.help.strip(), f"{signal.id} needs a help text for its slider"
        assert signal.min <= signal.default <= signal.max


def test_technical_csm_weights_and_bonus_match_the_seed() -> None:
    model = get_model("technical-csm")
    shares = {s: round(model.signal_share(s) * 100) for s in model.signal_ids}
    assert shares == {
        "usage_rate": 30,
        "seat_utilization": 20,
        "teams_live": 15,
        "override_rate": 15,
        "csm_responsiveness": 20,
    }
    assert model.signal("override_rate").direction == "lower"
    assert [(b.id, b.points) for b in model.bonuses] == [("roi_articulated", 10.0)]


def test_three_pillar_weights_match_the_seed() -> None:
    model = get_model("three-pillar")
    assert {g.id: g.weight for g in model.groups} == {"product": 40, "relationship": 30, "outcomes": 30}
    assert all((s.min, s.max) == (0, 10) for s in model.signals)


def test_a_valid_file_loads(tmp_path: Path) -> None:
    model = load_model_file(write(tmp_path, VALID, "tiny.toml"))
    assert model.signal_ids == ("a", "b")
    assert model.total_weight == 100


BROKEN = [
    ("negative weight", VALID.replace("weight = 60", "weight = -5"), "signals[0].weight"),
    ("zero weight", VALID.replace("weight = 40", "weight = 0"), "signals[1].weight"),
    ("nan weight", VALID.replace("weight = 60", "weight = nan"), "signals[0].weight"),
    ("text weight", VALID.replace("weight = 60", 'weight = "sixty"'), "signals[0].weight"),
    ("duplicate signal id", VALID.replace('id = "b"', 'id = "a"'), "signals[1].id"),
    ("missing label", VALID.replace('label = "Signal B"\n', ""), "signals[1].label"),
    ("empty name", VALID.replace('name = "Tiny model"', 'name = "  "'), "name"),
    ("max below min", VALID.replace("weight = 60", "weight = 60\nmin = 10\nmax = 5"), "signals[0].max"),
    ("default off scale", VALID.replace("weight = 60", "weight = 60\ndefault = 150"), "signals[0].default"),
    ("zero step", VALID.replace("weight = 60", "weight = 60\nstep = 0"), "signals[0].step"),
    ("bad direction", VALID.replace("weight = 60", 'weight = 60\ndirection = "up"'), "signals[0].direction"),
    (
        "unordered thresholds",
        VALID.replace(
            "weight = 60", 'weight = 60\ntransform = "traffic_light"\nthresholds = { green = 20, yellow = 50 }'
        ),
        "signals[0].thresholds.green",
    ),
    (
        "traffic light without thresholds",
        VALID.replace("weight = 60", 'weight = 60\ntransform = "traffic_light"'),
        "signals[0].thresholds",
    ),
    ("unordered bands", VALID + "\n[bands]\ngreen = 50\nyellow = 70\n", "bands.green"),
    ("no signals", 'id = "tiny"\nname = "Tiny"\n', "signals"),
    ("weight and group", VALID.replace("weight = 60", 'weight = 60\ngroup = "x"'), "signals[0].group"),
    (
        "unknown group",
        VALID.replace("weight = 60", 'group = "nowhere"'),
        "signals[0].group",
    ),
    (
        "duplicate group",
        VALID + '\n[[groups]]\nid = "g"\nlabel = "G"\nweight = 1\n[[groups]]\nid = "g"\nlabel = "G2"\nweight = 1\n',
        "groups[1].id",
    ),
    ("empty group", VALID + '\n[[groups]]\nid = "lonely"\nlabel = "Lonely"\nweight = 5\n', "groups.lonely"),
    ("syntax error", VALID.replace('name = "Tiny model"', "name = Tiny model"), "(syntax)"),
]


@pytest.mark.parametrize(("text", "field"), [(t, f) for _, t, f in BROKEN], ids=[n for n, _, _ in BROKEN])
def test_a_broken_file_names_the_file_and_the_field(tmp_path: Path, text: str, field: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CatalogError) as caught:
        load_model_file(path)
    assert caught.value.source == "broken.toml"
    assert caught.value.field == field
    assert str(caught.value).startswith(f"broken.toml: {field}: ")


def test_an_unknown_model_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="technical-csm"):
        get_model("no-such-model")


def test_with_weights_normalises_to_100_and_keeps_proportions() -> None:
    model = get_model("three-pillar")
    custom = with_weights(model, {"product": 2, "relationship": 1, "outcomes": 1}, "custom-x", "X")
    assert {g.id: g.weight for g in custom.groups} == {"product": 50, "relationship": 25, "outcomes": 25}
    assert custom.custom and custom.id == "custom-x" and custom.name == "X"
    assert custom.signal_ids == model.signal_ids


def test_with_weights_drops_a_zero_weight_group_and_its_signals() -> None:
    model = get_model("technical-csm")
    custom = with_weights(model, {"teams_live": 0}, "custom-y", "Y")
    assert "teams_live" not in custom.signal_ids
    assert sum(g.weight for g in custom.groups) == pytest.approx(100)


@pytest.mark.parametrize(
    "weights", [{"product": -1}, {"product": float("nan")}, {"product": 0, "relationship": 0, "outcomes": 0}]
)
def test_with_weights_refuses_unusable_weights(weights: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        with_weights(get_model("three-pillar"), weights, "custom-z", "Z")
