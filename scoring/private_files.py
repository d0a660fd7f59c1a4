"""Where the server puts files nobody else may read: one private directory per process.

Uploads are written out for DuckDB to read, DuckDB spills to disk when a
scoring run outgrows its memory limit, and the CSV writer stages its output:
all of it holds account ids and figures.  So each process gets its own
directory, ``<temp>/health_studio-<pid>-<random>``, created 0700 by
``tempfile.mkdtemp`` (never a fixed name someone else could have created
first), and every scratch file lives under it.  A clean exit removes it; a
``kill -9`` cannot, so the next process to start removes every such
directory whose process is gone (``sweep_dead``) before making its own.

The database file itself is created under ``private_umask`` (0600), and its
write-ahead log is kept 0600 by ``scoring.db`` after each write, since DuckDB
creates the log anew after a checkpoint.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = "health_studio-"
_OWN_DIR = re.compile(rf"^{re.escape(PREFIX)}(\d+)-[A-Za-z0-9_]+$")
_dirs: dict[int, Path] = {}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def sweep_dead(root: Path | None = None) -> list[Path]:
    """Remove the private directories that processes now gone left behind; the ones removed.

    Only directories of this user, named as ``process_dir`` names them, are
    touched, and never a symbolic link.
    """
    base = root or Path(tempfile.gettempdir())
    removed: list[Path] = []
    try:
        entries = list(base.iterdir())
    except OSError:
        return removed
    for entry in entries:
        found = _OWN_DIR.match(entry.name)
        if not found or int(found.group(1)) == os.getpid() or _alive(int(found.group(1))):
            continue
        try:
            info = entry.lstat()
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def process_dir() -> Path:
    """This process's private directory (0700), made on first use after sweeping up after dead processes.

    Keyed by process id, so a forked child (a test server, a worker) makes its own.
    """
    pid = os.getpid()
    made = _dirs.get(pid)
    if made is not None and made.is_dir():
        return made
    sweep_dead()
    made = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{pid}-"))
    _dirs[pid] = made
    atexit.register(shutil.rmtree, made, True)
    return made


def scratch(name: str) -> Path:
    """A named subdirectory of ``process_dir`` (0700), e.g. DuckDB's spill directory."""
    path = process_dir() / name
    path.mkdir(mode=0o700, exist_ok=True)
    return path


@contextmanager
def private_umask() -> Iterator[None]:
    """Files created inside are readable by their owner only (0600), e.g. a new database file."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def keep_private(path: Path) -> None:
    """Take group and other permissions off ``path`` if it exists and has any (a log DuckDB made anew)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & 0o077:
        try:
            path.chmod(stat.S_IMODE(mode) & 0o700)
        except OSError:
            return
