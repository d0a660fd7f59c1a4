"""One pass over one clean export: the path every single-file load tries first.

The general pipeline parses each file into a table, counts its problems,
then scores; that is three trips over millions of rows.  When a single file
is given, this path reads the file once: parse, score every month, roll
each account up and rank the accounts in a single statement, whose
per-account aggregate also carries everything needed to prove the file was
clean (no bad cell, no row without account or month, no repeated month, no
unreadable row).  Those scan totals ride along in the ranked table as
underscore columns (``SCAN_COLUMNS``), with the group of rows that had no
account id, and are checked before anything is reported.

A column on another scale (0-10 NPS ratings, CSAT fractions) is rescaled
and noted here too: the scan converts what the header sample suggests, the
same aggregate gives the column's true range, and only when that range asks
for other conversions of a column a signal reads is the file scored a second
time (``_fed``).

If anything at all is off it returns None and the caller runs the general
pipeline on the same opened file, which words the problems with example
rows.  Same SQL building blocks and the same finishing steps (``finish``)
either way, so the scores are the same.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TextIO

from scoring.db import Connection
from scoring.model import Model
from scoring.portfolio.compute.facts import FileRelation, facts_select
from scoring.portfolio.compute.formula_sql import score_select, score_values
from scoring.portfolio.compute.rollup import packed, repeats, rollup_select
from scoring.portfolio.compute.triage import accounts_select
from scoring.portfolio.contract import FilePeriod, RunContext, RunSummary
from scoring.portfolio.finish import (
    ACCOUNTS,
    PASS_THROUGH,
    finish,
    has_repeats,
    keep_accounts,
    rolled_columns,
    rows_counter,
    set_days_to_renewal,
)
from scoring.portfolio.ingest.gaps import inputs_of
from scoring.portfolio.ingest.load import SCALED, parsed_columns, scaling
from scoring.portfolio.ingest.mapping import resolve_mapping
from scoring.portfolio.ingest.parse import MASK_BITS, Parsed, typed_select
from scoring.portfolio.ingest.problems import rejected
from scoring.portfolio.ingest.read import Opened, Source
from scoring.portfolio.ingest.sanity import sample_range
from scoring.portfolio.sqlkit import Params, bonus_column, month_end, quote, value_column

SCORED_MONTH = "_kept AND score IS NOT NULL"
# The per-account totals of the scan, checked by ``_clean`` (plus ``_min_``/``_max_`` ranges and parse masks).
SCAN_COLUMNS = ("_rows", "_flags", "_max_period", "_min_period", "_max_checkin")


@dataclass(frozen=True)
class _Totals:
    rows: int
    min_period: date | None
    max_period: date | None
    max_checkin: date | None
    ranges: dict[str, tuple[float | None, float | None]]


@dataclass(frozen=True)
class _Plan:
    columns: tuple[Parsed, ...]
    fields: tuple[str, ...]
    dated: bool
    words: int

    @property
    def carry(self) -> list[str]:
        """The parse mask columns (see ingest.parse), carried through scoring to prove the file clean."""
        return [f"_{kind}{w}" for w in range(self.words) for kind in ("bad", "odd")]

    @property
    def scaled(self) -> list[str]:
        """The file's columns that may be on another scale (``ingest.load.RESCALES``), in file order."""
        return [f for f in self.fields if f in SCALED]


def _aggregate(
    model: Model, plan: _Plan, typed: str, p: Params, as_of_bound: date, scales: dict[str, str] | None = None
) -> str:
    """Score every row of the file and roll it up per account, with the cleanliness counts.

    ``scales`` rescales columns (``ingest.load.RESCALES``) before scoring;
    the ranges that decide them are taken from copies made before (``_raw``).
    """
    carry = [*plan.carry, *(_raw(f) for f in plan.scaled)]
    rel = FileRelation(
        table="", fields=plan.fields, dated=plan.dated, duplicates=False, scales=scales or {}, source=typed
    )
    direct = [s for s in model.signal_ids if s in plan.fields]
    bonuses = [b.id for b in model.bonuses if b.id in plan.fields]
    facts = facts_select([rel], [*direct, *bonuses], bonuses, p.date(as_of_bound), carry=carry)
    keep = [*PASS_THROUGH, "_kept", *carry, *(f for f in plan.fields if f not in PASS_THROUGH)]
    scored = score_select(model, f"({facts})", direct, bonuses, p, keep=keep)
    has_data = " OR ".join(f"{quote(f)} IS NOT NULL" for f in plan.fields) or "false"
    # The ranges of the values as the file writes them, whatever the scan converted.
    ranges = [f"{end}({quote(_raw(f))}) AS {quote(_range(end, f))}" for f in plan.scaled for end in ("min", "max")]
    masks = [f"bit_or({c}) AS {c}" for c in plan.carry]
    checkin = "max(last_checkin)" if "last_checkin" in plan.fields else "CAST(NULL AS DATE)"
    latest_row = "struct_pack(" + ", ".join(f"{quote(c)} := {quote(c)}" for c in _latest_values(model)) + ")"
    # Rows that make the file unclean, as bits: no account but some data, no month, a month after the cut-off.
    flags = (
        f"CASE WHEN account_id IS NULL THEN CASE WHEN {has_data} THEN 1 ELSE 0 END "
        f"WHEN period IS NULL THEN {2 if plan.dated else 0} WHEN NOT _kept THEN 4 ELSE 0 END"
    )
    return f"""
        SELECT account_id,
               {packed(SCORED_MONTH)} AS h,
               {repeats(SCORED_MONTH)} AS _dups,
               arg_max({latest_row}, COALESCE(period, DATE '0001-01-01')) FILTER (WHERE {SCORED_MONTH}) AS cur,
               count(*) AS _rows,
               bit_or({flags}) AS _flags,
               max(period) FILTER (WHERE account_id IS NOT NULL AND _kept) AS _max_period,
               min(period) FILTER (WHERE account_id IS NOT NULL AND _kept) AS _min_period,
               {checkin} AS _max_checkin
               {"".join(", " + r for r in [*ranges, *masks])}
        FROM ({scored}) AS s
        GROUP BY account_id
    """


def _latest_values(model: Model) -> list[str]:
    """What the aggregate keeps of an account's latest scored row.

    Its month, the pass-through columns, each signal's value and each bonus
    flag.  The rest of the row (attainments, coverage, score, band) is scored again
    from these after the aggregate (``formula_sql.score_values``), for one row
    per account: a narrow row is much cheaper for ``arg_max`` to keep than
    the whole scored row, which it copies every time a later month comes.
    """
    return [
        "period",
        *PASS_THROUGH,
        *(value_column(s) for s in model.signal_ids),
        *(bonus_column(b.id) for b in model.bonuses),
    ]


def _raw(field: str) -> str:
    """A column on another scale as the file writes it, copied before any conversion."""
    return f"_raw_{field}"


def _range(end: str, field: str) -> str:
    """The per-account lowest (``min``) or highest (``max``) value a scaled column holds, as the file writes it."""
    return f"_{end}_{field}"


def _scan_columns(plan: _Plan) -> list[str]:
    """The underscore columns ``_aggregate`` adds for ``_clean``, as the ranked table carries them."""
    return [*SCAN_COLUMNS, *(_range(end, f) for f in plan.scaled for end in ("min", "max")), *plan.carry]


def _rank_scan(ctx: RunContext, plan: _Plan, src: Source, bound: date, scales: dict[str, str] | None = None) -> None:
    """Read, score, roll up and rank the file in one statement, into ``ACCOUNTS`` (see the module docstring)."""
    model = ctx.model
    p = Params()
    typed = f"({typed_select(plan.columns, src.numbered_relation(p))})"
    if plan.scaled:
        copies = ", ".join(f"{quote(f)} AS {quote(_raw(f))}" for f in plan.scaled)
        typed = f"(SELECT *, {copies} FROM {typed})"
    extra = _scan_columns(plan)
    aggregate = _aggregate(model, plan, typed, p, bound, scales)
    bonuses = [b.id for b in model.bonuses if b.id in plan.fields]
    months = score_values(model, f"SELECT * EXCLUDE (cur), cur.* FROM ({aggregate})", bonuses, p)
    rolled = rollup_select("", None, rolled_columns(model), months=months, extra=extra)
    select = accounts_select(model, f"({rolled})", ctx.requested_as_of, p, extra)
    keep_accounts(ctx.con, select, p.values)


def _plan(columns: list[Parsed]) -> _Plan | None:
    fields = tuple(c.field for c in columns)
    if "account_id" not in fields:
        return None
    words = (len([c for c in columns if c.checked]) + MASK_BITS - 1) // MASK_BITS
    return _Plan(
        columns=tuple(columns),
        fields=tuple(f for f in fields if f not in ("account_id", "period")),
        dated="period" in fields,
        words=words,
    )


def _clean(con: Connection, plan: _Plan) -> _Totals | None:
    """The file's totals when it is clean, else None."""
    carry = plan.carry
    scaled = plan.scaled  # in file order, as the general path words its notes
    select = [
        "sum(_rows)",
        "bit_or(_flags)",
        "max(_max_period)",
        "max(_max_checkin)",
        "min(_min_period)",
        *(f"bit_or({c})" for c in carry),
        *(f"{end}({quote(_range(end, f))})" for f in scaled for end in ("min", "max")),
    ]
    row = con.execute(f"SELECT {', '.join(select)} FROM {ACCOUNTS}").fetchall()[0]
    rows, flags, max_period, max_checkin, min_period = row[:5]
    masks = row[5 : 5 + len(carry)]
    if flags or any(masks):
        return None
    tail = row[5 + len(carry) :]
    ranges = {f: (tail[2 * i], tail[2 * i + 1]) for i, f in enumerate(scaled)}
    return _Totals(int(rows or 0), min_period, max_period, max_checkin, ranges)


def try_one_pass(ctx: RunContext, opened: Opened, csv_out: TextIO | None = None) -> RunSummary | None:
    """Score a single clean export in one pass, or None to say: use the general pipeline.

    ``csv_out`` is ``finish``'s: where the CLI wants the triage list written.
    """
    src, problems = opened
    if src is None or problems or src.notes:
        return None
    con, model, requested_as_of = ctx.con, ctx.model, ctx.requested_as_of
    mapping, clashes = resolve_mapping(src.name, src.headers, model, ctx.overrides, ctx.store, src.sample)
    if clashes:
        return None
    plan = _plan(parsed_columns(src, mapping, model))
    if plan is None:
        return None
    src = src.with_native({c.header: c.native for c in plan.columns if c.native}, 0)
    src = replace(src, rejects="rejects_one_pass")
    cutoff = requested_as_of or (date.today() + timedelta(days=366))
    bound = requested_as_of or (month_end(cutoff) if plan.dated else date.today())
    guess = _fed(model, scaling(src.name, plan.columns, _sample_ranges(src, plan))[0])
    _rank_scan(ctx, plan, src, bound, guess)
    if rejected(con, src):
        return None
    totals = _clean(con, plan)
    if totals is None or totals.rows == 0:
        return None
    scales, notes = scaling(src.name, plan.columns, totals.ranges)
    if _fed(model, scales) != guess:
        # The sample's range misled the guess: score the file again with the conversions its own range asks for.
        _rank_scan(ctx, plan, replace(src, rejects="rejects_one_pass_rescaled"), bound, _fed(model, scales))
    as_of = requested_as_of or (month_end(totals.max_period) if totals.max_period else date.today())
    if totals.max_checkin is not None and totals.max_checkin > as_of:
        return None
    if has_repeats(con):
        return None  # repeated months are the general path's to merge
    con.execute(f"DELETE FROM {ACCOUNTS} WHERE account_id IS NULL").fetchall()  # blank rows: counted, not an account
    if requested_as_of is None:
        set_days_to_renewal(con, as_of)
    rows_of = rows_counter(con, [ACCOUNTS], rows="sum(_rows)")
    result = finish(ctx, notes, [mapping], as_of, totals.rows, totals.rows, rows_of, csv_out)
    if totals.min_period is not None and totals.max_period is not None:
        # As the general path's file_periods has it, so the CLI names where its as-of date came from.
        result.periods = [FilePeriod(src.name, totals.min_period.replace(day=1), totals.max_period.replace(day=1))]
    return result


def _sample_ranges(src: Source, plan: _Plan) -> dict[str, tuple[float | None, float | None]]:
    """The ranges of the columns on another scale in the header sample: the first guess at their conversion."""
    header = {c.field: c.header for c in plan.columns}
    return {f: sample_range(src.headers, src.sample, header[f]) for f in plan.scaled}


def _fed(model: Model, scales: dict[str, str]) -> dict[str, str]:
    """The conversions that change a score: of a column a signal reads, on its own or in a derivation.

    A rescaled column no signal reads (NPS under the technical model, say)
    changes no exported value, so only its note is owed.  The one scan
    applies the conversions the header sample suggests; when the whole
    file's range asks for different ones, the file is scored again.
    """
    read = {s.id for s in model.signals} | {f for s in model.signals for f in inputs_of(s)}
    return {f: sql for f, sql in scales.items() if f in read}
