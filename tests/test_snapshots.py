"""Snapshots: saving (idempotent, one transaction), the schema migration, what changed and why, the CLI."""

from __future__ import annotations

import io
import math
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.catalog import get_model, preset_models
from scoring.cli.main import main
from scoring.db import SCHEMA_VERSION, schema_version, snapshot_store
from scoring.engine import score
from scoring.formatting import points, signal_value
from scoring.model import Model
from scoring.portfolio.contract import Export
from scoring.snapshots import changes, history
from scoring.snapshots.capture import as_of_for, date_in_names, model_hash, save_exports
from scoring.snapshots.demo import DEMO_LABEL, demo_files, seed_demo
from scoring.storage import Store

MODEL = get_model("technical-csm")


def _week(n: int) -> Export:
    path = demo_files()[n]
    return Export(path.name, path.read_bytes())


@pytest.fixture
def store(db_path: Path) -> Store:
    return Store(db_path)


def test_the_demo_weeks_are_two_dated_extracts() -> None:
    assert [date_in_names([p.name]) for p in demo_files()] == [date(2026, 11, 13), date(2026, 11, 20)]


def test_saving_the_same_files_and_model_twice_keeps_one_snapshot(store: Store) -> None:
    first, _ = save_exports(store, [_week(0)], MODEL)
    again, _ = save_exports(store, [_week(0)], MODEL)
    assert first.created and not again.created
    assert again.snapshot.id == first.snapshot.id
    listed = history.snapshots(store)
    assert len(listed) == 1
    kept = listed[0]
    assert kept.as_of == date(2026, 11, 13)  # from the file name: the extract itself is undated
    assert kept.accounts == 300
    assert kept.model_hash == model_hash(MODEL)
    assert [f.name for f in kept.files] == ["accounts_2026-11-13.csv"]


def test_a_reweighted_model_is_a_new_version_and_a_new_snapshot(store: Store) -> None:
    reweighted = Model(
        **{**MODEL.__dict__, "groups": tuple(g.__class__(g.id, g.label, g.weight + 5, g.signals) for g in MODEL.groups)}
    )
    assert model_hash(reweighted) != model_hash(MODEL)
    save_exports(store, [_week(0)], MODEL)
    other, _ = save_exports(store, [_week(0)], reweighted)
    assert other.created
    assert len(history.snapshots(store)) == 2


def test_as_of_comes_from_the_request_then_the_data(store: Store) -> None:
    saved, result = save_exports(store, [_week(1)], MODEL, as_of=date(2026, 11, 21))
    assert saved.snapshot.as_of == date(2026, 11, 21)
    assert result.as_of == date(2026, 11, 21)  # day counts measured at the snapshot's date
    assert as_of_for(result, ["accounts_2026-11-20.csv"]) == date(2026, 11, 20)


def test_the_stored_row_keeps_signals_attainments_groups_and_bonuses(store: Store) -> None:
    saved, result = save_exports(store, [_week(0)], MODEL)
    rows = snapshot_store(store).accounts(saved.snapshot.id, "ACC-1001")
    row = rows.iloc[0].to_dict()
    live = result.accounts[result.accounts["account_id"] == "ACC-1001"].iloc[0]
    assert row["score"] == live["score"] and row["band"] == live["band"]
    card = changes.card_of(MODEL, row)
    assert card.score == live["score"]  # the stored values score back to the stored score
    assert '"roi_articulated": true' in row["bonuses"]
    assert '"usage_rate"' in row["signals"] and '"usage_rate"' in row["groups"]


def _old_schema_file(path: Path) -> None:
    """A database as the app wrote it before snapshots and schema versions existed."""
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE custom_models (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, base_model VARCHAR NOT NULL, "
        "weights VARCHAR NOT NULL, saved_by VARCHAR, saved_at TIMESTAMP NOT NULL)"
    )
    con.execute(
        "INSERT INTO custom_models VALUES ('custom-x', 'Kept', 'technical-csm', '{\"usage\": 50}', 'ana', now())"
    )
    con.close()


def test_an_old_database_file_is_upgraded_and_keeps_what_it_held(db_path: Path) -> None:
    _old_schema_file(db_path)
    store = Store(db_path)
    with store.cursor() as cur:
        assert schema_version(cur) == SCHEMA_VERSION
    assert [m.name for m in store.custom_models()] == ["Kept"]
    saved, _ = save_exports(store, [_week(0)], MODEL)
    store.close()
    reopened = Store(db_path)  # opening an upgraded file again changes nothing
    assert [s.id for s in history.snapshots(reopened)] == [saved.snapshot.id]


def test_demo_snapshots_seed_once_into_an_empty_store(store: Store) -> None:
    seeded = seed_demo(store)
    assert [s.label for s in seeded] == [DEMO_LABEL, DEMO_LABEL]
    assert seed_demo(store) == []
    assert history.delete(store, seeded[0].id)
    assert seed_demo(store) == []  # a deleted demo snapshot does not come back


def test_what_changed_between_the_demo_weeks(store: Store) -> None:
    older, newer = seed_demo(store)
    frame = changes.compare(store, older, newer)
    assert len(frame) == 300
    moves = changes.band_moves(frame)
    assert moves["accounts"].sum() == 300
    worse = changes.turned_worse(frame)
    assert len(worse) > 0
    assert set(worse["new_band"]) <= {"yellow", "red"}
    assert list(worse["arr"]) == sorted(worse["arr"], reverse=True)
    first = str(worse.iloc[0]["account_id"])
    why = changes.explain_account(store, older, newer, first)
    assert why is not None
    old_band, new_band = worse.iloc[0]["old_band"], worse.iloc[0]["new_band"]
    assert why.reason.startswith(f"{old_band.capitalize()} → {new_band.capitalize()}: ")
    assert "points" in why.reason
    flows = history.band_flows(store, [older, newer])
    moved = frame[frame["old_band"] != frame["new_band"]]
    for band in ("green", "yellow", "red"):
        row = flows[flows["band"] == band]
        entered = int(row["entered"].iloc[0]) if len(row) else 0
        left = int(row["left"].iloc[0]) if len(row) else 0
        assert entered == int((moved["new_band"] == band).sum())
        assert left == int((moved["old_band"] == band).sum())


def test_the_reason_names_the_signal_its_values_and_the_points() -> None:
    values = {"usage_rate": 72.0, "seat_utilization": 60.0, "teams_live": 75.0, "override_rate": 12.0}
    old_row = {"account_id": "A", "signals": _json({**values, "csm_responsiveness": 40.0}), "bonuses": "{}"}
    new_row = {"account_id": "A", "signals": _json({**values, "usage_rate": 41.0, "csm_responsiveness": 40.0})}
    new_row["bonuses"] = "{}"
    why = changes.explain(MODEL, old_row, MODEL, new_row)
    assert why is not None
    assert why.reason.startswith("Yellow → Red: Usage rate 72% → 41% cost 9.3 points; ")
    assert why.reason.endswith("and 2 more unchanged.")  # the four steady signals, two named


@pytest.mark.parametrize(("old", "new", "size"), [(0.0, 2.25, "2.3"), (10.0, 7.75, "2.3"), (1.0, 1.35, "0.4")])
def test_why_it_moved_rounds_points_as_every_other_screen_does(old: float, new: float, size: str) -> None:
    """A part worth 2.25 points reads 2.3, as ``formatting.points`` prints it, not 2.2 (Python rounds to even)."""
    part = changes.Part(id="roi", label="ROI articulated", old_points=old, new_points=new)
    why = changes.reason("green", "green", [part], 80.0, 80.0 + new - old)
    assert f" {size} points." in why
    assert points(abs(new - old)) == f"{size} pts"


@pytest.mark.parametrize("value", [73.49, 72.46, 0.04, None])
def test_why_it_moved_writes_a_value_as_the_scorecard_does(value: float | None) -> None:
    """73.49% reads 73% in the why table, as on the scorecard: no second rounding through 73.5."""
    usage = preset_models()["technical-csm"].signals[0]
    part = changes.Part(id=usage.id, label=usage.label, old_points=1.0, new_points=2.0, new_value=value, signal=usage)
    assert changes.value_text(part, value) == signal_value(usage, value)
    assert changes.value_text(part, 73.49) == "73%"


def _json(values: dict[str, float]) -> str:
    import json

    return json.dumps(values)


def _values(model: Model) -> st.SearchStrategy[dict[str, float | None]]:
    parts = {s.id: st.one_of(st.none(), st.floats(s.min - 10, s.max + 10, allow_nan=False)) for s in model.signals}
    return st.fixed_dictionaries(parts)


@pytest.mark.parametrize("model_id", sorted(preset_models()))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_contribution_deltas_add_up_to_the_score_delta(model_id: str, data: st.DataObject) -> None:
    model = preset_models()[model_id]
    old_values = data.draw(_values(model))
    new_values = data.draw(_values(model))
    bonus_ids = [b.id for b in model.bonuses]
    old_bonus = data.draw(st.lists(st.sampled_from(bonus_ids), unique=True)) if bonus_ids else []
    new_bonus = data.draw(st.lists(st.sampled_from(bonus_ids), unique=True)) if bonus_ids else []
    if not any(v is not None for v in old_values.values()) or not any(v is not None for v in new_values.values()):
        return
    old, new = score(model, old_values, old_bonus), score(model, new_values, new_bonus)
    found = changes.parts(model, old, model, new)
    total = sum(p.delta for p in found)
    assert math.isclose(total, new.raw - old.raw, abs_tol=1e-9)
    assert abs(total - (new.score - old.score)) <= 0.1 + 1e-9
    deltas = [abs(p.delta) for p in found]
    assert deltas == sorted(deltas, reverse=True)  # largest first


def test_an_older_model_version_can_be_rescored_with_the_current_one(store: Store) -> None:
    lighter = Model(
        **{
            **MODEL.__dict__,
            "groups": tuple(
                g.__class__(g.id, g.label, 60 if g.id == "usage_rate" else g.weight, g.signals) for g in MODEL.groups
            ),
        }
    )
    older, _ = save_exports(store, [_week(0)], lighter)
    newer, _ = save_exports(store, [_week(1)], MODEL)
    assert not changes.same_model(older.snapshot, newer.snapshot)
    assert changes.model_of(older.snapshot).groups == lighter.groups
    again = changes.rescored(store, older.snapshot, MODEL)
    like_for_like, _ = save_exports(store, [_week(0)], MODEL)
    stored = snapshot_store(store).accounts(like_for_like.snapshot.id)
    assert dict(zip(again["account_id"], again["score"], strict=True)) == dict(
        zip(stored["account_id"], stored["score"], strict=True)
    )


def test_freshness_says_when_the_newest_snapshot_is_stale(store: Store) -> None:
    older, newer = seed_demo(store)
    fresh = history.freshness([older, newer], newer.as_of + timedelta(days=14))
    stale = history.freshness([older, newer], newer.as_of + timedelta(days=15))
    assert fresh is not None and not fresh.stale and fresh.newest.id == newer.id
    assert stale is not None and stale.stale and stale.age_days == 15
    assert history.freshness([], date.today()) is None
    assert history.age_text(1) == "1 day old" and history.age_text(0) == "today"


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(args), out, err), out.getvalue(), err.getvalue()


def test_cli_saves_lists_and_deletes_snapshots(db_path: Path) -> None:
    files = [str(p) for p in demo_files()]
    code, out, err = _cli("portfolio", files[0], "--model", "technical-csm", "--save")
    assert code == 0, err
    assert out.startswith("triage_rank,")
    assert "saved snapshot 1: as of 2026-11-13, technical-csm, 300 accounts" in err
    code, _, err = _cli("portfolio", files[0], "--model", "technical-csm", "--save")
    assert code == 0 and "already saved as snapshot 1" in err
    _cli("portfolio", files[1], "--model", "technical-csm", "--save")
    code, out, _ = _cli("snapshots")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].split("\t")[:4] == ["1", "2026-11-13", "technical-csm", "300 accounts"]
    assert lines[1].split("\t")[1] == "2026-11-20"
    assert _cli("snapshots", "delete", "1")[0] == 0
    code, _, err = _cli("snapshots", "delete", "1")
    assert code == 2 and err.count("\n") == 1 and "no snapshot 1" in err
    assert len(_cli("snapshots")[1].splitlines()) == 1


def test_cli_says_plainly_when_the_server_holds_the_database(db_path: Path) -> None:
    import subprocess
    import sys

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from scoring.storage import Store; held = Store(); print('open', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        code, _, err = _cli("snapshots")
    finally:
        holder.kill()
        holder.wait()
    assert code == 2
    assert err.count("\n") == 1
    assert "open in a running Account Health Studio server" in err
    assert str(db_path) not in err


def test_a_teams_own_first_snapshot_replaces_the_demo_ones(store: Store) -> None:
    seed_demo(store)
    mine, _ = save_exports(store, [_week(0)], MODEL)
    assert mine.created  # the demo's twin is not mistaken for it
    assert [(s.id, s.label) for s in history.snapshots(store)] == [(mine.snapshot.id, "")]
    assert seed_demo(store) == []


def _flows_from_rows(store: Store) -> dict[tuple[int, str], tuple[int, int]]:
    """Entries and exits per snapshot and band, counted from the account rows themselves (the oracle)."""
    found = history.snapshots(store)
    counted: dict[tuple[int, str], tuple[int, int]] = {}
    for before, after in pairwise(found):
        old = snapshot_store(store).accounts(before.id).set_index("account_id")["band"].to_dict()
        new = snapshot_store(store).accounts(after.id).set_index("account_id")["band"].to_dict()
        for account in old.keys() | new.keys():
            was, now = old.get(account), new.get(account)
            if was == now:
                continue
            if now is not None:
                e, left = counted.get((after.id, now), (0, 0))
                counted[(after.id, now)] = (e + 1, left)
            if was is not None:
                e, left = counted.get((after.id, was), (0, 0))
                counted[(after.id, was)] = (e, left + 1)
    return counted


def _flows(store: Store) -> dict[tuple[int, str], tuple[int, int]]:
    frame = history.band_flows(store, history.snapshots(store))
    return {
        (int(r.snapshot_id), str(r.band)): (int(r.entered), int(r.left))
        for r in frame.itertuples()
        if r.entered or r.left
    }


def _book(store: Store) -> dict[tuple[int, str], int]:
    frame = history.book(store, history.snapshots(store))
    return {(int(r.snapshot_id), str(r.band)): int(r.accounts) for r in frame.itertuples()}


def _book_from_rows(store: Store) -> dict[tuple[int, str], int]:
    counted: dict[tuple[int, str], int] = {}
    for s in history.snapshots(store):
        for band, n in snapshot_store(store).accounts(s.id)["band"].value_counts().items():
            counted[(s.id, str(band))] = int(n)
    return counted


def test_the_band_summaries_follow_saves_out_of_order_deletes_and_an_upgrade(db_path: Path) -> None:
    store = Store(db_path)
    first, _ = save_exports(store, [_week(0)], MODEL)
    last, _ = save_exports(store, [_week(1)], MODEL)
    # Saved last but dated between the two: the later snapshot's moves are now counted against it.
    middle, _ = save_exports(store, [_week(1)], MODEL, as_of=date(2026, 11, 16))
    assert [s.id for s in history.snapshots(store)] == [first.snapshot.id, middle.snapshot.id, last.snapshot.id]
    assert _flows(store) == _flows_from_rows(store) and _flows(store)
    assert _book(store) == _book_from_rows(store)
    assert [s.accounts for s in history.snapshots(store)] == [300, 300, 300]
    assert history.delete(store, middle.snapshot.id)
    assert _flows(store) == _flows_from_rows(store) and _flows(store)
    kept = _flows(store)
    # A version-2 file (no summary table) is upgraded and its summaries rebuilt from the rows.
    with store.cursor() as cur:
        cur.execute("DROP TABLE snapshot_moves")
        cur.execute("DELETE FROM schema_version WHERE version > 2")
    store.close()
    reopened = Store(db_path)
    try:
        with reopened.cursor() as cur:
            assert schema_version(cur) == SCHEMA_VERSION == 3
        assert _flows(reopened) == kept
        assert _book(reopened) == _book_from_rows(reopened)
        assert [s.accounts for s in history.snapshots(reopened)] == [300, 300]
    finally:
        reopened.close()


def test_monthly_scores_carry_each_months_own_date_across_a_gap() -> None:
    values = {"usage_rate": 80.0, "seat_utilization": 70.0, "teams_live": 60.0, "override_rate": 10.0}
    months = pd.DataFrame(
        [
            {"account_id": "A", "period": pd.Timestamp("2026-01-01"), **values, "csm_responsiveness": 50.0},
            {"account_id": "A", "period": pd.Timestamp("2026-04-01"), **values, "csm_responsiveness": 90.0},
            {"account_id": "A", "period": pd.Timestamp("2026-02-01"), **values, "csm_responsiveness": 70.0},
            {"account_id": "A", "period": pd.Timestamp("2026-05-01")},  # no signal at all: no score, no point
            {"account_id": "B", "period": pd.Timestamp("2026-03-01"), **values, "csm_responsiveness": 10.0},
        ]
    )
    months["roi_articulated"] = [True, False, None, None, True]
    line = history.monthly_scores(months, MODEL, "A")
    assert [d.date() for d in line["when"]] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 4, 30)]
    expected = [
        score(MODEL, {**values, "csm_responsiveness": r}, bonus).score
        for r, bonus in ((50.0, ["roi_articulated"]), (70.0, []), (90.0, []))
    ]
    assert line["score"].tolist() == expected


def test_two_weeks_of_one_extract_in_one_upload_are_refused_by_name(store: Store) -> None:
    """The uploader adds files: last week's extract left beside this week's must not save as one book."""
    from scoring.snapshots.capture import SnapshotError

    week1, week2 = (Export.from_path(p) for p in demo_files())
    with pytest.raises(SnapshotError) as refused:
        save_exports(store, [week1, week2], MODEL)
    message = str(refused.value)
    assert week1.name in message and week2.name in message and "Remove the older file" in message
    assert history.snapshots(store) == []
    saved, _ = save_exports(store, [week2], MODEL)  # the same week alone is fine
    assert saved.created
