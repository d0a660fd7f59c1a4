"""`python -m scoring score FILE` through DuckDB and the formula's SQL twin says what the Python command said.

The oracle below is the command as it was written in Python (csv.DictReader,
``scoring.engine.score`` row by row, ``csv_export.rows_to_csv``): the SQL
path must give the same bytes on stdout and stderr, the same scores, bands
and warnings, and the same single error line.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.catalog import get_model
from scoring.cli.main import main
from scoring.csv_export import rows_to_csv
from scoring.engine import NoSignals, score
from scoring.model import Model
from scoring.score_file import ScoreFileError, row_bonuses, row_values, score_file

TECHNICAL = get_model("technical-csm")
THREE_PILLAR = get_model("three-pillar")
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def oracle(model: Model, path: Path, bonuses: list[str]) -> tuple[str, str] | str:
    """(stdout, stderr) of the Python command, or its error message."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return f"{path}: cannot read it as UTF-8 CSV ({exc.__class__.__name__})"
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = list(reader.fieldnames or [])
    used = [c for c in columns if c in model.signal_ids]
    if not used:
        return f"{path}: no column is named after a signal of {model.id} ({', '.join(model.signal_ids)})"
    rows: list[list[str]] = []
    warnings: list[str] = []
    scored = 0
    for number, row in enumerate(reader, start=2):
        values, bad = row_values(model, row, used, f"{path}: row {number}")
        chosen, bad_bonus = row_bonuses(model, row, bonuses, f"{path}: row {number}")
        warnings += bad + bad_bonus
        cells = [row.get(c) or "" for c in columns]
        try:
            card = score(model, values, chosen)
        except NoSignals:
            warnings.append(f"{path}: row {number}: no signal values; not scored")
            rows.append([*cells, "", ""])
            continue
        rows.append([*cells, f"{card.score:.1f}", card.band])
        scored += 1
    if scored == 0:
        first = warnings[0] if warnings else ""
        return f"{path}: no row could be scored" + (f" (first problem: {first})" if first else "")
    return rows_to_csv([*columns, "score", "band"], rows, keep_numbers=True), "".join(f"{w}\n" for w in warnings)


def via_sql(model: Model, path: Path, bonuses: list[str]) -> tuple[str, str] | str:
    out, err = io.StringIO(), io.StringIO()
    try:
        score_file(model, path, bonuses, out, err)
    except ScoreFileError as exc:
        return str(exc)
    return out.getvalue(), err.getvalue()


def same_as_python(model: Model, path: Path, content: str | bytes, bonuses: list[str] = []) -> None:  # noqa: B006
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    assert via_sql(model, path, bonuses) == oracle(model, path, bonuses)


# Shapes where DuckDB's reader and the csv module part ways, or where a cell is odd.
EDGE_FILES = [
    "account,usage_rate,seat_utilization,teams_live,override_rate,csm_responsiveness,roi_articulated\n"
    'Acme,85,60,75,12,70,yes\nBeta,85,60,75,12,70,no\n"Gamma, Inc",30,,20,60,10,\n',
    'account,usage_rate,note\nGood,85,"two\nlines"\nBad,lots,=1+2\nOff,150,-5\n',
    "note,usage_rate,note,=cmd,name\n=1,85,-5,@x,=HYPERLINK(1)\n-d,70,+1.5e3,,-dash\n",
    "usage_rate,roi_articulated\n50,maybe\n50, Yes \n50,TRUE\n50,\u2713\n50,\u0130\n",
    "usage_rate\n 50 \n50%\n1e1\n1_0\n\u0661\u0662\ninf\nnan\n-0\n+5\n.5\n5.\n0x10\n+-50\n 7 %\n1e400\n",
    "a,,usage_rate\n1,2,3\n",
    'usage_rate,n\r\n5,a\r\n6,"b\r\nc"\r\n',
    "usage_rate\r5\r6\r",
    "\ufeffusage_rate\n5\n",
    "usage_rate,x\n5\n6,7,8\n",
    'usage_rate,x\n"5" ,a\n',
    'usage_rate,"x\ny"\n5,a\n',
    "usage_rate\n\n\n5\n\n",
    "\nusage_rate\n5\n",
    "usage_rate,n\n5,\x00a\n6,\u202eabc\n7,\ttab\n",
    "usage_rate,usage_rate\n5,6\nx,\n",
    "usage_rate\n",
    "usage_rate\nlots\n",
    "",
]


@pytest.mark.parametrize("content", EDGE_FILES, ids=range(len(EDGE_FILES)))
def test_edge_files_give_the_python_commands_bytes(content: str, tmp_path: Path) -> None:
    same_as_python(TECHNICAL, tmp_path / "edge.csv", content)


def test_bad_utf8_is_the_python_commands_error(tmp_path: Path) -> None:
    same_as_python(TECHNICAL, tmp_path / "latin.csv", b"usage_rate,name\n50,caf\xe9\n")


def test_given_bonus_applies_to_every_row(tmp_path: Path) -> None:
    same_as_python(TECHNICAL, tmp_path / "b.csv", "usage_rate,roi_articulated\n85,no\n85,\n", ["roi_articulated"])


RISKY = ["5", "50", "1e2", ",", '"', "\n", " ", "\r\n", "x", "%", "-", "=", "yes", ".", "\t", "\u202e", "+-"]


@SETTINGS
@given(body=st.lists(st.sampled_from(RISKY), max_size=30).map("".join))
def test_any_text_reads_as_the_csv_module_reads_it(body: str, tmp_path: Path) -> None:
    same_as_python(TECHNICAL, tmp_path / "fuzz.csv", "usage_rate,roi_articulated,teams_live\n" + body)


def cells_for(model: Model) -> st.SearchStrategy[str]:
    """A cell of a signal column: blank, a number in any common spelling, off the scale, or junk."""
    number = st.floats(min_value=-20, max_value=140, allow_nan=False).map(lambda v: round(v, 2))
    spelled = st.one_of(
        number.map(lambda v: f"{v:g}"), number.map(lambda v: f"{v}%"), number.map(lambda v: f" {v:.3e} ")
    )
    return st.one_of(st.just(""), st.just("   "), spelled, st.sampled_from(["n/a", "lots", "1_0", "--1", "nan"]))


@st.composite
def accounts(draw: st.DrawFn, model: Model) -> list[dict[str, str]]:
    columns = draw(st.lists(st.sampled_from(model.signal_ids), min_size=1, unique=True))
    bonus = [b.id for b in model.bonuses]
    flags = st.sampled_from(["", "yes", "No", "TRUE", "x", "maybe", " y "])
    return draw(
        st.lists(
            st.fixed_dictionaries({c: cells_for(model) for c in columns} | {b: flags for b in bonus}),
            min_size=1,
            max_size=8,
        )
    )


@pytest.mark.parametrize("model", [TECHNICAL, THREE_PILLAR], ids=lambda m: m.id)
@SETTINGS
@given(data=st.data())
def test_sql_scores_equal_the_python_engine(model: Model, data: st.DataObject, tmp_path: Path) -> None:
    rows = data.draw(accounts(model))
    path = tmp_path / "accounts.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = via_sql(model, path, [])
    used = [c for c in rows[0] if c in model.signal_ids]
    expected: list[tuple[str, str]] = []
    for number, row in enumerate(rows, start=2):
        values, _ = row_values(model, row, used, f"row {number}")
        chosen, _ = row_bonuses(model, row, [], f"row {number}")
        assert all(v is not None for v in values.values()), "a bad cell is left out, never zero or None"
        try:
            card = score(model, values, chosen)
        except NoSignals:
            expected.append(("", ""))
        else:
            expected.append((f"{card.score:.1f}", card.band))
    if not any(s for s, _ in expected):
        assert isinstance(result, str) and "no row could be scored" in result
        return
    assert not isinstance(result, str), result
    got = [(r["score"], r["band"]) for r in csv.DictReader(io.StringIO(result[0]))]
    assert got == expected
    assert result == oracle(model, path, [])


def test_output_format_is_unchanged(tmp_path: Path) -> None:
    """The exact bytes of a scored file, and the --set JSON's fields in order."""
    source = tmp_path / "accounts.csv"
    source.write_text(
        "account,usage_rate,seat_utilization,teams_live,override_rate,csm_responsiveness,roi_articulated,note\n"
        'Acme,85,60,75,12,70,yes,"a, b"\nBeta,85,60,75,12,70,no,=1\n"Gamma, Inc",30,,20,60,10,,\nDelta,,,,,,,\n',
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    assert main(["score", "--model", "technical-csm", str(source)], out, err) == 0
    assert out.getvalue() == (
        "account,usage_rate,seat_utilization,teams_live,override_rate,csm_responsiveness,roi_articulated,note,score,band\n"
        'Acme,85,60,75,12,70,yes,"a, b",86.0,green\n'
        "Beta,85,60,75,12,70,no,'=1,76.0,yellow\n"
        '"Gamma, Inc",30,,20,60,10,,,25.0,red\n'
        "Delta,,,,,,,,,\n"
    )
    assert err.getvalue() == f"{source}: row 5: no signal values; not scored\n"
    out = io.StringIO()
    assert main(["score", "--model", "technical-csm", "--set", "usage_rate=85"], out, io.StringIO()) == 0
    card = json.loads(out.getvalue())
    assert list(card) == [
        "model",
        "score",
        "band",
        "coverage",
        "missing",
        "bonus_points",
        "drivers",
        "groups",
        "actions",
    ]
    assert (card["score"], card["coverage"]) == (85.0, 0.3)


BAD_INPUT = [
    (b"usage_rate,name\n50,caf\xe9\n", "cannot read it as UTF-8 CSV"),
    (b"name,revenue\nAcme,10\n", "no column is named after a signal of technical-csm"),
    (b"usage_rate\nlots\n150\n", "no row could be scored (first problem: {path}: row 2, column usage_rate: 'lots'"),
    (b"usage_rate\n", "no row could be scored"),
]


@pytest.mark.parametrize(("content", "message"), BAD_INPUT, ids=["latin-1", "no-signal", "all-bad", "header-only"])
def test_bad_input_is_one_line_naming_the_file(content: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    assert main(["score", "--model", "technical-csm", str(path)], out, err) == 2
    assert out.getvalue() == ""
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: ")
    assert message.format(path=path) in lines[0]
    assert "Traceback" not in err.getvalue() and "duckdb" not in err.getvalue().lower()


def test_a_directory_or_missing_file_is_named(tmp_path: Path) -> None:
    for target, message in ((tmp_path, "cannot read it as UTF-8 CSV"), (tmp_path / "nope.csv", "no such file")):
        err = io.StringIO()
        assert main(["score", "--model", "technical-csm", str(target)], io.StringIO(), err) == 2
        assert err.getvalue() == f"error: {target}: {message}" + (
            " (IsADirectoryError)\n" if target == tmp_path else "\n"
        )


def test_a_plus_minus_sign_is_refused_as_python_refuses_it(tmp_path: Path) -> None:
    """DuckDB's cast reads ``+-50`` as -50; on a scale that holds -50 only the guard keeps it out."""
    signed = replace(
        TECHNICAL,
        signals=tuple(replace(s, min=-100.0) if s.id == "usage_rate" else s for s in TECHNICAL.signals),
    )
    path = tmp_path / "signed.csv"
    same_as_python(signed, path, "usage_rate\n+-50\n-50\n")
    result = via_sql(signed, path, [])
    assert not isinstance(result, str)
    assert "row 2, column usage_rate: '+-50' is not a number" in result[1]
