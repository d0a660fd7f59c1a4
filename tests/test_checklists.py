"""Checklist definitions, state from events, dates and gates, and exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from scoring.catalog import CatalogError
from scoring.checklists import (
    NOTE,
    PLAN_TARGET,
    RESET,
    SIGNOFF,
    TICK,
    UNSIGNOFF,
    UNTICK,
    Checklist,
    ChecklistEvent,
    EventKind,
    PlanRecord,
    Status,
    activity,
    checklists_of_kind,
    clean_subject,
    day_date,
    gate,
    load_checklist_file,
    load_checklists,
    md_escape,
    plan_id,
    preset_checklists,
    progress,
    replay,
    to_csv,
    to_markdown,
)
from scoring.csv_export import FORMULA_START, FORMULA_START_PATTERN, safe_cell
from scoring.csv_export import to_csv as frame_to_csv

START = date(2025, 3, 3)
T0 = datetime(2025, 3, 3, 9, 0)


def plan_for(checklist: Checklist, subject: str = "Acme Corp", start: date = START) -> PlanRecord:
    return PlanRecord(plan_id(checklist.id, subject), checklist.id, subject, start, "Ana", T0)


class Log:
    """Builds an event list the way the store would hand it back."""

    def __init__(self, plan: PlanRecord) -> None:
        self.plan = plan
        self.events: list[ChecklistEvent] = []

    def add(self, target: str, kind: EventKind, value: str | None = None, actor: str = "Ana", at: datetime = T0) -> Log:
        self.events.append(ChecklistEvent(len(self.events) + 1, self.plan.plan_id, target, kind, value, actor, at))
        return self

    def tick_stage(self, checklist: Checklist, stage_id: str, actor: str = "Ana", at: datetime = T0) -> Log:
        stage = checklist.stage(stage_id)
        assert stage is not None
        for item in stage.items:
            self.add(item.id, TICK, actor=actor, at=at)
        return self


@pytest.fixture
def onboarding() -> Checklist:
    return preset_checklists()["customer-onboarding"]


@pytest.fixture
def ramp() -> Checklist:
    return preset_checklists()["ramp-30-60-90"]


# ---- presets ---------------------------------------------------------------


def test_presets_load_with_their_kinds() -> None:
    kinds = {c.id: c.kind for c in preset_checklists().values()}
    assert kinds == {
        "ramp-30-60-90": "ramp",
        "customer-onboarding": "account",
        "go-live-hypercare": "account",
        "business-reviews": "account",
    }
    assert [c.id for c in checklists_of_kind("account")] == [
        "customer-onboarding",
        "go-live-hypercare",
        "business-reviews",
    ]


def test_ramp_has_three_phases_of_six_items(ramp: Checklist) -> None:
    assert [(s.id, s.start_day, s.end_day, len(s.items)) for s in ramp.stages] == [
        ("learn", 1, 30, 6),
        ("contribute", 31, 60, 6),
        ("own", 61, 90, 6),
    ]
    assert all(s.goal for s in ramp.stages)


def test_onboarding_follows_the_seed_stages(onboarding: Checklist) -> None:
    assert [(s.id, len(s.items), s.gate) for s in onboarding.stages] == [
        ("pre-kickoff", 5, False),
        ("kickoff", 4, True),
        ("implementation", 4, True),
        ("adoption", 4, False),
        ("handoff", 4, True),
    ]
    handoff = onboarding.stage("handoff")
    assert handoff is not None and day_date(START, handoff.end_day) == START + timedelta(days=55)


def test_hypercare_covers_weeks_7_to_12_with_red_flags() -> None:
    hypercare = preset_checklists()["go-live-hypercare"]
    assert hypercare.stages[0].start_day == 6 * 7 + 1
    assert hypercare.stages[-1].end_day == 12 * 7
    assert len(hypercare.red_flags) == 4 and hypercare.red_flags_title
    assert [s.id for s in hypercare.stages if s.gate] == ["go-live", "hypercare-exit"]


def test_business_reviews_fall_around_days_30_60_90() -> None:
    reviews = preset_checklists()["business-reviews"]
    assert [s.end_day for s in reviews.stages] == [31, 61, 91]
    assert reviews.stages[-1].gate


# ---- broken definitions ----------------------------------------------------

GOOD_STAGE = """
[[stages]]
id = "one"
title = "One"
goal = "A goal"
start_day = 1
end_day = 10
[[stages.items]]
id = "a"
text = "Do a"
"""
HEADER = 'id = "broken"\nkind = "ramp"\nname = "Broken"\n'


@pytest.mark.parametrize(
    ("body", "field", "problem"),
    [
        (HEADER, "stages", "at least one"),
        (HEADER + GOOD_STAGE.replace('text = "Do a"', ""), "stages[0].items[0].text", "non-empty"),
        (HEADER + GOOD_STAGE.replace("end_day = 10", "end_day = 0"), "stages[0].end_day", "before start_day"),
        (HEADER + GOOD_STAGE.replace("start_day = 1", "start_day = 1.5"), "stages[0].start_day", "whole number"),
        (
            HEADER + GOOD_STAGE.replace("start_day = 1\n", 'start_day = 1\ngate = "yes"\n'),
            "stages[0].gate",
            "true or false",
        ),
        (
            HEADER + GOOD_STAGE.replace("start_day = 1\n", "start_day = 1\ngates = true\n"),
            "stages[0].gates",
            "unknown field",
        ),
        (HEADER + GOOD_STAGE + GOOD_STAGE.replace('"one"', '"two"'), "stages[1].items[0].id", "already used"),
        (HEADER + GOOD_STAGE.replace('id = "a"', 'id = "A b"'), "stages[0].items[0].id", "lower-case"),
        (
            HEADER
            + GOOD_STAGE
            + GOOD_STAGE.replace('"one"', '"two"').replace('"a"', '"b"').replace("start_day = 1", "start_day = -5"),
            "stages[1].start_day",
            "date order",
        ),
        (HEADER + "red_flags = [1, 2]\n" + GOOD_STAGE, "red_flags", "list of non-empty text"),
        (HEADER.replace('kind = "ramp"\n', "") + GOOD_STAGE, "kind", "non-empty"),
        (HEADER + "stages = [\n", "(syntax)", ""),
    ],
)
def test_a_broken_file_names_the_file_and_field(tmp_path: Path, body: str, field: str, problem: str) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_checklist_file(path)
    assert err.value.source == "broken.toml"
    assert err.value.field == field
    assert problem in err.value.problem


def test_two_files_with_one_id_are_refused(tmp_path: Path) -> None:
    for name in ("a.toml", "b.toml"):
        (tmp_path / name).write_text(HEADER + GOOD_STAGE, encoding="utf-8")
    with pytest.raises(CatalogError, match=r"b\.toml: id: .*another file"):
        load_checklists(tmp_path)


def test_a_new_checklist_is_just_a_file(tmp_path: Path) -> None:
    (tmp_path / "renewal.toml").write_text(
        HEADER.replace('"broken"', '"renewal"').replace('"ramp"', '"account"') + GOOD_STAGE, encoding="utf-8"
    )
    found = load_checklists(tmp_path)
    assert found["renewal"].kind == "account"
    assert found["renewal"].stages[0].period == "Days 1 to 10"


# ---- state from events -----------------------------------------------------


def test_ticks_notes_and_who_did_them(onboarding: Checklist) -> None:
    plan = plan_for(onboarding)
    later = T0 + timedelta(hours=2)
    log = (
        Log(plan)
        .add("pk-account-setup", TICK, actor="Ana")
        .add("pk-account-setup", TICK, actor="Ben", at=later)
        .add("pk-timeline", TICK)
        .add("pk-timeline", UNTICK)
        .add("pk-key-contacts", NOTE, "Sponsor is Dana")
        .add("pk-resources", NOTE, "temp")
        .add("pk-resources", NOTE, "")
    )
    state = replay(onboarding, plan, log.events)
    items = {i.item.id: i for i in state.stage("pre-kickoff").items}
    assert items["pk-account-setup"].ticked is not None
    assert items["pk-account-setup"].ticked.actor == "Ana", "the first tick is the one on record"
    assert not items["pk-timeline"].done
    assert items["pk-key-contacts"].note == "Sponsor is Dana"
    assert items["pk-resources"].note == "" and items["pk-resources"].noted is None
    assert state.stage("pre-kickoff").counter == "1 of 5"
    assert state.last_activity == T0


def test_events_of_other_plans_and_unknown_targets_are_ignored(onboarding: Checklist) -> None:
    plan = plan_for(onboarding)
    other = plan_for(onboarding, "Globex")
    events = [
        *Log(other).tick_stage(onboarding, "pre-kickoff").events,
        *Log(plan).add("item-removed-from-toml", TICK).add("pre-kickoff", SIGNOFF).events,
    ]
    state = replay(onboarding, plan, events)
    assert state.ticked == 0
    assert state.stage("pre-kickoff").signoff is None, "a stage without a gate takes no sign-off"


def test_a_gate_takes_a_signoff_only_when_every_item_is_ticked(onboarding: Checklist) -> None:
    plan = plan_for(onboarding)
    log = Log(plan).add("ko-meeting", TICK).add("kickoff", SIGNOFF)
    assert replay(onboarding, plan, log.events).stage("kickoff").signoff is None

    log.tick_stage(onboarding, "kickoff").add("kickoff", SIGNOFF, actor="Priya")
    kickoff = replay(onboarding, plan, log.events).stage("kickoff")
    assert kickoff.signoff is not None and kickoff.signoff.actor == "Priya"
    assert kickoff.complete

    log.add("ko-channels", UNTICK)
    kickoff = replay(onboarding, plan, log.events).stage("kickoff")
    assert kickoff.signoff is None, "unticking an item withdraws the stage's sign-off"
    assert not kickoff.complete

    log.add("ko-channels", TICK).add("kickoff", SIGNOFF).add("kickoff", UNSIGNOFF)
    assert replay(onboarding, plan, log.events).stage("kickoff").signoff is None


def test_reset_clears_ticks_notes_and_signoffs(onboarding: Checklist) -> None:
    plan = plan_for(onboarding)
    log = Log(plan).tick_stage(onboarding, "kickoff").add("kickoff", SIGNOFF).add("ko-meeting", NOTE, "went well")
    log.add(PLAN_TARGET, RESET, actor="Lead")
    state = replay(onboarding, plan, log.events)
    assert state.ticked == 0
    assert state.stage("kickoff").signoff is None
    assert all(not i.note for s in state.stages for i in s.items)
    assert state.last_reset is not None and state.last_reset.actor == "Lead"
    log.add("ko-meeting", TICK)
    assert replay(onboarding, plan, log.events).ticked == 1


def test_events_are_applied_in_sequence_order_whatever_order_they_arrive_in(onboarding: Checklist) -> None:
    plan = plan_for(onboarding)
    events = Log(plan).add("ko-meeting", TICK).add("ko-meeting", UNTICK).events
    assert replay(onboarding, plan, list(reversed(events))).ticked == 0


# ---- dates, status, gates --------------------------------------------------


def test_day_one_is_the_start_date() -> None:
    assert day_date(START, 1) == START
    assert day_date(START, 0) == START - timedelta(days=1)
    assert day_date(START, 30) == START + timedelta(days=29)


@pytest.mark.parametrize(
    ("days_before_due", "status"),
    [(8, Status.ON_TRACK), (7, Status.DUE_SOON), (0, Status.DUE_SOON), (-1, Status.BEHIND)],
)
def test_status_thresholds(ramp: Checklist, days_before_due: int, status: Status) -> None:
    plan = plan_for(ramp, "Priya")
    learn_due = day_date(START, 30)
    pp = progress(replay(ramp, plan, []), learn_due - timedelta(days=days_before_due))
    assert pp.stages[0].due == learn_due
    assert pp.stages[0].status is status
    assert pp.behind is (status is Status.BEHIND)


def test_a_finished_stage_is_done_even_when_late(ramp: Checklist) -> None:
    plan = plan_for(ramp, "Priya")
    state = replay(ramp, plan, Log(plan).tick_stage(ramp, "learn").events)
    pp = progress(state, START + timedelta(days=200))
    assert [s.status for s in pp.stages] == [Status.DONE, Status.BEHIND, Status.BEHIND]


def test_gate_reasons(onboarding: Checklist) -> None:
    plan = plan_for(onboarding)
    log = Log(plan).add("ho-review-meeting", TICK)
    handoff = replay(onboarding, plan, log.events).stage("handoff")
    assert gate(handoff).reason == "Handoff blocked: 3 items open"
    assert not gate(handoff).can_sign
    log.add("ho-metrics-baseline", TICK).add("ho-cadence", TICK)
    assert gate(replay(onboarding, plan, log.events).stage("handoff")).reason == "Handoff blocked: 1 item open"
    log.add("ho-escalation-paths", TICK)
    assert gate(replay(onboarding, plan, log.events).stage("handoff")).can_sign
    log.add("handoff", SIGNOFF, actor="Priya", at=datetime(2025, 4, 28, 15, 30))
    signed = gate(replay(onboarding, plan, log.events).stage("handoff"))
    assert not signed.can_sign
    assert signed.reason == "Handoff signed off by Priya on 28 Apr 2025 15:30"
    assert not gate(replay(onboarding, plan, []).stage("adoption")).needed


def test_current_stage_waits_for_the_signoff(onboarding: Checklist) -> None:
    plan = plan_for(onboarding)
    done_pre = datetime(2025, 3, 1, 10)
    log = Log(plan).tick_stage(onboarding, "pre-kickoff", at=done_pre).tick_stage(onboarding, "kickoff", at=done_pre)
    pp = progress(replay(onboarding, plan, log.events), date(2025, 3, 5))
    assert pp.current is not None and pp.current.stage.id == "kickoff", "kickoff is ticked but not signed off"
    assert pp.days_in_stage == 2, "kickoff opened on 3 March, after pre-kickoff was completed on 1 March"
    log.add("kickoff", SIGNOFF, at=datetime(2025, 3, 12, 12))
    pp = progress(replay(onboarding, plan, log.events), date(2025, 3, 14))
    assert pp.current is not None and pp.current.stage.id == "implementation"
    assert pp.days_in_stage == 2, "implementation opened on 10 March but kickoff was only signed off on the 12th"
    assert pp.percent_done == 9 * 100 // 21


def test_days_in_stage_is_zero_before_the_stage_opens() -> None:
    hypercare = preset_checklists()["go-live-hypercare"]
    plan = plan_for(hypercare)
    go_live_opens = day_date(START, 43)
    assert progress(replay(hypercare, plan, []), go_live_opens - timedelta(days=10)).days_in_stage == 0
    assert progress(replay(hypercare, plan, []), go_live_opens + timedelta(days=3)).days_in_stage == 3


def test_a_finished_plan_has_no_current_stage(ramp: Checklist) -> None:
    plan = plan_for(ramp, "Priya")
    log = Log(plan)
    for stage in ramp.stages:
        log.tick_stage(ramp, stage.id)
    pp = progress(replay(ramp, plan, log.events), START + timedelta(days=400))
    assert pp.current is None and pp.days_in_stage is None
    assert pp.status is Status.DONE and pp.percent_done == 100


def test_subject_names_and_plan_ids() -> None:
    assert clean_subject("  Acme   Corp ") == "Acme Corp"
    assert plan_id("customer-onboarding", "Acme  CORP") == plan_id("customer-onboarding", "acme corp")
    with pytest.raises(ValueError, match="Enter a name"):
        clean_subject("   ")
    with pytest.raises(ValueError, match="80 characters"):
        clean_subject("x" * 81)


def test_activity_reads_as_sentences(onboarding: Checklist) -> None:
    plan = plan_for(onboarding)
    log = Log(plan).add("ko-meeting", TICK, actor="Ana").add("kickoff", SIGNOFF, actor="Ben").add(PLAN_TARGET, RESET)
    rows = activity(onboarding, log.events)
    assert [(r.actor, r.action, r.target) for r in rows] == [
        ("Ana", "reset the plan", "every item, note and sign-off"),
        ("Ben", "signed off", "Stage: Kickoff"),
        ("Ana", "ticked", "Hold the kickoff meeting"),
    ]


# ---- exports ---------------------------------------------------------------


@pytest.mark.parametrize("risky", ["=1+1", "+SUM(A1)", "-2", "@cmd"])
def test_formula_cells_are_neutralised(risky: str) -> None:
    assert safe_cell(risky) == "'" + risky


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("\tx", "x"),
        ("\r=x", "'=x"),
        ("\u202e=cmd", "'=cmd"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("Acme\x00 Corp", "Acme Corp"),
        ("\u2066Ana\u2069 \u200fB\u200e\u061c", "Ana B"),
        ("line one\nline two", "line one\nline two"),
    ],
)
def test_hidden_characters_are_stripped_before_the_formula_rule(cell: str, written: str) -> None:
    assert safe_cell(cell) == written


def test_the_frame_writer_strips_hidden_characters_in_every_text_column() -> None:
    frame = pd.DataFrame({"account_id": ["ab\u202ec", "x\x00y", "\t\u202e=2"], "score": [1.5, 2.0, 3.0]})
    assert list(csv.reader(io.StringIO(frame_to_csv(frame)))) == [
        ["account_id", "score"],
        ["abc", "1.5"],
        ["xy", "2.0"],
        ["'=2", "3.0"],
    ]


def test_numbers_kept_only_where_asked() -> None:
    assert safe_cell("-5", keep_numbers=True) == "-5"
    assert safe_cell("-5+A1", keep_numbers=True) == "'-5+A1"


def test_the_sql_pattern_matches_the_python_rule() -> None:
    pattern = re.compile(FORMULA_START_PATTERN)
    assert all(pattern.match(start + "x") for start in FORMULA_START)
    assert not pattern.match("Acme =1")


def test_plain_cells_are_untouched() -> None:
    assert safe_cell("Acme = good") == "Acme = good"
    assert safe_cell("") == ""


def test_csv_has_one_row_per_item_and_no_live_formulas(onboarding: Checklist) -> None:
    plan = plan_for(onboarding, '=HYPERLINK("http://x","y")')
    log = Log(plan).add("ko-meeting", TICK, actor="@admin").add("ko-meeting", NOTE, "-5 users")
    pp = progress(replay(onboarding, plan, log.events), START)
    rows = list(csv.reader(io.StringIO(to_csv(pp))))
    assert len(rows) == 1 + sum(len(s.items) for s in onboarding.stages)
    header, body = rows[0], rows[1:]
    meeting = next(r for r in body if r[header.index("Item")] == "Hold the kickoff meeting")
    assert meeting[header.index("Subject")] == "'" + plan.subject
    assert meeting[header.index("Ticked by")] == "'@admin"
    assert meeting[header.index("Note")] == "'-5 users"
    assert meeting[header.index("Done")] == "yes"
    assert meeting[header.index("Stage progress")] == "1 of 4"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in body for cell in row)


def test_markdown_summary_for_a_crm_note(onboarding: Checklist) -> None:
    plan = plan_for(onboarding, "Acme_Corp")
    log = Log(plan).add("ko-meeting", TICK, actor="Ana").add("ko-meeting", NOTE, "see [link](http://evil) <b>")
    md = to_markdown(progress(replay(onboarding, plan, log.events), START), START)
    assert md.startswith("## Customer onboarding: Acme\\_Corp\n")
    assert (
        "- [x] Hold the kickoff meeting (ticked by Ana, 2025-03-03 09:00); note: see \\[link\\](http://evil) \\<b\\>"
    ) in md
    assert "### Kickoff (Week 1): 1 of 4, due soon, due 09 Mar 2025" in md
    assert "_Kickoff blocked: 3 items open_" in md
    assert "- [ ] Agree how and how often we talk" in md


def test_md_escape_drops_bidi_controls_and_nul() -> None:
    assert md_escape("Ana\u202e\x00 *x*\u2066") == "Ana \\*x\\*"


def test_md_escape_flattens_newlines() -> None:
    assert md_escape("a\n# b *c*") == "a \\# b \\*c\\*"
