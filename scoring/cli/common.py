"""What every `python -m scoring` command shares: the one-line usage error and `--model` resolution.

Imports only the domain (``scoring.catalog``, ``scoring.model_toml``); the
command modules import this, and ``scoring.cli.main`` imports the commands,
so the package has no import cycle.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import NoReturn

from scoring.catalog import DEFAULT_MODEL_ID, CatalogError, get_model, preset_models
from scoring.model import Model
from scoring.model_toml import read_model_file


class UsageError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse that reports mistakes as UsageError (one line, exit 2)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


MODEL_HELP = (
    f"a preset id (see `models`; default {DEFAULT_MODEL_ID}) or the path of a model file, e.g. path/to/model.toml"
)


def _is_file_argument(value: str) -> bool:
    """A .toml name or anything path-like is a file; a bare preset id wins over a stray file of that name."""
    if value.lower().endswith(".toml") or "/" in value or os.sep in value:
        return True
    return value not in preset_models() and Path(value).is_file()


def resolve_model(value: str) -> Model:
    """The model a --model value names: a preset id or a TOML model file."""
    if not _is_file_argument(value):
        try:
            return get_model(value)
        except KeyError as exc:
            raise UsageError(f"{exc.args[0]}, or give the path of a .toml model file") from None
    try:
        return read_model_file(Path(value))
    except CatalogError as exc:
        # One line whatever the file holds: a path or a TOML message may carry line breaks.
        raise UsageError(" ".join(f"--model {exc}".split())) from None
