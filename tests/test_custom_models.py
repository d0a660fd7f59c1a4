"""Custom model names, the ids they are saved under, and how saved models join the presets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scoring.catalog import preset_models
from scoring.custom_models import (
    NAME_MAX_CHARS,
    SavedModel,
    SaveTarget,
    compose_models,
    model_id,
    name_key,
    name_problem,
    save_target,
    slug,
    usable,
)
from scoring.db import Store


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Enterprise renewals", "enterprise-renewals"),
        ("Énergie & Co", "énergie-co"),
        ("  A/B (test) + more  ", "a-b-test-more"),
        ("Ωmega", "ωmega"),
        ("日本語", "日本語"),
    ],
)
def test_slug_keeps_letters_and_digits_of_any_script(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_the_model_id_is_the_slug_with_a_custom_prefix() -> None:
    assert model_id("Enterprise renewals") == "custom-enterprise-renewals"
    assert model_id("enterprise  RENEWALS") == model_id("Enterprise renewals"), "same name, same id: a save replaces"
    assert model_id("Ωmega") == "custom-ωmega"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Énergie & Co", "Energie & Co"),
        ("Ωmega", "mega"),
        ("Energie & Co", "Energie + Co"),
        ("A-B", "A B"),
        ("A/B", "A-B"),
        ("日本語", "日本"),
    ],
)
def test_names_the_old_slug_merged_get_different_ids(first: str, second: str) -> None:
    assert model_id(first) != model_id(second)


def test_a_decomposed_accent_is_the_same_name_as_the_composed_one() -> None:
    assert model_id("E\u0301nergie") == model_id("Énergie")
    assert name_problem("E\u0301nergie & Co") is None


NAMES = st.text(
    alphabet=st.characters(categories=["Lu", "Ll", "Lo", "Nd"], include_characters=" -.,'&()/+"),
    max_size=NAME_MAX_CHARS,
)


@settings(max_examples=500, deadline=None)
@given(first=NAMES, second=NAMES)
def test_distinct_names_never_share_an_id(first: str, second: str) -> None:
    assume(name_key(first) != name_key(second))
    assert model_id(first) != model_id(second)


@settings(max_examples=200, deadline=None)
@given(name=NAMES)
def test_spacing_and_capitals_do_not_make_another_name(name: str) -> None:
    assert model_id(f"  {name.upper()}  ") == model_id(name.upper())
    assert model_id(" ".join(name.split())) == model_id(name)


def test_saving_a_name_again_replaces_that_model_whatever_its_stored_id() -> None:
    old = SavedModel("custom-energie-co", "Energie & Co", "technical-csm", {"usage_rate": 100.0})
    again = save_target("energie  &  co", [old])
    assert again == SaveTarget("custom-energie-co", replaces=old), "an older version's id is kept, not duplicated"


def test_a_name_whose_id_another_model_holds_is_a_clash_naming_it() -> None:
    holder = SavedModel(model_id("Énergie & Co"), "Something else", "technical-csm", {"usage_rate": 100.0})
    target = save_target("Énergie & Co", [holder])
    assert target.clashes_with == holder and target.replaces is None


def test_a_new_name_is_neither_replace_nor_clash() -> None:
    other = SavedModel("custom-energie-co", "Energie & Co", "technical-csm", {"usage_rate": 100.0})
    assert save_target("Énergie & Co", [other]) == SaveTarget(model_id("Énergie & Co"))


@pytest.mark.parametrize(
    "name",
    [
        "Enterprise renewals",
        "Q3 focus",
        "R&D (beta)",
        "Growth/expansion",
        "O'Brien's book",
        "Été 2025",
        "A" * 60,
        "日本語",
        "Ωmega",
        "Продление",
    ],
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
