"""Private by default: per-process 0700 scratch directories swept after dead processes, a 0600 database."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import duckdb
import pytest

from scoring import private_files
from scoring.catalog import preset_models
from scoring.db import Store, engine
from scoring.portfolio import load_portfolio
from scoring.portfolio.contract import Export
from scoring.portfolio.ingest import read
from scoring.private_files import PREFIX, process_dir, sweep_dead
from scoring.storage import StoreUnavailable
from tests.servers import ROOT

CHILD = textwrap.dedent(
    """
    import sys, time
    from scoring.private_files import process_dir
    folder = process_dir()
    (folder / "upload.csv").write_text("ACC-1,secret")
    print(folder, flush=True)
    time.sleep(120)
    """
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_process_directory_is_its_own_and_private() -> None:
    folder = process_dir()
    assert folder.parent == Path(tempfile.gettempdir())
    assert folder.name.startswith(f"{PREFIX}{os.getpid()}-")
    assert mode(folder) == 0o700
    assert process_dir() == folder, "one per process"
    assert mode(private_files.scratch("spill")) == 0o700


def test_a_kill9_leaves_files_only_until_the_next_start_sweeps_them() -> None:
    child = subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    folder = Path(child.stdout.readline().strip())
    try:
        assert (folder / "upload.csv").exists()
        assert mode(folder) == 0o700
        assert folder not in sweep_dead(), "a live process keeps its directory"
        assert folder.exists()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert folder.exists(), "kill -9 cannot clean up"
    assert folder in sweep_dead()
    assert not folder.exists()


def test_the_sweep_touches_only_dead_processes_directories_of_our_name(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    gone = tmp_path / f"{PREFIX}{dead_pid}-abc123"
    gone.mkdir()
    live = tmp_path / f"{PREFIX}{os.getpid()}-abc123"
    live.mkdir()
    other = tmp_path / "health_studio_spill"
    other.mkdir()
    target = tmp_path / "elsewhere"
    target.mkdir()
    link = tmp_path / f"{PREFIX}{dead_pid}-link"
    link.symlink_to(target)
    assert sweep_dead(tmp_path) == [gone]
    assert not gone.exists()
    assert live.exists() and other.exists() and link.is_symlink() and target.exists()


def test_scratch_engines_spill_into_the_private_directory_not_a_shared_one() -> None:
    con = engine()
    try:
        spill = Path(con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0])
    finally:
        con.close()
    assert spill.parent == process_dir()
    assert spill != Path(tempfile.gettempdir()) / "health_studio_spill"


def test_the_upload_copy_lives_in_the_private_directory_and_is_gone_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[Path] = []
    materialise = read._materialise

    def spy(export: Export, workdir: Path, index: int, suffix: str) -> Path:
        path = materialise(export, workdir, index, suffix)
        seen.append(path)
        return path

    monkeypatch.setattr(read, "_materialise", spy)
    data = b"Account ID,Usage Rate\nA1,80\nA2,70\n"
    load_portfolio([Export("usage.csv", data)], preset_models()["technical-csm"])
    assert seen and all(process_dir() in path.parents for path in seen)
    assert not any(path.exists() for path in seen), "removed once the run ends"


def test_a_new_database_and_its_log_are_the_owners_alone(tmp_path: Path) -> None:
    path = tmp_path / "studio.duckdb"
    store = Store(path)
    try:
        store.save_custom_model("custom-a", "A", "technical-csm", {"usage_rate": 100.0})
        wal = Path(f"{path}.wal")
        assert mode(path) == 0o600
        assert wal.exists() and mode(wal) == 0o600
        store._run("CHECKPOINT")
        store.save_custom_model("custom-b", "B", "technical-csm", {"usage_rate": 100.0})
        assert not wal.exists() or mode(wal) == 0o600, "a log made anew after a checkpoint is private too"
    finally:
        store.close()
    assert not Path(f"{path}.tmp").exists(), "no spill directory beside the database"


def test_an_unwritable_database_folder_is_a_message_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(StoreUnavailable) as caught:
        Store(tmp_path / "locked" / "studio.duckdb")
    message = str(caught.value)
    assert "cannot be created or opened here (Permission denied)" in message
    assert "HEALTH_STUDIO_DB" in message and "Traceback" not in message


def test_a_database_engine_refusing_the_file_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise duckdb.IOException('IO Error: Cannot open file "/x/studio.duckdb": Permission denied')

    monkeypatch.setattr(duckdb, "connect", refuse)
    with pytest.raises(StoreUnavailable) as caught:
        Store(tmp_path / "studio.duckdb")
    assert "the server may not write there" in str(caught.value)
    assert "IO Error" not in str(caught.value)
