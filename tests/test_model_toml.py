"""Models written out as TOML read back unchanged, and the CLI takes them with --model FILE.toml."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.catalog import CatalogError, get_model, parse_model, preset_models, with_weights
from scoring.cli.main import main
from scoring.engine import score
from scoring.model import Derivation, Model
from scoring.model_toml import load_model_text, read_model_file, to_toml, toml_number, toml_string
from scoring.portfolio import load_portfolio
from scoring.portfolio.contract import Export
from tests.servers import ROOT
from tests.test_engine import TECHNICAL

DEMO_USAGE = "data/demo/usage_monthly.csv"
HOSTILE = [
    'He said "hi"',
    "back\\slash\\",
    "line\nbreak\r\nand\ttab",
    "\x00\x01\x1f\x7f\x08\x0c",
    "\"\"\"triple\"\"\" and '''single'''",
    "\\u0041 is not an A",
    "# not a comment",
    '[[signals]]\nid = "injected"',
    "Énergie & Co — 東京 🧪",
    "\u2028\u2029\u00a0\u200b\ufeff\u0085",
    "\U0010ffff",
    " ",
]


def round_trip(model: Model) -> Model:
    return parse_model(tomllib.loads(to_toml(model)), "round-trip", custom=model.custom)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def custom_three_pillar() -> Model:
    return with_weights(
        get_model("three-pillar"), {"product": 1, "relationship": 0, "outcomes": 3}, "custom-outcomes", "Outcomes first"
    )


@pytest.mark.parametrize("model_id", sorted(preset_models()))
def test_every_preset_reads_back_unchanged(model_id: str) -> None:
    model = preset_models()[model_id]
    assert round_trip(model) == model


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_custom_weights_read_back_unchanged(data: st.DataObject) -> None:
    base = data.draw(st.sampled_from(sorted(preset_models().values(), key=lambda m: m.id)))
    weight = st.one_of(
        st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
        st.integers(min_value=0, max_value=1000),
        st.sampled_from([1e-300, 5e-324, 1 / 3, 2**53 + 2.0]),
    )
    weights = data.draw(st.fixed_dictionaries({g.id: weight for g in base.groups}))
    if sum(weights.values()) <= 0:
        weights[base.groups[0].id] = 1
    custom = with_weights(base, weights, "custom-x", "X")
    back = round_trip(custom)
    assert back == custom
    assert [g.weight for g in back.groups] == [g.weight for g in custom.groups], "weights are exact, not rounded"


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_survives_in_every_string_field(text: str) -> None:
    model = custom_three_pillar()
    signal = dataclasses.replace(
        model.signals[0],
        label=f"x{text}",
        help=f"h{text}",
        unit=text,
        derive=Derivation(expr=f"e{text}", floor=0, target=1),
    )
    hostile = dataclasses.replace(
        model, name=f"n{text}", source=text, description=text, signals=(signal, *model.signals[1:])
    )
    written = to_toml(hostile)
    assert round_trip(hostile) == hostile
    assert len(tomllib.loads(written)["signals"]) == len(model.signals), "a string cannot open a new table"
    assert all(ch == "\n" or ch.isprintable() for ch in written), "nothing invisible is written raw"


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_any_text_reads_back_exactly(text: str) -> None:
    assert tomllib.loads(f"v = {toml_string(text)}")["v"] == text


@pytest.mark.parametrize("value", [0.0, -0.0, 30.0, 33.333333333333336, 1e-300, 5e-324, 1e16, 2.0**53 + 2, -7.5])
def test_numbers_read_back_exactly(value: float) -> None:
    assert float(tomllib.loads(f"v = {toml_number(value)}")["v"]) == value


def test_whole_weights_are_written_as_a_person_would() -> None:
    written = to_toml(get_model("technical-csm"))
    assert "weight = 30\n" in written and "[[groups]]" not in written
    assert "[[groups]]" in to_toml(get_model("three-pillar"))


def test_text_toml_cannot_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="surrogate"):
        toml_string("bad \ud800")
    with pytest.raises(ValueError):
        toml_number(float("nan"))


def test_a_written_file_loads_from_its_path(tmp_path: Path) -> None:
    path = tmp_path / "custom-outcomes.toml"
    path.write_text(to_toml(custom_three_pillar()), encoding="utf-8")
    assert read_model_file(path) == dataclasses.replace(custom_three_pillar(), custom=False)


def test_a_model_file_cannot_bring_its_own_sql(tmp_path: Path) -> None:
    model = custom_three_pillar()
    sneaky = dataclasses.replace(model.signals[0], derive=Derivation("(SELECT 1 FROM read_text('/etc/passwd'))", 0, 1))
    path = tmp_path / "sneaky.toml"
    path.write_text(to_toml(dataclasses.replace(model, signals=(sneaky, *model.signals[1:]))), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        read_model_file(path)
    assert caught.value.field == "signals[0].derive.expr"
    assert caught.value.source == str(path)


def test_load_model_text_names_syntax_errors() -> None:
    with pytest.raises(CatalogError) as caught:
        load_model_text("id = ", "pasted.toml")
    assert (caught.value.source, caught.value.field) == ("pasted.toml", "(syntax)")


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "custom-technical.toml"
    custom = with_weights(
        get_model("technical-csm"),
        {"usage_rate": 10, "teams_live": 40, "override_rate": 0},
        "custom-technical",
        "Rollout heavy",
    )
    path.write_text(to_toml(custom), encoding="utf-8")
    return path


def test_portfolio_with_a_model_file_scores_as_the_engine_does(model_file: Path) -> None:
    model = read_model_file(model_file)
    result = run("portfolio", DEMO_USAGE, "--model", str(model_file))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) > 10
    assert "override_rate" not in rows[0], "the dropped signal is gone from the export"
    # The CSV rounds signal values as the page shows them, so the oracle is the engine's formula run
    # on the unrounded values: the portfolio scored in Python with the same model read from the file.
    expected = load_portfolio([Export.from_path(Path(DEMO_USAGE))], model).accounts.set_index("account_id")["score"]
    for row in rows:
        assert float(row["score"]) == expected[row["account_id"]], row["account_id"]


def test_a_preset_written_to_a_file_scores_exactly_as_the_preset(tmp_path: Path) -> None:
    path = tmp_path / "technical-csm.toml"
    path.write_text(to_toml(get_model("technical-csm")), encoding="utf-8")
    from_file = run("portfolio", DEMO_USAGE, "--model", str(path))
    preset = run("portfolio", DEMO_USAGE, "--model", "technical-csm")
    assert from_file.returncode == 0, from_file.stderr
    assert from_file.stdout == preset.stdout


def test_score_takes_a_model_file_for_one_account_and_for_a_csv(model_file: Path, tmp_path: Path) -> None:
    model = read_model_file(model_file)
    sets = [part for sid in model.signal_ids for part in ("--set", f"{sid}={TECHNICAL[sid]:g}")]
    code, out, err = cli("score", "--model", str(model_file), *sets)
    assert code == 0, err
    card = json.loads(out)
    assert card["model"] == "custom-technical"
    assert card["score"] == score(model, {s: TECHNICAL[s] for s in model.signal_ids}, []).score
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account,usage_rate,teams_live\nAcme,85,75\n", encoding="utf-8")
    code, out, err = cli("score", str(accounts), "--model", str(model_file))
    assert code == 0, err
    row = next(csv.DictReader(io.StringIO(out)))
    assert float(row["score"]) == score(model, {"usage_rate": 85, "teams_live": 75}, []).score


SCHEMA_BROKEN = to_toml(get_model("technical-csm")).replace("weight = 30", "weight = -30")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "(file): no such file"),
        ("id = \n", "(syntax): "),
        (SCHEMA_BROKEN, "signals[0].weight: must lie between 1e-06 and 1e+06 (got -30)"),
        ("\udcff", "(file): cannot be read as UTF-8"),
    ],
    ids=["missing", "bad-toml", "schema", "not-utf8"],
)
def test_a_bad_model_file_is_one_line_naming_the_file_and_field(
    tmp_path: Path, content: str | None, expected: str
) -> None:
    path = tmp_path / "my model.toml"
    if content is not None:
        path.write_bytes(content.encode("utf-8", "surrogateescape"))
    for args in (["portfolio", DEMO_USAGE], ["score", "--set", "usage_rate=50"]):
        result = run(*args, "--model", str(path))
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith(f"error: --model {path}: {expected}"), result.stderr
        assert "Traceback" not in result.stderr


def test_a_path_with_a_line_break_still_gives_one_line(tmp_path: Path) -> None:
    code, out, err = cli("score", "--model", str(tmp_path / "two\nlines.toml"), "--set", "usage_rate=50")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "no such file" in err


def test_a_preset_id_wins_over_a_stray_file_of_that_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "technical-csm").write_text("not a model", encoding="utf-8")
    code, out, err = cli("score", "--model", "technical-csm", "--set", "usage_rate=50")
    assert code == 0, err
    assert json.loads(out)["score"] == 50


def test_an_existing_file_without_the_toml_suffix_is_read(model_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(model_file.parent)
    plain = model_file.rename(model_file.parent / "rollout-model")
    code, out, err = cli("score", "--model", plain.name, "--set", "usage_rate=50")
    assert code == 0, err
    assert json.loads(out)["model"] == "custom-technical"


def test_an_unknown_model_id_mentions_model_files() -> None:
    code, _, err = cli("score", "--model", "no-such-model", "--set", "usage_rate=50")
    assert code == 2
    assert "technical-csm" in err and ".toml model file" in err


def test_models_help_mentions_model_files() -> None:
    result = run("models", "--help")
    assert result.returncode == 0
    assert "--model path/to/model.toml" in " ".join(result.stdout.split())
