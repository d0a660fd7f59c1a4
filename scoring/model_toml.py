"""Models as TOML files, so a custom weighting can leave the app for the CLI.

The app's custom models live in a database only one process may open, so the
way out is a file in exactly the schema of ``scoring/catalog/models``.  The
writer is our own (the standard library reads TOML but cannot write it);
every value is written explicitly, so reading a file back gives the same model
without relying on the loader's defaults.

A file from outside is trusted less than the catalog: a signal's derivation
is SQL that the portfolio pipeline runs as written, so a model file may only
use derivations that a shipped preset already uses, and is read only up to
``MAX_MODEL_BYTES`` (a 950 KB file of 10k signals took 15 s and 3 GB before
the cap; the catalog then bounds signals, weights and ranges).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator
from pathlib import Path

from scoring.catalog import MAX_SIGNALS, CatalogError, parse_model, preset_models
from scoring.model import Model, Signal

MAX_MODEL_BYTES = 256 * 1024
HEADER = (
    "# A health model for Account Health Studio, in the schema of scoring/catalog/models.\n"
    "# Score exports with it: python -m scoring portfolio FILES --model this-file.toml\n"
)
# TOML's short escapes; any other non-printable character is written as \\uXXXX
# so that nothing invisible hides in a file someone may edit by hand.
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(text: str) -> str:
    """A TOML basic string that reads back as exactly ``text``."""
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif 0xD800 <= code <= 0xDFFF:
            # A lone surrogate is not a Unicode scalar value: TOML has no way to say it.
            raise ValueError(f"{text!r} holds a lone surrogate (U+{code:04X}), which TOML cannot store")
        elif not ch.isprintable():
            out.append(f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_number(value: float) -> str:
    """Whole numbers as integers (``30``, as a person writes them), others in Python's exact repr."""
    if not math.isfinite(value):
        raise ValueError(f"{value} cannot be part of a model")
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


def _inline_weights(model: Model) -> bool:
    """Whether every group is one signal of the same id and label, written as that signal's ``weight``.

    Mixing the two spellings would reorder the groups on reading (declared
    groups come first), so it is all or nothing.
    """
    return all(
        len(g.signals) == 1 and g.signals[0] == g.id and model.signal(g.id).label == g.label for g in model.groups
    )


def _signal_lines(signal: Signal, weight: float | None) -> Iterator[str]:
    yield "[[signals]]"
    yield f"id = {toml_string(signal.id)}"
    yield f"weight = {toml_number(weight)}" if weight is not None else f"group = {toml_string(signal.group)}"
    yield f"label = {toml_string(signal.label)}"
    yield f"help = {toml_string(signal.help)}"
    for key in ("min", "max", "step", "default"):
        yield f"{key} = {toml_number(getattr(signal, key))}"
    yield f"direction = {toml_string(signal.direction)}"
    yield f"transform = {toml_string(signal.transform)}"
    yield f"unit = {toml_string(signal.unit)}"
    if signal.thresholds is not None:
        t = signal.thresholds
        yield f"thresholds = {{ green = {toml_number(t.green)}, yellow = {toml_number(t.yellow)} }}"
    if signal.derive is not None:
        d = signal.derive
        yield "[signals.derive]"
        yield f"expr = {toml_string(d.expr)}"
        yield f"floor = {toml_number(d.floor)}"
        yield f"target = {toml_number(d.target)}"
    yield ""


def to_toml(model: Model) -> str:
    """The model as a TOML document that ``parse_model`` reads back unchanged.

    Whether a model is custom is not written: that is a fact about where the
    app keeps it, and ``source`` already records which preset it came from.
    """
    lines = [
        HEADER,
        f"id = {toml_string(model.id)}",
        f"name = {toml_string(model.name)}",
        f"source = {toml_string(model.source)}",
        f"description = {toml_string(model.description)}",
        f"min_coverage = {toml_number(model.bands.min_coverage)}",
        "",
        "[bands]",
        f"green = {toml_number(model.bands.green)}",
        f"yellow = {toml_number(model.bands.yellow)}",
        "",
    ]
    inline = _inline_weights(model)
    if not inline:
        for g in model.groups:
            lines += [
                "[[groups]]",
                f"id = {toml_string(g.id)}",
                f"label = {toml_string(g.label)}",
                f"weight = {toml_number(g.weight)}",
                "",
            ]
    weights = {g.id: g.weight for g in model.groups}
    for signal in model.signals:
        lines += _signal_lines(signal, weights[signal.group] if inline else None)
    for b in model.bonuses:
        lines += [
            "[[bonuses]]",
            f"id = {toml_string(b.id)}",
            f"label = {toml_string(b.label)}",
            f"help = {toml_string(b.help)}",
            f"points = {toml_number(b.points)}",
            "",
        ]
    return "\n".join(lines)


def _too_big() -> str:
    return (
        f"is larger than {MAX_MODEL_BYTES // 1024} KB; a model file holds at most {MAX_SIGNALS} signals "
        "and is a few KB, so this is not one"
    )


def load_model_text(text: str, source: str, custom: bool = False) -> Model:
    """Parse one model from TOML text; syntax and schema problems are CatalogErrors naming ``source``."""
    if len(text) > MAX_MODEL_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_MODEL_BYTES:
        raise CatalogError(source, "(file)", _too_big())
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(source, "(syntax)", str(exc)) from None
    return parse_model(data, source, custom)


def _check_derivations(model: Model, source: str) -> None:
    shipped = {s.derive.expr for m in preset_models().values() for s in m.signals if s.derive is not None}
    for i, signal in enumerate(model.signals):
        if signal.derive is not None and signal.derive.expr not in shipped:
            raise CatalogError(
                source,
                f"signals[{i}].derive.expr",
                "only the derivations of the shipped presets are accepted from a model file; "
                "remove [signals.derive] to read the signal from a column named after its id",
            )


def read_model_file(path: Path) -> Model:
    """A model from a TOML file given on the command line; errors name the path as it was typed."""
    source = str(path)
    if not path.is_file():
        raise CatalogError(source, "(file)", "no such file; give the path of a .toml model file")
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_MODEL_BYTES + 1)  # never more: the size on disk may lie (a growing or sparse file)
        if len(data) > MAX_MODEL_BYTES:
            raise CatalogError(source, "(file)", _too_big())
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(source, "(file)", f"cannot be read as UTF-8 text ({type(exc).__name__})") from None
    model = load_model_text(text, source)
    _check_derivations(model, source)
    return model
