"""Server-side rerun time of the what-if scorecard after a slider change.

Runs the page in Streamlit's AppTest (same process, no browser), moves one
slider per rerun and prints two timings per model:

* script: the page script itself, from Streamlit's start of the run to its
  end -- what a real server spends on a slider move;
* apptest: the whole ``AppTest.run()``, which adds AppTest's own set-up and
  polling on top (an upper bound).

Target: median under 50 ms.  Prints figures only; asserts nothing.

    python bench/bench_scorecard.py [--runs 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = {
    "technical-csm": "usage_rate",
    "three-pillar": "login_frequency",
    "four-component": "csat",
    "traffic-light": "active_user_share",
}
WARM_UP = 5


def time_script_runs(into: list[float]) -> None:
    """Record how long each script run takes, inside Streamlit's runner thread."""
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.exec_func_with_error_handling

    def timed(func: Callable[[], Any], ctx: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(func, ctx)
        finally:
            into.append((time.perf_counter() - start) * 1000)

    script_runner.exec_func_with_error_handling = timed


def bench(model_id: str, signal_id: str, runs: int, script: list[float]) -> tuple[list[float], list[float]]:
    """(script ms, AppTest.run ms) for each timed rerun after moving one slider."""
    from streamlit.testing.v1 import AppTest

    from pages.ui.scorecard.keys import MODEL_KEY, signal_key

    at = AppTest.from_file(str(ROOT / "pages" / "scorecard.py"), default_timeout=60)
    at.run()
    at.selectbox(key=MODEL_KEY).set_value(model_id).run()
    key = signal_key(model_id, signal_id)
    low, high = at.slider(key=key).min, at.slider(key=key).max
    script_times: list[float] = []
    whole_times: list[float] = []
    for i in range(runs + WARM_UP):
        at.slider(key=key).set_value(round(low + (high - low) * ((i * 37) % 101) / 100))
        script.clear()
        start = time.perf_counter()
        at.run()
        elapsed = (time.perf_counter() - start) * 1000
        if at.exception:
            raise SystemExit(f"the page failed: {at.exception[0].message}")
        if i >= WARM_UP:  # the first reruns warm caches and imports
            script_times.append(sum(script))
            whole_times.append(elapsed)
    return script_times, whole_times


def figures(timings: list[float]) -> str:
    p95 = statistics.quantiles(timings, n=20)[-1]
    return f"{statistics.median(timings):>8.1f}{p95:>8.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed reruns per model")
    args = parser.parse_args()
    script: list[float] = []
    time_script_runs(script)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["HEALTH_STUDIO_DB"] = str(Path(tmp) / "bench.duckdb")
        print(f"What-if scorecard: rerun after a slider change, {args.runs} reruns per model, ms")
        print(f"{'model':<16}{'script':>16}{'apptest':>16}")
        print(f"{'':<16}{'median':>8}{'p95':>8}{'median':>8}{'p95':>8}")
        all_script: list[float] = []
        all_whole: list[float] = []
        for model_id, signal_id in CASES.items():
            taken, whole = bench(model_id, signal_id, args.runs, script)
            all_script += taken
            all_whole += whole
            print(f"{model_id:<16}{figures(taken)}{figures(whole)}")
        print(f"{'all':<16}{figures(all_script)}{figures(all_whole)}")
        print("target: script median < 50 ms")


if __name__ == "__main__":
    main()
