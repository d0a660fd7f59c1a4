"""Recommended actions: they follow the band, name this account's gaps, and fire on their triggers."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from scoring.actions import Action, parse_playbooks, playbooks, recommend
from scoring.catalog import CatalogError, get_model
from scoring.engine import score
from tests.test_engine import ACME, TECHNICAL


def actions_for(
    model_id: str, values: Mapping[str, float | None], bonuses: tuple[str, ...] = (), events: tuple[str, ...] = ()
) -> list[Action]:
    model = get_model(model_id)
    return recommend(model, score(model, values, bonuses), events)


def ids(actions: list[Action]) -> list[str]:
    return [a.id for a in actions]


def test_the_band_action_comes_first_and_follows_the_band() -> None:
    green = actions_for("technical-csm", TECHNICAL, ("roi_articulated",))
    yellow = actions_for("technical-csm", TECHNICAL)
    red = actions_for("technical-csm", TECHNICAL | {"usage_rate": 20, "seat_utilization": 20})
    assert [a[0].id for a in (green, yellow, red)] == ["band-green", "band-yellow", "band-red"]
    assert all(a[0].kind == "band" for a in (green, yellow, red))
    assert "monthly" in green[0].why and "escalation level 1" in green[0].why
    assert "biweekly" in yellow[0].why and "escalation level 2" in yellow[0].why
    assert "weekly" in red[0].why and "escalation level 3" in red[0].why
    assert green[0].steps != yellow[0].steps != red[0].steps


def test_cadence_and_escalation_come_from_seed_001() -> None:
    bands = playbooks().bands
    assert {b: (p.cadence, p.escalation_level) for b, p in bands.items()} == {
        "green": ("monthly", 1),
        "yellow": ("biweekly", 2),
        "red": ("weekly", 3),
    }
    assert sorted(playbooks().escalation) == [1, 2, 3, 4, 5]


def test_the_band_action_names_this_accounts_weakest_drivers() -> None:
    # Defaults lose 8.0 on seats and 6.0 on CSM engagement: those two are named.
    why = actions_for("technical-csm", TECHNICAL)[0].why
    assert "Seat utilisation (-8.0 pts)" in why
    assert "Engagement with the CSM (-6.0 pts)" in why
    assert "Usage rate" not in why
    other = actions_for("technical-csm", TECHNICAL | {"usage_rate": 40, "seat_utilization": 95})[0].why
    assert "Usage rate" in other and "Seat utilisation" not in other


def test_a_perfect_account_says_nothing_is_losing_points() -> None:
    best = {k: 100 for k in TECHNICAL} | {"override_rate": 0}
    assert "No signal is losing points" in actions_for("technical-csm", best)[0].why


@pytest.mark.parametrize(
    ("change", "playbook", "reason"),
    [
        ({"login_frequency": 3}, "low-engagement", "Login frequency is 3/10"),
        ({"meeting_attendance": 2}, "low-engagement", "Meeting attendance is 2/10"),
        ({"feature_adoption": 2}, "low-adoption", "Feature adoption is 2/10"),
        ({"active_users_ratio": 4}, "low-adoption", "Active vs licensed users is 4/10"),
        ({"executive_engagement": 2}, "executive-change", "Executive engagement is 2/10"),
    ],
)
def test_seed_004_playbooks_fire_on_their_signals(change: dict[str, float], playbook: str, reason: str) -> None:
    assert playbook not in ids(actions_for("three-pillar", ACME))
    fired = {a.id: a for a in actions_for("three-pillar", {**ACME, **change})}
    assert playbook in fired
    assert reason in fired[playbook].why
    assert fired[playbook].kind == "risk"
    assert len(fired[playbook].steps) == 5


@pytest.mark.parametrize(
    ("event", "playbook"),
    [("executive_change", "executive-change"), ("competitor_evaluation", "competitor-evaluation")],
)
def test_seed_004_playbooks_fire_on_their_events(event: str, playbook: str) -> None:
    assert playbook not in ids(actions_for("three-pillar", ACME))
    fired = {a.id: a for a in actions_for("three-pillar", ACME, events=(event,))}
    assert playbook in fired
    label = next(e.label for e in playbooks().events if e.id == event)
    assert label.lower() in fired[playbook].why


def test_the_events_are_the_two_from_seed_004() -> None:
    assert [e.id for e in playbooks().events] == ["executive_change", "competitor_evaluation"]


@pytest.mark.parametrize(
    ("change", "move"),
    [
        ({"usage_rate": 40}, "training"),
        ({"override_rate": 45}, "training"),
        ({"csm_responsiveness": 40}, "executive-alignment"),
        ({"seat_utilization": 40}, "adoption-gap"),
        ({"teams_live": 40}, "adoption-gap"),
    ],
)
def test_seed_000_moves_fire_on_their_signals(change: dict[str, float], move: str) -> None:
    healthy = TECHNICAL | {"seat_utilization": 80, "csm_responsiveness": 80}
    assert move not in ids(actions_for("technical-csm", healthy))
    assert move in ids(actions_for("technical-csm", {**healthy, **change}))


def test_ready_for_expansion_needs_green_and_broad_use() -> None:
    broad = TECHNICAL | {"usage_rate": 90, "seat_utilization": 90}
    assert "ready-for-expansion" in ids(actions_for("technical-csm", broad, ("roi_articulated",)))
    assert "ready-for-expansion" not in ids(
        actions_for("technical-csm", broad | {"seat_utilization": 60}, ("roi_articulated",))
    )
    narrow_yellow = broad | {"teams_live": 10, "csm_responsiveness": 10}
    assert "ready-for-expansion" not in ids(actions_for("technical-csm", narrow_yellow))


def test_risks_come_before_moves_and_growth() -> None:
    kinds = [
        a.kind for a in actions_for("technical-csm", TECHNICAL | {"usage_rate": 30}, events=("competitor_evaluation",))
    ]
    assert kinds[0] == "band"
    order = {"risk": 0, "move": 1, "growth": 2}
    assert [order[k] for k in kinds[1:]] == sorted(order[k] for k in kinds[1:])
    assert "risk" in kinds and "move" in kinds


def test_a_signal_the_model_lacks_never_triggers_a_rule() -> None:
    # four-component has no seat or usage-rate signal: the adoption gap move cannot fire there.
    model = get_model("four-component")
    worst = {s.id: (s.min if s.direction == "higher" else s.max) for s in model.signals}
    assert "adoption-gap" not in ids(recommend(model, score(model, worst)))


GOOD_BANDS = {
    name: {"label": "x", "cadence": "weekly", "escalation_level": 1, "summary": "s", "steps": []}
    for name in ("green", "yellow", "red")
}
EVENTS = [{"id": "executive_change", "label": "Sponsor left", "help": "h"}]


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"id": "r", "any": [{"signal": "usage_rate"}]}, r"rules\[0\]\.any\[0\]"),
        ({"id": "r", "any": [{"signal": "usage_rat", "below": 0.5}]}, r"rules\[0\]\.any\[0\]\.signal"),
        ({"id": "r", "any": [{"signal": "usage_rate", "below": 50}]}, r"rules\[0\]\.any\[0\]\.below"),
        ({"id": "r", "all": [{"event": "meteor"}]}, r"rules\[0\]\.all\[0\]\.event"),
        ({"id": "r", "kind": "panic", "any": [{"event": "executive_change"}]}, r"rules\[0\]\.kind"),
        ({"id": "r", "band": ["gren"], "any": [{"event": "executive_change"}]}, r"rules\[0\]\.band"),
        ({"id": "r"}, r"rules\[0\]: needs at least one condition"),
    ],
)
def test_a_broken_rule_names_the_field(rule: dict[str, object], field: str) -> None:
    with pytest.raises(CatalogError, match=r"^playbooks\.toml: " + field):
        parse_playbooks({"bands": GOOD_BANDS, "events": EVENTS, "rules": [rule]}, "playbooks.toml")


def test_missing_band_policies_name_the_field() -> None:
    with pytest.raises(CatalogError, match=r"playbooks\.toml: bands\.green: is missing"):
        parse_playbooks({"bands": {}}, "playbooks.toml")
    with pytest.raises(CatalogError, match=r"bands\.red\.cadence"):
        broken = {**GOOD_BANDS, "red": {k: v for k, v in GOOD_BANDS["red"].items() if k != "cadence"}}
        parse_playbooks({"bands": broken}, "playbooks.toml")
