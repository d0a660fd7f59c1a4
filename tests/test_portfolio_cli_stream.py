"""The portfolio CLI's fast path says exactly what the frame path says.

The CLI writes its CSV straight from DuckDB (``csv_export.copy_select`` over
``finish.export_selects``), samples a big CSV from its first lines
(``ingest.read._sample``) and rescales 0-10 NPS and fractional CSAT inside
the one-pass scan.  Each test holds one of those to the slower path it
replaces: the frame written by ``to_csv``, the sample of the whole file, and
the same file with the column already on the model's scale.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.catalog import get_model
from scoring.cli.main import main
from scoring.csv_export import copy_select, safe_cell, text_cell, to_csv
from scoring.db import Connection, engine
from scoring.portfolio import finish, one_pass
from scoring.portfolio.contract import Export, PortfolioResult
from scoring.portfolio.ingest import read
from scoring.portfolio.run import score_exports, stream_exports

HOSTILE_TEXT = [
    '=HYPERLINK("http://x")',
    "+1+2",
    "-5",
    "@SUM(A1)",
    "\tTab",
    "plain, with comma",
    'quote "inside"',
    "abc\u202edef",
    "nul\x00byte",
    "",
    None,
    "line\nbreak",
]


ROOT = Path(__file__).resolve().parent.parent


def _via_copy(select: str, tmp_path: Path, keep_numbers: bool = False) -> tuple[str, str]:
    """(what copy_select writes, what to_csv writes for the frame of the same query)."""
    con = engine()
    try:
        out = io.StringIO()
        copy_select(con, [select], [], out, tmp_path, keep_numbers)
        return out.getvalue(), to_csv(con.execute(select).df(), keep_numbers)
    finally:
        con.close()


@pytest.mark.parametrize("keep_numbers", [False, True])
def test_copy_select_writes_the_cells_to_csv_writes(tmp_path: Path, keep_numbers: bool) -> None:
    values = ", ".join("(" + ("NULL" if t is None else "'" + t.replace("'", "''") + "'") + ")" for t in HOSTILE_TEXT)
    select = f"""
        SELECT row_number() OVER () AS "=rank", t AS name, t AS "-header",
               CASE WHEN t IS NULL THEN NULL ELSE 2.5 * length(t) END AS score,
               CASE WHEN length(t) > 3 THEN length(t) END AS days,
               length(t) > 4 AS flag,
               DATE '2026-03-31' + CAST(length(COALESCE(t, '')) AS INTEGER) AS renewal,
               CASE WHEN t IS NOT NULL THEN TIMESTAMP '2026-01-02 10:00:00' END AS seen
        FROM (VALUES {values}) AS v(t)
    """
    written, expected = _via_copy(select, tmp_path, keep_numbers)
    assert written == expected
    lines = list(csv.reader(io.StringIO(written)))
    assert lines[0][0] == "'=rank" and lines[0][2] == "'-header"  # the header row is made safe too
    cells = [cell for row in lines[1:] for cell in row]
    assert not any(c.startswith(("=", "+", "@", "\t")) for c in cells)
    assert not any("\u202e" in c or "\x00" in c for c in cells)


def test_slices_written_side_by_side_join_into_the_whole_file(tmp_path: Path) -> None:
    """Consecutive slices of one ordering, each written on its own cursor, give the bytes of one COPY."""
    con = engine()
    try:
        texts = ", ".join("'" + (t or "").replace("'", "''") + "'" for t in HOSTILE_TEXT)
        con.execute(
            f"CREATE TABLE ranked AS SELECT range AS r, [{texts}][range % {len(HOSTILE_TEXT)} + 1] AS name, "
            "range / 7.0 AS score FROM range(1, 301)"
        )
        whole, sliced = io.StringIO(), io.StringIO()
        assert copy_select(con, ["SELECT * FROM ranked ORDER BY r"], [], whole, tmp_path) == 300
        slices = [f"SELECT * FROM ranked WHERE r BETWEEN {a} AND {a + 99} ORDER BY r" for a in (1, 101, 201)]
        assert copy_select(con, slices, [], sliced, tmp_path) == 300
    finally:
        con.close()
    assert sliced.getvalue() == whole.getvalue()
    assert len(list(csv.reader(io.StringIO(whole.getvalue())))) == 301
    assert list(tmp_path.iterdir()) == []  # every piece is removed once streamed


@pytest.mark.usefixtures("db_path")
def test_a_big_ranking_is_written_in_slices_with_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above SPLIT_MIN_ACCOUNTS per thread the CLI writes rank ranges side by side; the file is unchanged."""
    path = _monthly(tmp_path / "ratings.csv")  # 40 accounts
    slices: list[int] = []
    real = finish.copy_select

    def spy(con: Any, selects: list[str], *args: Any, **kwargs: Any) -> int:
        slices.append(len(selects))
        return real(con, selects, *args, **kwargs)

    monkeypatch.setattr(finish, "copy_select", spy)
    whole = _cli(str(path), "--model", "technical-csm")
    monkeypatch.setattr(finish, "SPLIT_MIN_ACCOUNTS", 7)
    sliced = _cli(str(path), "--model", "technical-csm")
    assert slices == [1, 2]  # two engine threads: two slices
    assert sliced == whole
    assert whole[0] == 0 and len(list(csv.DictReader(io.StringIO(whole[1])))) == 40


# Hidden characters, formula starts, quotes, line breaks and ordinary text, mixed.
_CELL_TEXT = st.text(
    alphabet=st.sampled_from(
        [
            "=",
            "+",
            "-",
            "@",
            "\t",
            "\r",
            "\n",
            "'",
            '"',
            ",",
            "a",
            "7",
            " ",
            "\x00",
            "\x1f",
            "\x7f",
            "\x9f",
            "\u061c",
            "\u200e",
            "\u202e",
            "\u2066",
            "é",
            "名",
        ]
    ),
    max_size=12,
)


@pytest.fixture(scope="module")
def sql_engine() -> Iterator[Connection]:
    """One engine for every example: opening one per example took most of the test's time."""
    con = engine()
    yield con
    con.close()


@settings(max_examples=300, deadline=None)
@given(_CELL_TEXT)
def test_the_sql_text_rule_is_safe_cell(sql_engine: Connection, text: str) -> None:
    """The SQL form of the formula rule the CSV writer uses writes exactly what ``safe_cell`` writes."""
    cell = text_cell("CAST($1 AS VARCHAR)", keep_numbers=False)
    written = sql_engine.execute(f"SELECT {cell}", [text]).fetchall()[0][0]
    assert (written or "") == safe_cell(text)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False) | st.none(), min_size=1, max_size=30))
def test_export_rounding_matches_the_frame_path(values: list[float | None]) -> None:
    """export_selects rounds as export_table (pandas) does, half to even on the scaled value."""
    model = get_model("technical-csm")
    con = engine()
    try:
        rows = ", ".join(f"({'NULL' if v is None else repr(float(v))})" for v in values)
        frame = con.execute(f"SELECT x AS coverage, x AS arr, x AS usage_rate FROM (VALUES {rows}) v(x)").df()
        con.register("given", frame)
        rounded = con.execute(
            "SELECT round_even(coverage * 100.0, 0) / 100.0 AS coverage, round_even(arr * 1.0, 0) / 1.0 AS arr "
            "FROM given"
        ).df()
        expected = finish.export_table(model, frame)
        assert rounded["coverage"].equals(expected["coverage"])
        assert rounded["arr"].equals(expected["arr"])
    finally:
        con.close()


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["portfolio", *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _monthly(path: Path, nps: str = "ratings") -> Path:
    """A clean monthly export (one pass reads it): 40 accounts x 3 months, NPS as 0-10 ratings or as NPS."""
    lines = ["Account ID,Account Name,Month,Licensed Seats,Active Users,Usage %,NPS,CSAT,teams_live,override_rate"]
    for a in range(40):
        for m in range(1, 4):
            rating = (a * 3 + m) % 11
            value = rating if nps == "ratings" else rating * 20 - 100
            lines.append(
                f"A-{a:03d},=Name {a},2026-0{m}-01,{20 + a},{(a * 7 + m) % 20 + 1},{(a * 13 + m * 5) % 100}%,"
                f"{value},{(a * 11 + m) % 100},{(a * 5) % 100},{(a * 3 + m) % 40}"
            )
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.usefixtures("db_path")
@pytest.mark.parametrize("model", ["technical-csm", "three-pillar"])
def test_nps_ratings_are_rescaled_in_the_scan_with_a_note(tmp_path: Path, model: str) -> None:
    """A 0-10 NPS column scores as the same column written as NPS, and the note says it was converted.

    three-pillar scores NPS, converted in the one scan because the header
    sample already shows 0-10 ratings; the technical model does not read it.
    """
    ratings = _monthly(tmp_path / "ratings.csv")
    already = _monthly(tmp_path / "already.csv", nps="nps")
    code, out, err = _cli(str(ratings), "--model", model)
    code_ref, out_ref, err_ref = _cli(str(already), "--model", model)
    assert code == code_ref == 0
    assert out == out_ref
    assert "'NPS' looks like 0-10 ratings, so it was converted to NPS" in err
    assert "looks like" not in err_ref
    assert len(list(csv.DictReader(io.StringIO(out)))) == 40


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, str] | None]:
    """The conversions each one-pass scan of a run applied, in order."""
    seen: list[dict[str, str] | None] = []
    real = one_pass._rank_scan

    def spy(*args: Any, **kwargs: Any) -> None:
        seen.append(args[4] if len(args) > 4 else kwargs.get("scales"))
        real(*args, **kwargs)

    monkeypatch.setattr(one_pass, "_rank_scan", spy)
    return seen


@pytest.mark.usefixtures("db_path")
def test_a_rescaled_column_a_signal_reads_is_converted_in_the_one_scan(
    tmp_path: Path, scans: list[dict[str, str] | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The header sample shows 0-10 ratings, so the one scan converts them; no guess gives the same output in two."""
    path = _monthly(tmp_path / "ratings.csv")
    guessed = _cli(str(path), "--model", "three-pillar")
    assert [list(s or {}) for s in scans] == [["nps"]]
    scans.clear()
    monkeypatch.setattr(one_pass, "_sample_ranges", lambda src, plan: {f: (None, None) for f in plan.scaled})
    assert _cli(str(path), "--model", "three-pillar") == guessed
    assert [list(s or {}) for s in scans] == [[], ["nps"]]


@pytest.mark.usefixtures("db_path")
def test_a_sample_that_misleads_the_guess_costs_a_second_scan_not_a_wrong_score(
    tmp_path: Path, scans: list[dict[str, str] | None]
) -> None:
    """NPS looks like 0-10 ratings in the header sample only: the scan's own range overrules the guess."""
    header = "Account ID,Month,Usage %,NPS,teams_live"
    ratings = [
        f"A-{a:04d},2026-0{m}-01,{(a * 13 + m) % 100}%,{(a + m) % 11},{a % 100}" for a in range(900) for m in (1, 2, 3)
    ]
    late = [f"B-{a:04d},2026-03-01,{a % 100}%,{(a % 5) * 20 - 40},{a % 70}" for a in range(300)]
    path = tmp_path / "late_nps.csv"
    path.write_text("\n".join([header, *ratings, *late]) + "\n")
    code, out, err = _cli(str(path), "--model", "three-pillar")
    assert code == 0
    assert [list(s or {}) for s in scans] == [["nps"], []]
    assert "0-10 ratings" not in err
    reference = tmp_path / "late_first.csv"  # the same rows, the real NPS values first: the sample sees them
    reference.write_text("\n".join([header, *late, *ratings]) + "\n")
    scans.clear()
    code_ref, out_ref, _ = _cli(str(reference), "--model", "three-pillar")
    assert code_ref == 0
    assert [list(s or {}) for s in scans] == [[]]
    assert out == out_ref


@pytest.mark.usefixtures("db_path")
def test_a_clean_dated_file_names_its_latest_month_as_the_as_of_source(tmp_path: Path) -> None:
    code, _, err = _cli(str(_monthly(tmp_path / "usage.csv", nps="nps")), "--model", "technical-csm")
    assert code == 0
    assert err.splitlines()[0] == "as of 2026-03-31 (the end of the latest month in the files; set it with --as-of)"


@pytest.mark.usefixtures("db_path")
def test_the_cli_accounts_are_the_pages_accounts(tmp_path: Path) -> None:
    """The CLI's bytes equal the page's download of the same file (to_csv over export_table)."""
    path = _monthly(tmp_path / "usage.csv")
    model = get_model("technical-csm")
    page = score_exports([Export.from_path(path)], model)
    code, out, _ = _cli(str(path), "--model", "technical-csm")
    assert code == 0
    assert out == to_csv(finish.export_table(model, page.accounts))
    assert page.as_of == date(2026, 3, 31)


def _big_csv(path: Path, rows: int, quoted_break_at: int | None = None) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["Account ID", "Note", "Usage %"])
        for i in range(rows):
            note = "two\nlines" if i == quoted_break_at else f"note {i}"
            writer.writerow([f"A-{i}", note, i % 100])
    return path


@pytest.mark.parametrize("quoted_break_at", [None, 3, 1999])
def test_the_header_sample_from_the_first_lines_is_the_files_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quoted_break_at: int | None
) -> None:
    """Sampled from its first lines, a file longer than the small read gives the rows the whole file gives."""
    monkeypatch.setattr(read, "SAMPLE_HEAD_BYTES", 128 * 1024)  # a 400 KB file stands in for a 300 MB one
    path = _big_csv(tmp_path / "big.csv", 20_000, quoted_break_at)
    assert read._first_lines(path) is not None  # the small read happens
    con = engine()
    try:
        src, problems = read.open_export(con, Export.from_path(path), tmp_path, 0)
        assert src is not None and not problems
        whole = read._sampled(con, src, src.path)
    finally:
        con.close()
    assert src.sample == whole.sample and src.headers == whole.headers
    assert len(src.sample) == read.SAMPLE_ROWS and src.path == path
    if quoted_break_at is not None:
        assert ("A-" + str(quoted_break_at), "two\nlines", str(quoted_break_at % 100)) in src.sample


def test_a_short_csv_is_sampled_from_the_file_itself(tmp_path: Path) -> None:
    assert read._first_lines(_big_csv(tmp_path / "small.csv", 100)) is None


@pytest.mark.parametrize(
    ("data", "mixed"),
    [
        (b"a,b\n1,2\n", False),
        (b"a,b\r\n1,2\r\n", False),
        (b"a,b\r1,2\r", False),
        (b"a,b", False),
        (b"", False),
        (b"a,b\r\n1,2\n", True),
        (b"a,b\r1,2\n", True),
    ],
    ids=["lf", "crlf", "cr", "one-line", "empty", "crlf+lf", "cr+lf"],
)
def test_line_endings_are_called_mixed_only_when_they_are(tmp_path: Path, data: bytes, mixed: bool) -> None:
    path = tmp_path / "endings.csv"
    path.write_bytes(data)
    assert read._mixed_line_endings(path) is mixed


def test_mixed_line_endings_late_in_a_big_file_are_still_found(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 2_000_000 + b"3,4\r\n5,6\r\n")
    assert read._mixed_line_endings(path)
    plain = tmp_path / "plain.csv"
    plain.write_bytes(b"a,b\r\n" + b"1,2\r\n" * 10)
    assert not read._mixed_line_endings(plain)


def test_the_line_ending_search_does_not_hold_the_file_in_memory(tmp_path: Path) -> None:
    """Searching a 96 MB export for carriage returns leaves the process's peak memory where it was.

    Mapped pages count in resident memory: a search of a mapped 2.7 GB export
    once put the whole file in the command's peak.
    """
    path = tmp_path / "big.csv"
    with path.open("wb") as fh:
        fh.write(b"a,b\n")
        for _ in range(96):
            fh.write(b"1,2\n" * (1 << 18))  # 1 MB a time
    probe = (
        "import resource, sys; from pathlib import Path; from scoring.portfolio.ingest import read; "
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
        "assert not read._mixed_line_endings(Path(sys.argv[1])); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)"
    )
    grown_kb = int(
        subprocess.run(
            [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout
    )
    assert grown_kb < 32 * 1024, f"peak memory grew by {grown_kb / 1024:.0f} MB for a 96 MB file"


def test_streaming_reports_what_the_frame_holds(tmp_path: Path) -> None:
    """stream_exports builds no frame, yet its summary and CSV are what score_exports says of the same file."""
    path = _monthly(tmp_path / "usage.csv")
    model = get_model("technical-csm")
    sink = io.StringIO()
    streamed = stream_exports([Export.from_path(path)], model, sink)
    full = score_exports([Export.from_path(path)], model)
    assert not isinstance(streamed, PortfolioResult)
    assert streamed.scored == len(full.accounts) > 0
    assert streamed.signal_fill == {s: float(full.accounts[s].notna().mean()) for s in model.signal_ids}
    assert [p.message for p in streamed.problems] == [p.message for p in full.problems]
    assert (streamed.rows_read, streamed.rows_scored, streamed.as_of) == (full.rows_read, full.rows_scored, full.as_of)
    assert sink.getvalue() == to_csv(finish.export_table(model, full.accounts))


def test_the_command_line_never_loads_pandas_or_numpy(tmp_path: Path) -> None:
    """pandas costs most of a second to import, numpy a good part of that: a plain portfolio run pays for neither."""
    path = _monthly(tmp_path / "usage.csv")
    probe = (
        "import sys, io; from scoring.cli.main import main; "
        f"code = main(['portfolio', {str(path)!r}, '--model', 'technical-csm'], out=io.StringIO(), err=io.StringIO()); "
        "print(code, 'pandas' in sys.modules, 'numpy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.split() == ["0", "False", "False"]


@pytest.mark.usefixtures("db_path")
def test_rescale_notes_follow_the_files_columns(tmp_path: Path) -> None:
    """Several columns on another scale are noted in the file's column order, as the general path notes them."""
    path = tmp_path / "scaled.csv"
    lines = ["Account ID,Month,Usage %,NPS,CSAT,teams_live"]
    lines += [f"A-{a},2026-0{m}-01,0.{a % 9 + 1},{a % 11},0.{m + 4},{a * 3 % 100}" for a in range(30) for m in (1, 2)]
    path.write_text("\n".join(lines) + "\n")
    code, _, err = _cli(str(path), "--model", "four-component")
    assert code == 0
    noted = [line.split("'")[1] for line in err.splitlines() if "looks like" in line]
    assert noted == ["Usage %", "NPS", "CSAT"]
