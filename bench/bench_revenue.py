"""How long the revenue and QBR pieces take: forecast and expansion on a large book, one QBR pack.

Stages, each timed on its own (building the synthetic book is set-up, not
counted):

* forecast: horizons, quarters and the Sales Ops list for N accounts;
* expansion: the five signals and the ready list for N accounts;
* pack: one account's QBR pack and its Markdown;
* png: the drivers chart through vl-convert (first call, then a second);
* pptx: the deck with the chart.

Prints figures only; asserts nothing.

    python bench/bench_revenue.py [--accounts 100000]
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stopwatch import timed  # noqa: E402  (after the path line, as a script)


def main() -> None:
    import numpy as np
    import pandas as pd

    from scoring.catalog import get_model
    from scoring.portfolio.contract import att_column
    from scoring.qbr.chart import drivers_png
    from scoring.qbr.markdown import to_markdown
    from scoring.qbr.pack import build_pack
    from scoring.qbr.quarters import Quarter
    from scoring.qbr.slides import to_pptx
    from scoring.revenue.expansion import score_expansion
    from scoring.revenue.forecast import forecast

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    n = parser.parse_args().accounts
    rng = np.random.default_rng(15)
    as_of = date(2026, 10, 31)
    days = rng.integers(-30, 400, n)
    book = pd.DataFrame(
        {
            "account_id": [f"A{i}" for i in range(n)],
            "account_name": [f"Account {i}" for i in range(n)],
            "band": rng.choice(["green", "yellow", "red"], n),
            "score": rng.uniform(20, 100, n).round(1),
            "arr": rng.uniform(5_000, 500_000, n).round(0),
            "renewal_date": pd.Timestamp(as_of) + pd.to_timedelta(days, unit="D"),
            "days_to_renewal": days,
            "periods_in_band": rng.integers(1, 12, n),
            "weakest": "Usage rate",
            att_column("seat_utilization"): rng.uniform(0, 1, n),
        }
    )

    print(f"revenue bench: {n:,} accounts")
    fc = timed("forecast", lambda: forecast(book, as_of))
    print(f"  {len(fc.accounts):,} upcoming renewals, {len(fc.quarters)} quarters, ", end="")
    print(f"{len(fc.sales_ops_due):,} due to Sales Ops")
    timed("expansion", lambda: score_expansion(book, {}))
    model = get_model("technical-csm")
    history = pd.DataFrame(
        {
            "account_id": ["A0", "A0"],
            "period": pd.to_datetime(["2026-09-01", "2026-10-01"]),
            **{s.id: [50.0, 60.0] for s in model.signals},
        }
    )
    row = book.iloc[0].to_dict()
    pack = timed("pack", lambda: build_pack(model, row, history, Quarter(2026, 4)))
    timed("markdown", lambda: to_markdown(pack))
    png = timed("png (first call)", lambda: drivers_png(pack.drivers, "Points"))
    timed("png (second call)", lambda: drivers_png(pack.drivers, "Points"))
    timed("pptx", lambda: to_pptx(pack, png))


if __name__ == "__main__":
    main()
