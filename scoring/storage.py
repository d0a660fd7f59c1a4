"""The saved-state store as the pages see it: ``Store``, its errors, and the guard around a write.

Pages import the store from here, never from ``scoring.db``, which is the
engine room (DuckDB connections, SQL, the in-memory portfolio engine) and the
only module that imports duckdb.  What pages do with the store goes through
domain functions (``scoring.checklists.commands``, ``scoring.custom_models``),
which turn database failures into messages for users; a page holds a
``Store`` only to hand it to them, or calls one of its methods inside
``guarded``, which turns an engine failure (a full disk, a deleted or
damaged file) into ``StoreError`` with a sentence for the user and logs the
engine's own text, which can name server paths, for the operator.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from scoring.db import DuckDBError, Store, StoreUnavailable

LOG = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """A read or write of the store failed; the message says what was lost and what to do."""


def plain_reason(exc: BaseException) -> str:
    """Why the database refused, in words a user can act on, never the engine's text."""
    text = str(exc).lower()
    if "no space left" in text or "disk full" in text or "disk is full" in text:
        return (
            "the disk that holds the database is full. Ask whoever runs the server to free some space, then try again"
        )
    if "read-only" in text or "read only" in text or "permission denied" in text:
        return "the database file cannot be written (it is read-only). Ask whoever runs the server to check it"
    if "no such file" in text or "cannot open file" in text or "could not open" in text:
        return "the database file has gone missing. Ask whoever runs the server to restore it and restart"
    if "checksum" in text or "corrupt" in text or "not a valid" in text or "could not read enough bytes" in text:
        # The last case is a file shorter than its own records say: cut off by a failed copy or a full disk.
        return "the database file is damaged. Ask whoever runs the server to restore it from a backup"
    return "the database did not answer. Try again in a moment; if it keeps failing, restart the server"


@contextmanager
def guarded(what: str) -> Iterator[None]:
    """Run a store call; a database failure becomes ``StoreError("<what> …, because <reason>.")``."""
    try:
        yield
    except DuckDBError as exc:
        LOG.warning("%s failed (%s: %s)", what, type(exc).__name__, exc)
        raise StoreError(f"{what}, because {plain_reason(exc)}.") from None


__all__ = ["Store", "StoreError", "StoreUnavailable", "guarded", "plain_reason"]
