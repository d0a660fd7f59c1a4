"""Gather one account's quarter into a ``QbrPack``: what the data says, plus the CSM's notes.

Following seed 004's outline in our words: partnership summary, the quarter
in review (each signal against the level that keeps it green, with a trend
arrow from the month-by-month history), value delivered, health and its
drivers, open risks, next-quarter goals.  Nothing is invented: a field with
no data becomes a ``Gap`` that says what to add, and every piece of user
text is cleaned of hidden characters and neutralised as a formula here, once,
so both writers (Markdown, PowerPoint) start from safe text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from scoring.csv_export import safe_cell
from scoring.engine import Earned, earned
from scoring.formatting import NO_DATA, insufficient, money_full
from scoring.model import INSUFFICIENT, Model, Signal
from scoring.portfolio.compute.rollup import TREND_MONTHS
from scoring.portfolio.contract import account_scorecard
from scoring.portfolio.sqlkit import bonus_column
from scoring.qbr.quarters import Quarter
from scoring.qbr.records import AccountProfile, QbrNotes

FLAT = 0.02  # a change smaller than 2% of the signal's range shows as flat


def clean(text: object) -> str:
    """User text as safe plain text: hidden characters gone, formula starts neutralised, one line."""
    return safe_cell(" ".join(str(text).split()))


def lines(text: str) -> tuple[str, ...]:
    """One item per non-empty line of a notes field, each cleaned."""
    return tuple(clean(line.lstrip("-*• ").strip()) for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class Metric:
    label: str
    target: str
    actual: str
    trend: str  # "up", "down", "flat" or "no history"


@dataclass(frozen=True)
class Gap:
    """A section or field with no data, and what would fill it."""

    section: str
    what_to_add: str


@dataclass(frozen=True)
class QbrPack:
    account_id: str
    account_name: str
    quarter: str
    model_name: str
    summary: tuple[tuple[str, str], ...]
    score: float | None
    band: str
    score_trend: str
    metrics: tuple[Metric, ...]
    metrics_month: str | None
    achievements: tuple[str, ...]
    value: tuple[tuple[str, str], ...]
    drivers: tuple[Earned, ...]  # of the score's own month, the bonus included: they add up to the score
    weakest: str
    risks: tuple[str, ...]
    goals: tuple[str, ...]
    gaps: tuple[Gap, ...]
    score_month: str | None = None  # the month the score is of: the quarter's last with data, else the latest
    not_counted: tuple[str, ...] = ()  # the signals with no value in that month, left out of the drivers

    @property
    def score_in(self) -> str:
        """' in 2026-11' after the score, when the month it is of is known (both writers say it so)."""
        return f" in {self.score_month}" if self.score_month else ""

    def gap(self, section: str) -> Gap | None:
        return next((g for g in self.gaps if g.section == section), None)


def _present(value: object) -> bool:
    if value is None:
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def _number(value: float, signal: Signal) -> str:
    text = f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.1f}"
    return f"{text}{signal.unit}" if signal.unit == "%" else f"{text} {signal.unit}".strip()


def green_level(signal: Signal, model: Model) -> float:
    """The value at which the signal earns the model's green share of its points."""
    if signal.transform == "traffic_light" and signal.thresholds is not None:
        return signal.thresholds.green
    share = model.bands.green / 100.0
    span = signal.max - signal.min
    return signal.min + share * span if signal.direction == "higher" else signal.max - share * span


def _trend(now: float | None, before: float | None, signal: Signal) -> str:
    if now is None or before is None:
        return "no history"
    delta = now - before
    if abs(delta) < FLAT * (signal.max - signal.min):
        return "flat"
    better = delta > 0 if signal.direction == "higher" else delta < 0
    return "up" if better else "down"


def _stamps(history: pd.DataFrame) -> pd.Series:
    """Each history row's month as the pack writes months ('2026-09'), to pick a quarter's rows by."""
    return pd.to_datetime(history["period"]).dt.strftime("%Y-%m")


def _month_values(history: pd.DataFrame, months: Sequence[str]) -> tuple[str | None, Mapping[str, object]]:
    """The latest month of ``months`` with a row, and that row."""
    if history.empty:
        return None, {}
    stamps = _stamps(history)
    for month in reversed(months):
        rows = history[stamps == month]
        if len(rows):
            return month, rows.iloc[-1].to_dict()
    return None, {}


def _metrics(model: Model, history: pd.DataFrame, quarter: Quarter) -> tuple[tuple[Metric, ...], str | None]:
    month, now = _month_values(history, quarter.months())
    _, before = _month_values(history, quarter.previous().months())
    metrics = []
    for signal in model.signals:
        value = now.get(signal.id)
        if not _present(value):
            continue
        prior = before.get(signal.id)
        metrics.append(
            Metric(
                label=signal.label,
                target=("at least " if signal.direction == "higher" else "at most ")
                + _number(green_level(signal, model), signal),
                actual=_number(float(value), signal),  # type: ignore[arg-type]  # _present checked it
                trend=_trend(float(value), float(prior) if _present(prior) else None, signal),  # type: ignore[arg-type]  # _present checked it is a number
            )
        )
    return tuple(metrics), month


def _health_row(
    model: Model, row: Mapping[str, object], history: pd.DataFrame, month: str | None
) -> Mapping[str, object]:
    """The account row the health section states: the latest one, or the reviewed quarter's own month.

    The portfolio ranks each account on its latest month, so a pack for an
    earlier quarter put that later score above the quarter's metrics
    ("Values from 2026-09" over "Health score 77.6 in 2026-10").  When the
    latest month is after ``month`` (the quarter's last month with data, the
    metrics' month), the engine scores that month again from the same
    history the metrics come from, values and bonus flags alike, and the
    months before it for the trend; the SQL and the engine agree on a score
    (``tests/test_portfolio_sql_vs_python.py``).
    """
    latest = _month(row.get("period"))
    if month is None or latest is None or latest <= month:
        return row
    stamps = _stamps(history)
    upto = history.assign(_month=stamps)[stamps <= month].drop_duplicates("_month", keep="last").sort_values("_month")
    cards = []
    for record in upto.tail(TREND_MONTHS).to_dict("records"):
        values = {sid: record.get(sid) for sid in model.signal_ids}
        values |= {bonus_column(b.id): record.get(b.id) for b in model.bonuses}
        cards.append((values, account_scorecard(model, values)))
    values, card = cards[-1]
    stated = {**row, **values, "period": pd.Timestamp(f"{month}-01")}
    if card is None:
        return {**stated, "score": None, "band": None, "coverage": None, "weakest": "", "score_trend": []}
    return {
        **stated,
        "score": card.score,
        "band": card.band,
        "coverage": card.coverage,
        "weakest": ", ".join(d.label for d in card.weakest()),
        "score_trend": [c.score for _, c in cards if c is not None],
    }


def _score_trend(row: Mapping[str, object]) -> str:
    raw = row.get("score_trend")
    trend = [float(v) for v in raw] if raw is not None and hasattr(raw, "__len__") else []  # type: ignore[attr-defined]  # a list or an array
    if len(trend) < 4:
        return "no history"
    change = float(trend[-1]) - float(trend[-4])
    return "flat" if abs(change) < 2 else ("up" if change > 0 else "down")


def build_pack(
    model: Model,
    row: Mapping[str, object],
    history: pd.DataFrame,
    quarter: Quarter,
    notes: QbrNotes | None = None,
    profile: AccountProfile | None = None,
    active_users: float | None = None,
    licensed_seats: float | None = None,
) -> QbrPack:
    """The pack for one account (a row of ``PortfolioResult.accounts``) and one quarter.

    ``history`` is the account's rows of ``signal_history`` (period and one
    column per signal); seats come from the exports when they carry them.
    """
    notes = notes or QbrNotes()
    profile = profile or AccountProfile()
    gaps: list[Gap] = []
    since = profile.customer_since
    arr = row.get("arr")
    summary: list[tuple[str, str]] = []
    summary.append(("Customer since", since.isoformat() if since else NO_DATA))
    if since is None:
        gaps.append(Gap("Customer since", "Set the customer-since date on the account (QBR section, account details)."))
    summary.append(("Current ARR", money_full(arr) if _present(arr) else NO_DATA))  # type: ignore[arg-type]  # _present checked it is a number
    if not _present(arr):
        gaps.append(Gap("Current ARR", "Add an ARR column to the account export."))
    if active_users is not None and licensed_seats is not None:
        summary.append(("Users", f"{active_users:,.0f} active of {licensed_seats:,.0f} licensed"))
    else:
        summary.append(("Users", NO_DATA))
        gaps.append(Gap("Users", "Add active users and licensed seats columns to the usage export."))
    renewal = row.get("renewal_date")
    if _present(renewal):
        summary.append(("Renewal date", pd.Timestamp(str(renewal)).date().isoformat()))

    metrics, month = _metrics(model, history, quarter)
    row = _health_row(model, row, history, month)
    if not metrics:
        gaps.append(
            Gap(
                "Quarter in review",
                f"No monthly data for {quarter}: add {quarter}'s months to the usage and support exports.",
            )
        )

    drivers: tuple[Earned, ...] = ()
    not_counted: tuple[str, ...] = ()
    raw_score = row.get("score")
    if row.get("band") == INSUFFICIENT:
        # A score resting on a sliver of the model is not one to show a customer, nor are its drivers.
        raw_score = None
        coverage = row.get("coverage")
        seen = float(coverage) if _present(coverage) else None  # type: ignore[arg-type]  # _present checked it is a number
        gaps.append(
            Gap(
                "Health",
                f"{insufficient(seen, model.bands.min_coverage)} Add the missing signals to the exports "
                "before putting a health score in front of the customer.",
            )
        )
    elif not _present(raw_score):
        gaps.append(Gap("Health", "No health score: the exports need at least the model's main signals."))
    elif (card := account_scorecard(model, row)) is not None:
        # The drivers of the score shown, from the same row: the quarter's own month may be an earlier one.
        drivers = earned(card)
        not_counted = tuple(model.signal(s).label for s in card.missing)

    achievements = lines(notes.achievements)
    if not achievements:
        gaps.append(Gap("Achievements", "Write the quarter's achievements, each with its figure, in the QBR notes."))
    value: list[tuple[str, str]] = []
    for label, text in (
        ("Time saved", notes.time_saved),
        ("Cost reduction", notes.cost_reduction),
        ("Other impact", notes.other_impact),
    ):
        if text.strip():
            value.append((label, clean(text)))
    if not value:
        gaps.append(Gap("Value delivered", "Fill in time saved, cost reduction or other impact in the QBR notes."))
    risks = lines(notes.risks)
    if not risks:
        gaps.append(Gap("Open risks and issues", "List open risks and issues in the QBR notes (one per line)."))
    goals = lines(notes.goals)
    if not goals:
        gaps.append(Gap("Next quarter goals", "Agree next quarter's goals, each with its measure, in the QBR notes."))

    score_value = float(raw_score) if _present(raw_score) else None  # type: ignore[arg-type]  # _present checked it is a number
    return QbrPack(
        account_id=clean(row.get("account_id", "")),
        account_name=clean(row.get("account_name", "")),
        quarter=str(quarter),
        model_name=clean(model.name),
        summary=tuple(summary),
        score=None if score_value is None or math.isnan(score_value) else score_value,
        band=str(row.get("band") or NO_DATA),
        score_trend=_score_trend(row),
        metrics=metrics,
        metrics_month=month,
        achievements=achievements,
        value=tuple(value),
        drivers=drivers,
        weakest=clean(row.get("weakest") or ""),
        risks=risks,
        goals=goals,
        gaps=tuple(gaps),
        score_month=_month(row.get("period")),
        not_counted=not_counted,
    )


def _month(period: object) -> str | None:
    """The month of the row's latest scored period, written as the metrics' month is ('2026-11')."""
    return pd.Timestamp(str(period)).strftime("%Y-%m") if _present(period) else None


def as_of_quarter(as_of: date | None) -> Quarter:
    """The quarter the data ends in: what the page and the CLI offer first."""
    return Quarter.of(as_of or date.today())
