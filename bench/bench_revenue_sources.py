"""Print what the revenue page's new inputs cost on the demo: ARR from two snapshots, measured renewal rates.

Run: python bench/bench_revenue_sources.py (from the repository root)
Uses a temporary database (the demo weeks are seeded into it), never the app's own file.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from bench.stopwatch import timed
from scoring.backtest.outcomes import read_outcomes_csv
from scoring.backtest.point_in_time import point_in_time
from scoring.backtest.report import build_report
from scoring.catalog import get_model
from scoring.portfolio import demo_exports
from scoring.portfolio.demo import DEMO_DIR
from scoring.portfolio.signal_history import signal_history
from scoring.revenue.calibrated import MeasuredRates, measured_rates
from scoring.revenue.rates import RenewalRates
from scoring.revenue.two_dates import from_snapshots
from scoring.snapshots.demo import seed_demo
from scoring.storage import Store


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        timed("seed the two demo snapshots (first visit on a fresh database)", lambda: seed_demo(store))
        pair = timed("ARR at two dates from the snapshots (300 accounts each)", lambda: from_snapshots(store))
        r = pair.retention() if pair is not None else None
        if r is not None:
            print(
                f"  GRR {r.grr:.1%}, NRR {r.nrr:.1%}, logo {r.logo_retention:.1%}; churn ${r.churn:,.0f}, "
                f"contraction ${r.contraction:,.0f}, expansion ${r.expansion:,.0f}"
            )
        store.close()
    model = get_model("technical-csm")

    def measure() -> MeasuredRates:
        history, _ = signal_history(demo_exports(), model)
        read = read_outcomes_csv(DEMO_DIR / "outcomes.csv", "outcomes.csv")
        report = build_report(point_in_time(model, history, read.outcomes, 90))
        return measured_rates(report, RenewalRates(), "outcomes.csv")

    m = timed("measured renewal rates (history, backtest at 90 days, report)", measure)
    rates = m.rates
    print(f"  green {rates.green:.1%}, yellow {rates.yellow:.1%}, red {rates.red:.1%}")


if __name__ == "__main__":
    main()
