"""`python -m scoring issues patterns|export`: the diagnosis loop's patterns and briefs without a browser.

The server holds the database file open, and DuckDB lets only one process
open a file, so these commands never open the live file.  They copy it (and
its write-ahead log) into a private temporary folder and read the copy: the
file is copied, then checked unchanged (size and modification time of both
files) and copied again if the server wrote meanwhile.  Every acknowledged
write is in the file or its log, so the copy holds everything saved up to
the moment of copying.  The copy is deleted on exit.

Account facts (segment, CSM, ARR, band) come from the demo portfolio, or
from the exports given with ``--exports``, scored with ``--model``.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TextIO, cast

from scoring.cli.common import UsageError, resolve_model
from scoring.db import Store, StoreUnavailable, db_path
from scoring.diagnosis import commands as cmd
from scoring.diagnosis.accounts import demo_facts, facts_from_accounts
from scoring.diagnosis.briefs import engineering_case, pattern_line, product_brief
from scoring.diagnosis.patterns import AccountFacts, GroupBy, find_patterns, pattern_by_id
from scoring.diagnosis.replay import IssueState
from scoring.portfolio import load_portfolio
from scoring.portfolio.contract import Export
from scoring.private_files import process_dir

COPY_ATTEMPTS = 5
BUG = "technical-bug"


def _stamp(path: Path) -> tuple[tuple[int, int], ...]:
    return tuple((p.stat().st_size, p.stat().st_mtime_ns) if p.exists() else (-1, -1) for p in (path, _wal(path)))


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


@contextmanager
def saved_copy(path: Path) -> Iterator[Path | None]:
    """A private copy of the database and its log, taken while nothing was writing; None when no file exists."""
    if not path.exists():
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="issues-copy-", dir=process_dir()) as folder:
        copy = Path(folder) / "copy.duckdb"
        for _ in range(COPY_ATTEMPTS):
            before = _stamp(path)
            shutil.copyfile(path, copy)
            _wal(copy).unlink(missing_ok=True)
            if _wal(path).exists():
                shutil.copyfile(_wal(path), _wal(copy))
            if _stamp(path) == before:
                break
        else:
            raise UsageError("the database kept changing while it was copied; try again in a moment")
        yield copy


def _issues() -> list[IssueState]:
    with saved_copy(db_path()) as copy:
        if copy is None:
            return []
        try:
            store = Store(copy)
        except StoreUnavailable:
            raise UsageError(
                "the saved issues could not be read: the database (HEALTH_STUDIO_DB) is damaged or not a DuckDB file"
            ) from None
        try:
            return cmd.all_issues(store)
        except cmd.IssueError as exc:
            raise UsageError(str(exc)) from None
        finally:
            store.close()


def _facts(args: argparse.Namespace) -> dict[str, AccountFacts]:
    if not args.exports:
        return demo_facts()
    model = resolve_model(args.model)
    result = load_portfolio([Export.from_path(p) for p in args.exports], model)
    if result.accounts.empty:
        raise UsageError("no account in --exports could be scored; run `python -m scoring portfolio` to see why")
    return facts_from_accounts(result.accounts)


def _by(value: str) -> GroupBy | None:
    return None if value == "none" else cast(GroupBy, value)


def run_issues(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.min_accounts < 1:
        raise UsageError("--min-accounts must be 1 or more")
    issues = _issues()
    if not issues:
        err.write(
            "No customer issues saved yet: log one on the Customer issues page (its first open loads the demo).\n"
        )
        return 0 if args.issues_command == "patterns" else 2
    facts = _facts(args)
    patterns = find_patterns(issues, facts, args.min_accounts, _by(args.by))
    if args.issues_command == "patterns":
        for pattern in patterns:
            out.write(f"{pattern_line(pattern)} · id {pattern.id}\n")
        if not patterns:
            err.write(f"No pattern: no category and tag appears on {args.min_accounts} or more accounts.\n")
        return 0
    wanted = args.id.strip()
    chosen = pattern_by_id(patterns, wanted)
    if chosen is not None:
        out.write(product_brief(chosen, date.today()))
        return 0
    issue = next((s for s in issues if s.issue_id.casefold() == wanted.casefold()), None)
    if issue is None:
        raise UsageError(f"{wanted!r} is neither a pattern id (see `issues patterns`) nor a saved issue id")
    if issue.record.intake.category_id != BUG:
        raise UsageError(
            f"{issue.issue_id} is not a technical bug, and only bugs get an Engineering case; for the other "
            "categories export a pattern (`issues patterns --min-accounts 1` lists every id)"
        )
    out.write(engineering_case(issue, facts))
    return 0
