"""`python -m scoring portfolio FILE... --model ID [--map SOURCE=FIELD ...] [--mapping FILE] [--as-of DATE]`.

Day counts and "newly red" are measured to one as-of date, printed on stderr
("as of 2026-06-30 (...)"): the date given with ``--as-of``, else the end of
the latest month in the files.

Prints the same per-account table as the portfolio page, in triage order, as
formula-safe CSV on stdout, written by DuckDB straight from the ranked table
(``finish.export_selects``): the same bytes as the page's download.
``--mapping`` reads the column mapping the page downloads, so both read the
same exports the same way (``--map`` entries win over it).  A model signal
the files leave empty for most accounts is named on stderr in the page's own
sentence.  Problems go to stderr, one line each; the exit code is 0 when at
least one account was scored and 2 (with a single line of explanation) when
nothing could be.  The pipeline never raises on bad input, so there is no
traceback to print.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TextIO

from scoring.cli.common import UsageError, resolve_model
from scoring.model import Model
from scoring.portfolio.contract import Export, InputProblem, RunSummary
from scoring.portfolio.ingest.fields import model_fields
from scoring.portfolio.ingest.gaps import signal_coverage
from scoring.portfolio.ingest.mapping import IGNORE
from scoring.portfolio.ingest.mapping_file import MappingFileError, read_mapping_file
from scoring.portfolio.run import score_exports, stream_exports


def parse_overrides(items: list[str], model: Model) -> dict[str, str]:
    """--map values as {source header: field}; the field may be 'ignore'."""
    fields = model_fields(model)
    overrides: dict[str, str] = {}
    for item in items:
        source, sep, target = item.rpartition("=")
        target = target.strip()
        if not sep or not source.strip():
            raise UsageError(f"--map {item!r}: write it as SOURCE_COLUMN=FIELD")
        if target.lower() not in IGNORE and target not in fields:
            raise UsageError(f"--map {item!r}: {target!r} is not a field; choose from {', '.join(fields)} or ignore")
        overrides[source.strip()] = target
    return overrides


def _line(problem: InputProblem) -> str:
    text = f"{problem.file}: {problem.message} {problem.fix}"
    return " ".join(text.split())


def as_of_date(text: str | None) -> date | None:
    """--as-of as a date; a wrong one is a usage error showing the expected shape."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--as-of {text!r}: write the date as YYYY-MM-DD, e.g. 2026-06-30") from None


def run_portfolio(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    model = resolve_model(args.model)
    overrides: dict[str, str | None] = {}
    if getattr(args, "mapping", None) is not None:
        try:
            overrides.update(read_mapping_file(args.mapping, model))
        except MappingFileError as exc:
            raise UsageError(str(exc)) from None
    overrides.update(parse_overrides(args.map, model))
    exports = [Export.from_path(path) for path in args.files]
    requested = as_of_date(getattr(args, "as_of", None))
    # Without --save the table goes from DuckDB to stdout as it is ranked; --save keeps the whole frame.
    result = score_exports(exports, model, overrides, as_of=requested) if args.save else None
    summary: RunSummary = result or stream_exports(exports, model, out, overrides, as_of=requested)
    if not summary.scored:
        reason = summary.errors[0] if summary.errors else None
        raise UsageError("nothing could be scored" + (f": {_line(reason)}" if reason else ""))
    if summary.as_of is not None:
        if requested:
            why = "given with --as-of"
        elif summary.periods:
            why = "the end of the latest month in the files; set it with --as-of"
        else:
            why = "today: no file has a month column; set it with --as-of"
        err.write(f"as of {summary.as_of:%Y-%m-%d} ({why})\n")
    for problem in summary.problems:
        err.write(f"{'error' if problem.severity == 'error' else 'warning'}: {_line(problem)}\n")
    gap = signal_coverage(model, summary).sentence()
    if gap:
        err.write(f"warning: {gap}\n")
    if result is not None:
        # Imported here: snapshots and the frame writer bring pandas, which a plain run never needs.
        from scoring.cli.snapshots import save_portfolio
        from scoring.csv_export import to_csv
        from scoring.portfolio.finish import export_table

        result = save_portfolio(requested, model, exports, overrides, result, err)
        out.write(to_csv(export_table(model, result.accounts)))
    return 0
