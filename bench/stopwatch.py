"""The stopwatch of the bench scripts that time a few stages one after another."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def timed(label: str, work: Callable[[], T]) -> T:
    """Run ``work`` once, print its label and the seconds it took, and hand back what it returned.

    Wall time only: these stages are single calls whose cost a reader
    compares by eye, not ratios that need CPU time beside them.
    """
    started = time.perf_counter()
    value = work()
    print(f"{label}: {time.perf_counter() - started:.2f} s")
    return value
