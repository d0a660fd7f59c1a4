"""Model files are bounded before use: size, signal count, weights and ranges; the CLI's JSON stays JSON."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.catalog import MAX_SIGNALS, CatalogError, get_model, with_weights
from scoring.cli.score import card_json
from scoring.engine import score
from scoring.model_toml import MAX_MODEL_BYTES, load_model_text, read_model_file, to_toml
from tests.servers import ROOT

TECHNICAL = to_toml(get_model("technical-csm"))


def with_every_weight(value: str) -> str:
    return re.sub(r"^weight = .*$", f"weight = {value}", TECHNICAL, flags=re.M)


def signal_block(i: int) -> str:
    return (
        f'[[signals]]\nid = "s{i}"\nlabel = "S{i}"\nhelp = "h"\nweight = 1\nmin = 0\nmax = 100\n'
        'default = 50\ndirection = "higher"\ntransform = "linear"\nunit = ""\nstep = 1\n'
    )


def many_signals(count: int) -> str:
    return 'id = "many"\nname = "Many"\n' + "\n".join(signal_block(i) for i in range(count))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("weight", "problem"),
    [
        ("1e308", "signals[0].weight: must lie between 1e-06 and 1e+06 (got 1e+308)"),
        ("5e-324", "signals[0].weight: must lie between 1e-06 and 1e+06 (got 4.94066e-324)"),
        ("1e-7", "signals[0].weight: must lie between 1e-06 and 1e+06 (got 1e-07)"),
        ("2e6", "signals[0].weight: must lie between 1e-06 and 1e+06 (got 2e+06)"),
        ("inf", "signals[0].weight: must be a finite number (got inf)"),
        ("nan", "signals[0].weight: must be a finite number (got nan)"),
    ],
)
def test_weights_out_of_bounds_are_refused_naming_the_field(weight: str, problem: str) -> None:
    with pytest.raises(CatalogError) as caught:
        load_model_text(with_every_weight(weight), "w.toml")
    assert str(caught.value) == f"w.toml: {problem}"


def test_weights_at_the_bounds_are_accepted() -> None:
    assert load_model_text(with_every_weight("1e-6"), "w.toml").groups[0].weight == 1e-6
    assert load_model_text(with_every_weight("1e6"), "w.toml").groups[0].weight == 1e6


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("min", "-1e10", "signals[0].min: must lie between -1e+09 and 1e+09 (got -1e+10)"),
        ("max", "1e300", "signals[0].max: must lie between -1e+09 and 1e+09 (got 1e+300)"),
        ("max", "inf", "signals[0].max: must be a finite number (got inf)"),
        ("min", "100", "signals[0].max: must be greater than min (100)"),
    ],
)
def test_ranges_must_be_finite_ordered_and_of_sane_size(field: str, value: str, problem: str) -> None:
    text = re.sub(rf"^{field} = .*$", f"{field} = {value}", TECHNICAL, count=1, flags=re.M)
    with pytest.raises(CatalogError) as caught:
        load_model_text(text, "r.toml")
    assert str(caught.value) == f"r.toml: {problem}"


def test_at_most_the_signal_cap_is_accepted() -> None:
    assert len(load_model_text(many_signals(MAX_SIGNALS), "cap.toml").signals) == MAX_SIGNALS
    with pytest.raises(CatalogError) as caught:
        load_model_text(many_signals(MAX_SIGNALS + 1), "cap.toml")
    assert (
        str(caught.value) == f"cap.toml: signals: has {MAX_SIGNALS + 1} entries; a model may have at most 200 signals"
    )


def test_ten_thousand_signals_are_refused_by_size_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text(many_signals(10_000), encoding="utf-8")
    assert path.stat().st_size > MAX_MODEL_BYTES
    with pytest.raises(CatalogError, match=r"\(file\): is larger than 256 KB"):
        read_model_file(path)


def test_a_one_gigabyte_sparse_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "sparse.toml"
    subprocess.run(["truncate", "-s", "1G", str(path)], check=True)
    result = run("score", "--model", str(path), "--set", "usage_rate=50")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        f"error: --model {path}: (file): is larger than 256 KB; "
        "a model file holds at most 200 signals and is a few KB, so this is not one\n"
    )


def test_model_text_over_the_cap_is_refused() -> None:
    with pytest.raises(CatalogError, match="larger than 256 KB"):
        load_model_text(TECHNICAL + "#" * MAX_MODEL_BYTES, "big.toml")


def test_the_cli_refuses_a_1e308_model_and_prints_no_nan(tmp_path: Path) -> None:
    path = tmp_path / "huge-weights.toml"
    path.write_text(with_every_weight("1e308"), encoding="utf-8")
    result = run("score", "--model", str(path), "--set", "usage_rate=50")
    assert result.returncode == 2 and result.stdout == ""
    assert "NaN" not in result.stderr and "signals[0].weight" in result.stderr


def test_card_json_never_holds_nan_or_infinity() -> None:
    model = get_model("technical-csm")
    card = score(model, {"usage_rate": 50}, [])
    broken = dataclasses.replace(card, coverage=float("nan"), bonus_points=float("inf"))
    data = card_json(model, broken)
    json.dumps(data, allow_nan=False)  # raises on NaN or Infinity
    assert data["coverage"] is None and data["bonus_points"] is None


@settings(max_examples=100, deadline=None)
@given(weights=st.lists(st.floats(min_value=0, max_value=1e6), min_size=5, max_size=5))
def test_any_saved_reweighting_writes_a_file_that_reads_back(weights: list[float]) -> None:
    """A custom model's weights come from the page; whatever they are, its TOML download must load."""
    base = get_model("technical-csm")
    if sum(weights) <= 0:
        weights[0] = 1.0
    custom = with_weights(base, dict(zip((g.id for g in base.groups), weights, strict=True)), "custom-x", "X")
    back = load_model_text(to_toml(custom), "custom-x.toml")
    assert [g.weight for g in back.groups] == [g.weight for g in custom.groups]
