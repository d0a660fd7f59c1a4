"""End-to-end time of a backtest on a large book: 100k accounts x 24 months by default, from CSV files.

A separate process writes a planted book as the files a user would upload (a
monthly usage export and an outcomes file), so generating it neither counts
nor warms this process's caches.  Then this process times each stage as the
CLI runs it:

* read exports: the portfolio's pipeline reading the monthly CSV into one
  row of signal values per account and month (``signal_history``);
* read outcomes: the outcomes CSV, headers detected and values mapped;
* point in time: pick each account's month before its cut-off and score it;
* report: bands, floors, calibration, per-signal verdicts, AUC with 500
  bootstrap resamples;
* fit: constrained logistic weights plus 5-fold out-of-fold comparison;
* markdown + json: rendering both outputs.

Target (issue #13): the counted stages together under 10 s of wall time.
Each stage prints its wall time and the CPU time of this process (DuckDB's
threads included), and the load average is printed before and after: two
cores are shared, and on a busy machine the CPU figure is the one that
compares across runs.  Prints figures only; asserts nothing.

    python bench/bench_backtest.py [--accounts 100000] [--months 24] [--lead-days 90]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

T = TypeVar("T")
USAGE_FILE = "usage_monthly.csv"
OUTCOMES_FILE = "outcomes.csv"


def write_book(folder: Path, accounts: int, months: int) -> None:
    """The planted book as a user's exports: headers and values shaped like a CRM's, not like our ids."""
    import numpy as np
    import pandas as pd

    from scoring.backtest.planted import planted_book

    history, outcomes = planted_book(accounts, months, seed=1)
    usage = pd.DataFrame(
        {
            "Account ID": history["account_id"],
            "Month": pd.to_datetime(history["period"]).dt.strftime("%Y-%m"),
            "usage_rate": history["usage_rate"],
            "seat_utilization": history["seat_utilization"],
            "teams_live": history["teams_live"],
            "override_rate": history["override_rate"],
            "csm_responsiveness": history["csm_responsiveness"],
            "roi_articulated": np.where(history["roi_articulated"], "yes", "no"),
        }
    )
    usage.to_csv(folder / USAGE_FILE, index=False, float_format="%.0f")
    words = {"churned": "Closed Lost", "renewed": "Renewed", "contracted": "Downgraded"}
    pd.DataFrame(
        {
            "Account ID": [o.account_id for o in outcomes],
            "Renewal Date": [o.event_date.isoformat() if o.event_date else "" for o in outcomes],
            "Outcome": [words[o.outcome] for o in outcomes],
            "ARR Lost": ["" if o.arr_lost is None else f"{o.arr_lost:.0f}" for o in outcomes],
        }
    ).to_csv(folder / OUTCOMES_FILE, index=False)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--lead-days", type=int, default=90)
    parser.add_argument("--write-to", type=Path, help=argparse.SUPPRESS)  # the generating child process
    args = parser.parse_args()
    if args.write_to is not None:
        write_book(args.write_to, args.accounts, args.months)
        return

    with tempfile.TemporaryDirectory(prefix="bench-backtest-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--accounts",
                str(args.accounts),
                "--months",
                str(args.months),
                "--write-to",
                str(folder),
            ],
            check=True,
        )
        size = (folder / USAGE_FILE).stat().st_size / 1e6
        print(
            f"set-up (separate process, not counted): {args.accounts:,} accounts x {args.months} months, "
            f"{size:.0f} MB of CSV in {time.perf_counter() - start:.1f} s"
        )
        print(f"before: {_load()}")
        run(folder, args.lead_days)
        print(f"after:  {_load()}")


def run(folder: Path, lead_days: int) -> None:
    """Time each stage of ``python -m scoring backtest`` on the files in ``folder``."""
    start = time.perf_counter()
    from scoring.backtest.fit import Fitted, fit_weights
    from scoring.backtest.markdown import report_json, report_markdown
    from scoring.backtest.outcomes import read_outcomes_csv
    from scoring.backtest.planted import MODEL_ID
    from scoring.backtest.point_in_time import point_in_time
    from scoring.backtest.report import build_report
    from scoring.catalog import get_model
    from scoring.portfolio.contract import Export
    from scoring.portfolio.signal_history import signal_history

    print(f"imports (not counted): {time.perf_counter() - start:.2f} s")
    model = get_model(MODEL_ID)
    timings: dict[str, tuple[float, float]] = {}  # stage -> (wall, CPU of this process, every thread)

    def timed(stage: str, work: Callable[[], T]) -> T:
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        timings[stage] = (time.perf_counter() - wall, time.process_time() - cpu)
        return result

    history, problems = timed("read exports", lambda: signal_history([Export.from_path(folder / USAGE_FILE)], model))
    for problem in problems:
        print(f"  problem: {problem.message}")
    read = timed("read outcomes", lambda: read_outcomes_csv(folder / OUTCOMES_FILE, OUTCOMES_FILE))
    pit = timed("point in time", lambda: point_in_time(model, history, read.outcomes, lead_days))
    report = timed("report", lambda: build_report(pit))
    fit = timed("fit", lambda: fit_weights(pit, OUTCOMES_FILE))
    timed(
        "markdown + json",
        lambda: (report_markdown(report, model, fit), json.dumps(report_json(report, fit), allow_nan=False)),
    )

    print(f"{'stage':>16}  {'wall':>7}  {'CPU':>7}")
    for stage, (wall, cpu) in timings.items():
        print(f"{stage:>16}: {wall:6.2f} s {cpu:6.2f} s")
    total_wall = sum(w for w, _ in timings.values())
    total_cpu = sum(c for _, c in timings.values())
    print(f"{'total':>16}: {total_wall:6.2f} s {total_cpu:6.2f} s (target: wall < 10 s)")
    print(f"history: {len(history):,} account-months")
    interval = report.auc_interval
    span = f" [{interval.low:.3f}, {interval.high:.3f}]" if interval else ""
    auc = f"{report.auc.value:.3f}" if report.auc.value is not None else f"n/a ({report.auc.reason})"
    print(f"scored {report.accounts:,} accounts, {report.churners:,} churners, AUC {auc}{span}")
    if isinstance(fit, Fitted):
        print(f"fitted weights {dict(fit.weights)}; out-of-fold AUC {fit.fitted.auc.value:.3f}")
    else:
        print(f"fit refused: {fit.reason}")


if __name__ == "__main__":
    main()
