"""From scored account-months to one row per account with its trend.

Choices, so the numbers can be explained to a CSM:

* the *latest* row of an account is its most recent month that has a score;
  an account whose data stopped early keeps its last score (its ``period``
  column says how old it is);
* ``prev_score``/``prev_band`` come from the account's previous scored month;
* ``periods_in_band`` counts the consecutive scored months, ending at the
  latest, spent in the current band (1 = it just arrived there);
* ``turned_red``: red now and something else last period;
  ``moved_down``: green last period and yellow or red now (an account that
  became "insufficient" did not move down: nothing says how it is doing).

Each account's scored months are packed into single integers, month x 4096
+ band code x 1024 + score x 10 (a one-decimal score out of 100 needs 10
bits; the code numbers green, yellow, red and "insufficient" 0 to 3),
collected as one list per account and sorted newest first: integer lists
sort far faster than lists of structs or an ordered aggregate over millions
of rows, and comparing codes is far cheaper than writing each month's band
out as text.  The latest row itself is scored once more, alone: the
one-pass aggregate keeps its values with ``arg_max``, the general path joins
the facts on (account, latest month).

Repeated months are spotted in the same aggregate by setting one bit per
month (month mod 64) and comparing the number of bits set with the number of
scored rows.  Fewer bits than rows means a repeat, or a history longer than
64 months whose months share a bit; either way the caller then merges the
rows properly, so the check can only err on the safe side.  Counting
distinct months per account instead cost as much as the rest of the ranking.
"""

from __future__ import annotations

from collections.abc import Sequence

from scoring.model import BAND_NAMES, INSUFFICIENT
from scoring.portfolio.sqlkit import quote

PACK = 4096  # room for the band code and score x 10 (0..1000) below the month
SCORE_MASK = 1024  # score x 10 lives below this; the band code above it
BAND_CODES = (*BAND_NAMES, INSUFFICIENT)  # a month's band code is its place here
TREND_MONTHS = 12  # the sparkline of a triage row: a year of scored months, oldest first


def latest_join(facts: str) -> str:
    """The facts of each account's latest scored month (uses the ``months`` CTE of rollup_select)."""
    return (
        f"SELECT f.* FROM {facts} AS f JOIN months AS m "
        "ON f.account_id = m.account_id AND f.period IS NOT DISTINCT FROM m.latest_period AND m.h IS NOT NULL"
    )


MONTH_NUMBER = "CASE WHEN period IS NULL THEN 0 ELSE year(period) * 12 + month(period) END"


def packed(scored_filter: str = "score IS NOT NULL") -> str:
    """The account's scored months as one newest-first list of packed integers."""
    code = "CASE band " + " ".join(f"WHEN '{b}' THEN {i}" for i, b in enumerate(BAND_CODES)) + " END"
    value = f"CAST({MONTH_NUMBER} * {PACK} + {code} * {SCORE_MASK} + round(score * 10) AS BIGINT)"
    return f"list_reverse_sort(list({value}) FILTER (WHERE {scored_filter}))"


def _code(x: str) -> str:
    """The band code of a packed month."""
    return f"(({x} // {SCORE_MASK}) % 4)"


def repeats(scored_filter: str = "score IS NOT NULL") -> str:
    """More than 0 when the account may have a scored month twice (see the module docstring)."""
    bit = f"CAST(1 AS UBIGINT) << CAST(({MONTH_NUMBER}) % 64 AS UBIGINT)"
    where = f"FILTER (WHERE {scored_filter})"
    return f"(count(*) {where} - COALESCE(bit_count(bit_or({bit}) {where}), 0))"


def rollup_select(
    scored: str,
    latest: str | None,
    columns: Sequence[str],
    months: str | None = None,
    extra: Sequence[str] = (),
) -> str:
    """SELECT one row per account: its latest scored row plus trend columns.

    ``scored`` scores every month; ``latest`` scores only the latest month of
    each account (see latest_join), so the wide columns of the latest row are
    computed for one row per account rather than for every month.  ``months``
    replaces the per-account aggregate when the caller already has it
    (account_id, h and _dups).  With ``latest`` None, ``months`` also
    carries the columns of each account's latest scored row (the one-pass
    path), so no join is needed.  ``extra`` columns of ``months`` are passed
    through.

    Accounts with no scored month come back with NULL scores, so the caller
    can report them rather than lose them silently.  ``_dups`` counts scored
    months that appear more than once for the account: files are only
    deduplicated when that happens (a cheap check, see ``repeats``, instead
    of a costly DISTINCT over every row up front).
    """
    row = "l" if latest is not None else "m"
    picked = ", ".join(f"{row}.{quote(c)} AS {quote(c)}" for c in columns if c != "account_id")
    months = months or (
        f"SELECT account_id, {packed()} AS h, max(period) FILTER (WHERE score IS NOT NULL) AS latest_period, "
        f"{repeats()} AS _dups FROM {scored} GROUP BY account_id"
    )
    prev = f"CAST(m.h[2] % {SCORE_MASK} AS DOUBLE) / 10.0"
    names = "[" + ", ".join(f"'{b}'" for b in BAND_CODES) + "]"
    prev_band = f"{names}[{_code('m.h[2]')} + 1]"
    joined = "trend AS m" if latest is None else "trend AS m LEFT JOIN latest AS l ON l.account_id = m.account_id"
    passed = "".join(f", m.{quote(c)} AS {quote(c)}" for c in extra)
    return f"""
        WITH months AS ({months}),
        {"" if latest is None else f"latest AS ({latest}),"}
        trend AS (
            SELECT *, {prev} AS prev_score, {prev_band} AS prev_band FROM months AS m
        )
        SELECT m.account_id AS account_id, {picked},
               COALESCE(len(m.h), 0) AS periods_scored,
               list_reverse(list_transform(m.h[1:{TREND_MONTHS}], lambda x: CAST(x % {SCORE_MASK} AS DOUBLE) / 10.0))
                   AS score_trend,
               m.prev_score AS prev_score,
               m.prev_band AS prev_band,
               round({row}.score - m.prev_score, 1) AS score_change,
               COALESCE(
                   list_position(list_transform(m.h, lambda x: {_code("x")} <> {_code("m.h[1]")}), true) - 1, len(m.h)
               ) AS periods_in_band,
               COALESCE({row}.band = 'red' AND m.prev_band <> 'red', false) AS turned_red,
               COALESCE(m.prev_band = 'green' AND {row}.band IN ('yellow', 'red'), false) AS moved_down,
               m._dups AS _dups{passed}
        FROM {joined}
    """
