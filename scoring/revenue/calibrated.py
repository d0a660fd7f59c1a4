"""Renewal rates measured by the backtest lab, offered to the forecast in place of the stated assumption.

The forecast's default rates (``RenewalRates``) are a guess the CSM edits.
Once outcomes are loaded, the backtest lab has scored every account as it
stood ``lead_days`` before its renewal and knows, band by band, how many of
them renewed: those shares are the book's own renewal rates.  A band the lab
saw no account in (and "insufficient", which the lab does not band) keeps
the stated rate, and the result says which, so nothing is presented as
measured that was not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from scoring.backtest.report import Report
from scoring.revenue.rates import RATE_BANDS, RenewalRates


@dataclass(frozen=True)
class MeasuredRates:
    """Per-band renewal rates from one backtest, and what they rest on.

    ``accounts`` and ``renewed`` count, per measured band, the accounts the
    lab scored and those that did not churn; ``stated`` lists the bands that
    kept the stated rate because the lab had no account in them.
    """

    rates: RenewalRates
    accounts: dict[str, int]
    renewed: dict[str, int]
    stated: tuple[str, ...]
    lead_days: int
    model_name: str
    outcomes_name: str

    def describe(self) -> str:
        """One sentence saying where the rates come from, for the page and the CLI."""
        return (
            f"Measured by the backtest lab: the share of each band's accounts that renewed, scored with "
            f"{self.model_name} {self.lead_days} days before the outcome in {self.outcomes_name}."
        )


def measured_rates(report: Report, stated: RenewalRates, outcomes_name: str) -> MeasuredRates:
    """The lab's renewal rate per band (1 - its churn rate), the stated rate where it measured nothing."""
    values: dict[str, float] = {}
    accounts: dict[str, int] = {}
    renewed: dict[str, int] = {}
    for row in report.bands:
        if row.accounts == 0 or row.churn_rate.value is None:
            continue
        values[row.band] = 1.0 - row.churn_rate.value
        accounts[row.band] = row.accounts
        renewed[row.band] = row.accounts - row.churners
    kept = tuple(band for band in RATE_BANDS if band not in values)
    return MeasuredRates(
        rates=replace(stated, **values),
        accounts=accounts,
        renewed=renewed,
        stated=kept,
        lead_days=report.lead_days,
        model_name=report.model_name,
        outcomes_name=outcomes_name,
    )
