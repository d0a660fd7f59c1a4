"""`python -m scoring`: the health models without a browser.

Errors exit 2 with one line on stderr, never a traceback: this is run by CS
ops people from cron jobs and spreadsheets, and a stack trace helps neither.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from scoring.backtest import LEAD_DAYS
from scoring.catalog import DEFAULT_MODEL_ID, CatalogError
from scoring.cli.common import MODEL_HELP, Parser, UsageError
from scoring.cli.score import cmd_models, cmd_score_file, cmd_score_one
from scoring.model import INSUFFICIENT
from scoring.revenue.rates import RATE_BANDS, RenewalRates

LOG = logging.getLogger(__name__)
UNEXPECTED = (
    "error: the command stopped on an internal fault, not on anything in your files; nothing was saved "
    "or changed. Run it again; if it repeats, run it with HEALTH_STUDIO_DEBUG=1 and send the details "
    "to whoever maintains this tool.\n"
)


def _parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m scoring", description="Account health scoring.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "models",
        help="list the preset health models and their signals",
        epilog="Besides a preset id, --model takes a model file: --model path/to/model.toml "
        "(the scorecard page downloads any model, custom ones included, in this format).",
    )

    sc = sub.add_parser("score", help="score one account (--set) or every row of a CSV file")
    sc.add_argument("--model", default=DEFAULT_MODEL_ID, help=MODEL_HELP)
    sc.add_argument("--set", action="append", default=[], metavar="SIGNAL=VALUE", help="a signal value")
    sc.add_argument("--bonus", action="append", default=[], metavar="ID", help="a bonus that applies")
    sc.add_argument("--event", action="append", default=[], metavar="ID", help="an event, e.g. executive_change")
    sc.add_argument("file", nargs="?", type=Path, help="CSV whose columns are named by signal ids")

    pf = sub.add_parser("portfolio", help="score exports per account, as the portfolio page does")
    pf.add_argument("files", nargs="+", type=Path, help="CSV, Excel (.xlsx) or Parquet exports")
    pf.add_argument("--model", default=DEFAULT_MODEL_ID, help=MODEL_HELP)
    pf.add_argument("--map", action="append", default=[], metavar="SOURCE_COLUMN=FIELD", help="override a header")
    pf.add_argument("--save", action="store_true", help="also keep the result as a snapshot in the app's database")
    pf.add_argument("--mapping", type=Path, metavar="FILE", help="column mapping downloaded from the portfolio page")
    pf.add_argument("--as-of", metavar="YYYY-MM-DD", help="count days to this date (default: end of the latest month)")

    bt = sub.add_parser("backtest", help="check whether the score predicted churn, and fit better weights")
    bt.add_argument("files", nargs="+", type=Path, help="exports with a month column (CSV, Excel, Parquet)")
    bt.add_argument("--outcomes", type=Path, help="CSV of outcomes (default: the outcome columns of FILE)")
    bt.add_argument("--model", default=DEFAULT_MODEL_ID, help=MODEL_HELP)
    bt.add_argument("--lead-days", type=int, default=90, choices=LEAD_DAYS, help="score this many days before")
    bt.add_argument("--fit", action="store_true", help="also fit weights to the outcomes (needs 30+ churners)")
    bt.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    bt.add_argument("--map", action="append", default=[], metavar="SOURCE_COLUMN=FIELD", help="override a header")
    bt.add_argument("--snapshots", action="store_true", help="also score from saved snapshots taken by each cut-off")

    # renewals and qbr (scoring/cli/revenue.py)
    rn = sub.add_parser("renewals", help="renewal forecast by horizon, band and quarter, as the portfolio page shows")
    rn.add_argument("files", nargs="+", type=Path, help="CSV, Excel (.xlsx) or Parquet exports")
    rn.add_argument("--horizon", type=int, default=180, help="longest window in days (default 180)")
    rn.add_argument("--model", default=DEFAULT_MODEL_ID, help=MODEL_HELP)
    for band in RATE_BANDS:
        whose = "accounts with too little data for a band" if band == INSUFFICIENT else f"{band} accounts"
        rate = RenewalRates().of(band)
        rn.add_argument(f"--{band}-rate", type=float, default=rate, help=f"share of ARR expected to renew, {whose}")
    rn.add_argument("--map", action="append", default=[], metavar="SOURCE_COLUMN=FIELD", help="override a header")
    qb = sub.add_parser("qbr", help="write one account's quarterly business review pack")
    qb.add_argument("files", nargs="+", type=Path, help="CSV, Excel (.xlsx) or Parquet exports")
    qb.add_argument("--account", required=True, help="the account id, as in the exports")
    qb.add_argument("--quarter", required=True, help="e.g. 2026Q4")
    qb.add_argument("--format", choices=("md", "pptx"), default="md")
    qb.add_argument("-o", "--output", required=True, type=Path, help="file to write")
    qb.add_argument("--model", default=DEFAULT_MODEL_ID, help=MODEL_HELP)
    qb.add_argument("--map", action="append", default=[], metavar="SOURCE_COLUMN=FIELD", help="override a header")

    # customer issues (scoring/cli/issues.py): reads a copy of the saved state, so it works while the server runs
    iss = sub.add_parser("issues", help="customer issue patterns, a pattern's brief or a bug's case")
    iss_actions = iss.add_subparsers(dest="issues_command", required=True)
    iss_pt = iss_actions.add_parser("patterns", help="one line per pattern: category · tag · group · accounts · ARR")
    iss_ex = iss_actions.add_parser("export", help="a pattern's brief for Product, or a bug's case for Engineering")
    iss_ex.add_argument("id", help="a pattern id (printed by `issues patterns`) or a bug's issue id, e.g. ISS-12")
    for iss_p in (iss_pt, iss_ex):
        iss_p.add_argument("--min-accounts", type=int, default=3, help="accounts that make a pattern (default 3)")
        iss_p.add_argument("--by", choices=("segment", "csm", "none"), default="segment", help="group within")
        iss_p.add_argument("--exports", nargs="+", type=Path, default=[], help="exports for segment, ARR, band")
        iss_p.add_argument("--model", default=DEFAULT_MODEL_ID, help="model to score --exports with; " + MODEL_HELP)

    # snapshots (scoring/cli/snapshots.py)
    sn = sub.add_parser("snapshots", help="list saved score snapshots (one line each), or delete one")
    sn.add_argument("action", nargs="?", choices=("list", "delete"), default="list")
    sn.add_argument("id", nargs="?", type=int, help="the snapshot to delete, as listed")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    try:
        args = _parser().parse_args(sys.argv[1:] if argv is None else list(argv))
        if args.command == "models":
            return cmd_models(out)
        if args.command == "score":
            if args.file is not None:
                if args.set:
                    raise UsageError("give either --set values or a CSV file, not both")
                return cmd_score_file(args, out, err)
            return cmd_score_one(args, out)
        if args.command == "backtest":
            from scoring.cli.backtest import run_backtest

            return run_backtest(args, out, err)
        if args.command in ("renewals", "qbr"):
            from scoring.cli.revenue import run_qbr, run_renewals

            return run_renewals(args, out, err) if args.command == "renewals" else run_qbr(args, out, err)
        if args.command == "issues":
            from scoring.cli.issues import run_issues

            return run_issues(args, out, err)
        if args.command == "snapshots":
            from scoring.cli.snapshots import run_snapshots

            return run_snapshots(args, out)
        from scoring.cli.portfolio import run_portfolio

        return run_portfolio(args, out, err)
    except UsageError as exc:
        err.write(f"error: {exc}\n")
        return 2
    except CatalogError as exc:
        err.write(f"error: broken definition file: {exc}\n")
        return 2
    except BrokenPipeError:
        raise  # the reader closed the pipe: scoring/__main__.py ends quietly
    except Exception:  # the promise is one line and exit 2, even for our own bugs
        # The raw text may hold server paths or engine internals: it goes to the log only.
        LOG.exception("python -m scoring failed")
        err.write(UNEXPECTED)
        return 2
