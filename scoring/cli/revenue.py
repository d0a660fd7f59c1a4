"""`python -m scoring renewals FILE... [--horizon 120]` and `python -m scoring qbr FILE... --account ID --quarter Q`.

Both read the exports through the portfolio pipeline and hand the result to
the same domain functions the portfolio page calls (``scoring.revenue``,
``scoring.qbr``), so the numbers agree with the page for the same files and
model.  Renewal rates can be set per band, as on the page.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

import pandas as pd

from scoring.cli.common import UsageError, resolve_model
from scoring.cli.portfolio import _line as line
from scoring.cli.portfolio import parse_overrides
from scoring.formatting import NO_DATA, count, money_full
from scoring.hidden_chars import strip_hidden
from scoring.portfolio import load_portfolio
from scoring.portfolio.contract import Export, PortfolioResult
from scoring.portfolio.signal_history import signal_history
from scoring.qbr.chart import drivers_png
from scoring.qbr.markdown import to_markdown
from scoring.qbr.notes import QbrNotesError, load_notes, load_profiles
from scoring.qbr.pack import build_pack
from scoring.qbr.quarters import Quarter, QuarterError
from scoring.qbr.records import AccountProfile, QbrNotes
from scoring.qbr.slides import to_pptx
from scoring.revenue.extras import read_extras
from scoring.revenue.forecast import HORIZONS, forecast, horizon_table, quarter_table
from scoring.revenue.rates import RATE_BANDS, RenewalRates
from scoring.storage import Store, StoreUnavailable


def _load(args: argparse.Namespace, err: TextIO) -> tuple[list[Export], PortfolioResult]:
    for path in args.files:
        if not path.is_file():
            raise UsageError(f"{path.name}: no such file")
    model = resolve_model(args.model)
    exports = [Export.from_path(path) for path in args.files]
    result = load_portfolio(exports, model, overrides=parse_overrides(args.map, model))
    for problem in result.problems:
        err.write(f"{'error' if problem.severity == 'error' else 'warning'}: {line(problem)}\n")
    if result.accounts.empty:
        raise UsageError("no account could be scored from these files")
    return exports, result


def _pct(value: float) -> str:
    return NO_DATA if pd.isna(value) else f"{100 * value:.1f}%"


def _ranged(value: float, low: float, high: float) -> str:
    """'82.5% (65.9%-99.1%)', or 'no data' once for a share that has none."""
    return NO_DATA if pd.isna(value) else f"{_pct(value)} ({_pct(low)}-{_pct(high)})"


def run_renewals(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    rates = RenewalRates(**{band: getattr(args, f"{band}_rate") for band in RATE_BANDS})
    if rates.problems():
        raise UsageError(rates.problems()[0])
    if args.horizon <= 0:
        raise UsageError("--horizon is a number of days, 1 or more")
    _, result = _load(args, err)
    horizons = sorted({*(h for h in HORIZONS if h <= args.horizon), args.horizon})
    fc = forecast(result.accounts, result.as_of or pd.Timestamp.today().date(), rates, horizons)
    out.write(f"Renewal forecast as of {fc.as_of.isoformat()} (model {result.model_id})\n")
    stated = ", ".join(f"{band} {rates.of(band):.0%}" for band in RATE_BANDS)
    out.write(f"Renewal rates: {stated} (insufficient: too little data for a band)\n\n")
    table = horizon_table(fc)
    no_arr_column = "without_arr" in table.columns
    out.write(
        f"{'window':<18}{'accounts':>9}{'red':>6}{'yellow':>8}{'green':>7}{'insufficient':>14}"
        + (f"{'no ARR':>8}" if no_arr_column else "")
        + f"{'ARR':>15}{'expected ARR':>15}\n"
    )

    for r in table.itertuples():
        out.write(
            f"{r.window:<18}{r.accounts:>9}{r.red:>6}{r.yellow:>8}{r.green:>7}{r.insufficient:>14}"
            + (f"{r.without_arr:>8}" if no_arr_column else "")
            + f"{money_full(r.arr):>15}{money_full(r.expected_arr):>15}\n"
        )
    if no_arr_column:
        out.write("(no ARR: renewing in the window with no ARR in the exports; counted as accounts, in no ARR sum)\n")
    quarters = quarter_table(fc)
    quarter_no_arr = "without_arr" in quarters.columns
    out.write(
        "\nquarter  accounts"
        + (f"{'no ARR':>8}" if quarter_no_arr else "")
        + "   expiring ARR   expected GRR (90% range)   expected logo retention (90% range)\n"
    )
    for q in quarters.itertuples():
        out.write(
            f"{q.quarter:<9}{q.accounts:>8}"
            + (f"{q.without_arr:>8}" if quarter_no_arr else "")
            + f"{money_full(q.expiring_arr):>15}   {_ranged(q.grr, q.grr_low, q.grr_high):<27}"
            f"{_ranged(q.logo, q.logo_low, q.logo_high)}\n"
        )
    due = fc.sales_ops_due
    no_arr = int(due["arr"].isna().sum())
    out.write(f"\nForecast due to Sales Ops (renewing within 120 days): {count(len(due), 'account')}, ")
    out.write(f"{money_full(fc.sales_ops_arr)}" + (f" ({no_arr} with no ARR, in no sum)" if no_arr else "") + "\n")
    unpriced = fc.weekly_without_arr
    out.write(f"Weekly monitoring (renewing within 90 days): {count(fc.weekly_window.accounts, 'account')}\n")
    if len(unpriced):
        names = ", ".join(unpriced["account_id"].astype(str).map(strip_hidden))
        out.write(f"  of which with no ARR in the exports: {names}\n")
    if len(fc.missing):
        missing = count(len(fc.missing), "account")
        out.write(f"Set apart, not counted as $0: {missing} without ARR or a renewal date\n")
    if len(fc.lapsed):
        lapsed = count(len(fc.lapsed), "account")
        out.write(f"Set apart: {lapsed} whose renewal date has passed (export the next one)\n")
    return 0


def _saved(account: str, quarter: str, err: TextIO) -> tuple[QbrNotes, AccountProfile]:
    """The notes and profile saved on the page, or empty ones (with a warning) when the store will not open."""
    try:
        store = Store()
    except StoreUnavailable as exc:
        err.write(f"warning: saved QBR notes not read: {exc}\n")
        return QbrNotes(), AccountProfile()
    try:
        return load_notes(store, account, quarter), load_profiles(store).get(account, AccountProfile())
    except QbrNotesError as exc:
        err.write(f"warning: {exc}\n")
        return QbrNotes(), AccountProfile()
    finally:
        store.close()


def run_qbr(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        quarter = Quarter.parse(args.quarter)
    except QuarterError as exc:
        raise UsageError(str(exc)) from None
    exports, result = _load(args, err)
    model = resolve_model(args.model)
    rows = result.accounts[result.accounts["account_id"].astype(str) == args.account]
    if rows.empty:
        raise UsageError(f"no account {args.account!r} in these files; use an id from the account id column")
    row = rows.iloc[0].to_dict()
    history, _ = signal_history(exports, model, parse_overrides(args.map, model))
    history = history[history["account_id"].astype(str) == args.account]
    active, licensed = read_extras(exports, {}).seats(args.account)
    notes, profile = _saved(args.account, str(quarter), err)
    pack = build_pack(model, row, history, quarter, notes, profile, active, licensed)
    png = drivers_png(pack.drivers, "Points each signal earned") if pack.drivers else None
    target: Path = args.output
    if args.format == "pptx":
        target.write_bytes(to_pptx(pack, png))
    else:
        chart_file = None
        if png:
            chart = target.with_name(target.stem + "-health.png")
            chart.write_bytes(png)
            chart_file = chart.name
        target.write_text(to_markdown(pack, chart_file), encoding="utf-8")
    out.write(f"wrote {target.name} ({len(pack.gaps)} sections need your input)\n")
    return 0
