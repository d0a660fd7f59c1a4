"""Turn a scorecard into recommended actions, from the rules in playbooks.toml.

Every action says *why* in terms of this account: the band action names the
signals that lose the most points, and a playbook names the signals (with
their values) that triggered it.  A generic sentence helps no CSM.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

from scoring.catalog import CATALOG_DIR, CatalogError, preset_models, read_toml
from scoring.engine import Scorecard
from scoring.formatting import share, signal_value
from scoring.model import BAND_NAMES, BandName, Model

PLAYBOOKS_FILE = CATALOG_DIR / "playbooks.toml"

RuleKind = Literal["risk", "move", "growth"]
# Every action but the band's routine comes from a rule, and shares its kind.
ActionKind = Literal["band", RuleKind]
KINDS: tuple[RuleKind, ...] = get_args(RuleKind)


@dataclass(frozen=True)
class Condition:
    signal: str | None = None
    event: str | None = None
    below: float | None = None
    atleast: float | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    kind: RuleKind
    any: tuple[Condition, ...]
    all: tuple[Condition, ...]
    bands: tuple[BandName, ...]
    steps: tuple[str, ...]


@dataclass(frozen=True)
class BandPolicy:
    band: BandName
    label: str
    cadence: str
    escalation_level: int
    summary: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Event:
    id: str
    label: str
    help: str


@dataclass(frozen=True)
class Playbooks:
    bands: dict[str, BandPolicy]
    escalation: dict[int, str]
    events: tuple[Event, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Action:
    id: str
    title: str
    kind: ActionKind
    why: str
    steps: tuple[str, ...]


def _conditions(raw: Any, source: str, where: str, signal_ids: set[str], event_ids: set[str]) -> tuple[Condition, ...]:
    """Parse a rule's conditions; a typo in an id would otherwise leave a rule silently dead."""
    if not isinstance(raw, list):
        raise CatalogError(source, where, "must be a list of conditions")
    out = []
    for i, c in enumerate(raw):
        here = f"{where}[{i}]"
        if not isinstance(c, dict) or ("signal" in c) == ("event" in c):
            raise CatalogError(source, here, "give exactly one of signal or event")
        if "event" in c and c["event"] not in event_ids:
            raise CatalogError(source, f"{here}.event", f"unknown event {c['event']!r}; declare it under [[events]]")
        if "signal" in c:
            if c["signal"] not in signal_ids:
                raise CatalogError(source, f"{here}.signal", f"no model has a signal {c['signal']!r}")
            if ("below" in c) == ("atleast" in c):
                raise CatalogError(source, here, "a signal condition needs below or atleast (0-1)")
            limit = c.get("below", c.get("atleast"))
            if isinstance(limit, bool) or not isinstance(limit, int | float) or not 0 <= limit <= 1:
                key = "below" if "below" in c else "atleast"
                raise CatalogError(source, f"{here}.{key}", "must be a number from 0 to 1 (a share of the best value)")
        out.append(Condition(c.get("signal"), c.get("event"), c.get("below"), c.get("atleast")))
    return tuple(out)


def _events(data: Mapping[str, Any], source: str) -> tuple[Event, ...]:
    events = []
    for i, e in enumerate(data.get("events", [])):
        try:
            events.append(Event(str(e["id"]), str(e["label"]), str(e["help"])))
        except (KeyError, TypeError) as exc:
            raise CatalogError(source, f"events[{i}]", f"needs id, label and help ({exc})") from None
    return tuple(events)


def parse_playbooks(data: Mapping[str, Any], source: str, signal_ids: Collection[str] | None = None) -> Playbooks:
    """Build the rules; ``signal_ids`` defaults to every signal of the preset models."""
    known = set(signal_ids) if signal_ids is not None else {s for m in preset_models().values() for s in m.signal_ids}
    bands: dict[str, BandPolicy] = {}
    for name in BAND_NAMES:
        b = data.get("bands", {}).get(name)
        if not isinstance(b, dict):
            raise CatalogError(source, f"bands.{name}", "is missing")
        try:
            bands[name] = BandPolicy(
                band=name,
                label=str(b["label"]),
                cadence=str(b["cadence"]),
                escalation_level=int(b["escalation_level"]),
                summary=str(b["summary"]),
                steps=tuple(str(s) for s in b["steps"]),
            )
        except KeyError as exc:
            raise CatalogError(source, f"bands.{name}.{exc.args[0]}", "is missing") from None
    events = _events(data, source)
    event_ids = {e.id for e in events}
    rules = []
    seen: set[str] = set()
    for i, r in enumerate(data.get("rules", [])):
        where = f"rules[{i}]"
        rid = r.get("id")
        if not isinstance(rid, str) or rid in seen:
            raise CatalogError(source, f"{where}.id", "must be a unique text id")
        seen.add(rid)
        kind = next((k for k in KINDS if k == r.get("kind", "move")), None)
        if kind is None:
            raise CatalogError(source, f"{where}.kind", f"must be one of {', '.join(KINDS)}")
        rule_bands = tuple(r.get("band", BAND_NAMES))
        if not rule_bands or any(b not in BAND_NAMES for b in rule_bands):
            raise CatalogError(source, f"{where}.band", f"must list bands among {', '.join(BAND_NAMES)}")
        any_of = _conditions(r.get("any", []), source, f"{where}.any", known, event_ids)
        all_of = _conditions(r.get("all", []), source, f"{where}.all", known, event_ids)
        if not any_of and not all_of:
            raise CatalogError(source, where, "needs at least one condition under any or all")
        rules.append(
            Rule(
                id=rid,
                title=str(r.get("title", rid)),
                kind=kind,
                any=any_of,
                all=all_of,
                bands=rule_bands,
                steps=tuple(str(s) for s in r.get("steps", [])),
            )
        )
    escalation = {int(k): str(v) for k, v in data.get("escalation", {}).items()}
    return Playbooks(bands=bands, escalation=escalation, events=events, rules=tuple(rules))


@cache
def playbooks(path: Path = PLAYBOOKS_FILE) -> Playbooks:
    return parse_playbooks(read_toml(path), path.name)


# How a CSM would say a value aloud ('42%', '3 days', '6.5/10'): defined once in
# scoring.formatting, named here too for the callers that speak of actions.
describe_value = signal_value


def _signal_hits(cond: Condition, model: Model, card: Scorecard) -> tuple[bool | None, str]:
    """(met?, phrase); met is None when the condition does not apply here."""
    driver = next((d for d in card.drivers if d.signal_id == cond.signal), None)
    if driver is None or driver.attainment is None or driver.value is None:
        return None, ""
    signal = model.signal(driver.signal_id)
    if cond.below is not None:
        met = driver.attainment < cond.below
    else:
        met = driver.attainment >= (cond.atleast or 0.0)
    return met, f"{signal.label} is {describe_value(signal, driver.value)}"


def _evaluate(rule: Rule, model: Model, card: Scorecard, events: set[str]) -> list[str] | None:
    """The reasons a rule fires for this account, or None if it does not."""
    if card.score_band not in rule.bands:
        return None
    reasons: list[str] = []
    for cond in rule.all:
        met, phrase = (cond.event in events, "") if cond.event else _signal_hits(cond, model, card)
        if met is False:
            return None
        if met:
            reasons.append(phrase or _event_label(cond.event))
    if rule.all and not reasons:
        return None
    if rule.any:
        hits = []
        for cond in rule.any:
            if cond.event:
                if cond.event in events:
                    hits.append(_event_label(cond.event))
                continue
            met, phrase = _signal_hits(cond, model, card)
            if met:
                hits.append(phrase)
        if not hits:
            return None
        reasons.extend(hits)
    return reasons


def _event_label(event_id: str | None) -> str:
    for e in playbooks().events:
        if e.id == event_id:
            return e.label.lower()
    return str(event_id)


def _join(phrases: list[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def insufficient_why(model: Model) -> str:
    """Why an account with too little data gets no band, and what fills the gap (the triage list says the same)."""
    return (
        f"Too little data to band: less than {share(model.bands.min_coverage)} of {model.name}'s weight has "
        "values. Add or map columns for its missing signals before judging this account."
    )


def band_action(model: Model, card: Scorecard) -> Action:
    """The band's routine; for an account with too little data, the routine is to fill the gap first."""
    if card.insufficient:
        steps = (
            "Find the missing signals in the account's exports and map each to its column.",
            f"Score again: a band appears once at least {share(model.bands.min_coverage)} of the weight has data.",
        )
        return Action("band-insufficient", "Insufficient data: no band yet", "band", insufficient_why(model), steps)
    policy = playbooks().bands[card.score_band]
    weakest = card.weakest(2)
    level = policy.escalation_level
    who = playbooks().escalation.get(level, "")
    if weakest:
        gaps = _join([f"{d.label} (-{d.lost:.1f} pts)" for d in weakest])
        why = f"{policy.summary} Biggest gaps: {gaps}."
    else:
        why = f"{policy.summary} No signal is losing points."
    why += f" Check in {policy.cadence}; escalation level {level}: {who}."
    return Action(f"band-{card.score_band}", f"{policy.label}: {card.score_band} band", "band", why, policy.steps)


def recommend(model: Model, card: Scorecard, events: Iterable[str] = ()) -> list[Action]:
    """Band action first, then every playbook or move that fires: risks, moves, growth, each in file order."""
    happened = set(events)
    actions = [band_action(model, card)]
    for rule in sorted(playbooks().rules, key=lambda r: KINDS.index(r.kind)):
        reasons = _evaluate(rule, model, card, happened)
        if reasons is not None:
            why = "Triggered because " + _join(reasons) + "."
            actions.append(Action(rule.id, rule.title, rule.kind, why, rule.steps))
    return actions
