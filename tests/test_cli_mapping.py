"""The page's mapping, downloaded, gives the CLI the same table; bad mapping files exit 2 with one line.

Also the gap line: the CLI names, on stderr, the signals the files left empty,
in the sentence the page shows.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pages.ui.portfolio.keys import SCORED_KEY
from scoring.catalog import get_model
from scoring.cli.main import main
from scoring.csv_export import to_csv
from scoring.portfolio.contract import export_columns
from scoring.portfolio.ingest.mapping_file import MAX_BYTES, mapping_document
from tests.portfolio_page import open_portfolio, upload

TECH = get_model("technical-csm")
USAGE = (
    b"Customer ID,Company,Usage % (MTD),Seats in use,# Seats,Teams live %\n"
    b"C-1,Acme,80,40,50,75\nC-2,Birch,35,5,40,20\nC-3,Cedar,95,9,10,100\n"
)


def gap_line(app: AppTest) -> str:
    """The banner's text as a reader sees it (the page escapes Markdown in it)."""
    return next(w.value.replace("\\", "") for w in app.warning if w.value.startswith("Scored on"))


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def portfolio_page(fresh_store: Path) -> AppTest:
    app = open_portfolio(timeout=120)
    upload(app, ("usage.csv", USAGE))
    return app


def test_the_gap_is_named_above_the_kpis_and_one_pick_fills_it(portfolio_page: AppTest) -> None:
    warning = gap_line(portfolio_page)
    assert warning.startswith("Scored on 2 of 5 signals: no column for ")
    assert "Seat utilisation" in warning and "Override / bypass rate" in warning
    picker = portfolio_page.selectbox(key="portfolio:gap_pick:seat_utilization")
    assert "Seats in use" in picker.options and "Usage % (MTD)" not in picker.options
    picker.set_value("Seats in use").run()
    assert not portfolio_page.exception
    result = portfolio_page.session_state[SCORED_KEY].result
    [mapping] = result.mappings
    assert mapping.columns["Seats in use"] == "seat_utilization" and mapping.reasons["Seats in use"] == "user"
    warning = gap_line(portfolio_page)
    assert warning.startswith("Scored on 3 of 5 signals") and "Seat utilisation" not in warning


def test_the_editor_says_why_and_how_sure(portfolio_page: AppTest) -> None:
    frames = [e.value for e in portfolio_page.dataframe if "Why" in e.value.columns]
    assert len(frames) == 1
    rows = {r["Column in your file"]: (r["Why"], r["How sure"]) for r in frames[0].to_dict("records")}
    assert rows["Usage % (MTD)"][1] == "Medium" and "set aside" in rows["Usage % (MTD)"][0]
    assert rows["Company"] == ("Known name for this field", "High")
    assert rows["Seats in use"] == ("Not recognised", "")


def test_the_pages_mapping_as_a_file_gives_the_cli_the_pages_table(portfolio_page: AppTest, tmp_path: Path) -> None:
    portfolio_page.selectbox(key="portfolio:gap_pick:seat_utilization").set_value("Seats in use").run()
    result = portfolio_page.session_state[SCORED_KEY].result
    assert len(result.accounts) == 3
    mapping_file = tmp_path / "column-mapping.json"
    mapping_file.write_bytes(mapping_document(TECH, result.mappings))
    export = tmp_path / "usage.csv"
    export.write_bytes(USAGE)
    code, out, err = run_cli("portfolio", str(export), "--model", TECH.id, "--mapping", str(mapping_file))
    assert code == 0, err
    assert out == to_csv(result.accounts[export_columns(TECH)])
    plain_code, plain_out, _ = run_cli("portfolio", str(export), "--model", TECH.id)
    assert plain_code == 0 and plain_out != out  # without the file, the picked column is not used


def test_the_cli_prints_the_pages_gap_line_on_stderr(tmp_path: Path, db_path: Path) -> None:
    export = tmp_path / "usage.csv"
    export.write_bytes(USAGE)
    code, _, err = run_cli("portfolio", str(export), "--model", TECH.id)
    assert code == 0
    gap = [line for line in err.splitlines() if "Scored on" in line]
    assert gap == [
        "warning: Scored on 2 of 5 signals: no column for Seat utilisation, Override / bypass rate, "
        "Engagement with the CSM."
    ]


def good_document() -> dict[str, object]:
    return json.loads(mapping_document(TECH, []).decode())


@pytest.mark.parametrize(
    ("content", "names"),
    [
        (b"not json {", "is not a JSON mapping"),
        (json.dumps({"format": "something else", "files": {}}).encode(), '"format"'),
        (json.dumps({**good_document(), "files": []}).encode(), '"files"'),
        (json.dumps({**good_document(), "files": {"a.csv": ["x"]}}).encode(), '"files.a.csv"'),
        (json.dumps({**good_document(), "files": {"a.csv": {"ARR": 3}}}).encode(), '"files.a.csv.ARR"'),
        (json.dumps({**good_document(), "files": {"a.csv": {"ARR": "money"}}}).encode(), "'money'"),
        (
            json.dumps(
                {**good_document(), "files": {"a.csv": {"ID": "account_id"}, "b.csv": {"ID": "owner"}}}
            ).encode(),
            '"files.b.csv.ID"',
        ),
        (b" " * (MAX_BYTES + 1), "larger than"),
    ],
)
def test_a_bad_mapping_file_exits_2_with_one_line_naming_file_and_entry(
    tmp_path: Path, db_path: Path, content: bytes, names: str
) -> None:
    export = tmp_path / "usage.csv"
    export.write_bytes(USAGE)
    bad = tmp_path / "my-mapping.json"
    bad.write_bytes(content)
    code, out, err = run_cli("portfolio", str(export), "--model", TECH.id, "--mapping", str(bad))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "my-mapping.json" in err and names in err
    assert str(tmp_path) not in err


def test_a_missing_mapping_file_is_one_line_too(tmp_path: Path, db_path: Path) -> None:
    export = tmp_path / "usage.csv"
    export.write_bytes(USAGE)
    code, _, err = run_cli("portfolio", str(export), "--model", TECH.id, "--mapping", str(tmp_path / "nope.json"))
    assert code == 2 and err.count("\n") == 1 and "nope.json" in err


def test_map_entries_win_over_the_mapping_file(tmp_path: Path, db_path: Path) -> None:
    export = tmp_path / "usage.csv"
    export.write_bytes(USAGE)
    doc = good_document()
    doc["files"] = {"usage.csv": {"Customer ID": "account_id", "Seats in use": "seat_utilization"}}
    mapping_file = tmp_path / "m.json"
    mapping_file.write_text(json.dumps(doc))
    args = ["portfolio", str(export), "--model", TECH.id, "--mapping", str(mapping_file)]
    _, with_file, _ = run_cli(*args)
    _, overridden, _ = run_cli(*args, "--map", "Seats in use=ignore")
    assert "seat_utilization" in with_file.splitlines()[0]
    assert with_file != overridden
