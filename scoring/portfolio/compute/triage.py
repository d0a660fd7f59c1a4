"""Rank accounts for attention and say what to do, in SQL.

Triage order (``triage_rank`` 1 = look first):

1. band: red, then yellow, then green, then "insufficient" (too little data
   to judge; the page lists those apart);
2. score, lowest first;
3. ARR at risk, highest first (``arr_at_risk`` is the ARR of red and yellow
   accounts, 0 for green ones, unknown where the account has no ARR);
4. days to renewal, soonest first (unknown last);
5. account id, so equal rows always come out in the same order.

The action is the band action of ``scoring.actions`` for that account: the
band's summary plus the two signals losing the most points, worded exactly
as ``actions.band_action`` words them, computed for every account at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from scoring.actions import insufficient_why, playbooks
from scoring.model import BAND_NAMES, INSUFFICIENT, Model
from scoring.portfolio.sqlkit import Params, att_column, bonus_column, quote, value_column

LOST_THRESHOLD = 0.05  # Scorecard.weakest ignores signals losing less than this
MAX_TEXT = 200  # a longer "name" is a broken export, not a name

# Bidirectional and control characters could make a name display as something else.
_UNSAFE_TEXT = r"[\x00-\x08\x0b-\x1f\x7f\x{200e}\x{200f}\x{202a}-\x{202e}\x{2066}-\x{2069}]"


def _lost(model: Model, signal_id: str, p: Params) -> str:
    """Points the signal loses, as Driver.lost computes it."""
    group = model.group_of(signal_id)
    present = " + ".join(f"CAST({quote(att_column(s))} IS NOT NULL AS INTEGER)" for s in group.signals)
    share = f"(({p.num(100.0)} * {p.num(group.weight)} / _pw) / ({present}))"
    att = quote(att_column(signal_id))
    return f"({share} - {share} * {att})"


def _safe_text(column: str) -> str:
    """Display text without control or direction-changing characters, at most 200 characters."""
    return f"left(regexp_replace({quote(column)}, '{_UNSAFE_TEXT}', '', 'g'), {MAX_TEXT})"


# The triage order of the module docstring, over the columns of ``accounts_select``.  Days to
# renewal sort as the renewal dates do, so the order is known before the as-of date is.
TRIAGE_ORDER = (
    "CASE band WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 WHEN 'green' THEN 2 ELSE 3 END, "
    "score, arr_at_risk DESC NULLS LAST, renewal_date ASC NULLS LAST, account_id"
)


def days_to_renewal(as_of: date, p: Params) -> str:
    """Days from the as-of date to the renewal date (negative once it has passed)."""
    return f"CAST(renewal_date - {p.date(as_of)} AS BIGINT)"


def accounts_select(model: Model, rolled: str, as_of: date | None, p: Params, extra: Sequence[str] = ()) -> str:
    """The final per-account table, each account numbered (``triage_rank``) in ``TRIAGE_ORDER``.

    Scored accounts come first, so dropping the unscored ones leaves the
    scored accounts numbered 1..n.  The ranking sorts the accounts before
    their weakest signals are picked and their action, weakest-signal and
    cadence texts are written, so the sort carries numbers rather than
    sentences or lists (the list of gaps in the sorted rows cost 0.1 s at
    100k accounts).  ``as_of`` None leaves ``days_to_renewal`` empty for the
    caller to fill (``finish.set_days_to_renewal``) once the date is known:
    the one-pass path learns it from the same scan that ranks.  ``extra``
    columns of ``rolled`` are passed through.

    The weakest signals are found by sorting small (-lost, rank) pairs per
    account, where rank is the signal id's alphabetical place: the same order
    as ``Scorecard.weakest`` (most points lost, then signal id), with labels
    looked up afterwards so no per-row strings are built until the end.
    """
    book = playbooks()
    by_id = sorted(model.signals, key=lambda s: s.id)
    gaps = ", ".join(
        f"struct_pack(k := -({_lost(model, s.id, p)}), i := {rank})" for rank, s in enumerate(by_id, start=1)
    )
    labels = p.text_list([s.label for s in by_id])
    summary = "CASE band " + " ".join(f"WHEN '{b}' THEN {p.text(book.bands[b].summary)}" for b in BAND_NAMES) + " END"
    cadence = "CASE band " + " ".join(f"WHEN '{b}' THEN {p.text(book.bands[b].cadence)}" for b in BAND_NAMES) + " END"
    gap_text = "{labels}[gaps[{i}].i] || ' (-' || printf('%.1f', -gaps[{i}].k) || ' pts)'"
    first, second = gap_text.format(labels=labels, i=1), gap_text.format(labels=labels, i=2)
    action = (
        f"CASE WHEN band = '{INSUFFICIENT}' THEN {p.text(insufficient_why(model))} "
        f"ELSE CASE len(gaps) WHEN 0 THEN {summary} || ' No signal is losing points.' "
        f"WHEN 1 THEN {summary} || ' Biggest gaps: ' || {first} || '.' "
        f"ELSE {summary} || ' Biggest gaps: ' || {first} || ' and ' || {second} || '.' END END"
    )
    threshold = p.num(-LOST_THRESHOLD)
    to_renewal = "CAST(NULL AS BIGINT)" if as_of is None else days_to_renewal(as_of, p)
    signals = ", ".join(f"{quote(value_column(s))} AS {quote(s)}" for s in model.signal_ids)
    per_account = [*(att_column(s) for s in model.signal_ids), *(bonus_column(b.id) for b in model.bonuses)]
    atts = ", ".join(quote(c) for c in per_account)
    # No ARR value: no ARR at risk either (NULL, shown as "no data"), never 0.
    at_risk = "CASE WHEN arr IS NULL THEN NULL WHEN band IN ('red', 'yellow') THEN arr ELSE 0.0 END"
    with_risk = f"""
        SELECT *,
               {at_risk} AS arr_at_risk,
               {to_renewal} AS days_to_renewal
        FROM {rolled}
    """
    ranked = f"SELECT row_number() OVER (ORDER BY score IS NULL, {TRIAGE_ORDER}) AS triage_rank, * FROM ({with_risk})"
    with_gaps = f"SELECT *, list_sort(list_filter([{gaps}], lambda x: x.k < {threshold}))[1:2] AS gaps FROM ({ranked})"
    return f"""
        SELECT triage_rank, account_id,
               {_safe_text("account_name")} AS account_name, {_safe_text("owner")} AS owner,
               {_safe_text("segment")} AS segment,
               band, score, score_change, arr, arr_at_risk, renewal_date, days_to_renewal,
               {action} AS action,
               {signals},
               prev_score, prev_band, periods_in_band, turned_red, moved_down,
               coverage, raw, period, periods_scored, score_trend, days_since_checkin,
               array_to_string(list_transform(gaps, lambda x: {labels}[x.i]), ', ') AS weakest,
               {cadence} AS cadence,
               {atts}, _dups{"".join(", " + quote(c) for c in extra)}
        FROM ({with_gaps})
    """
