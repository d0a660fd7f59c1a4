"""The column mapping as a small file: downloaded from the page, read by `python -m scoring portfolio --mapping`.

So the page and the CLI read the same exports the same way: what the CSM
fixed in the editor becomes a file a cron job can use.  The file is JSON,
keyed by file name and then by header, each header naming the field it feeds
(or null when it is ignored).  Reading it is bounded and strict: a file that
is too big, not JSON, or names a field the model does not have is refused
with one sentence naming the file and the entry, never half applied.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from scoring.model import Model
from scoring.portfolio.contract import FileMapping
from scoring.portfolio.ingest.fields import model_fields
from scoring.portfolio.ingest.mapping import IGNORE

FORMAT = "account-health-studio/column-mapping"
VERSION = 1
MAX_BYTES = 256 * 1024
MAX_HEADER = 500


class MappingFileError(Exception):
    """A mapping file that cannot be used; the message names the file and the entry."""


def mapping_document(model: Model, mappings: Sequence[FileMapping]) -> bytes:
    """Every file's mapping as the JSON the CLI reads back."""
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "model": model.id,
        "files": {m.file: dict(m.columns) for m in mappings},
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _refuse(name: str, what: str) -> MappingFileError:
    return MappingFileError(f"mapping file {name}: {what}")


def parse_mapping(name: str, data: bytes, model: Model) -> dict[str, str | None]:
    """The overrides (header -> field, None to ignore) a mapping file holds."""
    if len(data) > MAX_BYTES:
        raise _refuse(name, f"is larger than {MAX_BYTES // 1024} KB; a mapping is a few lines per column")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _refuse(name, "is not a JSON mapping; download it again from the portfolio page") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _refuse(name, f'field "format" should be "{FORMAT}"; download it again from the portfolio page')
    files = doc.get("files")
    if not isinstance(files, dict):
        raise _refuse(name, 'field "files" should hold each file\'s columns')
    fields = model_fields(model)
    overrides: dict[str, str | None] = {}
    for file_name, columns in files.items():
        if not isinstance(columns, dict):
            raise _refuse(name, f'field "files.{file_name}" should map each header to a field')
        for header, target in columns.items():
            where = f'"files.{file_name}.{header[:80]}"'
            if len(header) > MAX_HEADER:
                raise _refuse(name, f"{where} is longer than {MAX_HEADER} characters")
            if target is not None and not isinstance(target, str):
                raise _refuse(name, f"{where} should be a field id or null")
            field = None if target is None or target.strip().lower() in IGNORE else target.strip()
            if field is not None and field not in fields:
                raise _refuse(name, f"{where} names {field!r}, which is not a field of {model.name}")
            if header in overrides and overrides[header] != field:
                raise _refuse(name, f"{where} maps a header that another file maps to a different field")
            overrides[header] = field
    return overrides


def read_mapping_file(path: Path, model: Model) -> dict[str, str | None]:
    """``parse_mapping`` on a file on disk, refusing an oversized one before reading it."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise _refuse(path.name, f"is larger than {MAX_BYTES // 1024} KB; a mapping is a few lines per column")
        data = path.read_bytes()
    except OSError:
        raise _refuse(path.name, "could not be read; check the name and that it is a file") from None
    return parse_mapping(path.name, data, model)
