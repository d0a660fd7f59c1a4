"""`python -m scoring backtest`: the lab's report from a shell, on the demo and on a book with a known answer."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from scoring.backtest.planted import BACKWARDS, DRIVER, MODEL_ID, planted_book
from scoring.catalog import get_model
from scoring.portfolio.contract import Export
from scoring.snapshots.capture import save_exports
from scoring.storage import Store

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
DEMO_FILES = [str(DEMO / name) for name in ("accounts.csv", "usage_monthly.csv", "tickets.csv")]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scoring", "backtest", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_demo_markdown_and_json_agree() -> None:
    common = [*DEMO_FILES, "--outcomes", str(DEMO / "outcomes.csv"), "--model", "technical-csm"]
    markdown = run(*common)
    assert markdown.returncode == 0, markdown.stderr
    assert markdown.stdout.startswith("# Backtest: ")
    as_json = run(*common, "--json", "--fit")
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert 0.5 < report["auc"] < 1
    assert f"**AUC {report['auc']:.2f}**" in markdown.stdout
    assert report["accounts"] == 300
    assert {s["direction"] for s in report["signals"]} <= {"agrees", "contradicts", "no effect", "unknown"}
    assert sum(report["fitted"]["weights"].values()) == pytest.approx(100, abs=0.2)
    assert report["fitted"]["auc"] is not None
    # The floors read as the lab page reads them ("measured 2.0x"), not as raw fractions (1.99, 0.92).
    assert "| red churns at least 3x the base rate | 2.0x | fail |" in markdown.stdout
    assert "| at least 67% of churners sat below green 90 days before | 92% | pass |" in markdown.stdout
    # A failed floor points to where the score falls short, not to lowering the bar.
    assert "does not clear every floor: the failed ones say where it falls short" in markdown.stdout
    assert "change the floors" not in markdown.stdout


def test_planted_book_finds_the_driver_and_flags_the_backwards_signal(tmp_path: Path) -> None:
    history, outcomes = planted_book(1500, 18, seed=7)
    monthly = history.rename(columns={"account_id": "Account ID", "period": "Month"})
    monthly["Month"] = pd.to_datetime(monthly["Month"]).dt.strftime("%Y-%m")
    monthly["roi_articulated"] = monthly["roi_articulated"].map({True: "yes", False: "no"})
    monthly.to_csv(tmp_path / "monthly.csv", index=False)
    pd.DataFrame(
        {
            "Account ID": [o.account_id for o in outcomes],
            "Renewal Date": [o.event_date.isoformat() if o.event_date else "" for o in outcomes],
            "Outcome": [o.outcome.capitalize() for o in outcomes],
        }
    ).to_csv(tmp_path / "outcomes.csv", index=False)
    done = run(
        str(tmp_path / "monthly.csv"),
        "--outcomes",
        str(tmp_path / "outcomes.csv"),
        "--model",
        MODEL_ID,
        "--fit",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    weights = report["fitted"]["weights"]
    assert max(weights, key=weights.get) == DRIVER
    backwards = next(s for s in report["signals"] if s["id"] == BACKWARDS)
    assert backwards["direction"] == "contradicts" and backwards["warning"]
    assert report["auc"] >= 0.75


def test_nothing_to_backtest_is_one_line_and_exit_2(tmp_path: Path) -> None:
    undated = tmp_path / "accounts.csv"
    undated.write_text("Account ID,Usage %\nA-1,50%\n")
    done = run(str(undated), "--outcomes", str(DEMO / "outcomes.csv"), "--model", "technical-csm")
    assert done.returncode == 2
    assert done.stderr.count("\n") <= 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("error: no monthly history to backtest")
    missing = run(*DEMO_FILES, "--outcomes", str(tmp_path / "nope.csv"), "--model", "technical-csm")
    assert missing.returncode == 2
    assert missing.stderr == "error: --outcomes nope.csv: no such file\n"
    bad_lead = run(
        *DEMO_FILES, "--outcomes", str(DEMO / "outcomes.csv"), "--model", "technical-csm", "--lead-days", "45"
    )
    assert bad_lead.returncode == 2 and bad_lead.stderr.count("\n") == 1


def test_an_input_error_stops_before_scikit_learn_is_imported(tmp_path: Path) -> None:
    """Importing scikit-learn takes about 2 s; a one-line error, and the renewals page, never need it."""
    probe = (
        "import sys\n"
        "from scoring.cli.main import main\n"
        "import pages.ui.portfolio.renewals\n"
        f"code = main(['backtest', *{DEMO_FILES!r}, '--outcomes', {str(tmp_path / 'nope.csv')!r}, "
        "'--model', 'technical-csm'])\n"
        "print(code, 'sklearn' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.stdout.split() == ["2", "False"], done.stderr


def test_outcome_columns_in_an_export_stand_in_for_the_outcomes_file(tmp_path: Path) -> None:
    """A Salesforce-style renewal report passed as an export gives the same report as --outcomes."""
    outcomes = pd.read_csv(DEMO / "outcomes.csv", dtype=str)
    renewals = outcomes.rename(columns={"Renewal Date": "Close Date", "Outcome": "Stage"})
    renewals.to_csv(tmp_path / "renewal_opportunities.csv", index=False)
    common = ["--model", "technical-csm", "--json"]
    with_file = run(*DEMO_FILES, "--outcomes", str(DEMO / "outcomes.csv"), *common)
    from_export = run(*DEMO_FILES, str(tmp_path / "renewal_opportunities.csv"), *common)
    assert from_export.returncode == 0, from_export.stderr
    expected, got = json.loads(with_file.stdout), json.loads(from_export.stdout)
    for key in ("auc", "accounts", "churners"):
        assert got[key] == expected[key], key


def test_no_outcomes_anywhere_is_one_line_naming_the_files() -> None:
    done = run(*DEMO_FILES, "--model", "technical-csm")
    assert done.returncode == 2
    assert "none of the exports (accounts.csv, usage_monthly.csv, tickets.csv) has outcome columns" in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("error: no outcome could be read from the exports")


def test_snapshots_flag_scores_from_a_snapshot_taken_by_the_cutoff(tmp_path: Path, db_path: Path) -> None:
    """Both accounts look alike in the export's months; the March snapshot (before the 1 April cut-off)
    tells them apart, so with --snapshots the churner has the lower score and the AUC goes from 0.5 to 1."""
    (tmp_path / "usage.csv").write_text(
        "Account ID,Month,Usage %\nA-1,2026-01,60%\nA-1,2026-02,60%\nB-2,2026-01,60%\nB-2,2026-02,60%\n"
    )
    (tmp_path / "outcomes.csv").write_text(
        "Account ID,Renewal Date,Outcome\nA-1,2026-06-30,Churned\nB-2,2026-06-30,Renewed\n"
    )
    snapshot = b"Account ID,Usage %,Licensed Seats,Active Users\nA-1,40%,10,8\nB-2,70%,10,8\n"
    save_exports(Store(db_path), [Export("snap.csv", snapshot)], get_model(MODEL_ID), as_of=date(2026, 3, 15))
    common = [str(tmp_path / "usage.csv"), "--outcomes", str(tmp_path / "outcomes.csv"), "--model", MODEL_ID, "--json"]
    without = run(*common)
    with_snapshots = run(*common, "--snapshots")
    assert with_snapshots.returncode == 0, with_snapshots.stderr
    assert "note: 1 saved snapshot used as history" in with_snapshots.stderr
    assert (json.loads(without.stdout)["auc"], json.loads(with_snapshots.stdout)["auc"]) == (0.5, 1.0)
