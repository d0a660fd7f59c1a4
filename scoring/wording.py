"""How counts read in messages, for the scoring package and the pages alike."""

from __future__ import annotations


def counted(n: int, one: str, many: str) -> str:
    """'1 row' or '3 rows': messages are read by people, so one is never '1 rows'."""
    return f"{n:,} {one if n == 1 else many}"
