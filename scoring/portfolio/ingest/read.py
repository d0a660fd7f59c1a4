"""Open an export (CSV, Excel or Parquet) as a DuckDB relation.

Every format ends up as the same thing: a ``FROM`` clause whose columns are
text, except those the sample shows to be plain numbers or ISO dates, which
DuckDB's reader types itself (see ``Source``).  One set of parsing rules
(``scoring.portfolio.ingest.parse``) serves every format, and a bad cell is a
counted problem, never a failed load.  The format is decided by the bytes,
not the file name, because CRM users rename files freely.

Big UTF-8 and Latin-1 CSV files are read by DuckDB in place; only UTF-16 is
decoded in Python (DuckDB's reader misses big-endian UTF-16), and Excel is
converted to a CSV file first, after the zip-bomb checks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from scoring.db import Connection, DuckDBError
from scoring.portfolio.contract import Export, InputProblem
from scoring.portfolio.sqlkit import Params, quote
from scoring.private_files import process_dir

HEAD_BYTES = 64 * 1024
SAMPLE_ROWS = 2000
SAMPLE_HEAD_BYTES = 8 * 1024 * 1024  # the most the sample reads from a big CSV
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_RATIO = 100
MAX_XLSX_MEMBERS = 2000
# openpyxl reads about 200k cells a second here, so a dense workbook that
# passes the zip guard could still tie up a core for minutes; past this many
# cells we stop and ask for CSV or Parquet, which DuckDB reads natively.
MAX_XLSX_CELLS = 1_000_000
HEADER_SCAN_ROWS = 30
MAX_LINE_BYTES = 8 * 1024 * 1024  # longer lines are set aside as unreadable rows
DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class Source:
    """An export opened for reading.

    ``relation`` is a FROM clause (with ``params``) yielding the columns in
    file order, as VARCHAR except the ``native`` ones: columns whose sample
    is plain numbers or ISO dates are typed by DuckDB's own reader, several
    times cheaper than casting text in SQL.  A cell that breaks that promise
    makes the reader reject its row; the pipeline then reads the file again
    with that column as text (``attempt`` names a fresh rejects table).
    ``first_row`` is the row number, as the user sees it in their file, of
    the first data row: it turns DuckDB's 0-based positions into "row 17".
    """

    name: str
    kind: Literal["csv", "parquet"]  # Excel is converted to CSV first
    path: Path
    headers: tuple[str, ...]
    sample: tuple[tuple[str | None, ...], ...]
    first_row: int
    delimiter: str = ","
    quote: str = '"'  # "" once a never-closed quote made quoted reading impossible
    encoding: str = "utf-8"
    rejects: str | None = None  # DuckDB table collecting unreadable CSV rows
    notes: tuple[InputProblem, ...] = field(default=())
    native: tuple[tuple[str, str], ...] = ()  # (header, DuckDB type) read typed
    column_types: tuple[str, ...] = ()  # Parquet's own column types
    attempt: int = 0

    @property
    def rejects_table(self) -> str | None:
        return f"{self.rejects}_{self.attempt}" if self.rejects else None

    def with_native(self, native: dict[str, str], attempt: int) -> Source:
        return replace(self, native=tuple(native.items()), attempt=attempt)

    def relation(self, lenient: bool = False) -> tuple[str, list[Any]]:
        """The FROM clause with ``?`` parameters; ``lenient`` skips broken rows silently (for sampling)."""
        params: list[Any] = []

        def bind(value: Any) -> str:
            params.append(value)
            return "?"

        return self._relation(bind, lenient), params

    def numbered_relation(self, p: Params) -> str:
        """The FROM clause with numbered parameters, to embed in a statement built with ``Params``."""
        return self._relation(p.raw, lenient=False)

    def _relation(self, bind: Callable[[Any], str], lenient: bool) -> str:
        native = dict(self.native) if not lenient else {}
        if self.kind == "parquet":
            path = bind(str(self.path))
            if not native:
                return f"(SELECT COLUMNS(*)::VARCHAR FROM read_parquet({path}))"
            cols = ", ".join(f"CAST({quote(h)} AS {native.get(h, 'VARCHAR')}) AS {quote(h)}" for h in self.headers)
            return f"(SELECT {cols} FROM read_parquet({path}))"
        path = bind(str(self.path))  # first: "?" parameters bind in the order they appear
        options = [
            "all_varchar = true",
            "header = true",
            f"delim = {bind(self.delimiter)}",
            f"quote = {bind(self.quote)}",
            f"escape = {bind(self.quote)}",
            f"encoding = {bind(self.encoding)}",
            f"max_line_size = {MAX_LINE_BYTES}",
        ]
        if native:
            options.append(f"types = {bind(native)}")
            if "DATE" in native.values():
                options.append("dateformat = '%Y-%m-%d'")
        if lenient:
            options.append("ignore_errors = true")
        elif self.rejects_table:
            options += [
                "store_rejects = true",
                f"rejects_table = {bind(self.rejects_table)}",
                f"rejects_scan = {bind(self.rejects_table + '_scan')}",
            ]
        return f"read_csv({path}, {', '.join(options)})"

    def unquoted(self) -> Source:
        row = unclosed_quote_row(self)
        where = f"The quote mark opened in row {row:,}" if row else "A quote mark in the file"
        note = InputProblem(
            self.name,
            f"{where} is never closed, so quotes were read as ordinary characters; "
            "rows that had separators inside quotes were set aside.",
            "Close or remove that quote (and check the rows listed), or export the file again.",
            rows=(row,) if row else (),
        )
        return replace(self, quote="", notes=(*self.notes, note))

    def as_latin1(self) -> Source:
        note = InputProblem(
            self.name,
            "The file is not valid UTF-8, so it was read as Latin-1 (Western European).",
            "If accents look wrong, export the file again as UTF-8.",
        )
        return replace(self, encoding="latin-1", notes=(*self.notes, note))


def unclosed_quote_row(src: Source) -> int | None:
    """The row whose opening quote is still open at the end of the file, if one is.

    Lines are walked with the quote count of each (a doubled quote inside a
    field counts twice, so it never changes the state): an odd count opens or
    closes a quoted stretch, and a stretch still open at the end started at
    the culprit.  Only called once a file has failed to read with quotes.
    """
    if src.kind != "csv" or not src.quote:
        return None
    record, opened_at, inside = 1, 0, False
    try:
        with src.path.open(encoding=src.encoding, errors="replace", newline="") as fh:
            for line in fh:
                if line.count(src.quote) % 2:
                    inside = not inside
                    if inside:
                        opened_at = record
                if not inside:
                    record += 1
    except OSError:
        return None
    return src.first_row + opened_at - 2 if inside else None


def file_rows(src: Source, skipped: Collection[int], count: int) -> list[int] | None:
    """The file's row numbers of the first ``count`` rows DuckDB read (fewer at the end), or None if unsure.

    DuckDB's reader passes over blank lines and over the rows it set aside
    (``skipped``, numbered as DuckDB numbers them: one per record, blank lines
    included, header = 1), but a CSM looks for "row 40" in the spreadsheet,
    where those rows still take up a number.  So the file is walked record by
    record, quotes respected, as far as the rows asked for; it only runs when
    a problem names rows, and those are the first few found.
    """
    if src.kind != "csv" or count <= 0:
        return []
    found: list[int] = []
    options: dict[str, Any] = {"delimiter": src.delimiter}
    options.update({"quotechar": src.quote} if src.quote else {"quoting": csv.QUOTE_NONE})
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(MAX_LINE_BYTES)
        encoding = "utf-8-sig" if src.encoding == "utf-8" else src.encoding
        with src.path.open(encoding=encoding, errors="replace", newline="") as fh:
            for record, cells in enumerate(csv.reader(fh, **options), start=1):
                if record == 1 or not cells or record in skipped:
                    continue
                found.append(src.first_row + record - 2)
                if len(found) == count:
                    return found
    except (OSError, csv.Error):
        return None
    finally:
        csv.field_size_limit(limit)
    return found


def out_of_memory(exc: Exception) -> bool:
    return "out of memory" in str(exc).lower()


def too_big(name: str) -> InputProblem:
    """DuckDB's own wording ("failed to allocate...") tells a CSM nothing they can act on."""
    return InputProblem(
        name,
        "The file needs more memory than the server allows: it may have thousands of columns, one enormous "
        "line, or far more accounts than a book usually holds.",
        "Export only the columns you need, split the file, or save it as Parquet.",
        severity="error",
    )


def _error(name: str, message: str, fix: str) -> tuple[None, list[InputProblem]]:
    return None, [InputProblem(name, message, fix, severity="error")]


def _head(export: Export) -> bytes:
    if export.path is not None:
        with export.path.open("rb") as fh:
            return fh.read(HEAD_BYTES)
    return export.data[:HEAD_BYTES]


def _size(export: Export) -> int:
    return export.path.stat().st_size if export.path is not None else len(export.data)


def _materialise(export: Export, workdir: Path, index: int, suffix: str) -> Path:
    """A path DuckDB can read: the file itself, or the uploaded bytes written out."""
    if export.path is not None:
        return export.path
    path = workdir / f"export_{index}{suffix}"
    path.write_bytes(export.data)
    return path


_CHUNK = 1 << 22
_CR_BUFFER = 1 << 16  # bytes _has_cr reads at a time


def _chunks(path: Path) -> Iterator[bytes]:
    """The file in pieces, never splitting a CR LF pair between two of them."""
    carry = b""
    with path.open("rb") as fh:
        while piece := fh.read(_CHUNK):
            piece = carry + piece
            carry = b"\r" if piece.endswith(b"\r") else b""
            yield piece[:-1] if carry else piece
    if carry:
        yield carry


def _mixed_line_endings(path: Path) -> bool:
    """True when rows end in more than one way (CR LF, LF, CR): spreadsheets edited on two systems do that.

    A file without a CR (most files) is settled by one search through a
    reused buffer (``_has_cr``), without building pieces.  Otherwise only
    pieces holding a CR are counted, and the walk stops as soon as two kinds
    of ending have been seen.
    """
    if not _has_cr(path):
        return False  # every row ends in LF (or there is one row): one kind
    crlf = lone_cr = lone_lf = 0
    for piece in _chunks(path):
        if b"\r" not in piece:
            lone_lf += b"\n" in piece
        else:
            pairs = piece.count(b"\r\n")
            crlf += pairs
            lone_cr += piece.count(b"\r") - pairs
            lone_lf += piece.count(b"\n") - pairs
        if sum(1 for n in (crlf, lone_cr, lone_lf) if n) > 1:
            return True
    return False


def _has_cr(path: Path) -> bool:
    """Whether the file holds a carriage return anywhere.

    Read through one small reused buffer.  Not mapped: the pages of a mapped
    file count in the process's resident memory (a 2.7 GB export once raised
    the command's peak by its size), and a file cut short while mapped kills
    the process outright.  Not a large buffer either: a fresh 4 MB one made
    the first search of a 275 MB export take 0.25 s instead of 0.07 s.
    """
    buffer = bytearray(_CR_BUFFER)
    with path.open("rb", buffering=0) as fh:
        while size := fh.readinto(buffer):
            if buffer.find(b"\r", 0, size) != -1:
                return True
    return False


def _one_line_ending(path: Path, workdir: Path, index: int) -> Path:
    """A copy with every row ending in LF, which the CSV reader reads as one dialect."""
    out = workdir / f"export_{index}_lf.csv"
    with out.open("wb") as fh:
        for piece in _chunks(path):
            fh.write(piece.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
    return out


def _utf16(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    pairs = head[:4000]
    if len(pairs) >= 4 and pairs.count(b"\x00") > len(pairs) // 4:
        evens, odds = pairs[0::2].count(0), pairs[1::2].count(0)
        if odds > evens * 4:
            return "utf-16-le"
        if evens > odds * 4:
            return "utf-16-be"
    return None


def _looks_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a character cut in half by the sample
    return True


def _delimiter(header_line: str) -> str:
    """The separator of the header row, counted outside quotes: exports always have one."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _first_lines(path: Path) -> bytes | None:
    """The file's first ``2 x SAMPLE_ROWS`` lines in one sequential read, or None when the file is not longer.

    None too when they do not fit in ``SAMPLE_HEAD_BYTES`` (very long rows,
    or rows ending in a lone CR): the sample then reads the file itself.
    """
    wanted = 2 * SAMPLE_ROWS + 1
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_HEAD_BYTES)
        if len(head) < SAMPLE_HEAD_BYTES and not fh.read(1):
            return None  # the whole file: nothing to save
    end = -1
    for _ in range(wanted):
        end = head.find(b"\n", end + 1)
        if end < 0:
            return None
    return head[: end + 1]


def _sampled(con: Connection, src: Source, path: Path) -> Source:
    relation, params = replace(src, path=path).relation(lenient=True)
    cur = con.execute(f"SELECT * FROM {relation} LIMIT {SAMPLE_ROWS}", params)
    headers = tuple(d[0] for d in cur.description)
    rows = tuple(tuple(None if v is None else str(v) for v in row) for row in cur.fetchall())
    types: tuple[str, ...] = ()
    if src.kind == "parquet":
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(src.path)]).fetchall()
        types = tuple(str(r[1]) for r in described)
    return replace(src, headers=headers, sample=rows, column_types=types)


def _sample(con: Connection, src: Source) -> Source:
    """Read the header and the first rows; raises DuckDBError when DuckDB can't.

    A big CSV is sampled from a copy of its first lines, taken in one small
    sequential read: DuckDB's parallel reader, asked for 2,000 rows of the
    file itself, pulled most of a 275 MB file through before the limit
    stopped it.  The copy holds twice the lines the sample needs, so it
    yields the same rows; when it does not (a quoted cell spanning
    thousands of lines, a row the reader refuses), the file itself is read.
    """
    head = _first_lines(src.path) if src.kind == "csv" else None
    if head is not None:
        with tempfile.TemporaryDirectory(prefix="sample-", dir=process_dir()) as tmp:
            path = Path(tmp) / "head.csv"
            path.write_bytes(head)
            try:
                sampled = _sampled(con, src, path)
            except DuckDBError:
                sampled = None
            if sampled is not None and len(sampled.sample) == SAMPLE_ROWS:
                return replace(sampled, path=src.path)
    return _sampled(con, src, src.path)


def _open_csv(
    con: Connection, export: Export, head: bytes, workdir: Path, index: int, notes: list[InputProblem]
) -> tuple[Source | None, list[InputProblem]]:
    name = export.name
    path = _materialise(export, workdir, index, ".csv")
    encoding = _utf16(head)
    if encoding is not None:
        raw = path.read_bytes()
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            return _error(name, "The file looks like UTF-16 text but cannot be decoded.", "Export it again as UTF-8.")
        path = workdir / f"export_{index}_utf8.csv"
        path.write_text(text.lstrip("\ufeff"), encoding="utf-8")
        head = path.read_bytes()[:HEAD_BYTES]
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        return _error(
            name, "This is an old-style Excel (.xls) workbook, which cannot be read.", "Save it as .xlsx or CSV."
        )
    elif b"\x00" in head:
        return _error(
            name, "This is not a text export: it contains binary data.", "Upload a CSV, Excel (.xlsx) or Parquet file."
        )
    if _mixed_line_endings(path):
        path = _one_line_ending(path, workdir, index)
        head = path.read_bytes()[:HEAD_BYTES]
    text_head = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    first_line = text_head.splitlines()[0] if text_head.strip() else ""
    if not first_line.strip():
        return _error(name, "The file is empty.", "Export the report again with its header row and data.")
    src = Source(
        name=name,
        kind="csv",
        path=path,
        headers=(),
        sample=(),
        first_row=2,
        delimiter=_delimiter(first_line),
        encoding="utf-8" if _looks_utf8(head) else "latin-1",
        rejects=f"rejects_{index}",
        notes=tuple(notes),
    )
    if src.encoding == "latin-1":
        src = replace(src, encoding="utf-8").as_latin1()
    try:
        return _sample(con, src), []
    except DuckDBError as exc:
        retry = src.as_latin1() if "unicode" in str(exc).lower() and src.encoding == "utf-8" else src.unquoted()
        try:
            return _sample(con, retry), []
        except DuckDBError:
            pass
        if out_of_memory(exc):
            return None, [too_big(name)]
        return _error(
            name,
            f"The file could not be read as CSV: {_csv_reason(exc)}.",
            "Export it again as CSV with a header row, or as .xlsx.",
        )


def _csv_reason(exc: Exception) -> str:
    """Why a CSV would not open, in our words.

    DuckDB's own text names the server's temp copy and counts lines its own
    way ("Line: 2" above the header's text), so it goes to nobody; the
    rows that can be named are named by the notes and row problems instead.
    """
    text = str(exc).lower()
    if "unicode" in text or "encoding" in text:
        return "it holds bytes that are not text in UTF-8 or Latin-1"
    if "sniff" in text or "dialect" in text:
        return "its separators and quotes do not split the rows into the header's columns"
    return "its rows do not split into the header's columns"


def _cell(value: Any) -> str:
    """Excel cell -> the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _filled(cells: list[str]) -> int:
    return sum(1 for c in cells if c.strip())


class WorkbookTooLarge(Exception):
    """The sheet holds more cells than MAX_XLSX_CELLS."""


def _write_sheet_csv(rows: Iterator[tuple[Any, ...]], path: Path) -> int:
    """Write a sheet as CSV from its header row on; return the header's Excel row (0 if empty).

    The header is the first row at least half as full as the fullest of the
    first rows, so a title line above the table ("Account export, March") is
    skipped.  Blank rows inside the table are kept as empty lines, so row
    numbers in messages match Excel's.
    """
    numbered = enumerate(rows, start=1)
    head: list[tuple[int, list[str]]] = []
    for number, row in numbered:
        head.append((number, [_cell(v) for v in row]))
        if sum(1 for _, cells in head if _filled(cells)) >= HEADER_SCAN_ROWS:
            break
    widest = max((_filled(cells) for _, cells in head), default=0)
    if widest == 0:
        return 0
    start = next(i for i, (_, cells) in enumerate(head) if _filled(cells) >= max(2, widest / 2) or widest == 1)
    header_row, header = head[start]
    width = len(header)
    blank_run = 0
    cells_read = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        rest = ((n, [_cell(v) for v in row]) for n, row in numbered)
        for _, cells in (*head[start:], *rest):
            cells_read += len(cells)
            if cells_read > MAX_XLSX_CELLS:
                raise WorkbookTooLarge
            if not _filled(cells):
                blank_run += 1
                continue
            for _ in range(blank_run):
                writer.writerow([""] * width)
            blank_run = 0
            writer.writerow(cells[:width] + [""] * (width - len(cells)))
    return header_row


def _zip_guard(name: str, data: io.BytesIO | Path, size: int) -> InputProblem | None:
    """Refuse workbooks that would inflate far beyond their size (zip bombs)."""
    try:
        with zipfile.ZipFile(data) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        return InputProblem(
            name,
            "The Excel file is damaged: it does not open as a workbook.",
            "Open it in Excel and save it again.",
            "error",
        )
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_XLSX_MEMBERS or total > MAX_XLSX_UNCOMPRESSED or total > MAX_XLSX_RATIO * max(size, 1):
        return InputProblem(
            name,
            f"The Excel file would expand to {total / 1e6:,.0f} MB from {size / 1e6:,.1f} MB; it was refused "
            "to protect the server.",
            f"Export the data as CSV, or keep the workbook under {MAX_XLSX_UNCOMPRESSED // 2**20} MB uncompressed.",
            "error",
        )
    return None


def _open_xlsx(con: Connection, export: Export, workdir: Path, index: int) -> tuple[Source | None, list[InputProblem]]:
    import openpyxl

    name = export.name
    size = _size(export)
    data: io.BytesIO | Path = export.path if export.path is not None else io.BytesIO(export.data)
    problem = _zip_guard(name, data, size)
    if problem is not None:
        return None, [problem]
    if isinstance(data, io.BytesIO):
        data.seek(0)
    notes: list[InputProblem] = []
    try:
        book = openpyxl.load_workbook(data, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken workbooks
        return _error(name, f"The Excel file could not be opened ({exc.__class__.__name__}).", "Re-save it.")
    path = workdir / f"export_{index}.csv"
    try:
        sheets = book.worksheets
        sheet = sheets[0]
        if len(sheets) > 1:
            notes.append(
                InputProblem(
                    name,
                    f"The workbook has {len(sheets)} sheets; only the first, {sheet.title!r}, was read.",
                    "Put the export on the first sheet, or save each sheet as its own file.",
                )
            )
        header_row = _write_sheet_csv(sheet.iter_rows(values_only=True), path)
    except WorkbookTooLarge:
        return _error(
            name,
            f"The workbook has more than {MAX_XLSX_CELLS:,} cells, too many to read from Excel quickly.",
            "Save the sheet as CSV (or export Parquet) and upload that instead; large CSV files are fine.",
        )
    except Exception as exc:  # a damaged sheet surfaces while iterating
        return _error(name, f"The Excel sheet could not be read ({exc.__class__.__name__}).", "Save it again as .xlsx.")
    finally:
        book.close()
    if not header_row:
        return _error(name, "The first sheet of the workbook is empty.", "Put the header row and data on sheet 1.")
    src = Source(
        name=name,
        kind="csv",
        path=path,
        headers=(),
        sample=(),
        first_row=header_row + 1,
        rejects=f"rejects_{index}",
        notes=tuple(notes),
    )
    try:
        return _sample(con, src), []
    except DuckDBError as exc:
        return _error(
            name, f"The Excel sheet could not be read as a table: {_csv_reason(exc)}.", "Save it again as .xlsx."
        )


def _open_parquet(
    con: Connection, export: Export, workdir: Path, index: int
) -> tuple[Source | None, list[InputProblem]]:
    path = _materialise(export, workdir, index, ".parquet")
    src = Source(name=export.name, kind="parquet", path=path, headers=(), sample=(), first_row=1)
    try:
        return _sample(con, src), []
    except DuckDBError:
        return _error(
            export.name,
            "The Parquet file is damaged or truncated.",
            "Export it again; if it was copied, check the copy finished.",
        )


Opened = tuple[Source | None, list[InputProblem]]


def open_export(con: Connection, export: Export, workdir: Path, index: int) -> Opened:
    """Open one export; every failure becomes an InputProblem, never an exception."""
    try:
        head = _head(export)
    except OSError as exc:
        return _error(export.name, f"The file could not be opened ({exc.strerror or exc}).", "Check the path.")
    if not head.strip():
        return _error(export.name, "The file is empty.", "Export the report again with its header row and data.")
    suffix = Path(export.name).suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(con, export, workdir, index)
    if head.startswith(b"PAR1"):
        return _open_parquet(con, export, workdir, index)
    notes: list[InputProblem] = []
    if suffix in (".xlsx", ".xlsm", ".parquet", ".xls"):
        notes.append(
            InputProblem(
                export.name,
                f"The file is named {suffix} but holds plain text; it was read as CSV.",
                "Rename it to .csv, or save it from Excel as a real .xlsx workbook.",
            )
        )
    return _open_csv(con, export, head, workdir, index, notes)
