"""`python -m scoring issues`: patterns and briefs read from a copy while another process holds the database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from scoring.db import Store
from scoring.diagnosis import commands as cmd
from scoring.diagnosis.intake import IntakeForm
from tests.servers import ROOT

HOSTILE = '<script>x</script> [a](b) =HYPERLINK("c") \u202e'


def bug(account: str, tag: str) -> IntakeForm:
    """A technical bug whose symptom is hostile text."""
    update_by = date.today() + timedelta(days=2)
    return IntakeForm(account, HOSTILE, "goal", "", "", "", "restated", True, "technical-bug", tag, "high", update_by)


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEALTH_STUDIO_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "scoring", "issues", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def held(db_path: Path) -> Iterator[Store]:
    """The database open in this process, as the server holds it: DuckDB would refuse a second opener."""
    store = Store()
    cmd.seed_demo(store)
    yield store
    store.close()


def test_patterns_print_one_line_each_while_the_database_is_held(held: Store, db_path: Path) -> None:
    done = run(db_path, "patterns")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "technical bug · SSO · Mid-Market · 3 accounts · $305K ARR · id technical-bug/sso/mid-market"
    ]
    assert run(db_path, "patterns", "--min-accounts", "4").stdout == ""


def test_a_write_acknowledged_a_moment_ago_is_in_the_copy(held: Store, db_path: Path) -> None:
    cmd.open_issue(held, bug("ACC-1024", "SSO"), "Atlas Retail", "Ana", date.today())
    done = run(db_path, "patterns")
    assert "· 4 accounts ·" in done.stdout, done.stderr


def test_export_prints_the_brief_and_a_bug_case_with_user_text_escaped(held: Store, db_path: Path) -> None:
    brief = run(db_path, "export", "technical-bug/sso/mid-market")
    assert brief.returncode == 0, brief.stderr
    assert brief.stdout.startswith("# Three Mid-Market accounts hit SSO (technical bug)\n")
    assert "| Redwood Finance (ACC-1010) | $100K |" in brief.stdout

    issue_id = cmd.open_issue(held, bug("ACC-1001", "API"), "Tidewater Health", "Ana", date.today())
    case = run(db_path, "export", issue_id)
    assert case.returncode == 0, case.stderr
    assert '\\<script\\>x\\</script\\> \\[a\\](b) =HYPERLINK("c")' in case.stdout
    assert "<script>" not in case.stdout and "\u202e" not in case.stdout
    assert "Segment: SMB; CSM: Farid Haddad" in case.stdout


def test_unknown_ids_and_non_bugs_fail_with_one_line(held: Store, db_path: Path) -> None:
    for wanted, says in (("nope", "neither a pattern id"), ("DEMO-4", "not a technical bug")):
        done = run(db_path, "export", wanted)
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1 and says in done.stderr and "Traceback" not in done.stderr


def test_no_database_yet_says_how_to_start(tmp_path: Path) -> None:
    done = run(tmp_path / "none.duckdb", "patterns")
    assert done.returncode == 0 and done.stdout == ""
    assert "No customer issues saved yet" in done.stderr
