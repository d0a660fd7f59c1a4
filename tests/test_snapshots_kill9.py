"""Snapshots survive a crash: a writer killed with SIGKILL leaves every acknowledged snapshot whole.

A separate process saves through the same domain function the page and the
CLI use (``save_exports``), reports what it saved, and is killed with
``kill -9`` (no chance to flush or checkpoint).  Reopening the file must find
the snapshot with every account row, and a save cut off half-way must leave
either the whole snapshot or none of it (one transaction).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from scoring.db import snapshot_store
from scoring.snapshots import history
from scoring.snapshots.demo import demo_files
from scoring.storage import Store

ROOT = Path(__file__).resolve().parent.parent

# Saves week 1, says so, then saves week 2 after saying it starts, and waits to be killed.
WRITER = """
import sys, time
from pathlib import Path
from scoring.catalog import get_model
from scoring.portfolio.contract import Export
from scoring.snapshots.capture import save_exports
from scoring.storage import Store

store = Store(Path(sys.argv[1]))
model = get_model("technical-csm")
weeks = [Export(Path(p).name, Path(p).read_bytes()) for p in sys.argv[2:]]
saved, _ = save_exports(store, [weeks[0]], model)
print("saved", saved.snapshot.id, saved.snapshot.accounts, flush=True)
print("saving", flush=True)
save_exports(store, [weeks[1]], model)
print("second", flush=True)
time.sleep(120)
"""


def _writer(db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), *(str(p) for p in demo_files())],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def _kill9(process: subprocess.Popen[str]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def test_an_acknowledged_snapshot_is_whole_after_kill_9(db_path: Path) -> None:
    writer = _writer(db_path)
    try:
        assert writer.stdout is not None
        said = writer.stdout.readline().split()
        assert said[:1] == ["saved"], said
        _kill9(writer)  # right after the first save reported, while the second is being scored or written
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    store = Store(db_path)
    try:
        found = history.snapshots(store)
        first = next(s for s in found if s.id == int(said[1]))
        assert first.accounts == int(said[2]) == 300
        assert [f.name for f in first.files] == [demo_files()[0].name]
        rows = snapshot_store(store).accounts(first.id)
        assert len(rows) == 300 and rows["account_id"].is_unique
        assert rows["score"].notna().all()
        # The save that was cut off left all of its snapshot or nothing.
        for later in (s for s in found if s.id != first.id):
            assert later.accounts == 300 == len(snapshot_store(store).accounts(later.id))
    finally:
        store.close()
