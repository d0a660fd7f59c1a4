"""Real exports read, messages stay ours, and `python -m scoring ... | head` ends quietly.

Line endings are given as bytes because that is where exports differ: a file
saved on Windows, then appended to on a Mac, ends its rows two ways.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scoring.catalog import get_model
from scoring.cli import main as cli_main
from scoring.db import DuckDBError
from scoring.portfolio import run
from scoring.portfolio.contract import Export
from scoring.portfolio.run import score_exports

TECH = get_model("technical-csm")
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"Account ID,Usage %\r\nA1,80\nA2,50\r\nA3,40\rA4,30\n", id="mixed CRLF, LF and CR"),
        pytest.param(b"Account ID,Usage %\r\nA1,80\r\nA2,50\r\nA3,40\r\nA4,30\r\n\r\n", id="blank line after CRLF"),
        pytest.param(b"Account ID,Usage %\nA1,80\nA2,50\nA3,40\nA4,30", id="no newline at the end"),
        pytest.param(b"Account ID,Usage %\r\nA1,80\r\nA2,50\r\nA3,40\r\nA4,30", id="CRLF, no newline at the end"),
        pytest.param(b"Account ID,Usage %\rA1,80\rA2,50\rA3,40\rA4,30\r", id="old Mac CR"),
        pytest.param(b"\xef\xbb\xbfAccount ID,Usage %\r\nA1,80\nA2,50\nA3,40\r\nA4,30", id="BOM, mixed, no end"),
    ],
)
def test_every_row_reads_whatever_its_line_ending(data: bytes) -> None:
    result = score_exports([Export("book.csv", data)], TECH)
    assert result.errors == []
    scored = dict(zip(result.accounts["account_id"], result.accounts["usage_rate"], strict=True))
    assert scored == {"A1": 80.0, "A2": 50.0, "A3": 40.0, "A4": 30.0}


def test_a_quoted_cell_across_lines_survives_mixed_endings() -> None:
    data = b'Account ID,Account Name,Usage %\r\nA1,"Acme\r\nEurope",80\nA2,Birch,50\r\n'
    result = score_exports([Export("book.csv", data)], TECH)
    names = dict(zip(result.accounts["account_id"], result.accounts["account_name"], strict=True))
    assert names["A2"] == "Birch" and names["A1"].replace("\n", " ") == "Acme Europe"


def test_engine_text_and_temp_paths_never_reach_the_message() -> None:
    raw = DuckDBError('Conversion Error: at /tmp/health_studio_x1/export_0.csv line 7 "Binder Error: ..."')
    problem = run.load_failure("crm.csv", raw)
    assert problem.file == "crm.csv"
    for leak in ("/tmp", "health_studio_", "export_0", "Conversion Error", "Binder"):
        assert leak not in problem.message + problem.fix


def test_the_clis_catch_all_prints_our_line_not_the_exceptions(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(out: io.StringIO) -> int:
        raise RuntimeError("IO Error: could not open /srv/studio/.cache/tmp_3f/export_0.csv")

    monkeypatch.setattr(cli_main, "cmd_models", broken)
    out, err = io.StringIO(), io.StringIO()
    assert cli_main.main(["models"], out, err) == 2
    assert err.getvalue().count("\n") == 1 and err.getvalue().startswith("error: ")
    assert "/srv" not in err.getvalue() and "IO Error" not in err.getvalue() and "RuntimeError" not in err.getvalue()


def test_a_closed_pipe_is_not_swallowed_as_an_internal_fault(monkeypatch: pytest.MonkeyPatch) -> None:
    def closed(out: io.StringIO) -> int:
        raise BrokenPipeError

    monkeypatch.setattr(cli_main, "cmd_models", closed)
    with pytest.raises(BrokenPipeError):
        cli_main.main(["models"], io.StringIO(), io.StringIO())


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough accounts that the CSV on stdout is far larger than a pipe's buffer."""
    path = tmp_path_factory.mktemp("pipe") / "book.csv"
    lines = ["Account ID,Account Name,Usage %,Licensed Seats,Active Users"]
    lines += [f"A{i:05d},Account number {i},{i % 100},{50 + i % 7},{i % 50}" for i in range(1000)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_piping_into_head_exits_zero_quietly_twenty_times_in_twenty(big_export: Path, db_path: Path) -> None:
    """Twenty runs, five at a time; each reader takes one line and closes the pipe, as `head -1` does."""
    command = [sys.executable, "-m", "scoring", "portfolio", str(big_export), "--model", "technical-csm"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outcomes = []
    for _ in range(4):
        procs = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
            for _ in range(5)
        ]
        for proc in procs:
            assert proc.stdout is not None and proc.stderr is not None
            first = proc.stdout.readline()
            proc.stdout.close()
            err = proc.stderr.read().decode()
            proc.wait(timeout=300)
            outcomes.append((first[:12], proc.returncode, err))
    assert len(outcomes) == 20
    for first, code, err in outcomes:
        assert first == b"triage_rank,"
        assert code == 0, err
        assert "BrokenPipe" not in err and "Traceback" not in err and "Exception ignored" not in err


def test_head_through_the_shell_too(big_export: Path, db_path: Path) -> None:
    command = f'"{sys.executable}" -m scoring portfolio "{big_export}" --model technical-csm'
    script = f'{command} | head -n 3; echo "rc=${{PIPESTATUS[0]}}"'
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.stdout.splitlines()[-1] == "rc=0"
    assert len(done.stdout.splitlines()) == 4
    assert "BrokenPipe" not in done.stderr and "Traceback" not in done.stderr
