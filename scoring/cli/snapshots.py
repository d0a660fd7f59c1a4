"""`python -m scoring snapshots [delete ID]` and the `--save` of `python -m scoring portfolio`.

The database is the app's own file (``HEALTH_STUDIO_DB``).  DuckDB lets one
process write a file at a time, so while the server has it open these
commands say so in one line and exit 2; nothing is half-written.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TextIO

from scoring.cli.common import UsageError
from scoring.model import Model
from scoring.portfolio.contract import Export, PortfolioResult
from scoring.snapshots.capture import SnapshotError, as_of_for, save_exports
from scoring.snapshots.demo import DEMO_LABEL
from scoring.snapshots.history import age_text, delete, snapshots
from scoring.storage import Store, StoreUnavailable

LOCKED = (
    "the database is open in a running Account Health Studio server, and only one program may write it at a "
    "time: stop the server and run this again, or save the snapshot from the portfolio page"
)


def open_store() -> Store:
    """The app's database, or a one-line UsageError saying why not."""
    try:
        return Store()
    except StoreUnavailable as exc:
        if "already open" in str(exc):
            raise UsageError(LOCKED) from None
        raise UsageError(" ".join(str(exc).split())) from None


def save_portfolio(
    requested: date | None,
    model: Model,
    exports: Sequence[Export],
    overrides: Mapping[str, str | None],
    result: PortfolioResult,
    err: TextIO,
) -> PortfolioResult:
    """Keep the scored portfolio as a snapshot and say so on stderr (stdout holds the CSV).

    Returns the result as saved: scored again when the snapshot's as-of date (from a file name,
    say) differs from the date the first run measured day counts from.
    """
    store = open_store()
    try:
        when = as_of_for(result, [e.name for e in exports], requested)
        saved, kept_result = save_exports(store, exports, model, overrides, as_of=when, result=result)
    except SnapshotError as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    kept = saved.snapshot
    what = "saved snapshot" if saved.created else "already saved as snapshot"
    err.write(f"{what} {kept.id}: as of {kept.as_of.isoformat()}, {kept.model_id}, {kept.accounts} accounts\n")
    return kept_result


def run_snapshots(args: argparse.Namespace, out: TextIO) -> int:
    """List every snapshot, one line each, oldest first; or delete one."""
    store = open_store()
    try:
        if args.action == "delete":
            if args.id is None:
                raise UsageError("say which snapshot to delete: python -m scoring snapshots delete ID")
            if not delete(store, args.id):
                raise UsageError(f"there is no snapshot {args.id}; `python -m scoring snapshots` lists them")
            out.write(f"deleted snapshot {args.id}\n")
            return 0
        if args.id is not None:
            raise UsageError("an id goes with delete: python -m scoring snapshots delete ID")
        found = snapshots(store)
        if not found:
            out.write("no snapshots yet; save one with python -m scoring portfolio FILES --save\n")
            return 0
        today = date.today()
        for s in found:
            tag = f"  ({DEMO_LABEL})" if s.label == DEMO_LABEL else ""
            files = ", ".join(f.name for f in s.files)
            out.write(
                f"{s.id}\t{s.as_of.isoformat()}\t{s.model_id}\t{s.accounts} accounts\t"
                f"{age_text(s.age_days(today))}\t{files}{tag}\n"
            )
        return 0
    finally:
        store.close()
