"""How every number reads, on every page and in every export: one definition each.

A score that says 79.9 on the scorecard and 80 in the CSV, or a ticket count
shown as "1/10", makes a reader doubt the rest.  So pages, charts, the CLI and
the CSV exports all format through these functions:

* ``score``: a health score with one decimal ("86.0"), the number the band is decided on;
* ``points``: score points, the only thing "pts" is used for ("+3.5 pts");
* ``share``: a share of the model's weight or of a score as a percentage ("30%", "7.5%");
* ``insufficient``: why a score has no band ("Insufficient data: 30% of the model's weight seen; needs 50%.");
* ``signal_value``: a signal's raw value as its slider shows it ("85%", "35 days", "6.5/10", "3");
* ``number`` and ``count``: counts as counts ("1,204", "1 account");
* ``money``: an amount with its currency ("$1.2M", "€85K"); ``money_full`` the whole amount ("$13,200").

A value that is not in the data is never shown as 0: every function here
returns ``NO_DATA`` for None or NaN, and ``needs`` says which column would
fill it.  Pure Python: no streamlit, no pandas.
"""

from __future__ import annotations

import math

from scoring.engine import round1
from scoring.model import Signal
from scoring.wording import counted

NO_DATA = "no data"
DASH = "—"  # a table cell with nothing in it, where "no data" would crowd the column

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
DEFAULT_CURRENCY = "USD"


def missing(value: object) -> bool:
    """True for None and NaN: the two ways an export says "not in the data"."""
    if value is None or type(value).__name__ == "NAType":  # pandas' NA, without importing pandas
        return True
    return isinstance(value, float) and math.isnan(value)


def score(value: float | None) -> str:
    """'86.0', '79.9': one decimal, rounded half up as the band rule rounds it."""
    if missing(value):
        return NO_DATA
    assert value is not None
    return f"{round1(float(value)):.1f}"


def points_number(value: float) -> float:
    """Score points at one decimal, halves rounded away from zero: the number ``points`` prints.

    For tables that need a number rather than text, so a column of points
    reads exactly as the sentences beside it ("cost 2.3 points", never 2.2
    for 2.25 as Python's own rounding would have it).
    """
    return round1(float(value)) if value >= 0 else -round1(-float(value))


def points(value: float, signed: bool = False) -> str:
    """'3.5 pts' or, signed, '+3.5 pts' / '-2.0 pts': score points, one decimal."""
    rounded = points_number(value)
    return f"{rounded:+.1f} pts" if signed else f"{rounded:.1f} pts"


def share(fraction: float | None) -> str:
    """'30%' or '7.5%': a 0..1 share as a percentage, without a misleading round-off."""
    if missing(fraction):
        return NO_DATA
    assert fraction is not None
    return f"{round(100 * float(fraction), 1):g}%"


def insufficient(coverage: float | None, min_coverage: float) -> str:
    """Why a score has no band: the share of the model's weight the data covered against the share it needs.

    One sentence for the scorecard, the account page and the QBR pack, so
    the three say the same thing about the same account.
    """
    return f"Insufficient data: {share(coverage)} of the model's weight seen; needs {share(min_coverage)}."


def decimals(signal: Signal) -> int:
    """How many decimals the signal's slider shows: none for whole steps from a whole minimum."""
    return 0 if float(signal.step).is_integer() and float(signal.min).is_integer() else 1


def is_rating(signal: Signal) -> bool:
    """A 0-10 rating moved in fractions of a point ('6.5/10'); a whole-step 0-10 signal is a count."""
    return signal.min == 0 and signal.max == 10 and not float(signal.step).is_integer() and not signal.unit


def signal_value(signal: Signal, value: float | None) -> str:
    """A raw signal value as the slider shows it: '85%', '35 days', '6.5/10', '3'."""
    if missing(value):
        return NO_DATA
    assert value is not None
    places = decimals(signal)
    text = f"{float(value):,.{places}f}"
    if places and text.endswith(".0"):
        text = text[:-2]
    if text in ("-0", "-0.0"):
        text = "0"
    if signal.unit:
        return f"{text}{signal.unit}"
    if is_rating(signal):
        return f"{text}/10"
    return text


def signal_change(signal: Signal, change: float) -> str:
    """'+14 pts' of a percentage (points of the scale, not a relative change), '+5 days', '+1.5'."""
    places = decimals(signal)
    text = f"{change:+,.{places}f}"
    if places and text.endswith(".0"):
        text = text[:-2]
    if signal.unit == "%":
        return f"{text} percentage points"
    return f"{text}{signal.unit}"


def number(value: float | None) -> str:
    """'1,204': a count, with thousands separators and no decimals."""
    if missing(value):
        return NO_DATA
    assert value is not None
    return f"{round(float(value)):,}"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """'1 account', '2,310 accounts': the project's one plural rule."""
    return counted(n, noun, plural or f"{noun}s")


def money(amount: float | None, currency: str = DEFAULT_CURRENCY) -> str:
    """'$1.2M', '$85K', '$950', '1.2M CAD': short enough for a metric tile, with its currency."""
    if missing(amount):
        return NO_DATA
    assert amount is not None
    value = float(amount)
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    size = abs(value)
    text = f"{value:,.0f}"
    for limit, suffix, places in ((1e9, "B", 1), (1e6, "M", 1), (1e3, "K", 0)):
        if size >= limit:
            text = f"{value / limit:,.{places}f}{suffix}"
            break
    sign = "-" if text.startswith("-") else ""
    text = text.lstrip("-")
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency.upper()}"


def needs(what: str, column: str) -> str:
    """'Renewals at risk: needs a renewal date column': a gap, and the column that would fill it."""
    return f"{what}: needs {column}"


def money_full(amount: float | None, currency: str = DEFAULT_CURRENCY) -> str:
    """'$13,200', '-$950', '13,200 CAD': the whole amount to the unit, for a table cell read line by line.

    ``money`` shortens for a tile ("$13K"); a list of accounts is compared
    cell by cell, where "$13K" and "$13.4K" would hide the difference.
    """
    if missing(amount):
        return NO_DATA
    assert amount is not None
    value = round(float(amount))
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    sign = "-" if value < 0 else ""
    text = f"{abs(value):,}"
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency.upper()}"
