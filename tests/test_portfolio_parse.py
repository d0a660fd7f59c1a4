"""Value parsing in SQL and reading real export formats: delimiters, encodings, Excel, Parquet."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from scoring.db import engine
from scoring.portfolio.contract import PortfolioResult
from scoring.portfolio.ingest.parse import MACROS, date_expr, number_expr
from tests.portfolio_samples import by_id, csv_bytes, load, problems_text

HEADER = ["Account ID", "Account Name", "ARR", "Renewal Date", "Licensed Seats", "Active Users", "Usage %"]
ROWS = [
    ["A-1", "Acme", "$120,000", "03/31/2026", "100", "80", "35%"],
    ["A-2", "Bravo Café", "45000", "2026-06-30", "50", "10", "90%"],
]


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = engine()
    connection.execute(MACROS)
    yield connection
    connection.close()


def evaluate(con: duckdb.DuckDBPyConnection, expr: str, values: list[str | None]) -> list[object]:
    con.execute("CREATE OR REPLACE TEMP TABLE cells (v VARCHAR, i INTEGER)")
    con.executemany("INSERT INTO cells VALUES (?, ?)", [(v, i) for i, v in enumerate(values)])
    return [r[0] for r in con.execute(f"SELECT {expr} FROM cells ORDER BY i").fetchall()]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("$120,000", 120000.0),
        ("120000", 120000.0),
        ("35%", 35.0),
        ("1,234.5", 1234.5),
        (" 42 ", 42.0),
        ("USD 1,200", 1200.0),
        ("(1,200)", -1200.0),
        ("12k", 12000.0),
        ("1.5M", 1500000.0),
        ("€ 99", 99.0),
        ("abc", None),
        (None, None),
    ],
)
def test_numbers_currency_and_percent_text(con: duckdb.DuckDBPyConnection, text: str | None, value: float) -> None:
    sample = ["$120,000", "35%", "1,234.5"]
    assert evaluate(con, number_expr('"v"', sample, ","), [text]) == [value]


def test_decimal_comma_columns_are_read_european_style(con: duckdb.DuckDBPyConnection) -> None:
    sample = ["1.200,50", "€1.200", "3,5"]
    assert evaluate(con, number_expr('"v"', sample, ";"), ["1.200,50", "€1.200", "3,5"]) == [1200.5, 1200.0, 3.5]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("03/31/2026", date(2026, 3, 31)),
        ("3/5/2026", date(2026, 3, 5)),
        ("2026-03-31 10:15:00", date(2026, 3, 31)),
        ("2026-03", date(2026, 3, 1)),
        ("Mar 2026", date(2026, 3, 1)),
        ("46112", date(2026, 3, 31)),
        ("soon", None),
    ],
)
def test_us_and_iso_dates_and_months(con: duckdb.DuckDBPyConnection, text: str, value: date | None) -> None:
    assert evaluate(con, date_expr('"v"', ["03/31/2026", "2026-03-01"]), [text]) == [value]


def test_day_first_dates_are_recognised_from_the_sample(con: duckdb.DuckDBPyConnection) -> None:
    expr = date_expr('"v"', ["31/03/2026", "05/04/2026"])
    assert evaluate(con, expr, ["05/04/2026"]) == [date(2026, 4, 5)]


def check_scored(result: PortfolioResult) -> None:
    accounts = by_id(result)
    assert set(accounts) == {"A-1", "A-2"}, problems_text(result)
    assert accounts["A-1"]["arr"] == 120000.0
    assert accounts["A-1"]["seat_utilization"] == pytest.approx(80.0)
    assert accounts["A-1"]["usage_rate"] == 35.0
    assert accounts["A-1"]["days_to_renewal"] == 0
    assert accounts["A-2"]["renewal_date"].date() == date(2026, 6, 30)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_common_delimiters(delimiter: str) -> None:
    check_scored(load({"crm.csv": csv_bytes([HEADER, *ROWS], delimiter=delimiter)}))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "latin-1", "utf-16", "utf-16-le", "utf-16-be"])
def test_encodings(encoding: str) -> None:
    data = csv_bytes([HEADER, *ROWS], encoding=encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data
    elif encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    result = load({"crm.csv": data})
    check_scored(result)
    assert by_id(result)["A-2"]["account_name"] == "Bravo Café"
    assert not result.errors


def test_latin1_after_the_sample_is_still_read() -> None:
    filler = [[f"F-{i}", "Plain", "1000", "2026-06-30", "10", "5", "50%"] for i in range(3000)]
    data = csv_bytes([HEADER, *filler, *ROWS], encoding="latin-1")
    result = load({"late.csv": data})
    assert by_id(result)["A-2"]["account_name"] == "Bravo Café"
    assert "Latin-1" in problems_text(result)


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_typed_cells() -> None:
    rows: list[Sequence[object]] = [
        HEADER,
        ["A-1", "Acme", 120000, date(2026, 3, 31), 100, 80, "35%"],
        ["A-2", "Bravo Café", "$45,000", "2026-06-30", 50.0, 10, 0.9],
    ]
    result = load({"crm.xlsx": xlsx_bytes(rows)})
    accounts = by_id(result)
    assert accounts["A-1"]["arr"] == 120000.0 and accounts["A-1"]["days_to_renewal"] == 0
    assert accounts["A-2"]["arr"] == 45000.0 and accounts["A-2"]["seat_utilization"] == pytest.approx(20.0)


def test_xlsx_bad_cell_is_reported_with_its_excel_row() -> None:
    rows: list[Sequence[object]] = [
        ["Account export"],
        [],
        HEADER,
        ROWS[0],
        ["A-3", "Charlie", "lots", "", 10, 5, "50%"],
    ]
    result = load({"crm.xlsx": xlsx_bytes(rows)})
    bad = [p for p in result.problems if p.column == "ARR"]
    assert bad and bad[0].rows == (5,) and "'lots'" in bad[0].message
    assert set(by_id(result)) == {"A-1", "A-3"}


def test_xlsx_that_is_really_csv_is_read_with_a_warning() -> None:
    result = load({"crm.xlsx": csv_bytes([HEADER, *ROWS])})
    check_scored(result)
    assert any("holds plain text" in p.message for p in result.warnings)


def test_xlsx_zip_bomb_is_refused_before_parsing() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                member.write(chunk)
    result = load({"bomb.xlsx": buffer.getvalue()})
    assert result.accounts.empty
    assert result.errors and "refused" in result.errors[0].message


def test_a_workbook_with_too_many_cells_is_refused_with_a_way_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("scoring.portfolio.ingest.read.MAX_XLSX_CELLS", 25)
    result = load({"big.xlsx": xlsx_bytes([HEADER, *ROWS, *ROWS])})
    assert result.accounts.empty
    assert result.errors[0].file == "big.xlsx" and "more than 25 cells" in result.errors[0].message
    assert "CSV" in result.errors[0].fix
    assert not load({"small.xlsx": xlsx_bytes([HEADER, *ROWS])}).errors


def test_parquet_and_truncated_parquet(tmp_path: Path) -> None:
    path = tmp_path / "crm.parquet"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT * FROM (VALUES ('A-1', 'Acme', 120000.0, DATE '2026-03-31', 100, 80, 35.0), "
        "('A-2', 'Bravo Café', 45000.0, DATE '2026-06-30', 50, 10, 90.0)) "
        't("Account ID", "Account Name", "ARR", "Renewal Date", "Licensed Seats", "Active Users", "Usage %")) '
        f"TO '{path}' (FORMAT parquet)"
    )
    con.close()
    data = path.read_bytes()
    check_scored(load({"crm.parquet": data}))
    broken = load({"crm.parquet": data[: len(data) // 2]})
    assert broken.accounts.empty
    assert broken.errors and "Parquet" in broken.errors[0].message


def test_binary_and_empty_files_are_errors_not_crashes() -> None:
    binary = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50
    result = load({"img.csv": binary, "empty.csv": b"", "ok.csv": csv_bytes([HEADER, *ROWS])})
    check_scored(result)
    messages = {p.file: p.message for p in result.errors}
    assert "binary" in messages["img.csv"] and "empty" in messages["empty.csv"]


def test_a_bad_cell_after_the_sample_is_reported_and_its_row_still_scores() -> None:
    """Columns that look clean are typed by the reader; a late bad cell must not cost its row."""
    header = ["Account ID", "Licensed Seats", "Active Users", "Last Check-in"]
    rows = [[f"F-{i}", "10", "5", "2026-03-01"] for i in range(2500)]
    rows[2400] = ["LATE", "ten", "5", "2026-03-01"]
    rows[2450] = ["LATE-DATE", "10", "5", "March the 3rd"]
    result = load({"usage.csv": csv_bytes([header, *rows])})
    accounts = by_id(result)
    assert len(accounts) == 2500
    assert pd.isna(accounts["LATE"]["seat_utilization"]) and accounts["LATE"]["csm_responsiveness"] > 0
    assert pd.isna(accounts["LATE-DATE"]["csm_responsiveness"]) and accounts["LATE-DATE"]["seat_utilization"] == 50
    problems = {p.column: p for p in result.problems if p.column}
    assert problems["Licensed Seats"].rows == (2402,) and "'ten'" in problems["Licensed Seats"].message
    assert problems["Last Check-in"].rows == (2452,)


def test_a_file_too_wide_for_memory_gets_a_message_a_csm_can_act_on() -> None:
    header = ",".join(["Account ID"] + [f"c{i}" for i in range(20000)])
    row = ",".join(["A-1"] + ["1"] * 20000)
    result = load({"wide.csv": f"{header}\n{row}\n".encode()})
    assert result.accounts.empty
    problem = result.errors[0]
    assert problem.file == "wide.csv" and "more memory than the server allows" in problem.message
    assert "Out of Memory" not in problem.message and "columns you need" in problem.fix
