"""Opening the database: messages without server paths (the log keeps them), and a write-ahead log cut short.

Pages show ``StoreUnavailable`` text to whoever is looking at them, so it names
the setting (``HEALTH_STUDIO_DB``), never the file's place on the server or
DuckDB's own wording; the operator finds both in the log.  A ``.wal`` cut
mid-record is replayed up to its last whole record without an error: nothing
inside the app can see it, so the README's backup advice is what protects
against it, and the last test pins that behaviour so the advice stays true.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from scoring.db import Store
from scoring.storage import StoreUnavailable
from tests.servers import ROOT


def _refuse_mkdir(self: Path, *args: object, **kwargs: object) -> None:
    raise PermissionError(13, "Permission denied", str(self))


def _engine_raises(error: Exception) -> Callable[..., None]:
    def connect(*args: object, **kwargs: object) -> None:
        raise error

    return connect


def _engine_says(text: str) -> Callable[..., None]:
    return _engine_raises(duckdb.IOException(text))


# Each way an open can fail, as the engine or the OS reports it, with a server path in its own text.
FAILURES: dict[str, tuple[str, object]] = {
    "unwritable folder": ("mkdir", _refuse_mkdir),
    "locked": ("connect", _engine_says('IO Error: Could not set lock on file "/srv/hs/studio.duckdb": Conflicting')),
    "not a database": ("connect", _engine_says('IO Error: The file "/srv/hs/studio.duckdb" is not a valid DuckDB')),
    "read-only": ("connect", _engine_says('IO Error: Cannot open file "/srv/hs/studio.duckdb": Permission denied')),
    "other io": ("connect", _engine_says('IO Error: Could not read from file "/srv/hs/studio.duckdb"')),
    "damaged": ("connect", _engine_raises(duckdb.InternalException('Corrupt file "/srv/hs/studio.duckdb"'))),
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_an_unopenable_database_is_named_by_its_setting_and_the_log_keeps_the_path(
    failure: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    where, replacement = FAILURES[failure]
    if where == "mkdir":
        monkeypatch.setattr(Path, "mkdir", replacement)
    else:
        monkeypatch.setattr(duckdb, "connect", replacement)
    path = tmp_path / "private-folder" / "studio.duckdb"
    with caplog.at_level(logging.ERROR, logger="scoring.db"), pytest.raises(StoreUnavailable) as caught:
        Store(path)
    message = str(caught.value)
    assert "HEALTH_STUDIO_DB" in message, message
    for leak in (str(tmp_path), "private-folder", "/srv/hs", "IO Error", "Conflicting"):
        assert leak not in message, (leak, message)
    assert str(path) in caplog.text, "the operator log names the file"


WRITER = textwrap.dedent(
    """
    import os, sys
    import duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("SET checkpoint_threshold = '1GB'")  # keep every change in the log, as a busy server does
    con.execute("CREATE TABLE ticks (i INTEGER, note VARCHAR)")
    for i in range(20):
        con.execute("INSERT INTO ticks VALUES (?, ?)", [i, "ticked by Ana"])
    os._exit(0)  # like kill -9: no checkpoint, the log stays beside the file
    """
)


def test_a_wal_cut_mid_record_loses_its_last_changes_without_an_error(tmp_path: Path) -> None:
    """Why a backup must be taken with the server stopped: a torn log opens cleanly, minus its tail."""
    original = tmp_path / "studio.duckdb"
    subprocess.run([sys.executable, "-c", WRITER, str(original)], check=True, cwd=ROOT, timeout=60)
    wal = Path(f"{original}.wal")
    assert wal.exists(), "the changes are still in the log"
    copy = tmp_path / "restored.duckdb"
    shutil.copy(original, copy)
    shutil.copy(wal, f"{copy}.wal")
    with open(f"{copy}.wal", "r+b") as torn:
        torn.truncate(os.path.getsize(wal) - 7)  # a copy taken mid-write: the last record is incomplete

    intact = duckdb.connect(str(original))
    torn_db = duckdb.connect(str(copy))  # no error: DuckDB replays up to the last whole record
    try:
        assert intact.execute("SELECT count(*) FROM ticks").fetchall() == [(20,)]
        assert torn_db.execute("SELECT count(*) FROM ticks").fetchall() == [(19,)]
    finally:
        intact.close()
        torn_db.close()


def test_a_file_cut_short_reads_as_damaged_on_a_page(tmp_path: Path) -> None:
    """A file that opens but is shorter than its records fails at the read that needs them: the page says damaged."""
    from scoring.storage import StoreError, guarded

    path = tmp_path / "cut.duckdb"
    store = Store(path)
    store.save_custom_model("custom-x", "X", "technical-csm", {"usage_rate": 100.0})
    store.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    cut = Store(path)
    try:
        with pytest.raises(StoreError) as raised, guarded("The saved custom models could not be read"):
            cut.custom_models()
    finally:
        cut.close()
    assert "damaged" in str(raised.value)
    assert str(tmp_path) not in str(raised.value)
