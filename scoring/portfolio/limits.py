"""How big a portfolio one scoring run may build, and the message when an upload is bigger.

DuckDB works within its own memory limit and spills to disk, but the result a
page holds (one pandas row per account, with its trend list, heatmap cells and
action text) lives outside that limit and grows with the number of accounts.
So the number of distinct accounts per upload is capped: 250,000 by default
(``HEALTH_STUDIO_MAX_ACCOUNTS``), a size at which a scoring run stays under
the stated budget of 1.5 GB peak resident memory for the whole process
(``bench/bench_memory.py`` measures it).  The accounts are counted in DuckDB,
on the ranked table, before any frame is built, so an oversized upload costs
one ``count(*)`` and not the memory it would have taken.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os

from scoring.db import Connection
from scoring.portfolio.contract import InputProblem
from scoring.portfolio.sqlkit import quote

LOG = logging.getLogger(__name__)

ACCOUNTS_ENV = "HEALTH_STUDIO_MAX_ACCOUNTS"
DEFAULT_MAX_ACCOUNTS = 250_000
MEMORY_BUDGET_MB = 1536  # peak resident memory of one scoring run, whole process, at the default cap


def max_accounts() -> int:
    """The cap in force: ``HEALTH_STUDIO_MAX_ACCOUNTS`` when it is a whole number of at least 1, else the default.

    Read on every run, so an operator's change takes effect at the next
    upload; a value that is not a count is logged and ignored rather than
    turning every upload into an error.
    """
    raw = os.environ.get(ACCOUNTS_ENV, "").strip().replace("_", "").replace(",", "")
    if not raw:
        return DEFAULT_MAX_ACCOUNTS
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        LOG.warning("%s=%r is not a whole number of accounts; using %d", ACCOUNTS_ENV, raw, DEFAULT_MAX_ACCOUNTS)
        return DEFAULT_MAX_ACCOUNTS
    return value


def too_many_accounts(count: int, cap: int) -> InputProblem:
    """The message for an upload over the cap: what happened, and three ways forward."""
    return InputProblem(
        "(all files)",
        f"This upload holds {count:,} accounts; one scoring run takes at most {cap:,}, so that a single upload "
        "cannot use up the server's memory. Nothing was scored and nothing you saved was changed.",
        "Split the export into parts (by segment, region or CSM) and upload one part at a time, or filter it to "
        f"the accounts you look after. Whoever runs the app can raise the limit with {ACCOUNTS_ENV}; a run of "
        "1,000,000 accounts needs about 3.5 GB of server memory.",
        severity="error",
        count=count,
    )


def account_cap(con: Connection, table: str) -> InputProblem | None:
    """The over-the-cap problem when ``table`` (one row per account) has more rows than the cap, else None."""
    cap = max_accounts()
    row = con.execute(f"SELECT count(*) FROM {quote(table)}").fetchall()[0]
    count = int(row[0])
    if count <= cap:
        return None
    LOG.info("upload refused: %d accounts over the cap of %d", count, cap)
    return too_many_accounts(count, cap)


def release_memory() -> None:
    """Collect garbage and hand freed heap pages back to the operating system.

    A scoring run's frames are millions of small Python and NumPy objects;
    once they are dropped, glibc keeps the freed pages in its arenas, so the
    process would go on holding the run's peak long after the session ended.
    ``malloc_trim(0)`` returns them.  Elsewhere than glibc (macOS, musl) only
    the garbage collection happens.
    """
    gc.collect()
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    trim = getattr(libc, "malloc_trim", None)
    if trim is not None:
        trim(0)
