"""Calendar quarters as the CSM types them: '2026Q4', '2026-Q4', 'Q4 2026'."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_PATTERNS = (re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.I), re.compile(r"^\s*Q([1-4])\s*-?\s*(\d{4})\s*$", re.I))


class QuarterError(ValueError):
    """A quarter we cannot read; the message says what to type."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    q: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        first, second = _PATTERNS
        if m := first.match(text):
            return cls(int(m.group(1)), int(m.group(2)))
        if m := second.match(text):
            return cls(int(m.group(2)), int(m.group(1)))
        raise QuarterError(f"'{text}' is not a quarter; write it as 2026Q4 (year, then Q1 to Q4).")

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + (self.q == 4), self.q % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.q == 1), (self.q - 2) % 4 + 1)

    def months(self) -> tuple[str, str, str]:
        """'YYYY-MM' of its three months."""
        first = 3 * self.q - 2
        return (f"{self.year}-{first:02d}", f"{self.year}-{first + 1:02d}", f"{self.year}-{first + 2:02d}")

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.year}Q{self.q}"
