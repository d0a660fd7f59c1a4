"""Custom models: a preset with the user's own group weights, saved under a name.

A saved custom model is a record (``SavedModel``), not a ``Model``: it keeps
only the base preset's id and the weights, so a preset fixed in its TOML file
carries the fix into every custom model built on it.  ``compose_models`` turns
the records into models next to the presets.  The name rules live here, not in
the page, because a name becomes the model's id and both the scorecard and the
command line (``--model custom-….toml``) must agree on it.

Pure Python: ``scoring.db.Store`` saves and returns ``SavedModel`` records.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scoring.catalog import preset_models, with_weights
from scoring.model import Model

ID_PREFIX = "custom-"
NAME_MAX_CHARS = 60
# Names end up in labels, toasts and captions, which Streamlit renders as
# Markdown: letters, digits and plain punctuation cannot form links, images,
# emphasis or colour directives.
NAME_PATTERN = re.compile(r"(?:[^\W_]|[ \-.,'&()/+])+")


@dataclass(frozen=True)
class SavedModel:
    """One saved custom model: the preset it reweights and the weights per group id."""

    id: str
    name: str
    base_model: str
    weights: Mapping[str, float]
    saved_by: str | None = None


def slug(name: str) -> str:
    """'Énergie & Co' -> 'energie-co': the stable part of a custom model's id."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def model_id(name: str) -> str:
    """The id a custom model of this name is saved under, so saving the same name again replaces it."""
    return f"{ID_PREFIX}{slug(name)}"


def name_problem(name: str) -> str | None:
    """What is wrong with a custom model's (whitespace-tidied) name, in words for the user; None when fine."""
    if not name:
        return "Give the custom model a name."
    if len(name) > NAME_MAX_CHARS:
        return f"Keep the name under {NAME_MAX_CHARS} characters."
    if not NAME_PATTERN.fullmatch(name):
        return "Use only letters, digits, spaces and - . , ' & ( ) / + in the name."
    if not slug(name):
        return "Use at least one letter or digit in the name."
    for preset in preset_models().values():
        if slug(name) in (preset.id, slug(preset.name)):
            return f"“{name}” is the name of a preset; choose another name."
    return None


def usable(saved: Iterable[SavedModel]) -> dict[str, SavedModel]:
    """Saved models by id, leaving out any whose base preset is gone (its file removed or renamed)."""
    presets = preset_models()
    return {m.id: m for m in saved if m.base_model in presets}


def compose_models(saved: Iterable[SavedModel]) -> dict[str, Model]:
    """Presets first, then the usable saved custom models, in the order given."""
    presets = preset_models()
    models = dict(presets)
    for m in usable(saved).values():
        models[m.id] = with_weights(presets[m.base_model], m.weights, m.id, m.name)
    return models
