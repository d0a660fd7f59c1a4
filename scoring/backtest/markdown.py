"""The backtest report as Markdown for people and as a JSON-safe dict for machines.

Each figure in the Markdown comes with one sentence saying what it means for a
CS leader, because an AUC of 0.71 means nothing to most readers until it is
said as "the churner had the lower score 71% of the time".  The JSON keeps
the same figures; a figure that could not be computed is null with its reason
under ``missing``, and no NaN or Infinity ever reaches it (strict JSON parsers
reject both).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from scoring.formatting import NO_DATA
from scoring.model import Model

from .fit import CvFigures, FitRefused, Fitted, fitted_frame
from .report import Figure, Report, SignalReport, percent, times

FitResult = Fitted | FitRefused | None


def _shown(figure: Figure, fmt: Callable[[float], str]) -> str:
    """The figure as the page writes it, or "no data" with the reason."""
    return fmt(figure.value) if figure.value is not None else f"{NO_DATA} ({figure.reason})"


def _pct(figure: Figure) -> str:
    return _shown(figure, percent)


def _times(figure: Figure) -> str:
    return _shown(figure, times)


def _num(figure: Figure) -> str:
    return _shown(figure, lambda v: f"{v:.2f}")


def _summary_lines(report: Report) -> list[str]:
    lines = [f"# Backtest: {report.model_name}, scored {report.lead_days} days before each outcome", ""]
    lines.append(
        f"{report.accounts:,} accounts were scored as they stood {report.lead_days} days before their outcome, "
        f"using only data dated before then; {report.churners:,} of them churned (base rate "
        f"{_pct(report.base_rate)})."
    )
    for exclusion in report.excluded:
        lines.append(f"- Left out: {exclusion.message}")
    lines += ["", "## Does the score separate churners from renewals?", ""]
    if report.auc.value is not None:
        interval = ""
        if report.auc_interval is not None:
            i = report.auc_interval
            interval = f" ({i.level:.0%} interval {i.low:.2f}–{i.high:.2f}, {i.resamples} bootstrap resamples)"
        lines.append(
            f"- **AUC {report.auc.value:.2f}**{interval}: take one churner and one renewing account at random, "
            f"and the churner had the lower score {report.auc.value:.0%} of the time; 0.50 is a coin toss."
        )
    else:
        lines.append(f"- **AUC** cannot be computed: {report.auc.reason}.")
    lines.append(
        f"- **Churners below green {report.lead_days} days before: {_pct(report.churners_below_green)}**: "
        "the share of leavers the score flagged early enough to act on."
    )
    lines.append(
        f"- **Red as a churn alarm: precision {_pct(report.red_precision)}, recall {_pct(report.red_recall)}**: "
        "of the accounts in red, this share left; of all the accounts that left, this share had been red."
    )
    lines.append(
        f"- **Green share of the book: {_pct(report.green_share)}**: when almost everyone is green, "
        "green stops telling you who is safe."
    )
    lines.append(
        f"- **Green accounts that renewed: {_pct(report.green_renewal)}**: how far a green light can be trusted "
        "(the playbook's bar is 80%)."
    )
    return lines


def _band_lines(report: Report) -> list[str]:
    lines = ["", "## Churn by band", ""]
    lines += ["| Band | Accounts | Churned | Churn rate | Lift over base rate |", "|---|---:|---:|---:|---:|"]
    for b in report.bands:
        lines.append(f"| {b.band} | {b.accounts:,} | {b.churners:,} | {_pct(b.churn_rate)} | {_times(b.lift)} |")
    red = next(b for b in report.bands if b.band == "red")
    if red.lift.value is None:
        lines += ["", f"Red's lift cannot be measured here ({red.lift.reason})."]
    else:
        lines += [
            "",
            f"Red accounts churned {_times(red.lift)} as often as the average account; "
            "a score worth acting on puts far more than the average churn in red.",
        ]
    return lines


def _floor_lines(report: Report) -> list[str]:
    lines = ["", "## Floors", "", "| Floor | Measured | Result |", "|---|---:|---|"]
    for c in report.checks:
        result = "pass" if c.passed else "fail" if c.passed is False else f"not judged ({c.reason})"
        lines.append(f"| {c.rule} | {c.measured_text} | {result} |")
    if report.passed:
        lines += ["", "The score clears every floor."]
    else:
        lines += [
            "",
            "The score does not clear every floor: the failed ones say where it falls short, and weights "
            "fitted to these outcomes show what this data supports.",
        ]
    return lines


def _calibration_lines(report: Report) -> list[str]:
    lines = ["", "## Calibration", ""]
    lines += ["| Slice (by score) | Scores | Accounts | Mean score | Renewed |", "|---|---|---:|---:|---:|"]
    for row in report.calibration:
        lines.append(
            f"| {row.label} | {row.low:g}–{row.high:g} | {row.accounts:,} | {row.mean_score:.1f} | "
            f"{row.renewal_rate:.0%} |"
        )
    lines += [
        "",
        "Read as a renewal chance, a slice's mean score should match its renewal rate; renewal rising "
        "slice by slice is what matters most.",
    ]
    return lines


def _signal_line(s: SignalReport, lead_days: int) -> str:
    deciles = " → ".join(percent(d.churn_rate) for d in s.deciles)
    verdict = {
        "agrees": "the data agrees with the model's direction",
        "contradicts": "the data CONTRADICTS the model's direction",
        "no effect": "no clear effect on churn in this data",
        "unknown": f"cannot be judged ({s.auc.reason})",
    }[s.direction]
    return (
        f"- **{s.label}** ({s.model_direction} is better): {verdict}; AUC {_num(s.auc)}, worst tenth churns "
        f"{_times(s.lift)} the base rate, {lead_days} days ahead. Churn by decile, low to high value: "
        f"{deciles or NO_DATA}."
    )


def _signal_lines(report: Report) -> list[str]:
    lines = ["", "## Signals", ""]
    lines += [_signal_line(s, report.lead_days) for s in report.signals]
    warnings = [s.warning for s in report.signals if s.warning]
    if warnings:
        lines += ["", *(f"> Warning: {w}" for w in warnings)]
    return lines


def _fit_lines(fit: FitResult, model: Model) -> list[str]:
    if fit is None:
        return []
    lines = ["", "## Fitted weights", ""]
    if isinstance(fit, FitRefused):
        return [*lines, f"No weights suggested: {fit.reason}."]
    lines += ["| Signal group | Current weight | Fitted weight |", "|---|---:|---:|"]
    for row in fitted_frame(fit, model).itertuples():
        lines.append(f"| {row.label} | {row.current:.1f} | {row.fitted:.1f} |")
    cur, new = fit.current, fit.fitted
    lines += [
        "",
        f"- **Out-of-fold AUC: fitted {_num(new.auc)} vs current {_num(cur.auc)}**: each account was scored by "
        "weights fitted without it, so the gain is what you can expect on accounts the fit never saw.",
        f"- **Lowest-scored tenth churns: fitted {_times(new.low_tenth_lift)} vs current "
        f"{_times(cur.low_tenth_lift)} the base rate**: how much sharper the bottom of the list gets.",
        f"- **Red lift: fitted {_times(new.red_lift)} vs current {_times(cur.red_lift)}**: how much more often "
        "red accounts churn than average, with the bands unchanged.",
        "",
        fit.changelog.summary(),
    ]
    if fit.dropped:
        lines.append(
            f"Weight 0 (against the model's direction here, or no data): {', '.join(fit.dropped)}; "
            "saving these weights leaves those groups out of the custom model."
        )
    return lines


def report_markdown(report: Report, model: Model, fit: FitResult = None) -> str:
    """The whole report as Markdown; ``model`` is the one that was backtested."""
    lines = _summary_lines(report)
    lines += _band_lines(report) + _floor_lines(report) + _calibration_lines(report) + _signal_lines(report)
    lines += _fit_lines(fit, model)
    return "\n".join(lines) + "\n"


def _clean(value: Any) -> Any:
    """Recursively swap NaN and infinities for None so ``json.dumps(allow_nan=False)`` never fails."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _cv_json(cv: CvFigures) -> dict[str, Any]:
    return {
        "accounts": cv.accounts,
        "auc": cv.auc.value,
        "fold_aucs": list(cv.fold_aucs),
        "red_lift": cv.red_lift.value,
        "low_tenth_lift": cv.low_tenth_lift.value,
    }


def report_json(report: Report, fit: FitResult = None) -> dict[str, Any]:
    """The report as plain JSON types: ``auc``, per-signal ``direction``, and ``fitted`` when a fit was asked for."""
    figures = {
        "base_rate": report.base_rate,
        "auc": report.auc,
        "churners_below_green": report.churners_below_green,
        "red_precision": report.red_precision,
        "red_recall": report.red_recall,
        "green_share": report.green_share,
        "green_renewal": report.green_renewal,
    }
    out: dict[str, Any] = {
        "model": {"id": report.model_id, "name": report.model_name},
        "lead_days": report.lead_days,
        "accounts": report.accounts,
        "churners": report.churners,
        **{name: f.value for name, f in figures.items()},
        "auc_interval": asdict(report.auc_interval) if report.auc_interval else None,
        "missing": {name: f.reason for name, f in figures.items() if f.value is None},
        "bands": [
            {
                "band": b.band,
                "accounts": b.accounts,
                "churners": b.churners,
                "churn_rate": b.churn_rate.value,
                "lift": b.lift.value,
                "arr_lost": b.arr_lost,
            }
            for b in report.bands
        ],
        "calibration": [asdict(row) for row in report.calibration],
        "floors": asdict(report.floors),
        "checks": [asdict(c) for c in report.checks],
        "passed": report.passed,
        "signals": [
            {
                "id": s.signal_id,
                "label": s.label,
                "model_direction": s.model_direction,
                "direction": s.direction,
                "warning": s.warning,
                "auc": s.auc.value,
                "lift": s.lift.value,
                "accounts": s.accounts,
                "churners": s.churners,
                "deciles": [asdict(d) for d in s.deciles],
            }
            for s in report.signals
        ],
        "excluded": [asdict(e) for e in report.excluded],
    }
    if isinstance(fit, Fitted):
        out["fitted"] = {
            "weights": dict(fit.weights),
            "auc": fit.fitted.auc.value,
            "current_auc": fit.current.auc.value,
            "dropped": list(fit.dropped),
            "fitted_cv": _cv_json(fit.fitted),
            "current_cv": _cv_json(fit.current),
            "changelog": {**asdict(fit.changelog), "fitted_on": fit.changelog.fitted_on.isoformat()},
        }
    elif isinstance(fit, FitRefused):
        out["fitted"] = {"refused": fit.reason, "churners": fit.churners, "minimum": fit.minimum}
    cleaned: dict[str, Any] = _clean(out)
    return cleaned
