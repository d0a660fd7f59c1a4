"""Benchmark the portfolio CLI against DuckDB's bare parse, process to process.

Generates exports of 10k and 100k accounts x 24 months (the larger is 2.4M
rows) in three flavours, each as CSV and Parquet, under bench/out/ (not
committed).  Generation runs in its own process, so no measured process is
started from a parent that has just held millions of rows:

* ``analytics``: what a product-analytics tool exports: plain numbers and
  ISO dates, CRM columns alongside;
* ``crm``: the same data formatted the way CRMs export it: "$120,000",
  "35%", MM/DD/YYYY dates;
* ``nps10``: the analytics file with NPS on a 0-10 scale, which the
  pipeline rescales to -100..100 and warns about.

Each repeat runs a *pair* back to back: a bare-parse process
(``SELECT max(COLUMNS(*)) FROM read_csv(...)`` with the pipeline's DuckDB
settings; for Parquet ``max(hash(COLUMNS(*)))``, since a plain max is
answered from the footer) and ``python -m scoring portfolio FILE``, both
timed from process start to exit.  The ratio of each pair is printed, so a
burst of load from other work moves both halves of a pair rather than one
figure.  The ratio of their CPU seconds is printed too: it moves least when
other work competes for the cores.  For every measure the minimum and the
median over ``--repeat`` are printed, with the load average when the row
finished.

Peak RSS is each process's own: the bare parse and the in-process paths read
``VmHWM`` from ``/proc/self/status`` just before they exit; the CLI's comes
from ``os.wait4`` on that one child (the bench's own process is small, so
nothing large is inherited).  Targets at 2.4M rows: CLI <= 2.75x the bare
parse; at 1M accounts x 24 months, CLI peak RSS < 1.5 GB.

With ``--inproc`` it also times, inside fresh processes with imports done
before the clock starts: the CLI's work alone, a floor for any per-account
answer (DuckDB keeping each account's latest row), the page's own scoring
call (``load_portfolio``) and a plain pandas read + groupby.

Run: python bench/bench_portfolio.py [--sizes 10000,100000] [--months 24] [--repeat 3]
     [--flavours analytics,crm,nps10] [--formats csv,parquet] [--inproc] [--model technical-csm]
The machine may be shared: compare ratios and minimums, and read the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
MODEL = "technical-csm"


def paths(accounts: int, months: int, flavour: str) -> tuple[Path, Path]:
    csv_path = OUT / f"{flavour}_{accounts}x{months}.csv"
    return csv_path, csv_path.with_suffix(".parquet")


def generate(accounts: int, months: int, flavour: str) -> tuple[Path, Path]:
    """The two files, written by a separate process when missing (its peak memory stays out of ours)."""
    csv_path, parquet_path = paths(accounts, months, flavour)
    if not (csv_path.exists() and parquet_path.exists()):
        subprocess.run([sys.executable, __file__, "--generate", str(accounts), str(months), flavour], check=True)
    return csv_path, parquet_path


def _generate(accounts: int, months: int, flavour: str) -> None:
    """Write <flavour>_<accounts>x<months>.csv and .parquet with DuckDB (fast and deterministic)."""
    sys.path.insert(0, str(ROOT))
    from scoring.db import engine

    OUT.mkdir(parents=True, exist_ok=True)
    csv_path, parquet_path = paths(accounts, months, flavour)
    nps = "CAST(round(100 * (2 * h - 1)) AS INTEGER)"
    if flavour == "nps10":
        nps = "CAST(round(10 * h) AS INTEGER)"
    if flavour == "crm":
        arr = "'$' || format('{:,}', arr)"
        usage = "usage || '%'"
        renewal = "strftime(renewal, '%m/%d/%Y')"
        month = "strftime(month, '%Y-%m')"
        checkin = "strftime(checkin, '%m/%d/%Y')"
    else:
        arr, usage, renewal, month, checkin = "arr", "usage", "renewal", "month", "checkin"
    select = f"""
        WITH base AS (
            SELECT a, m,
                   'ACC-' || lpad(CAST(a AS VARCHAR), 7, '0') AS id,
                   10 + (a * 7919) % 990 AS seats,
                   2000 + (a * 104729) % 500000 AS arr,
                   DATE '2026-01-01' + CAST((a * 31) % 400 AS INTEGER) AS renewal,
                   CAST(DATE '2024-04-01' + to_months(CAST(m AS INTEGER)) AS DATE) AS month,
                   0.35 + 0.6 * ((a * 13 + m * 7) % 100) / 100.0 AS h
            FROM range({accounts}) t(a), range({months}) s(m)
        ), shaped AS (
            SELECT *, month + CAST(27 - (a % 40) AS INTEGER) AS checkin,
                   CAST(round(100 * h) AS INTEGER) AS usage
            FROM base
        )
        SELECT id AS "Account ID",
               'Company ' || a AS "Account Name",
               'CSM ' || (a % 60) AS "CSM",
               ['SMB', 'Mid-Market', 'Enterprise'][1 + a % 3] AS "Segment",
               {arr} AS "ARR",
               {renewal} AS "Renewal Date",
               seats AS "Licensed Seats",
               {month} AS "Month",
               CAST(round(seats * h) AS INTEGER) AS "Active Users",
               CAST(round(seats * h * 12) AS INTEGER) AS "Logins",
               {usage} AS "Usage %",
               {checkin} AS "Last Check-in",
               CAST((a + m) % 9 AS INTEGER) AS "Tickets",
               CAST((a * m) % 3 AS INTEGER) AS "P1/P2",
               {nps} AS "NPS",
               usage AS "CSAT",
               usage AS "teams_live",
               CAST(round(40 * (1 - h)) AS INTEGER) AS "override_rate"
        FROM shaped
        ORDER BY a, m
    """
    con = engine()
    con.execute(f"COPY ({select}) TO '{csv_path}' (HEADER, DELIMITER ',')").fetchall()
    con.execute(f"COPY ({select}) TO '{parquet_path}' (FORMAT parquet)").fetchall()
    con.close()


def _peak_mb() -> float:
    """This process's own peak RSS (VmHWM): unlike ru_maxrss it never carries a parent's peak over."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _bare(path: str) -> None:
    """The floor every reader pays: DuckDB parsing every cell of the file, with the pipeline's settings."""
    from scoring.db import engine

    con = engine()
    if path.endswith(".parquet"):
        # max() alone is answered from the footer statistics without reading a page; hashing forces a read.
        con.execute("SELECT max(hash(COLUMNS(*))) FROM read_parquet(?)", [path]).fetchall()
    else:
        con.execute("SELECT max(COLUMNS(*)) FROM read_csv(?)", [path]).fetchall()


def _child(kind: str, path: str) -> None:
    """Run one measured path in this fresh process and print JSON (seconds of work, CPU, own peak RSS).

    ``bare`` imports only the engine, as a script that just parses would.
    The in-process kinds import before the clock starts, so their seconds
    are the work itself.
    """
    sys.path.insert(0, str(ROOT))
    if kind == "bare":
        started = time.perf_counter()
        cpu0 = time.process_time()
        _bare(path)
    else:
        import pandas as pd

        from scoring.cli.main import main
        from scoring.db import engine

        started = time.perf_counter()
        cpu0 = time.process_time()
        if kind == "pipeline":
            with open(os.devnull, "w") as sink:
                code = main(["portfolio", path, "--model", MODEL], out=sink, err=sink)
            assert code == 0
        elif kind == "page":
            from scoring.catalog import get_model
            from scoring.portfolio import load_portfolio
            from scoring.portfolio.contract import Export

            result = load_portfolio([Export.from_path(Path(path))], get_model(MODEL))
            assert not result.accounts.empty
        elif kind == "floor":
            con = engine()
            reader = "read_parquet(?)" if path.endswith(".parquet") else "read_csv(?)"
            con.execute(
                'CREATE TEMP TABLE latest AS SELECT "Account ID", '
                f'arg_max(COLUMNS(* EXCLUDE ("Account ID")), "Month") FROM {reader} GROUP BY 1',
                [path],
            ).fetchall()
        else:
            frame = pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)
            frame.groupby("Account ID").last()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rss_mb": _peak_mb()}))


def _process(argv: list[str]) -> tuple[float, float, float, str]:
    """Run one child to exit: (wall seconds, CPU seconds, its own peak RSS in MB, its stdout).

    ``os.wait4`` gives the rusage of that one child (getrusage(RUSAGE_CHILDREN)
    would mix every child so far); the bench itself stays small, so the peak
    is the child's own.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(argv, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(argv[1:])} failed: {err.read().decode(errors='replace')}")
        text = out.read().decode()
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text


def _in_child(kind: str, path: Path) -> dict[str, float]:
    """One fresh process running ``kind``: its own figures plus process wall and CPU time."""
    seconds, cpu, _, text = _process([sys.executable, __file__, "--child", kind, str(path)])
    result: dict[str, float] = json.loads(text.strip().splitlines()[-1])
    result["process"] = seconds
    result["process_cpu"] = cpu
    return result


def _cli(path: Path, model: str) -> dict[str, float]:
    """``python -m scoring portfolio FILE`` as a user runs it (stdout to a file, as a redirect would)."""
    seconds, cpu, rss, _ = _process([sys.executable, "-m", "scoring", "portfolio", str(path), "--model", model])
    return {"process": seconds, "process_cpu": cpu, "rss_mb": rss}


def _stats(values: list[float]) -> tuple[float, float]:
    return min(values), statistics.median(values)


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def measure_pairs(path: Path, repeat: int, model: str = MODEL) -> dict[str, tuple[float, float]]:
    """``repeat`` bare-parse/CLI pairs, each timed process to process; min and median of every figure."""
    bare, cli = [], []
    for _ in range(repeat):
        bare.append(_in_child("bare", path))
        cli.append(_cli(path, model))
    pairs = list(zip(bare, cli, strict=True))
    return {
        "bare": _stats([b["process"] for b in bare]),
        "cli": _stats([c["process"] for c in cli]),
        "ratio": _stats([c["process"] / b["process"] for b, c in pairs]),
        "cpu_ratio": _stats([c["process_cpu"] / b["process_cpu"] for b, c in pairs]),
        "bare_rss": _stats([b["rss_mb"] for b in bare]),
        "cli_rss": _stats([c["rss_mb"] for c in cli]),
    }


def measure_inproc(kind: str, path: Path, repeat: int) -> dict[str, tuple[float, float]]:
    runs = [_in_child(kind, path) for _ in range(repeat)]
    return {"seconds": _stats([r["seconds"] for r in runs]), "rss": _stats([r["rss_mb"] for r in runs])}


def _pair(figure: tuple[float, float], fmt: str) -> str:
    return f"{format(figure[0], fmt)}/{format(figure[1], fmt)}"


def _compile_bytecode() -> None:
    """Compile the package's bytecode first, as Python does on any first run.

    Under ``PYTHONDONTWRITEBYTECODE`` (set on some machines, this sandbox
    included) nothing is cached, and every measured process would compile
    the package's source again: about 0.3 s that no installed copy pays.
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "scoring")], check=True)
    print("bytecode compiled (python -m compileall scoring), as a first run leaves it")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--flavours", default="analytics,crm,nps10")
    parser.add_argument("--formats", default="csv,parquet", help="which of each flavour's files to measure")
    parser.add_argument("--repeat", type=int, default=3, help="pairs (and in-process runs) per file")
    parser.add_argument("--inproc", action="store_true", help="also time the work inside fresh processes")
    parser.add_argument("--model", default=MODEL, help="the model the CLI runs score with (three-pillar reads NPS)")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs=3, metavar=("ACCOUNTS", "MONTHS", "FLAVOUR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    if args.generate:
        _generate(int(args.generate[0]), int(args.generate[1]), args.generate[2])
        return
    formats = set(args.formats.split(","))
    _compile_bytecode()
    print(
        f"model {args.model}; min/median over {args.repeat} runs; seconds are process start to exit; "
        "RSS is each process's own peak"
    )
    print(
        f"{'file':32} {'rows':>10} {'CLI s':>11} {'bare s':>11} {'CLI/bare':>11} {'cpu ratio':>11} "
        f"{'CLI MB':>11} {'bare MB':>11}  load 1/5/15"
    )
    for flavour in args.flavours.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            for path in generate(size, args.months, flavour):
                if path.suffix.lstrip(".") not in formats:
                    continue
                m = measure_pairs(path, args.repeat, args.model)
                print(
                    f"{path.name:32} {size * args.months:>10,} {_pair(m['cli'], '.2f'):>11} "
                    f"{_pair(m['bare'], '.2f'):>11} {_pair(m['ratio'], '.2f'):>11} {_pair(m['cpu_ratio'], '.2f'):>11} "
                    f"{_pair(m['cli_rss'], '.0f'):>11} {_pair(m['bare_rss'], '.0f'):>11}  {_load()}",
                    flush=True,
                )
                if args.inproc:
                    for kind in ("pipeline", "floor", "page", "pandas"):
                        r = measure_inproc(kind, path, args.repeat)
                        print(
                            f"  in-process {kind:10} {_pair(r['seconds'], '.2f'):>11} s "
                            f"{_pair(r['rss'], '.0f'):>11} MB  {_load()}",
                            flush=True,
                        )


if __name__ == "__main__":
    main()
