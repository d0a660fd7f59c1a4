"""Every hostile export through `python -m scoring portfolio`, in a real subprocess.

The CLI is what cron jobs and CS ops scripts run, so its contract is strict:
nothing scorable means exit 2 and one line; something scorable means exit 0,
the good accounts on stdout, one warning per problem on stderr; never a
traceback, never a live formula in a CSV cell.  Each run's CPU time and peak
memory come from ``os.wait4`` on that one child, which a busy machine does
not inflate the way wall-clock time would be.
"""

from __future__ import annotations

import csv
import io
import math
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hostile_corpus import CASES, FORMULA_START, MODEL, SIGNALS, Case, good_csv

ROOT = Path(__file__).resolve().parent.parent
HANG_GUARD_SECONDS = 120
CPU_SECONDS_BOUND = 10.0
MEMORY_BOUND_BYTES = 1024**3
# How the pipeline labels a problem that belongs to the upload as a whole (e.g. no signal column anywhere).
ALL_FILES = "(all files)"


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    cpu_seconds: float
    peak_rss_bytes: int

    @property
    def rows(self) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.stdout, newline="")))

    @property
    def cells(self) -> Iterator[str]:
        for row in csv.reader(io.StringIO(self.stdout, newline="")):
            yield from row


def run_cli(*files: Path, db: Path) -> Run:
    """Run the CLI on files; rusage is that child's alone (os.wait4), not the test process's."""
    command = [sys.executable, "-m", "scoring", "portfolio", *map(str, files), "--model", MODEL]
    env = {**os.environ, "HEALTH_STUDIO_DB": str(db)}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, cwd=ROOT, env=env)
        guard = threading.Timer(HANG_GUARD_SECONDS, proc.kill)
        guard.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            guard.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            code=proc.returncode,
            stdout=out.read().decode("utf-8", errors="replace"),
            stderr=err.read().decode("utf-8", errors="replace"),
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            peak_rss_bytes=usage.ru_maxrss * 1024,
        )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.duckdb"


def neutralised(text: str) -> str:
    """How a name must appear in the CSV: formulas defused with a leading quote, everything else as written."""
    return "'" + text if text.startswith(FORMULA_START) else text


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_no_traceback(run: Run) -> None:
    assert "Traceback" not in run.stdout + run.stderr, run.stderr[-2000:]


def assert_safe_csv(run: Run) -> None:
    live = [c for c in run.cells if c.startswith(FORMULA_START) and not is_number(c)]
    assert not live, f"cells a spreadsheet would run as formulas: {live[:5]}"


def assert_finite_numbers(run: Run) -> None:
    for row in run.rows:
        for column in ("score", *SIGNALS):
            cell = row.get(column, "")
            assert cell == "" or math.isfinite(float(cell)), f"{row['account_id']} {column}={cell!r}"


def scored_ids(run: Run) -> set[str]:
    return {row["account_id"] for row in run.rows if row.get("score", "").strip()}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_through_the_cli(case: Case, corpus: Path, db: Path) -> None:
    run = run_cli(case.path(corpus), db=db)
    assert_no_traceback(run)
    if not case.scorable:
        lines = run.stderr.strip().splitlines()
        assert run.code == 2, run.stderr
        assert len(lines) == 1, run.stderr
        assert lines[0].startswith("error:"), lines[0]
        assert case.name in lines[0] or ALL_FILES in lines[0], f"the line says neither which file nor {ALL_FILES}"
        assert run.stdout == ""
        return
    assert run.code == 0, run.stderr
    got = scored_ids(run)
    assert set(case.scored) <= got, f"good rows not scored: {set(case.scored) - got}; stderr: {run.stderr}"
    assert not set(case.unscored) & got, f"rows that should have been set aside were scored: {run.stderr}"
    if case.rejected:
        warnings = [line for line in run.stderr.splitlines() if line.startswith("warning:")]
        assert any(case.name in line for line in warnings), f"no warning names {case.name}: {run.stderr!r}"
    names = {row["account_id"]: row["account_name"] for row in run.rows}
    for account, name in case.names.items():
        assert names[account] == neutralised(name)
    assert_safe_csv(run)
    assert_finite_numbers(run)


@pytest.mark.parametrize("case", [c for c in CASES if c.bounded], ids=[c.name for c in CASES if c.bounded])
def test_hostile_file_stays_within_resource_bounds(case: Case, corpus: Path, db: Path) -> None:
    run = run_cli(case.path(corpus), db=db)
    assert run.code in (0, 2), run.stderr
    assert run.peak_rss_bytes < MEMORY_BOUND_BYTES, f"peak RSS {run.peak_rss_bytes / 2**20:.0f} MiB"
    assert run.cpu_seconds < CPU_SECONDS_BOUND, f"{run.cpu_seconds:.1f} s of CPU"


@pytest.mark.parametrize("bad", ["zip_bomb.xlsx", "binary_renamed.csv", "truncated.parquet", "empty.csv"])
def test_one_bad_file_does_not_sink_the_good_one(bad: str, corpus: Path, db: Path, tmp_path: Path) -> None:
    good = tmp_path / "accounts.csv"
    good.write_bytes(good_csv(1, 2, 3))
    case = next(c for c in CASES if c.name == bad)
    run = run_cli(good, case.path(corpus), db=db)
    assert_no_traceback(run)
    assert run.code == 0, run.stderr
    assert {"ACC-001", "ACC-002", "ACC-003"} <= scored_ids(run)
    assert any(bad in line for line in run.stderr.splitlines()), run.stderr
