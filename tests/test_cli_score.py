"""`python -m scoring` as a user runs it: real subprocesses, real exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from scoring.flags import TRUE_WORDS
from scoring.portfolio.demo import DEMO_DIR, DEMO_FILES
from tests.servers import ROOT
from tests.test_engine import ACME, TECHNICAL


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def sets(values: Mapping[str, float]) -> list[str]:
    return [part for sid, v in values.items() for part in ("--set", f"{sid}={v:g}")]


def test_models_lists_every_preset() -> None:
    result = run("models")
    assert result.returncode == 0, result.stderr
    listed = {line.split("\t")[0] for line in result.stdout.splitlines() if "\t" in line}
    assert listed == {"technical-csm", "three-pillar", "four-component", "traffic-light"}
    assert "usage_rate" in result.stdout and "bonus roi_articulated: +10" in result.stdout


def test_score_prints_one_json_object() -> None:
    result = run("score", "--model", "technical-csm", *sets(TECHNICAL))
    assert result.returncode == 0, result.stderr
    card = json.loads(result.stdout)
    assert {"score", "band", "drivers", "actions"} <= set(card)
    assert card["score"] == 76.0 and card["band"] == "yellow"
    assert {d["signal"] for d in card["drivers"]} == set(TECHNICAL)
    assert card["actions"][0]["id"] == "band-yellow"
    assert all(a["why"] and a["steps"] for a in card["actions"])


def test_every_command_that_scores_starts_on_the_apps_default_model() -> None:
    """No --model: the model the pages start on (the demo feeds all of its signals), named in the help."""
    assert json.loads(run("score", *sets(TECHNICAL)).stdout)["score"] == 76.0
    demo = [str(DEMO_DIR / name) for name in DEMO_FILES]
    bare, named = run("portfolio", *demo), run("portfolio", *demo, "--model", "technical-csm")
    assert bare.returncode == 0, bare.stderr
    assert bare.stdout == named.stdout and bare.stdout.startswith("triage_rank,")
    assert "default technical-csm" in run("backtest", "--help").stdout


def test_cli_reproduces_the_technical_csm_example_with_roi() -> None:
    result = run("score", "--model", "technical-csm", *sets(TECHNICAL), "--bonus", "roi_articulated")
    card = json.loads(result.stdout)
    assert (card["score"], card["band"]) == (86.0, "green")
    assert '"score": 86.0' in result.stdout


def test_cli_reproduces_the_acme_corp_example() -> None:
    card = json.loads(run("score", "--model", "three-pillar", *sets(ACME)).stdout)
    assert (card["score"], card["band"]) == (84.0, "green")
    assert {g["group"]: g["weight"] for g in card["groups"]} == {"product": 40, "relationship": 30, "outcomes": 30}


def test_events_trigger_their_playbook() -> None:
    card = json.loads(run("score", "--model", "three-pillar", *sets(ACME), "--event", "competitor_evaluation").stdout)
    assert "competitor-evaluation" in [a["id"] for a in card["actions"]]


def test_missing_signals_are_reported_not_zeroed() -> None:
    card = json.loads(run("score", "--model", "technical-csm", "--set", "usage_rate=85").stdout)
    assert card["score"] == 85.0
    assert card["coverage"] == 0.3
    assert "teams_live" in card["missing"]


def test_csv_mode_writes_the_input_columns_plus_score_and_band(tmp_path: Path) -> None:
    source = tmp_path / "accounts.csv"
    source.write_text(
        "account,usage_rate,seat_utilization,teams_live,override_rate,csm_responsiveness,roi_articulated\n"
        "Acme,85,60,75,12,70,yes\n"
        "Beta,85,60,75,12,70,no\n"
        '"Gamma, Inc",30,,20,60,10,\n',
        encoding="utf-8",
    )
    result = run("score", "--model", "technical-csm", str(source))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "account",
        "usage_rate",
        "seat_utilization",
        "teams_live",
        "override_rate",
        "csm_responsiveness",
        "roi_articulated",
        "score",
        "band",
    ]
    assert [(r["account"], r["score"], r["band"]) for r in rows] == [
        ("Acme", "86.0", "green"),
        ("Beta", "76.0", "yellow"),
        # Seats missing: (30*30 + 20*15 + 40*15 + 10*20) / 80 weight present.
        ("Gamma, Inc", "25.0", "red"),
    ]


def test_csv_mode_applies_bonus_flags_to_every_row(tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text("usage_rate,seat_utilization,teams_live,override_rate,csm_responsiveness\n85,60,75,12,70\n")
    rows = list(
        csv.DictReader(
            io.StringIO(run("score", "--model", "technical-csm", str(source), "--bonus", "roi_articulated").stdout)
        )
    )
    assert rows[0]["score"] == "86.0"


@pytest.mark.parametrize("cell", sorted(TRUE_WORDS))
def test_csv_mode_reads_every_yes_the_portfolio_reads(cell: str, tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text(
        "usage_rate,seat_utilization,teams_live,override_rate,csm_responsiveness,roi_articulated\n"
        f"85,60,75,12,70,{cell.upper()}\n",
        encoding="utf-8",
    )
    result = run("score", "--model", "technical-csm", str(source))
    assert next(csv.DictReader(io.StringIO(result.stdout)))["score"] == "86.0", result.stderr


def test_csv_mode_keeps_good_rows_and_names_bad_cells(tmp_path: Path) -> None:
    source = tmp_path / "mixed.csv"
    source.write_text('account,usage_rate,note\nGood,85,"two\nlines"\nBad,lots,=1+2\nOff,150,-5\n')
    result = run("score", "--model", "technical-csm", str(source))
    assert result.returncode == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["account"], r["score"]) for r in rows] == [("Good", "85.0"), ("Bad", ""), ("Off", "")]
    assert rows[0]["note"] == "two\nlines"
    assert rows[1]["note"] == "'=1+2", "formula cells are neutralised"
    assert rows[2]["note"] == "-5", "plain negative numbers stay numbers"
    assert "row 3, column usage_rate: 'lots' is not a number" in result.stderr
    assert "row 4, column usage_rate: 150 is outside" in result.stderr
    assert "Traceback" not in result.stderr


ERRORS = [
    (["score", "--model", "nope", "--set", "usage_rate=1"], "unknown model 'nope'"),
    (["score", "--model", "technical-csm", "--set", "bogus=1"], "--set bogus"),
    (["score", "--model", "technical-csm", "--set", "usage_rate=abc"], "is not a number"),
    (["score", "--model", "technical-csm", "--set", "usage_rate=nan"], "not a finite number"),
    (["score", "--model", "technical-csm", "--set", "usage_rate=140"], "outside"),
    (["score", "--model", "technical-csm", "--set", "usage_rate"], "SIGNAL=VALUE"),
    (["score", "--model", "technical-csm"], "at least one signal"),
    (["score", "--model", "technical-csm", "--set", "usage_rate=1", "--bonus", "x"], "--bonus x"),
    (["score", "--model", "technical-csm", "--set", "usage_rate=1", "--event", "x"], "--event x"),
    (["score", "--model", "technical-csm", "missing.csv"], "missing.csv: no such file"),
    (["score", "--model", "technical-csm", "--set", "usage_rate=1", "x.csv"], "not both"),
    (["score"], "at least one signal"),  # the model defaults to the one the app starts on
    (["frobnicate"], "invalid choice"),
    ([], "command"),
]


@pytest.mark.parametrize(("args", "message"), ERRORS, ids=[" ".join(a) or "(none)" for a, _ in ERRORS])
def test_errors_exit_2_with_one_line_and_no_traceback(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_a_file_with_no_usable_row_is_one_error_line(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("usage_rate\nlots\nmore\n")
    result = run("score", "--model", "technical-csm", str(source))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "no row could be scored" in result.stderr and "row 2" in result.stderr


def test_a_file_without_signal_columns_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "other.csv"
    source.write_text("name,revenue\nAcme,10\n")
    result = run("score", "--model", "technical-csm", str(source))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "no column is named after a signal" in result.stderr


def test_csv_mode_passes_repeated_and_risky_columns_through_formula_safe(tmp_path: Path) -> None:
    source = tmp_path / "risky.csv"
    source.write_text(
        "note,usage_rate,note,=cmd,name\n=1,85,-5,@x,=HYPERLINK(1)\n-d,70,+1.5e3,,-dash\n", encoding="utf-8"
    )
    result = run("score", "--model", "technical-csm", str(source))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["note", "usage_rate", "note", "'=cmd", "name", "score", "band"]
    # A repeated header reads its last cell (csv.DictReader); numbers pass as they are.
    assert rows[1][:5] == ["-5", "85", "-5", "'@x", "'=HYPERLINK(1)"]
    assert rows[2][:5] == ["+1.5e3", "70", "+1.5e3", "", "'-dash"]
