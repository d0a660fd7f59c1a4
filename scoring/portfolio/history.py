"""From scored account-months to one row per account with its trend.

Choices, so the numbers can be explained to a CSM:

* the *latest* row of an account is its most recent month that has a score;
  an account whose data stopped early keeps its last score (its ``period``
  column says how old it is);
* ``prev_score``/``prev_band`` come from the account's previous scored month;
* ``periods_in_band`` counts the consecutive scored months, ending at the
  latest, spent in the current band (1 = it just arrived there);
* ``turned_red``: red now and something else last period;
  ``moved_down``: green last period and yellow or red now.

One GROUP BY per account does it all (a list of the account's months, newest
first), which is far cheaper than window functions over millions of rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from scoring.portfolio.parse import quote

NO_PERIOD = "DATE '0001-01-01'"


def rollup_select(scored: str, columns: Sequence[str]) -> str:
    """SELECT one row per account: its latest scored row plus trend columns.

    Accounts with no scored month come back with NULL scores, so the caller
    can report them rather than lose them silently.
    """
    latest = ", ".join(f"cur.{quote(c)} AS {quote(c)}" for c in columns if c != "account_id")
    return f"""
        WITH s AS (SELECT * FROM {scored}),
        r AS (
            SELECT account_id,
                   arg_max(s, COALESCE(period, {NO_PERIOD})) FILTER (WHERE score IS NOT NULL) AS cur,
                   list(struct_pack(sc := score, b := band) ORDER BY period DESC NULLS LAST)
                       FILTER (WHERE score IS NOT NULL) AS h
            FROM s GROUP BY account_id
        )
        SELECT account_id, {latest},
               COALESCE(len(h), 0) AS periods_scored,
               h[2].sc AS prev_score,
               h[2].b AS prev_band,
               round(cur.score - h[2].sc, 1) AS score_change,
               COALESCE(list_position(list_transform(h, lambda x: x.b <> h[1].b), true) - 1, len(h)) AS periods_in_band,
               COALESCE(cur.band = 'red' AND h[2].b <> 'red', false) AS turned_red,
               COALESCE(h[2].b = 'green' AND cur.band <> 'green', false) AS moved_down
        FROM r
    """
