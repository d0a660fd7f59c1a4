"""Upload messages in our words: spreadsheet rows, no engine text or server paths, bad values blamed as values."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from scoring.catalog import preset_models
from scoring.db import engine
from scoring.portfolio import load_portfolio
from scoring.portfolio.contract import Export
from scoring.portfolio.ingest import read

HEADER = "Account ID,Account Name,ARR,Usage Rate\n"


def test_bad_values_are_blamed_on_the_values_not_the_mapping() -> None:
    data = (HEADER + "A1,One,1000,80\nA2,Two,lots,70\nA3,Three,2000,60\n").encode()
    result = load_portfolio([Export("crm.csv", data)], preset_models()["technical-csm"])
    bad = [p for p in result.problems if p.column == "ARR"]
    assert len(bad) == 1, [p.message for p in result.problems]
    assert "values cannot be read" in bad[0].message and "row 3: 'lots'" in bad[0].message
    assert bad[0].fix.startswith("Correct those values in the source data")
    assert "map 'ARR' to a different field" not in bad[0].fix
    assert bad[0].rows == (3,), "the spreadsheet's row: header is row 1, A2 is row 3"


def test_a_csv_that_will_not_open_is_described_without_engine_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB says "CSV Error on Line: 2" over the header's text and names its temp copy; neither reaches the user."""
    temp_copy = tmp_path / "export_0.csv"

    def refuse(con: object, src: read.Source) -> read.Source:
        raise duckdb.InvalidInputException(
            f"Invalid Input Error: CSV Error on Line: 2\nOriginal Line: a,b\nfile = {temp_copy}"
        )

    monkeypatch.setattr(read, "_sample", refuse)
    con = engine()
    try:
        src, problems = read.open_export(con, Export("book.csv", b"a,b\n1,2\n"), tmp_path, 0)
    finally:
        con.close()
    assert src is None
    text = " ".join(f"{p.message} {p.fix}" for p in problems)
    assert "could not be read as CSV" in text
    assert "Line" not in text and str(tmp_path) not in text and "Error" not in text


def test_a_damaged_parquet_file_is_named_without_engine_text(tmp_path: Path) -> None:
    con = engine()
    try:
        src, problems = read.open_export(con, Export("usage.parquet", b"PAR1" + b"\x00" * 64), tmp_path, 0)
    finally:
        con.close()
    assert src is None
    assert [p.message for p in problems] == ["The Parquet file is damaged or truncated."]
