"""`python -m scoring backtest FILE... [--outcomes FILE] --model ID [--lead-days 90] [--fit] [--json] [--snapshots]`.

Prints the backtest lab's report -- does the score predict churn, and which
weights would predict it better -- as Markdown, or as JSON with ``--json``
for scripts.  The exports are read by the portfolio's own pipeline
(``scoring.portfolio.signal_history``), so the figures are those the page
shows for the same files.  Without ``--outcomes`` the outcomes come from
outcome columns in the exports themselves; with ``--snapshots`` the saved
snapshots of the app's database count as history too, each from its day.
Problems in the exports or the outcomes go to
stderr, one line each; when nothing can be backtested the command exits 2
with one line saying why.
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from scoring.backtest.export_outcomes import outcomes_in_exports
from scoring.backtest.fit import fit_weights
from scoring.backtest.markdown import FitResult, report_json, report_markdown
from scoring.backtest.outcomes import OutcomesRead, read_outcomes_csv
from scoring.backtest.point_in_time import point_in_time
from scoring.backtest.report import build_report
from scoring.backtest.snapshot_history import snapshot_history, with_snapshots
from scoring.cli.common import UsageError, resolve_model
from scoring.cli.portfolio import _line as line
from scoring.cli.portfolio import parse_overrides
from scoring.cli.snapshots import open_store
from scoring.portfolio.contract import Export
from scoring.portfolio.signal_history import signal_history
from scoring.wording import counted


def _outcomes(args: argparse.Namespace, exports: list[Export]) -> tuple[OutcomesRead, str]:
    """(the outcomes, where they came from): the --outcomes file, else the exports' own outcome columns."""
    if args.outcomes is not None:
        if not args.outcomes.is_file():
            raise UsageError(f"--outcomes {args.outcomes.name}: no such file")
        return read_outcomes_csv(args.outcomes, args.outcomes.name), args.outcomes.name
    found = outcomes_in_exports(exports)
    return found.read, ", ".join(found.files) or "the exports (no --outcomes file given)"


def run_backtest(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    model = resolve_model(args.model)
    overrides = parse_overrides(args.map, model)
    exports = [Export.from_path(path) for path in args.files]
    read, source = _outcomes(args, exports)
    history, problems = signal_history(exports, model, overrides)
    for problem in problems:
        err.write(f"{'error' if problem.severity == 'error' else 'warning'}: {line(problem)}\n")
    for outcome_problem in read.problems:
        err.write(f"warning: {' '.join(outcome_problem.message.split())}\n")
    if args.snapshots:
        saved = snapshot_history(open_store(), model)
        err.write(f"note: {counted(len(saved.used), 'saved snapshot', 'saved snapshots')} used as history\n")
        history = with_snapshots(history, saved)
    if history.empty:
        reason = next((p for p in problems if p.severity == "error"), None)
        raise UsageError("no monthly history to backtest" + (f": {line(reason)}" if reason else ""))
    if not read.outcomes:
        raise UsageError(f"no outcome could be read from {source}")
    pit = point_in_time(model, history, read.outcomes, args.lead_days)
    if pit.accounts == 0:
        why = "; ".join(e.message for e in pit.excluded) or "no account could be scored"
        raise UsageError(f"no account could be backtested: {why}")
    report = build_report(pit)
    fit: FitResult = fit_weights(pit, source) if args.fit else None
    if args.json:
        out.write(json.dumps(report_json(report, fit), indent=2, allow_nan=False) + "\n")
    else:
        out.write(report_markdown(report, model, fit))
    return 0
