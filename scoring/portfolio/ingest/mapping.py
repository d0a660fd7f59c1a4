"""Decide what each column of a file means, and remember the user's corrections.

A mapping is keyed by the *signature* of the header row (a hash of the
normalised headers), so next week's export from the same report maps itself.
Precedence, strongest first: the user's overrides, a remembered mapping, then
synonym detection.  Only mappings the user touched are saved: a detected one
would be detected again anyway, and saving it would freeze out better
synonyms added later.  Nor is a mapping saved whose columns fail the sanity
checks (``ingest.sanity``) on the sample rows: a wrong pick should be seen,
not remembered.  Each mapped column keeps why it was read so and how sure
that is (``FileMapping.reasons`` and ``confidence``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence

from scoring.db import DuckDBError, Store, StoreUnavailable
from scoring.model import Model
from scoring.portfolio.contract import Confidence, FileMapping, InputProblem, MappingReason
from scoring.portfolio.ingest import sanity
from scoring.portfolio.ingest.fields import Guess, guess_field, model_fields, normalise, synonym_index

LOG = logging.getLogger(__name__)

IGNORE = ("", "ignore", "none", "-")


def signature(headers: Sequence[str]) -> str:
    """A stable fingerprint of a header row: same report, same signature."""
    joined = "\x1f".join(normalise(h) for h in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:20]


SURE: dict[MappingReason, Confidence] = {
    "synonym": "high",
    "qualifier": "medium",
    "user": "high",
    "remembered": "high",
}


def detect(headers: Sequence[str], model: Model) -> dict[str, Guess | None]:
    """header -> the field its name suggests, before conflicts are settled."""
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
    sample: Sequence[Sequence[str | None]] = (),
) -> tuple[FileMapping, list[InputProblem]]:
    """The mapping for one file, plus warnings about columns that clash or whose ``sample`` values don't fit."""
    problems: list[InputProblem] = []
    valid = model_fields(model)
    sig = signature(headers)
    remembered = _remembered(store, sig)
    overrides = overrides or {}

    # Guess per header; rank -1 for the user's own choice so it always wins a clash.
    chosen: dict[str, Guess | None] = {}
    detected = detect(headers, model)
    for header in headers:
        if header in overrides:
            target = overrides[header]
            ignored = target is None or target.strip().lower() in IGNORE
            chosen[header] = None if ignored or target is None else Guess(target.strip(), -1, "user")
        elif remembered is not None and header in remembered:
            target = remembered[header]
            chosen[header] = Guess(target, 0, "remembered") if target else None
        else:
            chosen[header] = detected[header]

    for header, pick in list(chosen.items()):
        if pick is not None and pick.field not in valid:
            if pick.reason == "user":
                problems.append(
                    InputProblem(
                        file,
                        f"Column {header!r} was mapped to {pick.field!r}, which is not a field of {model.name}.",
                        "Map it to one of the listed fields, or leave it ignored.",
                        column=header,
                    )
                )
            chosen[header] = None

    best: dict[str, tuple[str, int]] = {}  # field -> (header, rank) of the column that feeds it
    for header, pick in chosen.items():
        if pick is None:
            continue
        current = best.get(pick.field)
        if current is None or pick.rank < current[1]:
            best[pick.field] = (header, pick.rank)
    columns: dict[str, str | None] = {}
    reasons: dict[str, MappingReason] = {}
    for header, pick in chosen.items():
        if pick is not None and best[pick.field][0] != header:
            winner = best[pick.field][0]
            problems.append(
                InputProblem(
                    file,
                    f"Columns {winner!r} and {header!r} both look like {valid[pick.field].label}; using {winner!r}.",
                    f"If {header!r} means something else, map it to the right field (or ignore it).",
                    column=header,
                )
            )
            columns[header] = None
        else:
            columns[header] = pick.field if pick else None
            if pick is not None:
                reasons[header] = pick.reason

    misfits = sanity.check(file, headers, sample, columns)
    problems.extend(misfits)
    touched = any(h in overrides for h in headers)
    if store is not None and touched and not misfits:
        try:
            # Store.save_mapping is hinted dict[str, str], but an ignored column's None is saved as JSON null.
            store.save_mapping(sig, columns)  # type: ignore[arg-type]  # see the line above
        except (DuckDBError, StoreUnavailable) as exc:
            LOG.warning("saving the mapping of %s failed: %s", file, exc)
            problems.append(
                InputProblem(
                    file,
                    "Your column choices apply to this load but could not be saved for next time.",
                    "Check that the app's data folder is writable (the server log says why), then change a "
                    "column again to save it.",
                )
            )
    confidence = {header: SURE[reason] for header, reason in reasons.items()}
    return (
        FileMapping(
            file=file,
            signature=sig,
            columns=columns,
            remembered=remembered is not None,
            reasons=reasons,
            confidence=confidence,
        ),
        problems,
    )
