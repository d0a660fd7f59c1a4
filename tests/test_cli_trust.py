"""The CLI tells the same truth as the page: no band on a sliver of data, one stated as-of date.

Real subprocesses, as a user runs ``python -m scoring``; every file is written
to the test's own temporary directory.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from tests.servers import ROOT

COLOURS = {"green", "yellow", "red"}

# technical-csm has five signals; usage alone is 30% of its weight, below the 50% floor.
ONE_OF_FIVE = "Account ID,Account Name,Usage %\nA-1,Alpha,95%\nA-2,Beta,40%\nA-3,Gamma,72%\n"
CRM = (
    "Account ID,Account Name,ARR,Renewal Date,Usage %,Total_Seats,Active Users\n"
    "A-1,Alpha,1000,2026-07-31,95%,100,90\nA-2,Beta,2000,2026-08-30,40%,50,10\n"
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def rows(stdout: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(stdout)))


def test_portfolio_with_one_signal_of_five_bands_no_account(tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(ONE_OF_FIVE)
    result = run("portfolio", str(path), "--model", "technical-csm")
    assert result.returncode == 0, result.stderr
    bands = [row["band"] for row in rows(result.stdout)]
    assert len(bands) == 3
    assert not COLOURS & set(bands), bands
    assert set(bands) == {"insufficient"}
    assert all("Too little data to band" in row["action"] for row in rows(result.stdout))


def test_score_file_with_one_signal_of_five_bands_no_row(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("account,usage_rate\nA-1,95\nA-2,40\n")
    result = run("score", "--model", "technical-csm", str(path))
    assert result.returncode == 0, result.stderr
    assert [row["band"] for row in rows(result.stdout)] == ["insufficient", "insufficient"]


def test_score_one_account_says_insufficient(tmp_path: Path) -> None:
    result = run("score", "--model", "technical-csm", "--set", "usage_rate=95")
    assert result.returncode == 0, result.stderr
    assert '"band": "insufficient"' in result.stdout


def test_the_as_of_date_is_printed_and_can_be_set(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text(CRM)
    given = run("portfolio", str(path), "--model", "technical-csm", "--as-of", "2026-07-01")
    assert given.returncode == 0, given.stderr
    assert "as of 2026-07-01 (given with --as-of)" in given.stderr
    days = {row["account_id"]: row["days_to_renewal"] for row in rows(given.stdout)}
    assert days == {"A-1": "30", "A-2": "60"}
    default = run("portfolio", str(path), "--model", "technical-csm")
    assert default.returncode == 0, default.stderr
    assert "as of " in default.stderr and "set it with --as-of" in default.stderr


def test_a_wrong_as_of_date_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text(CRM)
    result = run("portfolio", str(path), "--model", "technical-csm", "--as-of", "30/06/2026")
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr and "Traceback" not in result.stderr


def test_files_covering_different_periods_are_named_with_their_ranges(tmp_path: Path) -> None:
    early = tmp_path / "early.csv"
    late = tmp_path / "late.csv"
    early.write_text(
        "Account ID,Month,Usage %,Total_Seats,Active Users\nA-1,2026-01-15,80%,10,9\nA-1,2026-03-15,82%,10,9\n"
    )
    late.write_text(
        "Account ID,Month,Usage %,Total_Seats,Active Users\nA-1,2026-05-15,60%,10,5\nA-1,2026-06-15,61%,10,5\n"
    )
    result = run("portfolio", str(early), str(late), "--model", "technical-csm")
    assert result.returncode == 0, result.stderr
    assert "different periods" in result.stderr
    assert "early.csv: 2026-01 to 2026-03" in result.stderr
    assert "late.csv: 2026-05 to 2026-06" in result.stderr
    assert "as of 2026-06-30" in result.stderr


def test_the_csv_rounds_as_the_page_does(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("Account ID,Usage %,Total_Seats,Active Users\nA-1,33.333%,3,1\n")
    result = run("portfolio", str(path), "--model", "technical-csm")
    assert result.returncode == 0, result.stderr
    row = rows(result.stdout)[0]
    assert row["usage_rate"] == "33.0", row
    assert row["coverage"] == "0.5"
    assert len(row["score"].split(".")[-1]) <= 1
