"""Custom model names, the ids they are saved under, and how saved models join the presets."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.catalog import preset_models
from scoring.custom_models import (
    NAME_MAX_CHARS,
    SavedModel,
    compose_models,
    model_id,
    name_problem,
    slug,
    usable,
)
from scoring.db import Store


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Enterprise renewals", "enterprise-renewals"),
        ("Énergie & Co", "energie-co"),
        ("  A/B (test) + more  ", "a-b-test-more"),
        ("Ünïcödé", "unicode"),
        ("日本語", ""),
    ],
)
def test_slug_keeps_ascii_letters_and_digits(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_the_model_id_is_the_slug_with_a_custom_prefix() -> None:
    assert model_id("Enterprise renewals") == "custom-enterprise-renewals"
    assert model_id("enterprise  RENEWALS") == model_id("Enterprise renewals"), "same name, same id: a save replaces"


@pytest.mark.parametrize(
    "name",
    ["Enterprise renewals", "Q3 focus", "R&D (beta)", "Growth/expansion", "O'Brien's book", "Été 2025", "A" * 60],
)
def test_acceptable_names(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "Give the custom model a name."),
        ("A" * (NAME_MAX_CHARS + 1), f"Keep the name under {NAME_MAX_CHARS} characters."),
        ("[click](http://x)", "Use only letters, digits, spaces and - . , ' & ( ) / + in the name."),
        (":red[alarm]", "Use only letters, digits, spaces and - . , ' & ( ) / + in the name."),
        ("**bold**", "Use only letters, digits, spaces and - . , ' & ( ) / + in the name."),
        ("snake_case", "Use only letters, digits, spaces and - . , ' & ( ) / + in the name."),
        ("- . ,", "Use at least one letter or digit in the name."),
        ("日本語", "Use at least one letter or digit in the name."),
    ],
)
def test_unusable_names_say_why(name: str, problem: str) -> None:
    assert name_problem(name) == problem


@pytest.mark.parametrize("preset_id", sorted(preset_models()))
def test_a_preset_name_or_id_is_refused(preset_id: str) -> None:
    preset = preset_models()[preset_id]
    for name in (preset.name, preset.id, preset.name.upper()):
        assert name_problem(name) == f"“{name}” is the name of a preset; choose another name."


def test_compose_models_puts_presets_first_then_usable_saved_models() -> None:
    saved = [
        SavedModel("custom-b", "B", "three-pillar", {"outcomes": 80.0, "product": 10.0, "relationship": 10.0}),
        SavedModel("custom-gone", "Gone", "no-such-preset", {"x": 1.0}),
        SavedModel("custom-a", "A", "technical-csm", {"usage_rate": 100.0}),
    ]
    models = compose_models(saved)
    presets = list(preset_models())
    assert list(models) == [*presets, "custom-b", "custom-a"], "a model whose base is gone is left out"
    assert models["custom-b"].custom and models["custom-b"].name == "B"
    assert models["custom-b"].source == "custom, based on three-pillar"
    assert sum(g.weight for g in models["custom-b"].groups) == pytest.approx(100.0)
    assert list(usable(saved)) == ["custom-b", "custom-a"]


def test_compose_models_without_saved_models_is_the_presets() -> None:
    assert compose_models([]) == preset_models()


def test_the_store_returns_saved_model_records(db_path: Path) -> None:
    store = Store()
    try:
        store.save_custom_model("custom-z", "Zed", "technical-csm", {"usage_rate": 60.0}, saved_by="Ana")
        store.save_custom_model("custom-a", "Alpha", "three-pillar", {"outcomes": 100.0})
        assert store.custom_models() == [
            SavedModel("custom-a", "Alpha", "three-pillar", {"outcomes": 100.0}, None),
            SavedModel("custom-z", "Zed", "technical-csm", {"usage_rate": 60.0}, "Ana"),
        ]
    finally:
        store.close()
