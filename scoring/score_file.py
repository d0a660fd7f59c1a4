"""`python -m scoring score FILE`: every row of a signal-id CSV scored by the formula's SQL twin.

The command used to score row by row in Python (about 40 µs a row, 12 s for
300k accounts).  Here DuckDB reads the file, parses the numbers, scores with
``scoring.portfolio.compute.formula_sql`` (the statement the portfolio runs,
held equal to ``scoring.engine`` by a property test) and writes the CSV with
``COPY``, so no row is held in a Python list.  What the user sees is the
Python command's, byte for byte:

* Cells are read as ``csv.DictReader`` reads them.  DuckDB's reader agrees
  with it on well-formed files; on the few shapes where the two differ (a
  quoted field with spaces outside its quotes, a line break in a quoted
  header, a row longer than the header, a blank line in a one-column file)
  DuckDB refuses or the byte scan (``_shape``) sends the file round the
  Python reader first, which rewrites it in a form both read alike
  (``_normalised``).  Slower, never different.  The Python command read the
  file as text, so CR and CRLF inside a quoted cell became LF; so they do here.
* A number is ``float(cell.strip().rstrip("%"))``, finite and inside the
  signal's range, else it is left out (never zero).  DuckDB casts what it
  reads as Python does (``85``, ``-1.5e3``); any other non-empty cell
  (``35%``, ``1_000``, junk) goes to the Python rule itself
  (``parse_number``), as a SQL function.
* A bonus column counts when its cell is one of ``scoring.flags``' yes words.
* Warnings name the file, row and column, as before: DuckDB only flags the
  rows that may have one, and the Python rules (``row_warnings``) word them.
"""

from __future__ import annotations

import csv
import itertools
import math
import re
import tempfile
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from scoring.csv_export import KEEP_NUMBERS_FUNCTIONS, copy_lines, safe_cell_sql, text_cell
from scoring.db import THREADS, Connection, DuckDBError, engine_with_text_functions
from scoring.engine import NoSignals, score
from scoring.flags import FALSE_WORDS, TRUE_WORDS
from scoring.hidden_chars import HIDDEN_RANGES
from scoring.model import Model, Signal
from scoring.portfolio.compute.formula_sql import score_select
from scoring.portfolio.sqlkit import Params, quote
from scoring.private_files import process_dir

YES = frozenset(TRUE_WORDS)
NO = frozenset(("", *FALSE_WORDS))  # a blank bonus cell simply means no

# A quote next to a space or tab: DuckDB trims such spaces, the csv module keeps them.
_SPACED_QUOTE = re.compile(rb'[ \t\x0b\x0c]"|"[ \t\x0b\x0c]')
# Every character hidden_chars strips, as UTF-8 bytes, but the CR: line ends consume it, and a CR
# inside a quoted cell becomes a line feed (as the Python command's text read made it).
_HIDDEN_BYTES = re.compile(
    b"|".join(
        re.escape(chr(code).encode("utf-8"))
        for first, last in HIDDEN_RANGES
        for code in range(first, last + 1)
        if code != 0x0D
    )
)
_BLANK_LINE = re.compile(rb"\n\r?\n|\r\r")
_CHUNK = 1 << 20
_CSV_BUFFER = 2 << 20  # DuckDB's default is 32 MB; 2 MB is its longest line, and reads as fast
_NUMBER_FN = "hs_score_number"
_YES_FN = "hs_score_yes"


class ScoreFileError(ValueError):
    """The file cannot be scored at all; the message names the file and what to do."""


class CellProblem(ValueError):
    """One cell is not a usable value; the message names its place."""


def parse_number(text: str, where: str) -> float:
    """The number a cell or --set value holds: ``85``, ``85.5`` and ``85%`` all read as 85-ish numbers."""
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        raise CellProblem(f"{where}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise CellProblem(f"{where}: {text!r} is not a finite number")
    return value


def in_range(signal: Signal, value: float, where: str) -> float:
    """Refuse values off the signal's scale rather than silently clipping them."""
    if not signal.min <= value <= signal.max:
        raise CellProblem(f"{where}: {value:g} is outside {signal.label}'s range {signal.min:g} to {signal.max:g}")
    return value


def row_bonuses(
    model: Model, row: Mapping[str, str | None], given: Sequence[str], where: str
) -> tuple[list[str], list[str]]:
    """--bonus flags plus any bonus column (named by bonus id) marked yes; and a warning per unreadable cell."""
    chosen = list(given)
    warnings: list[str] = []
    for bonus in model.bonuses:
        cell = (row.get(bonus.id) or "").strip().lower()
        if cell in YES and bonus.id not in chosen:
            chosen.append(bonus.id)
        elif cell not in YES | NO:
            warnings.append(f"{where}, column {bonus.id}: {cell!r} is not yes/no; bonus not applied")
    return chosen, warnings


def row_values(
    model: Model, row: Mapping[str, str | None], used: Sequence[str], where: str
) -> tuple[dict[str, float | None], list[str]]:
    """The row's signal values (bad cells left out, never zero) and a warning per bad cell."""
    values: dict[str, float | None] = {}
    warnings: list[str] = []
    for column in used:
        cell = (row.get(column) or "").strip()
        if not cell:
            continue
        place = f"{where}, column {column}"
        try:
            values[column] = in_range(model.signal(column), parse_number(cell, place), place)
        except CellProblem as exc:
            warnings.append(f"{exc}; left out")
    return values, warnings


def row_warnings(
    model: Model, row: Mapping[str, str | None], used: Sequence[str], given: Sequence[str], where: str
) -> list[str]:
    """Every warning the row earns, in the order the Python command wrote them."""
    values, warnings = row_values(model, row, used, where)
    chosen, bonus_warnings = row_bonuses(model, row, given, where)
    warnings += bonus_warnings
    try:
        score(model, values, chosen)
    except NoSignals:
        warnings.append(f"{where}: no signal values; not scored")
    return warnings


@dataclass(frozen=True)
class Layout:
    """The file's header: its columns as written, and which of them name the model's signals."""

    columns: tuple[str, ...]
    used: tuple[str, ...]  # signal columns in file order (a repeated header repeats, as DictReader reads it)

    def last(self, name: str) -> int:
        """The position whose cell a repeated header reads (DictReader keeps the last one)."""
        return max(i for i, c in enumerate(self.columns) if c == name)


def _read_error(path: Path, exc: Exception) -> ScoreFileError:
    if isinstance(exc, FileNotFoundError):
        return ScoreFileError(f"{path}: no such file")
    return ScoreFileError(f"{path}: cannot read it as UTF-8 CSV ({exc.__class__.__name__})")


def _header(path: Path) -> tuple[list[str], bool]:
    """The header row, and whether it sits on one physical line (so DuckDB can skip exactly one)."""
    try:
        with path.open(encoding="utf-8-sig") as handle:  # line ends translated, as the Python command read files
            first = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError) as exc:
        raise _read_error(path, exc) from None
    return first, not any("\n" in c or "\r" in c for c in first)


@dataclass(frozen=True)
class Shape:
    """What a byte scan of the file says about reading it with DuckDB."""

    plain: bool  # DuckDB reads the cells the csv module reads
    carriage_returns: bool  # a cell may hold a CR that the Python reader turned into a line feed
    blank_lines: bool  # the csv module skips them; in a one-column file DuckDB reads an empty cell
    hidden: bool  # a character ``safe_cell`` strips (a CR aside: no cell keeps one)


def _shape(path: Path) -> Shape:
    """Scan the file in 1 MB chunks: quotes with spaces outside them are the one shape DuckDB reads differently.

    Anything else odd (ragged rows, stray quotes, bad UTF-8) DuckDB refuses, and the file goes round
    ``_normalised``.
    """
    tail = b""
    plain, carriage_returns, blank_lines, hidden = True, False, False, False
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            seen = tail + chunk
            carriage_returns = carriage_returns or b"\r" in chunk
            blank_lines = blank_lines or _BLANK_LINE.search(seen) is not None
            hidden = hidden or _HIDDEN_BYTES.search(seen) is not None
            plain = plain and not ((b'"' in chunk or tail.endswith(b'"')) and _SPACED_QUOTE.search(seen))
            tail = chunk[-2:]
    return Shape(plain, carriage_returns, blank_lines, hidden)


def _normalised(path: Path, width: int, rewrite: Reading) -> Reading:
    """The file rewritten by the csv module, every cell quoted: the shape DuckDB reads exactly as DictReader does.

    Rows DictReader skips (blank lines) are skipped; short rows are padded
    and long ones cut to the header, as DictReader reads them.
    """
    try:
        with path.open(encoding="utf-8-sig") as source, rewrite.path.open("w", encoding="utf-8", newline="") as out:
            reader = csv.reader(source)
            writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
            for row in reader:
                if row:
                    writer.writerow((row + [""] * width)[:width])
    except (OSError, UnicodeDecodeError) as exc:
        raise _read_error(path, exc) from None
    return rewrite


def _cell(i: int) -> str:
    return quote(f"cell {i}")  # never a signal or bonus id: those have no spaces


def _case_variants(words: Sequence[str]) -> list[str]:
    """Every upper/lower spelling of the words, so DuckDB can match them without its own idea of lower()."""
    return sorted(
        {"".join(chars) for w in words for chars in itertools.product(*({c, c.upper(), c.lower()} for c in w))}
    )


def _number_text(text: str) -> str:
    """``parse_number`` as a SQL function of text: the value's exact ``repr``, or '' for a cell it refuses.

    Text in and out keeps it the same kind of function as the CSV writer's; ``repr`` reads back to the
    same double.  The warning for a refused cell is worded later, by ``row_warnings``.
    """
    if not text.strip():
        return ""
    try:
        return repr(parse_number(text, ""))
    except CellProblem:
        return ""


def _yes_text(text: str) -> str:
    """Whether a bonus cell says yes, as a SQL function of text: '1' or ''."""
    return "1" if text.strip().lower() in YES else ""


def _engine() -> Connection:
    """A scratch engine with the three Python rules as SQL functions, on one thread.

    One thread: an ordered ``COPY`` on two holds finished batches until the ones before them are
    written (20 MB more at 300k accounts, growing with the file).  Only ``_survey``'s count, which
    holds no rows back, is run on every thread.
    """
    con = engine_with_text_functions({**KEEP_NUMBERS_FUNCTIONS, _NUMBER_FN: _number_text, _YES_FN: _yes_text})
    con.execute("SET threads = 1")
    return con


def _without_derivations(model: Model) -> Model:
    """The model reading only signal-id columns: a CSV scored here has no canonical fields to derive from."""
    return replace(model, signals=tuple(replace(s, derive=None) for s in model.signals))


def _number_sql(cell: str) -> str:
    """A cell's number: DuckDB's own cast where it reads as Python does, else ``parse_number`` itself.

    DuckDB's cast accepts what ``float`` accepts, to the same double, with one exception found by
    fuzzing: a ``+-`` sign, which Python refuses (the property tests hold this).  A cell DuckDB
    cannot cast (``85%``, ``1_000``, junk) goes to the Python rule, so only odd cells pay for Python.
    """
    return (
        f"CASE WHEN {cell} IS NULL OR contains({cell}, '+-') THEN NULL "
        f"ELSE COALESCE(TRY_CAST({cell} AS DOUBLE), TRY_CAST(NULLIF({_NUMBER_FN}({cell}), '') AS DOUBLE)) END"
    )


def _facts(model: Model, layout: Layout, source: str, given: Sequence[str], p: Params) -> str:
    """One row per CSV record: cells, signal values (NULL when missing or bad), bonus flags, a suspect mark.

    A row is a suspect when a non-empty signal cell gave no value or a bonus cell is not a plain yes/no
    word: only those rows can earn a warning, and ``row_warnings`` words them.
    """
    cells = [_cell(i) for i in range(len(layout.columns))]
    parsed: list[str] = []  # layer 1: each signal cell's number, cast once
    values: list[str] = []  # layer 2: the number when it is on the signal's scale
    suspect: list[str] = []
    for signal in model.signals:
        if signal.id not in layout.used:
            values.append(f"CAST(NULL AS DOUBLE) AS {quote(signal.id)}")
            continue
        cell, number = _cell(layout.last(signal.id)), quote(f"number {signal.id}")
        parsed.append(f"{_number_sql(cell)} AS {number}")
        lo, hi = p.num(signal.min), p.num(signal.max)
        values.append(f"CASE WHEN {number} BETWEEN {lo} AND {hi} THEN {number} END AS {quote(signal.id)}")
        suspect.append(f"(NULLIF({cell}, '') IS NOT NULL AND NOT COALESCE({number} BETWEEN {lo} AND {hi}, false))")
    for bonus in model.bonuses:
        given_flag = "true" if bonus.id in given else "false"
        if bonus.id not in layout.columns:
            values.append(f"{given_flag} AS {quote(bonus.id)}")
            continue
        yes, no = p.text_list(_case_variants(TRUE_WORDS)), p.text_list(_case_variants(FALSE_WORDS))
        cell = _cell(layout.last(bonus.id))
        values.append(
            f"({given_flag} OR CASE WHEN {cell} IS NULL THEN false WHEN list_contains({yes}, {cell}) THEN true "
            f"WHEN list_contains({no}, {cell}) THEN false ELSE {_YES_FN}({cell}) = '1' END) AS {quote(bonus.id)}"
        )
        suspect.append(
            f"(NULLIF({cell}, '') IS NOT NULL AND NOT (list_contains({yes}, {cell}) OR list_contains({no}, {cell})))"
        )
    inner = f"SELECT {', '.join([*cells, *parsed])} FROM {source}"
    marks = " OR ".join(suspect) or "false"
    return (
        f"(SELECT NULL AS account_id, NULL AS period, {', '.join(cells)}, {', '.join(values)}, "
        f"({marks}) AS _suspect FROM ({inner}))"
    )


@dataclass(frozen=True)
class Reading:
    """How DuckDB reads one file: the user's own, or our rewrite of it."""

    path: Path
    ragged: bool  # short rows are padded with NULLs, as DictReader pads them (our rewrite has none)
    carriage_returns: bool  # CR and CRLF inside cells become LF, as the Python command's text read made them


def _source(reading: Reading, width: int, p: Params) -> str:
    """The file as DuckDB reads it: every cell text, the header skipped, refusing what it cannot read strictly."""
    columns = ", ".join(f"'cell {i}': 'VARCHAR'" for i in range(width))
    table = (
        f"read_csv({p.raw(str(reading.path))}, header = false, skip = 1, delim = ',', quote = '\"', escape = '\"', "
        f"columns = {{{columns}}}, auto_detect = false, strict_mode = true, "
        f"null_padding = {str(reading.ragged).lower()}, encoding = 'utf-8', buffer_size = {_CSV_BUFFER})"
    )
    if not reading.carriage_returns:
        return table
    cr, crlf, lf = p.text("\r"), p.text("\r\n"), p.text("\n")
    cells = ", ".join(f"replace(replace({_cell(i)}, {crlf}, {lf}), {cr}, {lf}) AS {_cell(i)}" for i in range(width))
    return f"(SELECT {cells} FROM {table})"


@dataclass(frozen=True)
class Scored:
    """What one statement over the file found: rows scored, and the rows that may carry a warning."""

    scored: int
    suspects: list[tuple[int, tuple[str | None, ...]]]  # (row number as the csv module counts it, its cells)


def _scored_sql(model: Model, layout: Layout, reading: Reading, given: Sequence[str]) -> tuple[str, Params]:
    p = Params()
    plain_model = _without_derivations(model)
    keep = [f"cell {i}" for i in range(len(layout.columns))] + ["_suspect"]
    facts = _facts(plain_model, layout, _source(reading, len(layout.columns), p), given, p)
    sql = score_select(plain_model, facts, plain_model.signal_ids, [b.id for b in model.bonuses], p, keep=keep)
    return sql, p


def _survey(con: Connection, sql: str, p: Params, layout: Layout) -> Scored:
    """How many rows score, and the cells of each row that may carry a warning (rare: read in order).

    The count is the one statement here that holds no rows back, so it alone
    runs on every thread: the file is read twice, and this first read is
    then about twice as fast at no cost in memory.
    """
    con.execute(f"SET threads = {THREADS}")
    try:
        counted = con.execute(
            f"SELECT count(score), count(*) FILTER (_suspect OR score IS NULL) FROM ({sql})", p.values
        ).fetchone()
    finally:
        con.execute("SET threads = 1")
    assert counted is not None
    scored, suspects = int(counted[0]), int(counted[1])
    found: list[tuple[int, tuple[str | None, ...]]] = []
    if suspects:
        cells = ", ".join(_cell(i) for i in range(len(layout.columns)))
        numbered = f"SELECT row_number() OVER () + 1 AS _row, _suspect, score, {cells} FROM ({sql})"
        cursor = con.execute(
            f"SELECT * EXCLUDE (_suspect, score) FROM ({numbered}) WHERE _suspect OR score IS NULL ORDER BY _row",
            p.values,
        )
        while batch := cursor.fetchmany(10_000):
            found += [(int(row[0]), tuple(row[1:])) for row in batch]
    return Scored(scored, found)


def _warnings(model: Model, layout: Layout, path: Path, given: Sequence[str], suspects: Scored) -> list[str]:
    lines: list[str] = []
    for number, cells in suspects.suspects:
        row = {name: cells[layout.last(name)] for name in layout.columns}
        lines += row_warnings(model, row, layout.used, given, f"{path}: row {number}")
    return lines


def _formula_safe(expr: str) -> str:
    """``_safe`` for a file with no hidden character: only a formula's first character picks a cell."""
    text = f"NULLIF(CAST({expr} AS VARCHAR), '')"
    safe = safe_cell_sql(text, keep_numbers=True)
    return f"CASE WHEN left({text}, 1) IN ('=', '+', '-', '@') THEN {safe} ELSE {text} END"


def _safe(expr: str) -> str:
    """A text cell as ``csv_export.to_csv`` writes it (``keep_numbers``): empty as no field, formulas neutralised."""
    return text_cell(expr, keep_numbers=True)


def _stream(paths: Sequence[Path], out: TextIO) -> None:
    for part in paths:
        with part.open(encoding="utf-8", newline="") as handle:
            while chunk := handle.read(_CHUNK):
                out.write(chunk)


def score_file(model: Model, path: Path, given: Sequence[str], out: TextIO, err: TextIO) -> None:
    """Score every row of ``path``: the CSV with score and band columns to ``out``, one warning a line to ``err``.

    Raises ``ScoreFileError`` (nothing written) when no row can be scored.
    """
    columns, one_line = _header(path)
    layout = Layout(tuple(columns), tuple(c for c in columns if c in model.signal_ids))
    if not layout.used:
        raise ScoreFileError(f"{path}: no column is named after a signal of {model.id} ({', '.join(model.signal_ids)})")
    with tempfile.TemporaryDirectory(prefix="score-", dir=process_dir()) as tmp, closing(_engine()) as con:
        folder = Path(tmp)
        shape = _shape(path)
        rewrite = Reading(folder / "normalised.csv", ragged=False, carriage_returns=False)
        reading = Reading(path, ragged=True, carriage_returns=shape.carriage_returns)
        if not (one_line and shape.plain) or (shape.blank_lines and len(columns) == 1):
            reading = _normalised(path, len(columns), rewrite)
        try:
            sql, p = _scored_sql(model, layout, reading, given)
            survey = _survey(con, sql, p, layout)
        except DuckDBError:
            if reading == rewrite:
                raise  # our own rewrite did not read back: an internal fault, not the user's file
            reading = _normalised(path, len(columns), rewrite)
            sql, p = _scored_sql(model, layout, reading, given)
            survey = _survey(con, sql, p, layout)
        warnings = _warnings(model, layout, path, given, survey)
        if survey.scored == 0:
            first = warnings[0] if warnings else ""
            raise ScoreFileError(f"{path}: no row could be scored" + (f" (first problem: {first})" if first else ""))
        header = ", ".join(_safe(f"${i + 1}") for i in range(len(columns) + 2))
        copy_lines(con, f"SELECT {header}", [*columns, "score", "band"], folder / "header.csv")
        safe = _safe if shape.hidden else _formula_safe
        cells = [safe(_cell(layout.last(name))) for name in columns]
        # A score is digits and a point, a band a plain word: neither needs the formula rule.
        score_text = "CASE WHEN score IS NULL THEN NULL ELSE printf('%.1f', score) END"
        copy_lines(con, f"SELECT {', '.join([*cells, score_text, 'band'])} FROM ({sql})", p.values, folder / "rows.csv")
        _stream([folder / "header.csv", folder / "rows.csv"], out)
    err.write("".join(f"{line}\n" for line in warnings))
