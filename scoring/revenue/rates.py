"""The renewal rates a forecast assumes per band: their defaults and the check on typed values.

Kept apart from the forecast, which needs pandas, so the command line can
take its ``--<band>-rate`` defaults from here without loading pandas into
every command (the portfolio command never needs it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scoring.model import BAND_NAMES, INSUFFICIENT

RATE_BANDS: tuple[str, ...] = (*BAND_NAMES, INSUFFICIENT)  # every band a rate is stated for


@dataclass(frozen=True)
class RenewalRates:
    """Share of ARR (and chance of the logo) expected to renew, per band.

    Our starting assumption, to be replaced by the rates your own renewals
    show; the page states them and lets the CSM edit them.
    """

    green: float = 0.95
    yellow: float = 0.85
    red: float = 0.60
    insufficient: float = 0.80

    def of(self, band: str) -> float:
        return float(getattr(self, band, self.insufficient))

    def problems(self) -> list[str]:
        """Rates outside 0..1, phrased for the person who typed them."""
        return [
            f"The {band} renewal rate is {value:g}; use a share between 0 and 1 (0.9 means 90%)."
            for band in RATE_BANDS
            if not 0.0 <= (value := self.of(band)) <= 1.0 or math.isnan(value)
        ]
