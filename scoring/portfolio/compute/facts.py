"""Join every loaded file into one row per account and month: the *facts*.

Rules, in the order they apply:

* each file is reduced to one row per account and month (files with a
  period column) or one row per account (files without): when an export
  repeats a key, additive fields (logins, tickets) are summed and every other
  field takes the latest row (latest date, then latest in the file).  Files
  are read as they are first; only when the rollup finds a repeated key are
  they reduced (``FileRelation.duplicates``), so clean exports skip the cost;
* the months are the union of every dated file's months; an account that
  appears only in undated files gets a single undated row;
* a field present in several files is taken from the first dated file that
  has it, then from the first undated one (an accounts list's seats apply to
  every month of that account);
* ``days_since_checkin`` is measured to the end of each month (or to
  ``as_of`` for undated rows and for the current month), unless the export
  gives it directly; a check-in dated after that day tells nothing about the
  month and is left out (an accounts list's current "last check-in" so only
  counts for the latest month).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scoring.portfolio.ingest.fields import CANONICAL_BY_ID, NUMERIC_FIELDS, TEXT_FIELDS
from scoring.portfolio.sqlkit import quote

DATE_FIELDS = ("renewal_date", "last_checkin")


@dataclass(frozen=True)
class FileRelation:
    """One loaded file, as the columns it contributes to the facts."""

    table: str
    fields: tuple[str, ...]  # canonical, signal and bonus fields it holds (not account_id/period)
    dated: bool
    duplicates: bool
    scales: dict[str, str]  # field -> SQL rescaling of that field's column (see ingest.load.RESCALES)
    source: str = ""  # a subquery to read instead of the table (the one-pass path)

    @property
    def from_sql(self) -> str:
        return self.source or quote(self.table)


def _value(field: str, rel: FileRelation) -> str:
    expr = rel.scales.get(field, quote(field))
    return expr.replace("{x}", quote(field))


def file_select(rel: FileRelation, carry: Sequence[str] = ()) -> str:
    """One row per key of one file, with its fields rescaled.

    ``carry`` columns (the parse masks) are passed through, and then no row
    is filtered out: the one-pass path counts the rows the filter would drop.
    """
    keys = ["account_id"] + (["CAST(date_trunc('month', period) AS DATE) AS period"] if rel.dated else [])
    where = "account_id IS NOT NULL" + (" AND period IS NOT NULL" if rel.dated else "")
    if carry:
        cols = [*keys, *(f"{_value(f, rel)} AS {quote(f)}" for f in rel.fields), *(quote(c) for c in carry)]
        return f"SELECT {', '.join(cols)} FROM {rel.from_sql}"
    if not rel.duplicates:
        cols = [*keys, *(f"{_value(f, rel)} AS {quote(f)}" for f in rel.fields)]
        return f"SELECT {', '.join(cols)} FROM {rel.from_sql} WHERE {where}"
    order = "struct_pack(d := period, r := rowid)" if rel.dated else "rowid"
    aggs = []
    for f in rel.fields:
        field = CANONICAL_BY_ID.get(f)
        if field is not None and field.additive:
            aggs.append(f"sum({_value(f, rel)}) AS {quote(f)}")
        else:
            aggs.append(f"arg_max({_value(f, rel)}, {order}) FILTER (WHERE {quote(f)} IS NOT NULL) AS {quote(f)}")
    group = "account_id, CAST(date_trunc('month', period) AS DATE)" if rel.dated else "account_id"
    return f"SELECT {', '.join([*keys, *aggs])} FROM {rel.from_sql} WHERE {where} GROUP BY {group}"


def _typed_null(field: str, flags: Sequence[str]) -> str:
    if field in DATE_FIELDS:
        return "CAST(NULL AS DATE)"
    if field in TEXT_FIELDS:
        return "CAST(NULL AS VARCHAR)"
    if field in flags:
        return "CAST(NULL AS BOOLEAN)"
    return "CAST(NULL AS DOUBLE)"


def _joined(
    relations: Sequence[FileRelation], fields: Sequence[str], flags: Sequence[str], carry: Sequence[str] = ()
) -> str:
    """One row per account-month with every field, each taken from the first file that has it."""
    ordered = [*(r for r in relations if r.dated), *(r for r in relations if not r.dated)]
    alias = [f"f{i}" for i in range(len(ordered))]

    def pick(field: str) -> str:
        sources = [f"{a}.{quote(field)}" for a, r in zip(alias, ordered, strict=True) if field in r.fields]
        if not sources:
            return f"{_typed_null(field, flags)} AS {quote(field)}"
        return (sources[0] if len(sources) == 1 else f"COALESCE({', '.join(sources)})") + f" AS {quote(field)}"

    if len(ordered) == 1:
        only = ordered[0]
        period = "f0.period" if only.dated else "CAST(NULL AS DATE)"
        cols = ["f0.account_id AS account_id", f"{period} AS period", *(pick(f) for f in fields)]
        cols += [f"f0.{quote(c)} AS {quote(c)}" for c in carry]
        return f"SELECT {', '.join(cols)} FROM ({file_select(only, carry)}) AS f0"

    ctes = [f"{a} AS ({file_select(r)})" for a, r in zip(alias, ordered, strict=True)]
    dated = [a for a, r in zip(alias, ordered, strict=True) if r.dated]
    undated = [a for a, r in zip(alias, ordered, strict=True) if not r.dated]
    keys = [f"SELECT account_id, period FROM {a}" for a in dated]
    if undated:
        only_undated = " UNION ".join(f"SELECT account_id FROM {a}" for a in undated)
        if dated:
            seen = " UNION ".join(f"SELECT account_id FROM {a}" for a in dated)
            only_undated = f"SELECT account_id FROM ({only_undated}) WHERE account_id NOT IN ({seen})"
        keys.append(f"SELECT account_id, CAST(NULL AS DATE) AS period FROM ({only_undated})")
    ctes.append(f"k AS ({' UNION '.join(keys)})")
    joins = " ".join(
        f"LEFT JOIN {a} ON {a}.account_id = k.account_id" + (f" AND {a}.period = k.period" if r.dated else "")
        for a, r in zip(alias, ordered, strict=True)
    )
    cols = ["k.account_id AS account_id", "k.period AS period", *(pick(f) for f in fields)]
    return f"WITH {', '.join(ctes)} SELECT {', '.join(cols)} FROM k {joins}"


def facts_select(
    relations: Sequence[FileRelation],
    extra: Sequence[str],
    flags: Sequence[str],
    as_of_sql: str,
    carry: Sequence[str] = (),
) -> str:
    """SELECT account_id, period and every field the scoring needs, one row per account-month.

    ``extra`` are the signal-id and bonus columns present in some file
    (``flags`` the bonus ones); ``as_of_sql`` the bound as-of date.  Months
    after the as-of date are left out.  With ``carry`` (one clean file read in
    one pass) nothing is left out: a ``_kept`` column marks the rows that
    would be, and the carried columns ride along.
    """
    fields = [*TEXT_FIELDS, *NUMERIC_FIELDS, *DATE_FIELDS, *(e for e in extra if e not in CANONICAL_BY_ID)]
    ref = f"CASE WHEN period IS NULL THEN {as_of_sql} ELSE LEAST(last_day(period), {as_of_sql}) END"
    since = f"CASE WHEN last_checkin <= {ref} THEN CAST({ref} - last_checkin AS DOUBLE) END"
    outer = [
        "account_id",
        "period",
        "COALESCE(account_name, account_id) AS account_name",
        *(quote(f) for f in fields if f not in ("account_name", "days_since_checkin")),
        f"COALESCE(days_since_checkin, {since}) AS days_since_checkin",
    ]
    kept = f"period IS NULL OR period <= {as_of_sql}"
    if carry:
        dated = relations[0].dated
        usable = "account_id IS NOT NULL" + (" AND period IS NOT NULL" if dated else "")
        outer += [f"({usable} AND ({kept})) AS _kept", *(quote(c) for c in carry)]
        return f"SELECT {', '.join(outer)} FROM ({_joined(relations, fields, flags, carry)})"
    return f"SELECT {', '.join(outer)} FROM ({_joined(relations, fields, flags)}) WHERE {kept}"
