"""Figures for reading real exports: header recognition and the line-ending check.

Prints, for the header corpus (tests/header_corpus.py):

* how many of its headers map as the corpus says with no clicks, per tool and
  in total, and how many of the mapped ones needed the qualifier rule
  (medium confidence) rather than a known name as it stands;
* how long recognising one header row takes (the whole corpus, repeated).

And, for the check that every CSV now gets (do its rows end in more than one
way?), the time to scan a generated file of --mb megabytes that is clean, and
to scan and rewrite one whose line endings are mixed, next to the time the
pipeline takes to score the clean file: the share of a load the check costs.

Run: python bench/bench_header_recognition.py [--mb 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring.catalog import get_model
from scoring.portfolio.contract import Export
from scoring.portfolio.ingest.mapping import resolve_mapping
from scoring.portfolio.ingest.read import _mixed_line_endings, _one_line_ending
from scoring.portfolio.run import score_exports
from tests.header_corpus import CASES

MODEL = get_model("technical-csm")


def corpus(repeat: int) -> None:
    total = right = trimmed = 0
    print(f"{'tool':<26}{'headers':>8}{'as expected':>13}{'by qualifier rule':>19}")
    for case in CASES:
        mapping, _ = resolve_mapping("x.csv", list(case.headers), MODEL)
        ok = sum(1 for h, f in case.headers.items() if mapping.columns[h] == f)
        rule = sum(1 for r in mapping.reasons.values() if r == "qualifier")
        total, right, trimmed = total + len(case.headers), right + ok, trimmed + rule
        print(f"{case.tool:<26}{len(case.headers):>8}{ok:>13}{rule:>19}")
    print(f"{'all':<26}{total:>8}{right:>13}{trimmed:>19}   ({100 * right / total:.1f}% with no clicks)")
    started = time.perf_counter()
    for _ in range(repeat * 20):
        for case in CASES:
            resolve_mapping("x.csv", list(case.headers), MODEL)
    per_row = (time.perf_counter() - started) / (repeat * 20 * len(CASES))
    print(f"recognising one header row: {per_row * 1000:.2f} ms")


def _write(path: Path, mb: int, mixed: bool) -> None:
    row = "A{:07d},Account {:07d},{},{},{}"
    with path.open("w", newline="") as fh:
        fh.write("Account ID,Account Name,Usage %,Licensed Seats,Active Users\n")
        i = 0
        while fh.tell() < mb * 1_000_000:
            end = "\r\n" if mixed and i % 2 else "\n"
            fh.write(row.format(i, i, i % 100, 50 + i % 7, i % 50) + end)
            i += 1


def line_endings(mb: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        clean, mixed = work / "clean.csv", work / "mixed.csv"
        _write(clean, mb, mixed=False)
        _write(mixed, mb, mixed=True)
        scan = min(_timed(lambda: _mixed_line_endings(clean)) for _ in range(repeat))
        fix = min(_timed(lambda: _one_line_ending(mixed, work, 0)) for _ in range(repeat))
        load = min(_timed(lambda: score_exports([Export.from_path(clean)], MODEL)) for _ in range(repeat))
        print(f"{mb} MB CSV: line-ending scan {scan:.2f} s; scan+rewrite when mixed {scan + fix:.2f} s; ")
        print(f"  whole load of the clean file {load:.2f} s; the scan is {100 * scan / load:.1f}% of it")


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus(args.repeat)
    line_endings(args.mb, args.repeat)
