"""Decide what each column of a file means, and remember the user's corrections.

A mapping is keyed by the *signature* of the header row (a hash of the
normalised headers), so next week's export from the same report maps itself.
Precedence, strongest first: the user's overrides, a remembered mapping, then
synonym detection.  Only mappings the user touched are saved: a detected one
would be detected again anyway, and saving it would freeze out better
synonyms added later.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from scoring.db import DuckDBError, Store, StoreUnavailable
from scoring.model import Model
from scoring.portfolio.contract import FileMapping, InputProblem
from scoring.portfolio.ingest.fields import guess_field, model_fields, normalise, synonym_index

IGNORE = ("", "ignore", "none", "-")


def signature(headers: Sequence[str]) -> str:
    """A stable fingerprint of a header row: same report, same signature."""
    joined = "\x1f".join(normalise(h) for h in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:20]


def detect(headers: Sequence[str], model: Model) -> dict[str, tuple[str, int] | None]:
    """header -> (field, rank) by synonyms, before conflicts are settled."""
    index = synonym_index(model)
    return {h: guess_field(h, index) for h in headers}


def _remembered(store: Store | None, sig: str) -> dict[str, str | None] | None:
    if store is None:
        return None
    try:
        found = store.mapping(sig)
    except (DuckDBError, StoreUnavailable):
        return None
    return None if found is None else {header: field for header, field in found.items()}


def resolve_mapping(
    file: str,
    headers: Sequence[str],
    model: Model,
    overrides: Mapping[str, str | None] | None = None,
    store: Store | None = None,
) -> tuple[FileMapping, list[InputProblem]]:
    """The mapping for one file, plus warnings about columns that clash."""
    problems: list[InputProblem] = []
    valid = model_fields(model)
    sig = signature(headers)
    remembered = _remembered(store, sig)
    overrides = overrides or {}

    # (field, rank): rank -1 for the user's own choice so it always wins a clash.
    chosen: dict[str, tuple[str, int] | None] = {}
    detected = detect(headers, model)
    for header in headers:
        if header in overrides:
            target = overrides[header]
            chosen[header] = None if target is None or target.strip().lower() in IGNORE else (target.strip(), -1)
        elif remembered is not None and header in remembered:
            target = remembered[header]
            chosen[header] = (target, 0) if target else None
        else:
            chosen[header] = detected[header]

    for header, pick in list(chosen.items()):
        if pick is not None and pick[0] not in valid:
            if pick[1] == -1:
                problems.append(
                    InputProblem(
                        file,
                        f"Column {header!r} was mapped to {pick[0]!r}, which is not a field of {model.name}.",
                        "Map it to one of the listed fields, or leave it ignored.",
                        column=header,
                    )
                )
            chosen[header] = None

    best: dict[str, tuple[str, int]] = {}  # field -> (header, rank) of the column that feeds it
    for header, pick in chosen.items():
        if pick is None:
            continue
        current = best.get(pick[0])
        if current is None or pick[1] < current[1]:
            best[pick[0]] = (header, pick[1])
    columns: dict[str, str | None] = {}
    for header, pick in chosen.items():
        if pick is not None and best[pick[0]][0] != header:
            winner = best[pick[0]][0]
            problems.append(
                InputProblem(
                    file,
                    f"Columns {winner!r} and {header!r} both look like {valid[pick[0]].label}; using {winner!r}.",
                    f"If {header!r} means something else, map it to the right field (or ignore it).",
                    column=header,
                )
            )
            columns[header] = None
        else:
            columns[header] = pick[0] if pick else None

    touched = any(h in overrides for h in headers)
    if store is not None and touched:
        try:
            # Store.save_mapping is hinted dict[str, str], but an ignored column's None is saved as JSON null.
            store.save_mapping(sig, columns)  # type: ignore[arg-type]  # see the line above
        except (DuckDBError, StoreUnavailable) as exc:
            problems.append(
                InputProblem(file, f"The column mapping could not be saved ({exc}).", "It still applies to this load.")
            )
    return FileMapping(file=file, signature=sig, columns=columns, remembered=remembered is not None), problems
