"""Custom models: a preset with the user's own group weights, saved under a name.

A saved custom model is a record (``SavedModel``), not a ``Model``: it keeps
only the base preset's id and the weights, so a preset fixed in its TOML file
carries the fix into every custom model built on it.  ``compose_models`` turns
the records into models next to the presets.  The name rules live here, not in
the page, because a name becomes the model's id and both the scorecard and the
command line (``--model custom-….toml``) must agree on it.  Names may be in
any script; two different names never get one id (``model_id``), and saving
the same name again replaces that model (``save_target``).

Pure Python: ``scoring.db.Store`` saves and returns ``SavedModel`` records.
"""

from __future__ import annotations

import hashlib
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


def tidy_name(text: str) -> str:
    """A typed name as it is saved: whitespace tidied and accents composed (NFC), so "É" is one letter."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def name_key(name: str) -> str:
    """What makes two names the same name: equal once whitespace is tidied, composed (NFC) and lower-cased.

    Accents, punctuation and script all count, so "Énergie & Co", "Energie & Co"
    and "Energie + Co" are three names; only spacing and capitals are not.
    """
    return tidy_name(name).lower()


def slug(name: str) -> str:
    """'Énergie & Co' -> 'énergie-co': the name's letters and digits in any script, joined by hyphens."""
    return re.sub(r"[\W_]+", "-", name_key(name)).strip("-")


def model_id(name: str) -> str:
    """The id a custom model of this name is saved under; different names never share one.

    A name made only of letters, digits and single spaces maps to its slug,
    which it can be read back from.  Any other name (punctuation, hyphens)
    loses information in the slug, so a short digest of the whole name is
    appended: "Energie & Co" and "Energie + Co" get different ids.
    """
    key, readable = name_key(name), slug(name)
    if key == readable.replace("-", " "):
        return f"{ID_PREFIX}{readable}"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
    return f"{ID_PREFIX}{readable}-{digest}"


@dataclass(frozen=True)
class SaveTarget:
    """Where saving under a name lands: the id, the saved model it replaces, or another it would clash with."""

    id: str
    replaces: SavedModel | None = None
    clashes_with: SavedModel | None = None


def save_target(name: str, saved: Iterable[SavedModel]) -> SaveTarget:
    """Saving the same name again replaces that model (whatever id an older version gave it); never another's.

    A clash (another name already holding the id) cannot come from
    ``model_id`` short of a digest collision, but ids saved by older versions
    were plain ASCII slugs, so the page asks rather than overwrite.
    """
    models = list(saved)
    for m in models:
        if name_key(m.name) == name_key(name):
            return SaveTarget(m.id, replaces=m)
    wanted = model_id(name)
    other = next((m for m in models if m.id == wanted), None)
    return SaveTarget(wanted, clashes_with=other)


def name_problem(name: str) -> str | None:
    """What is wrong with a custom model's name (as ``tidy_name`` gives it), in words for the user; None when fine."""
    name = tidy_name(name)
    if not name:
        return "Give the custom model a name."
    if len(name) > NAME_MAX_CHARS:
        return f"Keep the name under {NAME_MAX_CHARS} characters."
    if not NAME_PATTERN.fullmatch(name):
        return "Use only letters, digits, spaces and - . , ' & ( ) / + in the name."
    if not slug(name):
        return "Use at least one letter or digit in the name."
    for preset in preset_models().values():
        if slug(name) in (preset.id, slug(preset.name)) or model_id(name) == preset.id:
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
