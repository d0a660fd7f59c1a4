"""Turn export text into typed values, in SQL, and flag every cell that fails.

Real exports hold ``$120,000``, ``35%``, ``03/31/2026`` and ``2026-03``.  Each
mapped column gets one SQL expression, chosen from a sample of its values so
the common case is a single cheap cast (``TRY_CAST``) and the general
cleaner (regular expressions) runs only for cells the cheap path could not
read.  A cell that is not blank but still yields NULL is *bad*; a parsed
value that cannot be true (negative seats, infinity, a date in 1066) is
*impossible*.
Both set the cell aside and set a bit in the row's ``_bad``/``_odd`` masks,
which the pipeline counts into InputProblems with example rows.

Blank-like markers (``n/a``, ``-``, ``null``) in value columns mean "no
value" and are not errors.  NaN and infinity are caught by the sanity rule
rather than the parser, so each parse expression appears once per cell.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from scoring.flags import FALSE_WORDS, TRUE_WORDS
from scoring.portfolio.ingest.fields import Field, Kind
from scoring.portfolio.sqlkit import literal_list, quote

MISSING_MARKERS = ("", "n/a", "na", "-", "--", "null", "none", "#n/a", "(blank)")
MIN_YEAR, MAX_YEAR = 1900, 2200
MASK_BITS = 62

# Helpers defined once per connection; DuckDB expands them inline.
MACROS = r"""
CREATE OR REPLACE TEMP MACRO hs_clean(s) AS
    regexp_replace(lower(trim(s)), '(usd|eur|gbp|chf|cad|aud|[$€£¥%\s''])', '', 'g');
CREATE OR REPLACE TEMP MACRO hs_signed(c) AS CASE WHEN c LIKE '(%)' THEN '-' || c[2:-2] ELSE c END;
CREATE OR REPLACE TEMP MACRO hs_mult(c) AS
    CASE right(c, 1) WHEN 'k' THEN 1e3 WHEN 'm' THEN 1e6 WHEN 'b' THEN 1e9 ELSE 1.0 END;
CREATE OR REPLACE TEMP MACRO hs_num_us(s) AS
    TRY_CAST(replace(rtrim(hs_signed(hs_clean(s)), 'kmb'), ',', '') AS DOUBLE) * hs_mult(hs_signed(hs_clean(s)));
CREATE OR REPLACE TEMP MACRO hs_num_eu(s) AS
    TRY_CAST(replace(replace(rtrim(hs_signed(hs_clean(s)), 'kmb'), '.', ''), ',', '.') AS DOUBLE)
    * hs_mult(hs_signed(hs_clean(s)));
CREATE OR REPLACE TEMP MACRO hs_excel_date(s) AS
    CASE WHEN regexp_full_match(trim(s), '[0-9]{5}(\.[0-9]+)?')
         THEN DATE '1899-12-30' + CAST(floor(CAST(trim(s) AS DOUBLE)) AS INTEGER) END;
"""

# Every date layout we read, tried in this order after the sample's own.
DATE_FORMATS = (
    "%m/%d/%Y",
    "%m/%d/%y",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%m-%d-%Y",
    "%d-%m-%Y",
    "%Y-%m",
    "%Y/%m",
    "%m/%Y",
    "%b %Y",
    "%B %Y",
    "%b-%y",
    "%b-%Y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%Y%m%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
)

_SLASHED = re.compile(r"^\s*(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})\b")
_US_SPECIFIC = re.compile(r"(^|[^\d])\d{1,3}(,\d{3})+\.\d+$|^-?\d*\.\d{1,2}$|^-?\d+\.\d{4,}$")
_EU_SPECIFIC = re.compile(r"(^|[^\d])\d{1,3}(\.\d{3})+,\d+$|^-?\d*,\d{1,2}$|^-?\d+,\d{4,}$")
_DOT_GROUPS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]|$)")
FORMAT_SAMPLE = 200
_PLAIN_NUMBER = re.compile(r"^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
_PLAIN_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMERIC_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
)


@dataclass(frozen=True)
class Parsed:
    """How one mapped column becomes a typed field.

    ``expr`` parses the raw text; ``sane`` (over the placeholder ``{v}``) says
    whether a parsed value can be true.  ``checked`` columns count bad cells.
    """

    field: str
    header: str
    expr: str
    sane: str | None
    checked: bool
    describe: str  # what a good cell looks like, for the fix text
    native: str | None = None  # DuckDB type the reader produces itself (then no cell can be "bad")


def _decimal_comma(values: Sequence[str], delimiter: str) -> bool:
    """True when the sample writes 1.234,5 rather than 1,234.5."""
    cleaned = [re.sub(r"[$€£¥%\s]|usd|eur|gbp", "", v.lower()) for v in values]
    us = sum(bool(_US_SPECIFIC.search(v)) for v in cleaned)
    eu = sum(bool(_EU_SPECIFIC.search(v)) for v in cleaned)
    if eu or us:
        return eu > us
    dotted = any(_DOT_GROUPS.match(v) for v in cleaned)
    return dotted and (delimiter == ";" or any("€" in v for v in values))


def first_readable(parts: Sequence[str]) -> str:
    """The first of ``parts`` that is not NULL, trying each later one only where the earlier ones failed.

    This is COALESCE, spelled as CASE because DuckDB evaluates every COALESCE
    argument for every row, so the regular-expression cleaner ran over all
    2.4 million cells of "$120,000" even though the cheap cast read them all;
    a CASE branch runs only for the rows that reach it.
    """
    expr = parts[-1]
    for part in reversed(parts[:-1]):
        expr = f"CASE WHEN {part} IS NOT NULL THEN {part} ELSE {expr} END"
    return expr


def number_expr(raw: str, sample: Sequence[str], delimiter: str) -> str:
    eu = _decimal_comma(sample, delimiter)
    fast = raw
    for symbol in sorted({ch for v in sample for ch in v if ch in "$€£¥%"}):
        fast = f"replace({fast}, '{symbol}', '')"
    if eu:
        fast = f"replace(replace({fast}, '.', ''), ',', '.')"
    elif any("," in v for v in sample):
        fast = f"replace({fast}, ',', '')"
    general = f"hs_num_eu({raw})" if eu else f"hs_num_us({raw})"
    return first_readable([f"TRY_CAST({fast} AS DOUBLE)", general])


def _date_formats(sample: Sequence[str]) -> list[str]:
    """The sample's own layout first, then every other one we know."""
    first: list[str] = []
    day_first = False
    for v in sample:
        m = _SLASHED.match(v)
        if m and int(m.group(1)) > 12 >= int(m.group(3)):
            day_first = True
    for v in sample[:50]:
        m = _SLASHED.match(v)
        if not m:
            continue
        sep, year = m.group(2), "%Y" if len(m.group(4)) == 4 else "%y"
        order = ("%d", "%m") if day_first or sep == "." else ("%m", "%d")
        fmt = f"{order[0]}{sep}{order[1]}{sep}{year}"
        if fmt not in first:
            first.append(fmt)
    return first + [f for f in DATE_FORMATS if f not in first]


def _best_format(sample: Sequence[str], formats: Sequence[str]) -> str | None:
    """The layout that reads most of the sample (ISO dates return None: a cast reads them).

    Each distinct value is tried once, and the search stops at the first
    layout that reads them all: no later one can read more, and the
    sample's own layout comes first.  Trying two dozen layouts on every
    cell of the sample cost a tenth of a second per date column.
    """
    values = [v.strip() for v in sample[:FORMAT_SAMPLE]]
    if not values or sum(bool(_ISO_DATE.match(v)) for v in values) > len(values) / 2:
        return None
    weights = Counter(values)
    best, best_count = None, 0
    for fmt in formats:
        count = 0
        for v, times in weights.items():
            try:
                datetime.strptime(v, fmt)
            except ValueError:
                continue
            count += times
        if count > best_count:
            best, best_count = fmt, count
        if count == len(values):
            break
    return best


def date_expr(raw: str, sample: Sequence[str]) -> str:
    """The sample's layout as one cheap strptime, then a cast, every known layout, Excel serials.

    DuckDB tries a list of layouts one by one, which is slow over millions of
    cells, so the list only sees the cells the sample's layout missed.
    """
    formats = _date_formats(sample)
    fmt_sql = "[" + ", ".join(f"'{f}'" for f in formats) + "]"
    parts = [f"TRY_CAST({raw} AS DATE)", f"try_strptime(trim({raw}), {fmt_sql})::DATE", f"hs_excel_date({raw})"]
    best = _best_format(sample, formats)
    if best is not None:
        parts.insert(0, f"try_strptime({raw}, '{best}')::DATE")
    return first_readable(parts)


def native_type(kind: Kind, values: Sequence[str], column_type: str | None) -> str | None:
    """DOUBLE or DATE when the reader itself can type the column (Parquet types, or a clean sample)."""
    if kind == "number":
        if column_type is not None:
            return "DOUBLE" if column_type.split("(")[0] in NUMERIC_TYPES else None
        return "DOUBLE" if values and all(_PLAIN_NUMBER.match(v) for v in values) else None
    if kind in ("date", "period"):
        if column_type is not None:
            return "DATE" if column_type.startswith(("DATE", "TIMESTAMP")) else None
        return "DATE" if values and all(_PLAIN_DATE.match(v) for v in values) else None
    return None


def parse_column(
    field: Field,
    header: str,
    sample: Sequence[str],
    delimiter: str,
    column_type: str | None = None,
    allow_native: bool = True,
) -> Parsed:
    """How to read one mapped column; ``column_type`` is Parquet's type for it, if any."""
    raw = quote(header)
    values = [v for v in sample if v is not None and v.strip().lower() not in MISSING_MARKERS]
    native = native_type(field.kind, values, column_type) if allow_native else None
    if field.kind in ("key", "text"):
        # Only the key is trimmed: "A-1 " must join "A-1"; names are shown as written (and it saves a pass).
        expr = f"NULLIF(trim({raw}), '')" if field.kind == "key" else raw
        return Parsed(field.id, header, expr, None, False, "text")
    if field.kind == "number":
        sane = "isfinite({v}) AND {v} >= 0" if field.nonnegative else "isfinite({v})"
        what = "a number such as 1200, $120,000 or 35%"
        expr = f"CAST({raw} AS DOUBLE)" if native else number_expr(raw, values, delimiter)
        return Parsed(field.id, header, expr, sane, True, what, native)
    if field.kind == "flag":
        expr = (
            f"CASE WHEN lower(trim({raw})) IN {literal_list(TRUE_WORDS)} THEN TRUE "
            f"WHEN lower(trim({raw})) IN {literal_list(FALSE_WORDS)} THEN FALSE END"
        )
        return Parsed(field.id, header, expr, None, True, "yes or no (1/0, true/false, x)")
    date = f"CAST({raw} AS DATE)" if native else date_expr(raw, values)
    sane = "year({v}) BETWEEN " + f"{MIN_YEAR} AND {MAX_YEAR}"
    if field.kind == "period":
        return Parsed(field.id, header, date, sane, True, "a month or date such as 2026-03", native)
    return Parsed(field.id, header, date, sane, True, "a date such as 2026-03-31 or 03/31/2026", native)


def typed_select(columns: Sequence[Parsed], relation: str) -> str:
    """SELECT of typed fields plus the ``_bad``/``_odd`` bit masks of a file's rows.

    The inner query parses once; the outer one applies the sanity rule and
    sets one bit per checked column (62 columns per mask word).
    """
    inner = []
    outer = []
    bad_bits: list[list[str]] = []
    odd_bits: list[list[str]] = []
    checked = [c for c in columns if c.checked]
    for i, col in enumerate(columns):
        alias = quote(f"p{i}")
        inner.append(f"{col.expr} AS {alias}")
        if not col.checked:
            outer.append(f"{alias} AS {quote(col.field)}")
            continue
        raw_alias = quote(f"r{i}")
        if not col.native:
            inner.append(f"{quote(col.header)} AS {raw_alias}")
        sane = col.sane.replace("{v}", alias) if col.sane else None
        kept = f"CASE WHEN {sane} THEN {alias} END" if sane else alias
        outer.append(f"{kept} AS {quote(col.field)}")
        bit = checked.index(col)
        word, pos = divmod(bit, MASK_BITS)
        while len(bad_bits) <= word:
            bad_bits.append([])
            odd_bits.append([])
        blank = f"lower(trim({raw_alias})) IN {literal_list(MISSING_MARKERS)}"
        if not col.native:
            bad_bits[word].append(
                f"CASE WHEN {alias} IS NULL AND {raw_alias} IS NOT NULL AND NOT ({blank}) THEN {1 << pos} ELSE 0 END"
            )
        if sane:
            odd_bits[word].append(f"CASE WHEN {alias} IS NOT NULL AND NOT ({sane}) THEN {1 << pos} ELSE 0 END")
    for word, bits in enumerate(bad_bits):
        outer.append(f"CAST({' | '.join(bits or ['0'])} AS BIGINT) AS _bad{word}")
        odd = odd_bits[word] or ["0"]
        outer.append(f"CAST({' | '.join(odd)} AS BIGINT) AS _odd{word}")
    return f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {relation})"


def mask_position(columns: Sequence[Parsed], col: Parsed) -> tuple[int, int]:
    """(mask word, bit) of a checked column."""
    checked = [c for c in columns if c.checked]
    return divmod(checked.index(col), MASK_BITS)
