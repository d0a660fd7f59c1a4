"""Peak and retained memory of one portfolio scoring run, per upload shape, against the budget.

The issue this answers: a 46 MB CSV of 4M tiny rows took the server to 13.3 GB
resident, and most of it stayed after the session closed.  DuckDB's own memory
limit does not cover pandas frames or what the page caches, so this measures
the whole process.

Shapes (each file under the 200 MB upload cap):

* ``rows``: 4M rows x 2 columns (account id, usage), 200k accounts, each
  repeated 20 times (an undated file, so the repeats are merged);
* ``accounts``: 1M accounts, one row each, five signals; over the default cap
  of 250k accounts, so the run stops with the cap's message; ``accounts_raised``
  is the same file with ``HEALTH_STUDIO_MAX_ACCOUNTS=1000000``, to show what the
  cap protects against;
* ``at_cap``: 250k accounts (the default cap) x 12 months, five signals: the
  biggest book the page accepts, with a trend for every account;
* ``cells``: 24M cells: 1M rows x 24 columns (100k accounts x 10 months);
* ``columns``: 20k columns x 500 rows (five mapped, the rest ignored).

The files are generated first, in their own process (so the generator's memory
is not counted), under bench/out/.  Then each shape runs in a FRESH child
process that reads the file's bytes as an upload would and makes the page's
cached scoring call (``upload._scored``, which runs ``load_portfolio`` and puts
the result in Streamlit's run cache, with a store in a temporary database).
The child prints its peak resident set
(``VmHWM`` from /proc/self/status), the resident set left once the result and
the upload are dropped and the page's session-end release has run (garbage
collection and ``malloc_trim``, ``scoring.portfolio.limits.release_memory``),
the size of the pickled result (what the page's run cache stores, bounded by
``CACHE_SIZE`` in pages/ui/portfolio/upload.py), the accounts scored, the first
problem it reported and the run's seconds.  The upload's bytes count once: the
uploader and the session share them.

Run: python bench/bench_memory.py [--shapes rows,accounts,at_cap,accounts_raised,cells,columns] [--budget-mb 1536]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
MODEL = "technical-csm"
SIGNALS = ("usage_rate", "seat_utilization", "teams_live", "override_rate", "csm_responsiveness")

# shape -> (file name, SELECT that produces it, environment for the scoring child)
SHAPES: dict[str, tuple[str, str, dict[str, str]]] = {
    "rows": (
        "mem_rows_4M_x2.csv",
        "SELECT 'A' || (i % 200000) AS account_id, (i * 7) % 100 AS usage_rate FROM range(4000000) t(i)",
        {},
    ),
    "accounts": (
        "mem_accounts_1M.csv",
        "SELECT 'ACC-' || i AS account_id, 'Company ' || i AS account_name, 'CSM ' || (i % 60) AS csm, "
        "['SMB', 'Mid-Market', 'Enterprise'][1 + i % 3] AS segment, 1000 + (i * 7919) % 500000 AS arr, "
        + ", ".join(f"(i * {k + 3}) % 100 AS {s}" for k, s in enumerate(SIGNALS))
        + " FROM range(1000000) t(i)",
        {},
    ),
    "at_cap": (
        "mem_at_cap_250k_x12.csv",
        "SELECT 'ACC-' || a AS account_id, strftime(DATE '2025-01-01' + to_months(CAST(m AS INTEGER)), '%Y-%m') "
        "AS month, 'Company ' || a AS account_name, 'CSM ' || (a % 60) AS csm, "
        "['SMB', 'Mid-Market', 'Enterprise'][1 + a % 3] AS segment, 1000 + (a * 7919) % 500000 AS arr, "
        + ", ".join(f"(a * {k + 3} + m * 7) % 100 AS {s}" for k, s in enumerate(SIGNALS))
        + " FROM range(250000) t(a), range(12) s(m)",
        {},
    ),
    "accounts_raised": ("mem_accounts_1M.csv", "", {"HEALTH_STUDIO_MAX_ACCOUNTS": "1000000"}),
    "cells": (
        "mem_cells_24M.csv",
        "SELECT 'ACC-' || a AS account_id, strftime(DATE '2025-01-01' + to_months(CAST(m AS INTEGER)), '%Y-%m') "
        "AS month, 'Company ' || a AS account_name, 'CSM ' || (a % 60) AS csm, "
        "['SMB', 'Mid-Market', 'Enterprise'][1 + a % 3] AS segment, 1000 + (a * 7919) % 500000 AS arr, "
        + ", ".join(f"(a * {k + 3} + m) % 100 AS {s}" for k, s in enumerate(SIGNALS))
        + ", "
        + ", ".join(f"(a + m * {k}) % 1000 AS extra_{k}" for k in range(13))
        + " FROM range(100000) t(a), range(10) s(m)",
        {},
    ),
    "columns": ("mem_columns_20k.csv", "", {}),
}


def _status(field: str) -> int:
    """A ``/proc/self/status`` figure (VmHWM, VmRSS) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def _wide_csv(path: Path, columns: int = 20_000, rows: int = 500) -> None:
    """The 20k-column file, written line by line (DuckDB's writer needs more than 1 GB for that width)."""
    extra = columns - 1 - len(SIGNALS)
    with path.open("w") as out:
        out.write(",".join(["account_id", *SIGNALS, *(f"c{k}" for k in range(extra))]) + "\n")
        for i in range(rows):
            cells = [f"ACC-{i}", *(str((i * (k + 3)) % 100) for k in range(len(SIGNALS)))]
            cells.extend(str((i + k) % 10) for k in range(extra))
            out.write(",".join(cells) + "\n")


def generate(shape: str) -> None:
    """Child: write one shape's CSV (its memory is not the scoring child's); an existing file is kept."""
    sys.path.insert(0, str(ROOT))
    from scoring.db import engine

    name, select, _ = SHAPES[shape]
    path = OUT / name
    if path.exists():
        return
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    if shape == "columns":
        _wide_csv(partial)
    else:
        select = select or next(s for n, s, _ in SHAPES.values() if n == name and s)
        con = engine()
        con.execute(f"COPY ({select}) TO '{partial}' (HEADER, DELIMITER ',')").fetchall()
        con.close()
    partial.rename(path)


def score(shape: str) -> None:
    """Child: the page's cached scoring call on one file, holding the upload as the page holds it.

    ``_scored`` is the function ``upload.score`` calls: it runs ``load_portfolio``
    and Streamlit's run cache pickles the result.  Outside a server the cache
    works the same in memory (Streamlit logs that no runtime is running).
    Prints one JSON line of figures.
    """
    sys.path.insert(0, str(ROOT))
    logging.disable(logging.WARNING)  # "no runtime" notes from Streamlit, once per call
    from pages.ui.portfolio import upload as page
    from scoring.catalog import get_model
    from scoring.portfolio.contract import Export
    from scoring.portfolio.limits import release_memory
    from scoring.storage import Store

    name = SHAPES[shape][0]
    path = OUT / name
    model = get_model(MODEL)
    before = _status("VmRSS")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        # The uploader's record and the session's Export share one bytes object: an UploadedFile is a
        # BytesIO over the record's bytes, and getvalue() on an untouched BytesIO hands back that object.
        uploaded = path.read_bytes()
        source = page.source_of([Export(name, uploaded)])
        started = time.perf_counter()
        result, _ = page._scored(source.digest, page.fingerprint(model), (), "", source, model, store)
        seconds = time.perf_counter() - started
        peak = _status("VmHWM")
        accounts = len(result.accounts)
        first = result.errors[0].message if result.errors else ""
        pickled = len(pickle.dumps(result)) / 2**20
        del result, source, uploaded
        page._scored.clear()  # the session and its cache entry gone
        release_memory()
        retained = _status("VmRSS")
        store.close()
    print(
        json.dumps(
            {
                "shape": shape,
                "file_mb": round(path.stat().st_size / 2**20, 1),
                "start_mb": before,
                "peak_mb": peak,
                "retained_mb": retained,
                "pickled_mb": round(pickled, 1),
                "accounts": accounts,
                "seconds": round(seconds, 1),
                "error": first[:110],
            }
        )
    )


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from scoring.portfolio.limits import MEMORY_BUDGET_MB  # the one budget: the page's cap is sized to it

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--budget-mb", type=int, default=MEMORY_BUDGET_MB)
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    parser.add_argument("--score", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        return generate(args.generate)
    if args.score:
        return score(args.score)
    shapes = [s for s in args.shapes.split(",") if s]
    for shape in shapes:
        subprocess.run([sys.executable, __file__, "--generate", shape], check=True)
    print(f"budget: {args.budget_mb} MB peak RSS per scoring run (whole process)")
    print(
        f"{'shape':16} {'file MB':>8} {'start MB':>8} {'peak MB':>8} {'kept MB':>8} {'cached MB':>9} {'accounts':>9} "
        f"{'s':>6}  verdict / message"
    )
    for shape in shapes:
        env = {**os.environ, **SHAPES[shape][2]}
        run = subprocess.run(
            [sys.executable, __file__, "--score", shape], env=env, capture_output=True, text=True, check=False
        )
        if run.returncode:
            print(f"{shape:16} child failed ({run.returncode}): {run.stderr.strip().splitlines()[-1:]}")
            continue
        row = json.loads(run.stdout.strip().splitlines()[-1])
        verdict = "within budget" if row["peak_mb"] <= args.budget_mb else "OVER BUDGET"
        print(
            f"{shape:16} {row['file_mb']:8.1f} {row['start_mb']:8d} {row['peak_mb']:8d} {row['retained_mb']:8d} "
            f"{row['pickled_mb']:9.1f} {row['accounts']:9d} {row['seconds']:6.1f}  {verdict}"
            + (f"; {row['error']}" if row["error"] else "")
        )


if __name__ == "__main__":
    main()
