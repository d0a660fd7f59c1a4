"""Do a mapped column's values look like the field it was mapped to?

A header can look right and still mean something else: "Usage" holding hours,
"NPS" holding a 1-5 rating of something, "Renewal" holding a plan name.  These
checks read the sample rows the reader already holds (no second pass over the
file) and compare them with what the field can hold.  A mapping that fails one
is reported as a warning naming the file and column, and is not remembered,
so a wrong pick does not map next week's export by itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from scoring.portfolio.contract import InputProblem

# A share of accounts may be odd before the whole column is called wrong.
TOLERANCE = 0.1
_NUMBER = re.compile(r"^[-+]?(?:\d[\d,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y-%m", "%b %Y", "%B %Y", "%d %b %Y")


@dataclass(frozen=True)
class Range:
    """What a numeric field may hold, and what to tell the user when it does not."""

    low: float
    high: float
    expects: str


RANGES: dict[str, Range] = {
    "usage_rate": Range(0, 100, "a percentage between 0 and 100"),
    "nps": Range(-100, 100, "an NPS between -100 and 100"),
    "csat": Range(0, 100, "a CSAT on a 1-5, 1-10 or 0-100 scale"),
}
DATE_FIELDS = ("renewal_date", "last_checkin", "period")


def _number(cell: str | None) -> float | None:
    if cell is None:
        return None
    text = cell.strip().replace("%", "").replace("$", "").replace("€", "").replace("£", "").strip()
    if not _NUMBER.match(text):
        return None
    return float(text.replace(",", ""))


@lru_cache(maxsize=4096)
def _is_date(cell: str) -> bool:
    """Whether the cell reads as a date; ISO dates first, as most exports write them and it is cheapest.

    Cached: a sample repeats the same dates many times over.
    """
    text = cell.strip()[:19].replace("T", " ")
    try:
        date.fromisoformat(text[:10])
    except ValueError:
        pass
    else:
        return True
    for candidate in (text, text[:10]):
        for fmt in _DATE_FORMATS:
            try:
                datetime.strptime(candidate, fmt)
            except ValueError:
                continue
            return True
    return False


def _column(headers: Sequence[str], sample: Sequence[Sequence[str | None]], header: str) -> list[str]:
    at = list(headers).index(header)
    return [str(row[at]) for row in sample if at < len(row) and row[at] is not None and str(row[at]).strip()]


def sample_range(
    headers: Sequence[str], sample: Sequence[Sequence[str | None]], header: str
) -> tuple[float | None, float | None]:
    """The lowest and highest number the sample holds in ``header``'s column ((None, None) when none)."""
    numbers = _numbers(_column(headers, sample, header))
    return (min(numbers), max(numbers)) if numbers else (None, None)


def _numbers(cells: Sequence[str]) -> list[float]:
    """The cells that read as numbers, as numbers; the others are left out."""
    return [n for n in (_number(c) for c in cells) if n is not None]


def _odd_share(count: int, total: int) -> bool:
    return total > 0 and count > max(TOLERANCE * total, 0)


def check(
    file: str,
    headers: Sequence[str],
    sample: Sequence[Sequence[str | None]],
    columns: Mapping[str, str | None],
) -> list[InputProblem]:
    """Warnings for mapped columns whose sample values do not fit their field."""
    problems: list[InputProblem] = []
    by_field = {f: h for h, f in columns.items() if f}
    for header, field_id in columns.items():
        if not field_id or header not in headers:
            continue
        cells = _column(headers, sample, header)
        if field_id in RANGES:
            rule = RANGES[field_id]
            numbers = _numbers(cells)
            # CSAT and usage may come as fractions or ratings; the loader rescales those, so only
            # values past the widest scale count as wrong.
            odd = sum(1 for n in numbers if n < rule.low or n > rule.high)
            if _odd_share(odd, len(numbers)):
                problems.append(
                    InputProblem(
                        file,
                        f"{odd:,} of {len(numbers):,} sampled values are outside what {field_id} holds "
                        f"({rule.expects}), so this column may mean something else.",
                        f"Check what {header!r} measures; if it is not {rule.expects}, map it to the right field "
                        "or ignore it. The mapping is not remembered until it fits.",
                        column=header,
                        count=odd,
                    )
                )
        elif field_id in DATE_FIELDS and field_id != "period":
            odd = sum(1 for c in cells if not _is_date(str(c)))
            if _odd_share(odd, len(cells)):
                problems.append(
                    InputProblem(
                        file,
                        f"{odd:,} of {len(cells):,} sampled values are not dates, so this column may not be "
                        f"the {field_id.replace('_', ' ')}.",
                        f"Map {header!r} to the field it holds, or export the dates as YYYY-MM-DD. "
                        "The mapping is not remembered until it fits.",
                        column=header,
                        count=odd,
                    )
                )
    active, seats = by_field.get("active_users"), by_field.get("licensed_seats")
    if active and seats:
        a_at, s_at = list(headers).index(active), list(headers).index(seats)
        pairs = [(_number(row[a_at]), _number(row[s_at])) for row in sample if max(a_at, s_at) < len(row)]
        known = [(a, s) for a, s in pairs if a is not None and s is not None]
        odd = sum(1 for a, s in known if a > s)
        if _odd_share(odd, len(known)):
            problems.append(
                InputProblem(
                    file,
                    f"In {odd:,} of {len(known):,} sampled rows, {active!r} is larger than {seats!r}: more "
                    "active users than licensed seats, so one of the two columns may mean something else.",
                    f"Check that {active!r} counts active users and {seats!r} counts licensed seats; map the "
                    "one that does not to its own field or ignore it. The mapping is not remembered until it fits.",
                    column=active,
                    count=odd,
                )
            )
    return problems
