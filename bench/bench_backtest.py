"""End-to-end time of a backtest on a large book: 100k accounts x 24 months by default.

Times each stage on a planted book (generation is set-up, not counted):

* point in time: pick each account's month before its cut-off and score it;
* report: bands, floors, calibration, per-signal verdicts, AUC with 500
  bootstrap resamples;
* fit: constrained logistic weights plus 5-fold out-of-fold comparison;
* markdown + json: rendering both outputs.

Target: the counted stages together under 10 s.  Prints figures only;
asserts nothing.

    python bench/bench_backtest.py [--accounts 100000] [--months 24] [--lead-days 90]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from scoring.backtest.fit import Fitted, fit_weights
    from scoring.backtest.markdown import report_json, report_markdown
    from scoring.backtest.planted import MODEL_ID, planted_book
    from scoring.backtest.point_in_time import point_in_time
    from scoring.backtest.report import build_report
    from scoring.catalog import get_model

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--lead-days", type=int, default=90)
    args = parser.parse_args()

    model = get_model(MODEL_ID)
    start = time.perf_counter()
    history, outcomes = planted_book(args.accounts, args.months, seed=1)
    print(f"set-up: planted book of {len(history):,} account-months in {time.perf_counter() - start:.2f} s")

    timings: dict[str, float] = {}
    start = time.perf_counter()
    pit = point_in_time(model, history, outcomes, args.lead_days)
    timings["point in time"] = time.perf_counter() - start
    start = time.perf_counter()
    report = build_report(pit)
    timings["report"] = time.perf_counter() - start
    start = time.perf_counter()
    fit = fit_weights(pit, "planted")
    timings["fit"] = time.perf_counter() - start
    start = time.perf_counter()
    report_markdown(report, model, fit)
    json.dumps(report_json(report, fit), allow_nan=False)
    timings["markdown + json"] = time.perf_counter() - start

    for stage, seconds in timings.items():
        print(f"{stage:>16}: {seconds:6.2f} s")
    print(f"{'total':>16}: {sum(timings.values()):6.2f} s (target < 10 s)")
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
